export const id = 542;
export const ids = [542];
export const modules = {

/***/ 5542:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  main: () => (/* binding */ main_main)
});

// UNUSED EXPORTS: readRawInputs

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 7 modules
var core = __webpack_require__(3838);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./src/github/context.ts

function readRunContext(env = process.env) {
    const eventPath = env.GITHUB_EVENT_PATH;
    const payload = eventPath && (0,external_node_fs_.existsSync)(eventPath) ? JSON.parse((0,external_node_fs_.readFileSync)(eventPath, 'utf8')) : {};
    return {
        eventName: env.GITHUB_EVENT_NAME ?? '',
        sha: env.GITHUB_SHA ?? '',
        ref: env.GITHUB_REF ?? '',
        repository: env.GITHUB_REPOSITORY ?? '',
        serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
        apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
        runId: env.GITHUB_RUN_ID ?? '0',
        runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
        workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
        payload
    };
}
/** The repository's web URL, for the `org.opencontainers.image.source` label. */
function repositoryUrl(context) {
    return context.payload.repository?.html_url ?? `${context.serverUrl}/${context.repository}`;
}
/** The default branch from the event payload, when the event carries one. */
function defaultBranch(context) {
    return context.payload.repository?.default_branch;
}
/** The branch being built: the pushed branch, or a pull request's head branch; undefined for tags. */
function currentBranch(context) {
    const head = context.payload.pull_request?.head?.ref;
    if (typeof head === 'string' && head)
        return head;
    return context.ref.startsWith('refs/heads/') ? context.ref.slice('refs/heads/'.length) : undefined;
}

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./node_modules/dockerfile-ast/lib/main.js
var main = __webpack_require__(8390);
;// CONCATENATED MODULE: ./src/config/dockerfile.ts


function parseDockerfile(content) {
    return main.DockerfileParser.parse(content);
}
function readDockerfile(path) {
    return parseDockerfile((0,external_node_fs_.readFileSync)(path, 'utf8'));
}
function stagesOf(dockerfile) {
    return dockerfile.getFROMs().map((from, index) => ({
        name: from.getBuildStage() ?? String(index),
        index,
        line: from.getRange().start.line + 1,
        from: from.getImage() ?? ''
    }));
}

;// CONCATENATED MODULE: ./src/config/values.ts

function values_text(raw, name) {
    return (raw[name] ?? '').trim();
}
function bool(raw, name, fallback) {
    const value = values_text(raw, name).toLowerCase();
    if (value === '')
        return fallback;
    if (value === 'true')
        return true;
    if (value === 'false')
        return false;
    throw new errors/* ConfigurationError */.j1(`Input '${name}' is '${raw[name]}': expected 'true' or 'false'.`);
}
/** One of `allowed`, matched case-insensitively; `fallback` when empty. */
function oneOf(raw, name, allowed, fallback) {
    const value = values_text(raw, name);
    if (value === '')
        return fallback;
    const found = allowed.find((option) => option.toLowerCase() === value.toLowerCase());
    if (!found) {
        throw new errors/* ConfigurationError */.j1(`Input '${name}' is '${value}': expected one of ${allowed.map((a) => `'${a}'`).join(', ')}.`);
    }
    return found;
}

// EXTERNAL MODULE: ./node_modules/csv-parse/lib/sync.js + 9 modules
var sync = __webpack_require__(5175);
;// CONCATENATED MODULE: ./src/config/list.ts

/**
 * A list input the way docker's actions read them: one item per line, and on each line
 * comma-separated items unless `perLine`; quotes protect commas and `#` starts a comment line.
 */
function parseList(text, { perLine = false } = {}) {
    if (text.trim() === '')
        return [];
    const records = (0,sync/* parse */.qg)(text, {
        columns: false,
        relaxQuotes: true,
        relaxColumnCount: true,
        comment: '#',
        comment_no_infix: true,
        skipEmptyLines: true,
        trim: true
    });
    const items = records.flatMap((record) => (perLine ? [record.join(',')] : record));
    return items.map((item) => item.trim()).filter((item) => item.length > 0);
}
/** Splits `key=value` at the first `=`; undefined when there is no key. */
function splitKeyValue(item) {
    const at = item.indexOf('=');
    if (at <= 0)
        return undefined;
    return [item.slice(0, at).trim(), item.slice(at + 1)];
}

;// CONCATENATED MODULE: ./src/config/inputs.ts






const repositoryPattern = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const regionPattern = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const accountIdPattern = /^\d{12}$/;
const labelKeyPattern = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
const buildArgNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const secretIdPattern = /^[A-Za-z0-9_.-]+$/;
function lines(value) {
    return (value ?? '').split(/\r?\n/).filter((line) => line.trim() !== '');
}
function keyValues(raw, name, keyPattern, what) {
    const items = parseList(raw[name] ?? '', { perLine: true });
    for (const item of items) {
        const pair = splitKeyValue(item);
        if (!pair || !keyPattern.test(pair[0])) {
            throw new errors/* ConfigurationError */.j1(`Input '${name}' has the line '${name === 'secrets' ? (pair?.[0] ?? '***') + '=***' : item}': expected ${what}, one per line.`);
        }
    }
    return items;
}
/** Only a push talks to ECR, so only a push needs a region. */
function region(raw, env, push) {
    const value = values_text(raw, 'aws-region') || env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
    if (value === '' && !push)
        return '';
    if (value === '') {
        throw new errors/* ConfigurationError */.j1(`Input 'aws-region' is empty and neither AWS_REGION nor AWS_DEFAULT_REGION is set: set 'aws-region' (e.g. us-east-1) or run aws-actions/configure-aws-credentials first.`);
    }
    if (!regionPattern.test(value)) {
        throw new errors/* ConfigurationError */.j1(`Input 'aws-region' is '${value}': expected an AWS region such as 'us-east-1'.`);
    }
    return value;
}
function checkRepository(name, repository) {
    if (repository.length < 2 || repository.length > 256 || !repositoryPattern.test(repository)) {
        throw new errors/* ConfigurationError */.j1(`Input '${name}' ${name === 'repository' ? 'is' : 'has the repository'} '${repository}': expected an ECR repository name of 2 to 256 characters, lowercase letters, digits and '._-/' separators (e.g. 'shop/web').`);
    }
}
/** `targets` lines (`stage=repository`), or the one-image form from `target` and `repository`. */
function targetSpecs(raw) {
    const lines = parseList(raw.targets ?? '', { perLine: true });
    if (lines.length === 0) {
        const repository = values_text(raw, 'repository');
        checkRepository('repository', repository);
        return [{ stage: values_text(raw, 'target'), repository }];
    }
    if (values_text(raw, 'repository') || values_text(raw, 'target')) {
        throw new errors/* ConfigurationError */.j1(`Input 'targets' is set together with 'repository' or 'target': use 'targets' (one 'stage=repository' line per image) or 'target' and 'repository' (one image), not both.`);
    }
    const specs = lines.map((line) => {
        const pair = splitKeyValue(line);
        if (!pair || pair[1].trim() === '') {
            throw new errors/* ConfigurationError */.j1(`Input 'targets' has the line '${line}': expected 'stage=repository', e.g. 'production=shop/web'.`);
        }
        const spec = { stage: pair[0], repository: pair[1].trim() };
        checkRepository('targets', spec.repository);
        return spec;
    });
    const repeated = specs.find((spec, index) => specs.some((other, otherIndex) => otherIndex < index && other.repository === spec.repository));
    if (repeated) {
        throw new errors/* ConfigurationError */.j1(`Input 'targets' sends two stages to '${repeated.repository}': each target needs its own repository, or their tags would overwrite each other.`);
    }
    return specs;
}
/** Parses and validates every input; throws ConfigurationError on the first mistake, before any slow work. */
function parseInputs(raw, env = process.env) {
    const targets = targetSpecs(raw);
    const repository = targets[0].repository;
    const registryIds = parseList(raw['registry-ids'] ?? '');
    const badId = registryIds.find((id) => !accountIdPattern.test(id));
    if (badId !== undefined) {
        throw new errors/* ConfigurationError */.j1(`Input 'registry-ids' has '${badId}': expected 12-digit AWS account ids.`);
    }
    const context = values_text(raw, 'context') || '.';
    const platforms = parseList(raw.platforms ?? '');
    const badPlatform = platforms.find((platform) => !/^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/.test(platform));
    if (badPlatform !== undefined) {
        throw new errors/* ConfigurationError */.j1(`Input 'platforms' has '${badPlatform}': expected platforms such as 'linux/amd64,linux/arm64'.`);
    }
    const push = bool(raw, 'push', true);
    return {
        repository,
        targets,
        gate: oneOf(raw, 'gate', ['atomic', 'per-target'], 'atomic'),
        'aws-region': region(raw, env, push),
        'registry-ids': registryIds,
        'create-repository': bool(raw, 'create-repository', false),
        'image-tag-mutability': oneOf(raw, 'image-tag-mutability', ['MUTABLE', 'IMMUTABLE'], 'MUTABLE'),
        context,
        file: values_text(raw, 'file') || external_node_path_.join(context, 'Dockerfile'),
        target: targets[0].stage,
        'build-args': keyValues(raw, 'build-args', buildArgNamePattern, 'NAME=value'),
        secrets: keyValues(raw, 'secrets', secretIdPattern, 'id=value'),
        'secret-files': keyValues(raw, 'secret-files', secretIdPattern, 'id=path'),
        labels: keyValues(raw, 'labels', labelKeyPattern, 'key=value'),
        platforms,
        push,
        load: bool(raw, 'load', false),
        'no-cache': bool(raw, 'no-cache', false),
        pull: bool(raw, 'pull', false),
        provenance: values_text(raw, 'provenance'),
        sbom: values_text(raw, 'sbom'),
        driver: oneOf(raw, 'driver', ['docker-container', 'docker'], 'docker-container'),
        builder: values_text(raw, 'builder'),
        // Rule lines keep their quotes: parseTagRules reads quoted fields (e.g. a `match=` regex with commas).
        tags: lines(raw.tags),
        flavor: lines(raw.flavor),
        'sha-source': oneOf(raw, 'sha-source', ['head', 'merge'], 'head'),
        'dry-run': bool(raw, 'dry-run', false),
        scan: bool(raw, 'scan', true),
        'github-token': values_text(raw, 'github-token')
    };
}
/** Checks the Dockerfile and the target against it; the error lists the stages a user can pick. */
function inspectDockerfile(inputs, workspace) {
    const file = external_node_path_.resolve(workspace, inputs.file);
    if (!(0,external_node_fs_.existsSync)(file) || !(0,external_node_fs_.statSync)(file).isFile()) {
        throw new errors/* ConfigurationError */.j1(`Input 'file' is '${inputs.file}': no Dockerfile at ${file}. Set 'file' to the Dockerfile's path (default '<context>/Dockerfile').`);
    }
    const context = external_node_path_.resolve(workspace, inputs.context);
    if (!(0,external_node_fs_.existsSync)(context) || !(0,external_node_fs_.statSync)(context).isDirectory()) {
        throw new errors/* ConfigurationError */.j1(`Input 'context' is '${inputs.context}': no directory at ${context}.`);
    }
    const stages = stagesOf(readDockerfile(file));
    if (stages.length === 0) {
        throw new errors/* ConfigurationError */.j1(`Input 'file' is '${inputs.file}': the Dockerfile has no FROM instruction.`);
    }
    const input = inputs.targets.length > 1 ? 'targets' : 'target';
    const built = inputs.targets.map((spec) => {
        const stage = spec.stage
            ? stages.find((candidate) => candidate.name === spec.stage)
            : stages[stages.length - 1];
        if (!stage) {
            const named = stages
                .filter((candidate) => candidate.name !== String(candidate.index))
                .map((s) => s.name);
            throw new errors/* ConfigurationError */.j1(`Input '${input}' ${input === 'target' ? 'is' : 'has the stage'} '${spec.stage}': ${inputs.file} has no stage of that name. Stages: ${named.join(', ') || '(none named; add AS <name> to a FROM)'}.`);
        }
        return stage;
    });
    return { path: file, stages, built };
}

// EXTERNAL MODULE: ./src/run/exec.ts + 1 modules
var exec = __webpack_require__(1595);
;// CONCATENATED MODULE: ./src/build/progress.ts
const stepPattern = /^\[(?:[^\]]+ )?\d+\/\d+\]\s+(\S+)/;
function seconds(from, to) {
    return Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
}
/** Time covered by a vertex's runs: a restart adds up, while overlapping reports of one run count once. */
function coveredSeconds(runs) {
    const spans = [...runs].map(([from, to]) => [Date.parse(from), Date.parse(to)]).sort((a, b) => a[0] - b[0]);
    let total = 0;
    let end = -Infinity;
    for (const [from, to] of spans) {
        if (to <= end)
            continue;
        total += to - Math.max(from, end);
        end = to;
    }
    return total / 1000;
}
function overlapsRun(runs, started, completed) {
    return [...runs].some(([from, to]) => Date.parse(started) < Date.parse(to) && Date.parse(from) < Date.parse(completed));
}
/** Sizes the way docker prints them (decimal units, four significant digits). */
function humanSize(bytes) {
    const units = ['B', 'kB', 'MB', 'GB', 'TB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
        value /= 1000;
        unit += 1;
    }
    return `${Number(value.toPrecision(4))}${units[unit]}`;
}
function decode(base64) {
    return base64 ? Buffer.from(base64, 'base64').toString('utf8') : '';
}
/**
 * Reads `docker buildx build --progress=rawjson` standard error as it arrives: writes `--progress=plain`
 * style lines for the log, and counts the build steps and how many came from cache.
 * Lines that aren't JSON (buildx's own errors and warnings) pass through unchanged.
 */
class BuildProgress {
    vertices = new Map();
    current;
    shown = 0;
    text = '';
    object = '';
    depth = 0;
    inString = false;
    escaped = false;
    /** Feeds a chunk of standard error; returns the log lines it completes. */
    write(chunk) {
        const lines = [];
        for (const char of chunk) {
            if (this.depth > 0) {
                this.object += char;
                this.scan(char, lines);
            }
            else if (char === '{' && this.text.trim() === '') {
                this.text = '';
                this.object = '{';
                this.depth = 1;
            }
            else if (char === '\n') {
                if (this.text.trim() !== '')
                    lines.push(this.text.trimEnd());
                this.text = '';
            }
            else {
                this.text += char;
            }
        }
        return lines;
    }
    /** Feeds one line without its newline, as line-splitting stream listeners deliver them. */
    line(text) {
        return this.write(`${text}\n`);
    }
    /** Flushes what is left at the end of the stream. */
    end() {
        const rest = [this.text, this.object].map((part) => part.trimEnd()).filter((part) => part !== '');
        this.text = '';
        this.object = '';
        this.depth = 0;
        return rest.flatMap((part) => part.split('\n'));
    }
    stats(slowestCount = 5) {
        const steps = [...this.vertices.values()].filter((vertex) => {
            const instruction = stepPattern.exec(vertex.name)?.[1];
            return instruction !== undefined && instruction.toUpperCase() !== 'FROM' && vertex.runs.size > 0;
        });
        const slowest = steps
            .filter((step) => !step.cached)
            .map((step) => ({
            name: step.name,
            seconds: Math.round(coveredSeconds(step.runs) * 1000) / 1000
        }))
            .sort((a, b) => b.seconds - a.seconds)
            .slice(0, slowestCount);
        return { steps: steps.length, cached: steps.filter((step) => step.cached).length, slowest };
    }
    scan(char, lines) {
        if (this.inString) {
            if (this.escaped)
                this.escaped = false;
            else if (char === '\\')
                this.escaped = true;
            else if (char === '"')
                this.inString = false;
            return;
        }
        if (char === '"')
            this.inString = true;
        else if (char === '{')
            this.depth += 1;
        else if (char === '}' && --this.depth === 0) {
            const text = this.object;
            this.object = '';
            let status;
            try {
                status = JSON.parse(text);
            }
            catch {
                lines.push(...text.split('\n'));
                return;
            }
            lines.push(...this.apply(status));
        }
    }
    apply(status) {
        const lines = [];
        // BuildKit may send a vertex twice in one update (done, then restarted): only the last state counts.
        const latest = new Map((status.vertexes ?? []).map((vertex) => [vertex.digest, vertex]));
        for (const vertex of latest.values())
            lines.push(...this.applyVertex(vertex));
        for (const update of status.statuses ?? []) {
            const vertex = this.vertices.get(update.vertex);
            if (!vertex || !update.completed || vertex.reported.has(`status ${update.id}`))
                continue;
            vertex.reported.add(`status ${update.id}`);
            const size = update.total
                ? ` ${humanSize(update.current ?? 0)} / ${humanSize(update.total)}`
                : update.current
                    ? ` ${humanSize(update.current)}`
                    : '';
            lines.push(...this.say(update.vertex, `${update.id}${size} done`));
        }
        for (const log of status.logs ?? []) {
            const vertex = this.vertices.get(log.vertex);
            const at = vertex?.started && log.timestamp ? `${seconds(vertex.started, log.timestamp).toFixed(3)} ` : '';
            const text = decode(log.data).replace(/\r?\n$/, '');
            for (const line of text.split(/\r?\n/))
                lines.push(...this.say(log.vertex, `${at}${line}`));
        }
        for (const warning of status.warnings ?? [])
            lines.push(`WARNING: ${decode(warning.short)}`);
        return lines;
    }
    applyVertex(update) {
        let vertex = this.vertices.get(update.digest);
        if (!vertex) {
            vertex = {
                name: update.name ?? update.digest,
                cached: false,
                runs: new Map(),
                reported: new Set()
            };
            this.vertices.set(update.digest, vertex);
        }
        if (update.started)
            vertex.started = update.started;
        if (!update.started && !update.cached && !update.completed)
            return [];
        const lines = vertex.number === undefined ? this.say(update.digest, undefined) : [];
        if (!update.completed || vertex.reported.has(`completed ${update.completed}`))
            return lines;
        vertex.reported.add(`completed ${update.completed}`);
        vertex.cached = Boolean(update.cached);
        vertex.error = update.error;
        // In a bake, every build that shares a stage reports the one run of its steps: say it once.
        const alreadyShown = Boolean(update.started) && overlapsRun(vertex.runs, update.started, update.completed);
        if (update.started)
            vertex.runs.set(update.started, update.completed);
        if (alreadyShown && !update.error)
            return lines;
        const outcome = update.error
            ? `ERROR: ${update.error}`
            : update.cached
                ? 'CACHED'
                : `DONE ${update.started ? seconds(update.started, update.completed).toFixed(1) : '0.0'}s`;
        return [...lines, ...this.say(update.digest, outcome)];
    }
    /** A line for a vertex, preceded by its `#N name` header whenever the log switches to it. */
    say(digest, text) {
        const vertex = this.vertices.get(digest);
        if (!vertex)
            return text === undefined ? [] : [text];
        const lines = [];
        if (vertex.number === undefined)
            vertex.number = ++this.shown;
        if (this.current !== digest) {
            lines.push(`#${vertex.number} ${vertex.name}`);
            this.current = digest;
        }
        if (text !== undefined)
            lines.push(`#${vertex.number} ${text}`);
        return lines;
    }
}
/** Parses a whole captured stream: the log lines and the stats. */
function parseBuildProgress(text) {
    const progress = new BuildProgress();
    const lines = [...progress.write(text), ...progress.end()];
    return { lines, stats: progress.stats() };
}
/** "3 of 5 build steps from cache" */
function cacheReportLine(stats) {
    return `${stats.cached} of ${stats.steps} build ${stats.steps === 1 ? 'step' : 'steps'} from cache`;
}
function escapeHtml(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '&#124;');
}
const summaryNameLength = 100;
/** The slowest uncached steps as a markdown table; '' when every step came from cache. */
function slowestStepsMarkdown(stats) {
    if (stats.slowest.length === 0)
        return '';
    const rows = stats.slowest.map((step) => {
        const name = step.name.length > summaryNameLength ? `${step.name.slice(0, summaryNameLength - 1)}…` : step.name;
        return `| <code>${escapeHtml(name)}</code> | ${step.seconds.toFixed(1)}s |`;
    });
    return ['Slowest uncached steps:', '', '| Step | Time |', '| --- | ---: |', ...rows, ''].join('\n');
}
/** The job summary's cache part: the report line and a table of the slowest uncached steps. */
function cacheSummaryMarkdown(stats) {
    const report = `**${cacheReportLine(stats)}**`;
    const slowest = slowestStepsMarkdown(stats);
    return slowest ? `${report}\n\n${slowest}` : `${report}\n`;
}

;// CONCATENATED MODULE: ./src/build/build.ts





const secretEnvPrefix = 'ECR_BUILD_PUSH_SECRET_';
function outputArgs(request) {
    switch (request.output) {
        case 'push':
            return request.alsoLoad ? ['--push', '--load'] : ['--push'];
        case 'load':
            return ['--load'];
        case 'push-by-digest':
            return [
                '--output',
                `type=image,name=${request.image},push-by-digest=true,name-canonical=true,push=true`
            ];
        case 'none':
            return [];
    }
}
/**
 * Where the build puts the image. Without a scan it goes straight to its tags. With one, it goes where the
 * gate can read it and nobody can pull it by a tag: the daemon (docker driver, or no push), or the
 * registry by digest alone (docker-container).
 */
function buildOutput(inputs) {
    if (!inputs.scan)
        return inputs.push ? 'push' : inputs.load ? 'load' : 'none';
    return inputs.driver === 'docker' || !inputs.push ? 'load' : 'push-by-digest';
}
/** `--secret` specs for buildx: values by env var name (set on the command), files by path. */
function secretSpecs(request) {
    const env = {};
    const fromValues = request.secrets.map((line, index) => {
        const [id, value] = splitKeyValue(line) ?? ['', ''];
        env[`${secretEnvPrefix}${index}`] = value;
        return `id=${id},env=${secretEnvPrefix}${index}`;
    });
    const fromFiles = request.secretFiles.map((line) => {
        const [id, file] = splitKeyValue(line) ?? ['', ''];
        return `id=${id},src=${file}`;
    });
    return { specs: [...fromValues, ...fromFiles], env };
}
/** The one `docker buildx build` that builds the target with every tag, label and cache flag. */
function planBuild(request) {
    const { specs, env } = secretSpecs(request);
    const taggable = request.output === 'push' || request.output === 'load';
    const args = [
        'buildx',
        'build',
        '--builder',
        request.builder,
        '--file',
        request.file,
        ...(request.target ? ['--target', request.target] : []),
        ...(request.platforms.length > 0 ? ['--platform', request.platforms.join(',')] : []),
        ...request.buildArgs.flatMap((arg) => ['--build-arg', arg]),
        ...specs.flatMap((spec) => ['--secret', spec]),
        ...Object.entries(request.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
        ...request.annotations.flatMap((annotation) => ['--annotation', annotation]),
        ...(taggable ? request.tags.flatMap((tag) => ['--tag', tag]) : []),
        ...request.cacheArgs,
        ...(request.noCache ? ['--no-cache'] : []),
        ...(request.pull ? ['--pull'] : []),
        ...(request.provenance ? [`--provenance=${request.provenance}`] : []),
        ...(request.sbom ? [`--sbom=${request.sbom}`] : []),
        ...outputArgs(request),
        '--metadata-file',
        request.metadataFile,
        '--iidfile',
        request.iidFile,
        '--progress',
        'rawjson',
        request.context
    ];
    return Object.keys(env).length > 0 ? { tool: 'docker', args, env } : { tool: 'docker', args };
}
/** Reads what buildx wrote: the manifest digest from the metadata file and the image id. */
async function readBuildResult(request) {
    const metadata = JSON.parse(await (0,promises_.readFile)(request.metadataFile, 'utf8'));
    const imageId = (await (0,promises_.readFile)(request.iidFile, 'utf8')).trim();
    const digest = typeof metadata['containerimage.digest'] === 'string' ? metadata['containerimage.digest'] : '';
    return { digest, imageId, metadata };
}
const errorTailLines = 25;
/** Runs a build or bake, turning buildx's rawjson progress into plain log lines and cache statistics. */
async function runWithProgress(runner, command) {
    const progress = new BuildProgress();
    const recent = [];
    const show = (lines) => {
        for (const line of lines)
            core.info(line);
        recent.push(...lines);
        recent.splice(0, Math.max(0, recent.length - errorTailLines));
    };
    try {
        await runner.run(command, { onStderrLine: (line) => show(progress.line(line)) });
    }
    catch (error) {
        show(progress.end());
        // The raw stderr is JSON; the readable lines say what failed.
        if (error instanceof errors/* CommandError */.Qd)
            throw new errors/* CommandError */.Qd(error.display, error.exitCode, recent.join('\n'));
        throw error;
    }
    show(progress.end());
    return progress.stats();
}
async function runBuild(runner, request) {
    const stats = await runWithProgress(runner, planBuild(request));
    return { ...(await readBuildResult(request)), stats };
}

;// CONCATENATED MODULE: ./src/build/bake.ts



/** `--cache-from a --cache-to b` flags back into bake's per-target lists. */
function cacheLists(args) {
    const from = [];
    const to = [];
    for (let index = 0; index < args.length; index += 2) {
        if (args[index] === '--cache-from')
            from.push(args[index + 1]);
        if (args[index] === '--cache-to')
            to.push(args[index + 1]);
    }
    return { from, to };
}
function output(request) {
    switch (request.output) {
        case 'push':
            return request.alsoLoad ? ['type=image,push=true', 'type=docker'] : ['type=image,push=true'];
        case 'load':
            return ['type=docker'];
        case 'push-by-digest':
            return [`type=image,name=${request.image},push-by-digest=true,name-canonical=true,push=true`];
        case 'none':
            return ['type=cacheonly'];
    }
}
/** Bake target names allow `[A-Za-z0-9_-]`; stage names may also hold dots. */
function bakeTargetName(stage, index, taken) {
    const base = stage.replace(/[^A-Za-z0-9_-]/g, '_') || `target_${index}`;
    return taken.has(base) ? `${base}_${index}` : base;
}
/**
 * Several targets of one Dockerfile as one `docker buildx bake`: BuildKit solves them together, so a stage
 * they share is built once. Secrets keep travelling in the command's env, never in the file or argv.
 */
function planBake(requests, files) {
    // Every target of one step takes the same secrets.
    const { specs: secret, env } = secretSpecs(requests[0] ?? { secrets: [], secretFiles: [] });
    const taken = new Set();
    const names = requests.map((request, index) => {
        const name = bakeTargetName(request.target, index, taken);
        taken.add(name);
        return name;
    });
    const target = {};
    requests.forEach((request, index) => {
        const cache = cacheLists(request.cacheArgs);
        const taggable = request.output === 'push' || request.output === 'load';
        target[names[index]] = {
            context: request.context,
            dockerfile: request.file,
            target: request.target,
            tags: taggable ? request.tags : [],
            labels: request.labels,
            annotations: request.annotations,
            args: Object.fromEntries(request.buildArgs.map((arg) => splitKeyValue(arg) ?? [arg, ''])),
            secret,
            platforms: request.platforms,
            'cache-from': cache.from,
            'cache-to': cache.to,
            output: output(request),
            'no-cache': request.noCache,
            pull: request.pull
        };
    });
    const args = [
        'buildx',
        'bake',
        '--builder',
        files.builder,
        '--file',
        files.definitionFile,
        ...(files.provenance ? [`--provenance=${files.provenance}`] : []),
        ...(files.sbom ? [`--sbom=${files.sbom}`] : []),
        '--metadata-file',
        files.metadataFile,
        '--progress',
        'rawjson'
    ];
    return {
        definition: { group: { default: { targets: names } }, target },
        names,
        command: Object.keys(env).length > 0 ? { tool: 'docker', args, env } : { tool: 'docker', args }
    };
}
/** Runs the bake and reads each target's result from the metadata file. */
async function runBake(runner, plan, files) {
    await (0,promises_.writeFile)(files.definitionFile, JSON.stringify(plan.definition, null, 2));
    const stats = await runWithProgress(runner, plan.command);
    const metadata = JSON.parse(await (0,promises_.readFile)(files.metadataFile, 'utf8'));
    return plan.names.map((name) => {
        const result = metadata[name] ?? {};
        const digest = typeof result['containerimage.digest'] === 'string' ? result['containerimage.digest'] : '';
        const imageId = typeof result['containerimage.config.digest'] === 'string'
            ? result['containerimage.config.digest']
            : digest;
        return { digest, imageId, metadata: result, stats };
    });
}

// EXTERNAL MODULE: ./src/build/buildx.ts
var build_buildx = __webpack_require__(2942);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./node_modules/semver/index.js
var semver = __webpack_require__(2088);
var semver_default = /*#__PURE__*/__webpack_require__.n(semver);
;// CONCATENATED MODULE: ./src/cache/cache.ts








const cacheBackends = ['gha', 'registry', 'inline', 'local'];
const ecrRepositoryPattern = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** Attributes that carry credentials: buildx reads them from the environment, and argv is printed. */
const credentialAttributes = ['token', 'ghtoken', 'secret_access_key', 'session_token'];
/** Cache exporters for which buildx accepts `ignore-error`. */
const ignorableExporters = ['registry', 'gha', 'local', 's3', 'azblob'];
function rawSpecs(raw, name) {
    const specs = parseList(raw[name] ?? '', { perLine: true });
    for (const spec of specs) {
        const credential = attributesOf(spec).find(([key]) => credentialAttributes.includes(key));
        if (credential) {
            throw new errors/* ConfigurationError */.j1(`Input '${name}' has a '${credential[0]}=' attribute: credentials must not be in build arguments, which are printed. Leave it out: buildx reads ACTIONS_RUNTIME_TOKEN and AWS credentials from the environment.`);
        }
    }
    return specs;
}
/** Parses the cache inputs; throws ConfigurationError naming the input on the first mistake. */
function parseCacheInputs(raw) {
    const names = [...new Set(parseList(raw.cache ?? '').map((name) => name.toLowerCase()))];
    const unknown = names.find((name) => name !== 'none' && !cacheBackends.includes(name));
    if (unknown !== undefined) {
        throw new errors/* ConfigurationError */.j1(`Input 'cache' has '${unknown}': expected a comma list of gha, registry, inline, local, none.`);
    }
    if (names.includes('none') && names.length > 1) {
        throw new errors/* ConfigurationError */.j1(`Input 'cache' is '${raw.cache?.trim()}': 'none' cannot be combined with other backends.`);
    }
    const mode = (raw['cache-mode'] ?? '').trim().toLowerCase() || 'max';
    if (mode !== 'max' && mode !== 'min') {
        throw new errors/* ConfigurationError */.j1(`Input 'cache-mode' is '${raw['cache-mode']}': expected 'max' or 'min'.`);
    }
    const ref = (raw['cache-ref'] ?? '').trim();
    if (ref !== '' && (/[\s,]/.test(ref) || (!isFullReference(ref) && !tagPattern.test(ref)))) {
        throw new errors/* ConfigurationError */.j1(`Input 'cache-ref' is '${ref}': expected a tag (e.g. 'buildcache-web') or a full reference (e.g. '123456789012.dkr.ecr.us-east-1.amazonaws.com/cache:web'), without spaces or commas.`);
    }
    const repository = (raw['cache-repository'] ?? '').trim();
    if (repository !== '' && !ecrRepositoryPattern.test(repository)) {
        throw new errors/* ConfigurationError */.j1(`Input 'cache-repository' is '${repository}': expected an ECR repository name with mutable tags, lowercase letters, digits and '._-/' separators (e.g. 'shop/web-cache').`);
    }
    return {
        cache: names.includes('none') ? 'none' : names,
        'cache-from': rawSpecs(raw, 'cache-from'),
        'cache-to': rawSpecs(raw, 'cache-to'),
        'cache-mode': mode,
        'cache-ref': ref,
        'cache-repository': repository
    };
}
function isFullReference(ref) {
    return ref.includes('/') || ref.includes(':');
}
function attributesOf(spec) {
    return spec
        .split(',')
        .map((item) => splitKeyValue(item.trim()))
        .filter((pair) => pair !== undefined)
        .map(([key, value]) => [key.toLowerCase(), value]);
}
/** The exporter type of a raw spec; a bare reference means `registry`, as in buildx. */
function typeOf(spec) {
    const type = attributesOf(spec).find(([key]) => key === 'type')?.[1];
    return type ?? (spec.includes('=') ? '' : 'registry');
}
/** Characters safe in a tag, a gha scope and a cache key. */
function sanitize(part) {
    return part.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[-.]+|-+$/g, '');
}
function platformSuffix(platforms) {
    return [...platforms].sort().map(sanitize).join('_');
}
/** `<repository>-<target>[-<platforms>]`: one cache per image, stage and platform set, shared by gha and local. */
function cacheScope(facts) {
    const parts = [facts.repository, facts.target || 'default'];
    if (facts.platforms.length > 0)
        parts.push(platformSuffix(facts.platforms));
    return parts.map(sanitize).join('-');
}
function localCacheKey(scope, dependencyHash) {
    return { key: `buildx-${scope}-${dependencyHash}`, restoreKeys: [`buildx-${scope}-`] };
}
function truthy(value) {
    return /^(1|true|yes)$/i.test((value ?? '').trim());
}
function hasCacheService(env) {
    return Boolean(env.ACTIONS_RUNTIME_TOKEN && (env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL));
}
function defaultBackends(facts) {
    const gha = facts.driver !== 'docker' && facts.hostedRunner && hasCacheService(facts.env);
    if (!facts.registry)
        return gha ? ['gha'] : [];
    if (facts.driver === 'docker')
        return ['inline'];
    return gha ? ['gha'] : ['registry'];
}
const needsRegistry = (backend) => backend === 'registry' || backend === 'inline';
/** Why gha can't be used here, with what to do about it; undefined when it can. */
function ghaProblem(facts) {
    if (!hasCacheService(facts.env)) {
        return `Cache: 'gha' needs the runner's cache service, but ACTIONS_RUNTIME_TOKEN and ACTIONS_CACHE_URL or ACTIONS_RESULTS_URL are not set in this step's environment (the runner gives them to every JavaScript action; is this running outside GitHub Actions?). Using the registry cache instead.`;
    }
    if (!truthy(facts.env.ACTIONS_CACHE_SERVICE_V2))
        return undefined;
    const buildx = semver_default().coerce(facts.buildxVersion)?.version ?? '0.0.0';
    if (semver_default().lt(buildx, '0.21.0')) {
        return `Cache: this runner uses the GitHub cache service v2 (ACTIONS_CACHE_SERVICE_V2 is set), which needs buildx 0.21.0 or later; this runner has buildx ${facts.buildxVersion}. Add docker/setup-buildx-action with 'version: latest' before this step, or set 'cache: registry'. Using the registry cache instead.`;
    }
    const buildkit = facts.buildkitVersion ? semver_default().coerce(facts.buildkitVersion)?.version : undefined;
    if (buildkit && semver_default().lt(buildkit, '0.20.0')) {
        return `Cache: this runner uses the GitHub cache service v2 (ACTIONS_CACHE_SERVICE_V2 is set), which needs BuildKit 0.20.0 or later; the builder runs BuildKit ${facts.buildkitVersion}. Create the builder with docker/setup-buildx-action and 'driver-opts: image=moby/buildkit:buildx-stable-1' (or at least moby/buildkit:v0.20.0) and pass its name as 'builder', or set 'cache: registry'. Using the registry cache instead.`;
    }
    return undefined;
}
function registryCacheRef(inputs, facts) {
    const ref = inputs['cache-ref'];
    if (ref && isFullReference(ref))
        return ref;
    const suffix = facts.platforms.length > 0 ? `-${platformSuffix(facts.platforms)}` : '';
    const tag = ref || `buildcache-${sanitize(facts.target) || 'default'}${suffix}`.slice(0, 128);
    return `${facts.registry}/${inputs['cache-repository'] || facts.repository}:${tag}`;
}
/** The registry cache tag would live in the image repository, whose tags can't be overwritten. */
function registryImmutable(inputs, facts) {
    if (!facts.tagImmutable || isFullReference(inputs['cache-ref']))
        return false;
    return !inputs['cache-repository'] || inputs['cache-repository'] === facts.repository;
}
function resolveBackends(requested, inputs, facts, warnings) {
    if (!facts.registry && requested.some(needsRegistry)) {
        warnings.push(`Cache: ${requested
            .filter(needsRegistry)
            .map((b) => `'${b}'`)
            .join(', ')} cache lives in the registry, which 'push: false' does not use; it is left out of this build. 'gha' and 'local' cache work without a push.`);
        return resolveBackends(requested.filter((backend) => !needsRegistry(backend)), inputs, facts, warnings);
    }
    const exporting = requested.filter((backend) => backend !== 'inline');
    if (facts.driver === 'docker' && exporting.length > 0) {
        const fallback = facts.registry
            ? 'so this build uses inline cache'
            : 'and without a push there is no inline cache either, so this build uses none';
        warnings.push(`Cache: the docker driver can't export ${exporting.map((b) => `'${b}'`).join(', ')} cache (it only embeds 'inline' cache in the image), ${fallback}. For gha, registry or local cache, use 'driver: docker-container' (the default).`);
        return facts.registry ? ['inline'] : [];
    }
    const resolved = requested.map((backend) => {
        if (backend !== 'gha')
            return backend;
        const problem = ghaProblem(facts);
        if (!problem)
            return 'gha';
        warnings.push(problem);
        return 'registry';
    });
    const withRegistry = resolved.map((backend) => {
        if (backend !== 'registry' || !registryImmutable(inputs, facts))
            return backend;
        const tag = registryCacheRef(inputs, facts).split(':').pop();
        warnings.push(`Cache: ECR repository '${facts.repository}' has immutable tags, so the registry cache tag '${tag}' could be written once and never updated (docker/build-push-action#1042). Set 'cache-repository' to a repository with mutable tags (e.g. '${facts.repository}-cache'), or 'cache: gha'. Using inline cache instead.`);
        return 'inline';
    });
    return [...new Set(withRegistry)];
}
function withIgnoreError(spec) {
    const ignorable = ignorableExporters.includes(typeOf(spec));
    const explicit = attributesOf(spec).some(([key]) => key === 'ignore-error');
    return ignorable && !explicit ? `${spec},ignore-error=true` : spec;
}
function ghaScopes(facts) {
    const scope = cacheScope(facts);
    const branchScope = (branch) => `${scope}-${sanitize(branch)}`;
    const write = facts.branch ? branchScope(facts.branch) : scope;
    const read = [write, ...(facts.defaultBranch ? [branchScope(facts.defaultBranch)] : [])];
    return { write, read: [...new Set(read)] };
}
/**
 * Plans the build's cache flags: backends resolved against what the driver, buildx and the runner can
 * do (falling back with a warning, never failing), and `ignore-error=true` on every export that has it.
 */
function planCache(inputs, facts) {
    const warnings = [];
    const requested = inputs.cache === 'none' ? [] : inputs.cache.length > 0 ? inputs.cache : defaultBackends(facts);
    const backends = requested.length > 0 ? resolveBackends(requested, inputs, facts, warnings) : [];
    const from = [];
    const to = [];
    let local;
    const mode = `mode=${inputs['cache-mode']}`;
    for (const backend of backends) {
        switch (backend) {
            case 'gha': {
                const scopes = ghaScopes(facts);
                from.push(...scopes.read.map((scope) => `type=gha,scope=${scope}`));
                to.push(`type=gha,scope=${scopes.write},${mode},ignore-error=true`);
                break;
            }
            case 'registry': {
                const ref = registryCacheRef(inputs, facts);
                from.push(`type=registry,ref=${ref}`);
                to.push(`type=registry,ref=${ref},${mode},image-manifest=true,oci-mediatypes=true,ignore-error=true`);
                break;
            }
            case 'inline':
                from.push(...facts.previousTags.map((tag) => `type=registry,ref=${facts.image}:${tag}`));
                to.push('type=inline');
                break;
            case 'local': {
                const restoreDir = facts.localCacheDir;
                const exportDir = `${facts.localCacheDir}-new`;
                local = { restoreDir, exportDir, ...localCacheKey(cacheScope(facts), facts.dependencyHash) };
                from.push(`type=local,src=${restoreDir}`);
                to.push(`type=local,dest=${exportDir},${mode},ignore-error=true`);
                break;
            }
        }
    }
    const rawTo = inputs['cache-to'].filter((spec) => {
        if (facts.driver !== 'docker' || typeOf(spec) === 'inline')
            return true;
        warnings.push(`Cache: input 'cache-to' has '${spec}', which the docker driver can't export; it is left out of this build. Use 'driver: docker-container' (the default) or 'cache-to: type=inline'.`);
        return false;
    });
    const cacheFrom = inputs['cache-from'].length > 0 ? inputs['cache-from'] : from;
    const cacheTo = inputs['cache-to'].length > 0 ? rawTo.map(withIgnoreError) : to;
    const args = [
        ...cacheFrom.flatMap((spec) => ['--cache-from', spec]),
        ...cacheTo.flatMap((spec) => ['--cache-to', spec])
    ];
    return { args, warnings, ...(local ? { local } : {}), backends };
}
const lockfilePattern = /^(?:package-lock\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|requirements.*\.txt|Pipfile\.lock|go\.sum|Cargo\.lock|Gemfile\.lock|composer\.lock)$/;
/** sha256 over the Dockerfile and the lockfiles at the top of the build context: what the local cache key follows. */
async function hashCacheDependencies(dockerfile, context) {
    const entries = (0,external_node_fs_.existsSync)(context) ? await (0,promises_.readdir)(context, { withFileTypes: true }) : [];
    const lockfiles = entries
        .filter((entry) => entry.isFile() && lockfilePattern.test(entry.name))
        .map((entry) => entry.name)
        .sort();
    const hash = (0,external_node_crypto_.createHash)('sha256');
    hash.update(await (0,promises_.readFile)(dockerfile));
    for (const name of lockfiles) {
        hash.update(`\0${name}\0`);
        hash.update(await (0,promises_.readFile)(external_node_path_.join(context, name)));
    }
    return hash.digest('hex');
}
async function actionsCache() {
    return await __webpack_require__.e(/* import() */ 691).then(__webpack_require__.bind(__webpack_require__, 1691));
}
function message(error) {
    return error instanceof Error ? error.message : String(error);
}
/** Restores the local cache directory before the build; returns the key that matched. Never throws. */
async function restoreLocalCache(plan, client) {
    if (!plan.local)
        return undefined;
    try {
        await (0,promises_.rm)(plan.local.exportDir, { recursive: true, force: true });
        const cache = client ?? (await actionsCache());
        if (!cache.isFeatureAvailable()) {
            core.info(`Cache: the runner's cache service is not available; using ${plan.local.restoreDir} as it is.`);
            return undefined;
        }
        const matched = await cache.restoreCache([plan.local.restoreDir], plan.local.key, plan.local.restoreKeys);
        core.info(matched ? `Cache: restored ${matched}.` : `Cache: no local cache for ${plan.local.key} yet.`);
        return matched;
    }
    catch (error) {
        core.warning(`Cache: could not restore the local build cache: ${message(error)}`);
        return undefined;
    }
}
/**
 * After the build: swaps the freshly exported directory in for the restored one (so old layers
 * don't pile up, docker/build-push-action#252) and saves it, unless that exact key was restored.
 */
async function saveLocalCache(plan, restoredKey, client) {
    if (!plan.local)
        return;
    const { restoreDir, exportDir, key } = plan.local;
    try {
        if (!(0,external_node_fs_.existsSync)(exportDir)) {
            core.warning(`Cache: the build exported no local cache to ${exportDir}; nothing to save.`);
            return;
        }
        await (0,promises_.rm)(restoreDir, { recursive: true, force: true });
        await (0,promises_.rename)(exportDir, restoreDir);
        if (restoredKey === key) {
            core.info(`Cache: ${key} was restored exactly, and a saved key cannot be overwritten; not saving it again.`);
            return;
        }
        const cache = client ?? (await actionsCache());
        if (!cache.isFeatureAvailable())
            return;
        await cache.saveCache([restoreDir], key);
        core.info(`Cache: saved ${key}.`);
    }
    catch (error) {
        core.warning(`Cache: could not save the local build cache: ${message(error)}`);
    }
}

;// CONCATENATED MODULE: ./src/ecr/call.ts

const credentialHint = 'Configure AWS credentials before this step, e.g. aws-actions/configure-aws-credentials with role-to-assume (needs `permissions: id-token: write`).';
/** Runs one AWS call and turns its failure into one message: the operation, the error name and AWS's words. */
async function awsCall(operation, call) {
    try {
        return await call();
    }
    catch (error) {
        if (error instanceof errors/* ConfigurationError */.j1)
            throw error;
        const named = error;
        const name = named.name ?? 'Error';
        const message = named.message ?? String(error);
        const hint = name === 'CredentialsProviderError' ||
            /credential|ExpiredToken|UnrecognizedClient/i.test(`${name} ${message}`)
            ? ` ${credentialHint}`
            : '';
        throw new errors/* ServiceError */._7(`ECR ${operation} failed: ${name}: ${message}${hint}`);
    }
}

// EXTERNAL MODULE: ./src/ecr/login.ts
var login = __webpack_require__(339);
;// CONCATENATED MODULE: ./src/ecr/repository.ts

/** Finds the repository (DescribeRepositories), creating it with scan-on-push when asked to. */
async function ensureRepository(client, request) {
    const { DescribeRepositoriesCommand, CreateRepositoryCommand, RepositoryNotFoundException } = await __webpack_require__.e(/* import() */ 249).then(__webpack_require__.t.bind(__webpack_require__, 8249, 19));
    const registry = request.registryId ? { registryId: request.registryId } : {};
    try {
        const found = await client.send(new DescribeRepositoriesCommand({ ...registry, repositoryNames: [request.name] }));
        const repository = found.repositories?.[0];
        return {
            name: request.name,
            registryId: repository?.registryId ?? request.registryId,
            tagMutability: repository?.imageTagMutability?.startsWith('IMMUTABLE') ? 'IMMUTABLE' : 'MUTABLE',
            created: false
        };
    }
    catch (error) {
        if (!(error instanceof RepositoryNotFoundException))
            throw error;
    }
    if (!request.create) {
        throw new errors/* ConfigurationError */.j1(`Input 'repository' is '${request.name}': no such ECR repository${request.registryId ? ` in registry ${request.registryId}` : ''}. Create it, or set 'create-repository: true'.`);
    }
    const created = await client.send(new CreateRepositoryCommand({
        ...registry,
        repositoryName: request.name,
        imageTagMutability: request.tagMutability,
        imageScanningConfiguration: { scanOnPush: true }
    }));
    return {
        name: request.name,
        registryId: created.repository?.registryId ?? request.registryId,
        tagMutability: request.tagMutability,
        created: true
    };
}

;// CONCATENATED MODULE: ./src/ecr/connect.ts




/** Credentials once, then each target repository found (or created); the SDK loads only here. */
async function connectEcr(inputs, dryRun) {
    const { ECRClient } = await __webpack_require__.e(/* import() */ 249).then(__webpack_require__.t.bind(__webpack_require__, 8249, 19));
    const client = new ECRClient({ region: inputs['aws-region'], customUserAgent: 'ecr-build-push' });
    // Credentials and repositories are independent requests: one round trip instead of two.
    const [authorizations, ...found] = await Promise.all([
        awsCall('GetAuthorizationToken', () => (0,login/* ecrAuthorization */.Yg)(client, inputs['registry-ids'])),
        ...inputs.targets.map((target) => awsCall('DescribeRepositories', () => ensureRepository(client, {
            name: target.repository,
            registryId: inputs['registry-ids'][0],
            create: inputs['create-repository'] && !dryRun,
            tagMutability: inputs['image-tag-mutability']
        })))
    ]);
    authorizations.forEach((authorization) => core.setSecret(authorization.password));
    return {
        client,
        authorizations,
        registry: authorizations[0].registry,
        repositories: new Map(found.map((repository) => [repository.name, repository]))
    };
}

;// CONCATENATED MODULE: ./src/scan/findings.ts
/** Trivy's severities, most severe first. */
const severities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];
function severityRank(severity) {
    return severities.indexOf(severity);
}

;// CONCATENATED MODULE: ./src/scan/layer-map.ts



const instructionWidth = 100;
const keywords = new Set([
    ...'ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE HEALTHCHECK LABEL'.split(' '),
    ...'MAINTAINER ONBUILD RUN SHELL STOPSIGNAL USER VOLUME WORKDIR'.split(' ')
]);
/**
 * The Dockerfile keyword a history entry was made by. BuildKit writes `RUN |1 A=b /bin/sh -c … # buildkit`,
 * `COPY /src /dst # buildkit` (no `--from`), `WORKDIR /app`; the classic builder `/bin/sh -c #(nop)  USER x`
 * for everything but RUN, whose entry is the bare command. '' for entries with no `created_by`.
 */
function historyKeyword(createdBy) {
    const text = createdBy.trim();
    if (text === '')
        return '';
    const classic = /#\(nop\)\s+([A-Z]+)\b/.exec(text);
    if (classic)
        return classic[1];
    const first = /^([A-Z]+)\b/.exec(text)?.[1];
    return first && keywords.has(first) ? first : 'RUN';
}
function shorten(text) {
    const oneLine = text.replace(/\s+/g, ' ').trim();
    return oneLine.length <= instructionWidth ? oneLine : `${oneLine.slice(0, instructionWidth - 1)}…`;
}
/** Expands `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:+alternative}` the way FROM lines use them. */
function expandArgs(text, values) {
    return text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_match, braced, operator, word, bare) => {
        const value = values[braced ?? bare ?? ''];
        if (operator === '-')
            return value ? value : (word ?? '');
        if (operator === '+')
            return value ? (word ?? '') : '';
        return value ?? '';
    });
}
/** The ARGs before the first FROM, with `build-args` overriding their defaults: what FROM lines can use. */
function globalArgs(dockerfile, buildArgs) {
    const given = new Map(buildArgs.map(splitKeyValue).filter((pair) => pair !== undefined));
    const values = {};
    for (const arg of dockerfile.getInitialARGs()) {
        const property = arg.getProperty();
        if (!property)
            continue;
        const name = property.getName();
        values[name] = given.get(name) ?? expandArgs(property.getValue() ?? '', values);
    }
    return values;
}
function stageInstructions(dockerfile) {
    const stages = stagesOf(dockerfile);
    const froms = dockerfile.getFROMs();
    const all = dockerfile.getInstructions();
    return stages.map((stage, index) => {
        const start = froms[index].getRange().start.line;
        const end = index + 1 < froms.length ? froms[index + 1].getRange().start.line : Number.POSITIVE_INFINITY;
        const instructions = all.filter((instruction) => {
            const line = instruction.getRange().start.line;
            return line > start && line < end;
        });
        return { stage, from: froms[index], instructions };
    });
}
/** The stages the built one stands on, root first: `production` → `FROM base` → `FROM ${BASE_IMAGE} AS base`. */
function stageChain(stages, built, args) {
    const chain = [built];
    for (;;) {
        const current = chain[0];
        const image = expandArgs(current.stage.from, args);
        const parent = stages.find((candidate) => candidate.stage.index < current.stage.index &&
            candidate.stage.name.toLowerCase() === image.toLowerCase());
        if (!parent)
            return { chain, baseImage: image };
        chain.unshift(parent);
    }
}
function originOf(instruction, stage, fromBase, baseImage) {
    return {
        line: instruction.getRange().start.line + 1,
        instruction: shorten(instruction.toString()),
        stage: stage.name,
        fromBase,
        mapped: true,
        ...(baseImage !== undefined ? { baseImage } : {})
    };
}
function builtStage(stages, target) {
    if (stages.length === 0) {
        throw new errors/* ConfigurationError */.j1(`The Dockerfile has no FROM instruction: expected at least one build stage.`);
    }
    if (target === '')
        return stages[stages.length - 1];
    const found = stages.find((candidate) => candidate.stage.name.toLowerCase() === target.toLowerCase());
    if (!found) {
        throw new errors/* ConfigurationError */.j1(`Input 'target' is '${target}': the Dockerfile has no such stage (stages: ${stages.map((s) => s.stage.name).join(', ')}).`);
    }
    return found;
}
/**
 * Maps each layer of a built image to the Dockerfile instruction that made it. Every instruction but FROM
 * leaves one history entry, so the history's tail is the stage chain's instructions in order (checked by
 * keyword); what comes before them is the base image. Layers are the history entries without `empty_layer`.
 */
function mapLayers(request) {
    const dockerfile = typeof request.dockerfile === 'string' ? parseDockerfile(request.dockerfile) : request.dockerfile;
    const stages = stageInstructions(dockerfile);
    const built = builtStage(stages, request.target ?? '');
    const { chain, baseImage } = stageChain(stages, built, globalArgs(dockerfile, request.buildArgs ?? []));
    const fallback = { ...originOf(built.from, built.stage, false), mapped: false };
    const baseOrigin = originOf(chain[0].from, chain[0].stage, true, baseImage);
    const history = request.config.history ?? [];
    const diffIds = request.config.rootfs?.diff_ids ?? [];
    const expected = chain.flatMap(({ stage, instructions }) => instructions.map((instruction) => ({ stage, instruction })));
    const historyOrigins = history.map(() => undefined);
    let entry = history.length - 1;
    let problem;
    for (let step = expected.length - 1; step >= 0; step--, entry--) {
        const { stage, instruction } = expected[step];
        const keyword = instruction.getKeyword().toUpperCase();
        const createdBy = entry >= 0 ? (history[entry].created_by ?? '') : undefined;
        if (createdBy === undefined || historyKeyword(createdBy) !== keyword) {
            problem = `line ${instruction.getRange().start.line + 1} (${keyword}) has no matching image history entry${createdBy === undefined ? '' : `: found '${shorten(createdBy)}'`}`;
            break;
        }
        historyOrigins[entry] = originOf(instruction, stage, false);
    }
    if (!problem)
        for (let index = 0; index <= entry; index++)
            historyOrigins[index] = baseOrigin;
    const layerEntries = history.flatMap((item, index) => (item.empty_layer ? [] : [index]));
    if (layerEntries.length > diffIds.length) {
        problem = `the image history names ${layerEntries.length} layers but rootfs.diff_ids has ${diffIds.length}`;
        const layers = diffIds.map((diffId, index) => ({ diffId, index, createdBy: '', origin: fallback }));
        return { layers, fallback, problem };
    }
    // Aligned from the end: a base image may have recorded fewer history entries than it has layers.
    const offset = diffIds.length - layerEntries.length;
    const layers = diffIds.map((diffId, index) => {
        const historyIndex = index >= offset ? layerEntries[index - offset] : undefined;
        if (historyIndex === undefined)
            return { diffId, index, createdBy: '', origin: problem ? fallback : baseOrigin };
        const createdBy = history[historyIndex].created_by ?? '';
        return { diffId, index, createdBy, origin: historyOrigins[historyIndex] ?? fallback };
    });
    return { layers, fallback, ...(problem ? { problem } : {}) };
}
/** The origin of a layer by its DiffID; the first layer wins when two layers have the same content. */
function originOfLayer(map, diffId) {
    const layer = diffId === undefined ? undefined : map.layers.find((candidate) => candidate.diffId === diffId);
    return layer?.origin ?? map.fallback;
}
function mapFindings(findings, map) {
    return findings.map((finding) => ({ ...finding, origin: originOfLayer(map, finding.layerDiffId) }));
}
/** Manifest layers (compressed sizes) joined with their origins: manifest `layers[i]` is `rootfs.diff_ids[i]`. */
function describeLayers(manifestLayers, map) {
    const aligned = manifestLayers.length === map.layers.length;
    return manifestLayers.map((layer, index) => {
        const origin = aligned ? map.layers[index].origin : undefined;
        if (!origin?.mapped)
            return { digest: layer.digest, size: layer.size };
        return {
            digest: layer.digest,
            size: layer.size,
            instruction: origin.instruction,
            line: origin.line,
            fromBase: origin.fromBase
        };
    });
}
function findingKey(id, pkgName) {
    return `${id}\u0000${pkgName}`;
}
/** Trivy's SARIF names the package in the message (`Package: openssl`) and the location (`target: openssl@1.1`). */
function sarifPackage(result) {
    const fromMessage = /^Package: (.+)$/m.exec(result.message.text ?? '')?.[1];
    if (fromMessage)
        return fromMessage.trim();
    const fromLocation = /: ([^\s:]+)@[^@\s]*$/.exec(result.locations?.[0]?.message?.text ?? '')?.[1];
    return fromLocation;
}
function originNote(origin) {
    if (!origin.mapped)
        return `Layer not matched to a Dockerfile instruction: shown at the built stage's FROM (line ${origin.line}).`;
    if (origin.fromBase)
        return `From the base image ${origin.baseImage ?? ''} picked at line ${origin.line}: ${origin.instruction}`;
    return `Introduced at line ${origin.line}: ${origin.instruction}`;
}
/**
 * Points every SARIF result at the Dockerfile line its layer came from (matched by rule id + package, via
 * the JSON report's findings), so code scanning can show image findings in the pull request diff.
 */
function rewriteSarifLocations(sarif, findings, dockerfilePath, fallback) {
    const origins = new Map();
    for (const finding of findings) {
        const key = findingKey(finding.id, finding.pkgName);
        if (!origins.has(key))
            origins.set(key, finding.origin);
    }
    const uri = dockerfilePath.split('\\').join('/');
    return {
        ...sarif,
        runs: sarif.runs.map((run) => ({
            ...run,
            results: run.results?.map((result) => {
                const pkgName = sarifPackage(result);
                const origin = (result.ruleId && pkgName && origins.get(findingKey(result.ruleId, pkgName))) || fallback;
                const imageLocation = result.locations?.[0]?.message?.text;
                return {
                    ...result,
                    message: { ...result.message, text: `${result.message.text ?? ''}\n${originNote(origin)}` },
                    locations: [
                        {
                            physicalLocation: {
                                artifactLocation: { uri },
                                region: { startLine: origin.line, endLine: origin.line }
                            },
                            ...(imageLocation ? { message: { text: imageLocation } } : {})
                        }
                    ]
                };
            })
        }))
    };
}

;// CONCATENATED MODULE: ./src/scan/size.ts

// kB/MB/GB/TB are powers of 1000 as Docker and registries print them; KiB/MiB/GiB/TiB are powers of 1024.
const units = {
    b: 1,
    k: 1e3,
    kb: 1e3,
    m: 1e6,
    mb: 1e6,
    g: 1e9,
    gb: 1e9,
    t: 1e12,
    tb: 1e12,
    kib: 2 ** 10,
    mib: 2 ** 20,
    gib: 2 ** 30,
    tib: 2 ** 40
};
/** Parses `200MB`, `1.5GiB`, `500kB` or a plain number of bytes; `input` names the action input in errors. */
function parseSize(text, input = 'max-image-size') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(text));
    const factor = match ? (match[2] === '' ? 1 : units[match[2].toLowerCase()]) : undefined;
    const bytes = match && factor !== undefined ? Math.round(Number(match[1]) * factor) : 0;
    if (!bytes) {
        throw new errors/* ConfigurationError */.j1(`Input '${input}' is '${text}': expected a size such as '200MB', '1.5GiB' or a number of bytes (kB, MB, GB are powers of 1000; KiB, MiB, GiB powers of 1024).`);
    }
    return bytes;
}
/** The `max-image-size` input: undefined when it is empty (no budget). */
function parseSizeBudget(text, input = 'max-image-size') {
    return text.trim() === '' ? undefined : parseSize(text, input);
}
/** Decimal units with three significant digits, the way `docker images` prints sizes: `1.07 MB`, `512 kB`. */
function formatSize(bytes) {
    const magnitude = Math.abs(bytes);
    if (magnitude < 1000)
        return `${bytes} B`;
    const names = ['kB', 'MB', 'GB', 'TB'];
    let index = 0;
    let value = bytes / 1000;
    while (Math.abs(value) >= 999.5 && index < names.length - 1) {
        value /= 1000;
        index += 1;
    }
    return `${Number(value.toPrecision(3))} ${names[index]}`;
}
/** `2.5 MB from line 19 (RUN …)`, or `(base image)` for the layers a FROM brought in. */
function describeLayer(layer) {
    const size = formatSize(layer.size);
    if (layer.line === undefined)
        return `${size} (${layer.digest.slice(0, 19)}, instruction unknown)`;
    return `${size} from line ${layer.line}${layer.fromBase ? ' (base image)' : ''}: ${layer.instruction ?? ''}`;
}
function biggestLayers(layers, count = 3) {
    return [...layers].sort((a, b) => b.size - a.size).slice(0, count);
}
/**
 * Compares the image size with `max-image-size`; the caller fails the step before tagging when over. Sizes
 * are compressed when read from a registry, uncompressed (and so stricter) when read from the daemon.
 */
function checkSizeBudget(layers, budgetBytes, compressed = true) {
    const total = layers.reduce((sum, layer) => sum + layer.size, 0);
    const biggest = biggestLayers(layers);
    const over = total > budgetBytes;
    const kind = compressed ? 'compressed' : 'uncompressed';
    const verdict = over
        ? `The image is ${formatSize(total)} ${kind}, over the max-image-size budget of ${formatSize(budgetBytes)} by ${formatSize(total - budgetBytes)}.`
        : `The image is ${formatSize(total)} ${kind}, within the max-image-size budget of ${formatSize(budgetBytes)}.`;
    const message = over
        ? `${verdict} Biggest layers:\n${biggest.map((layer) => `- ${describeLayer(layer)}`).join('\n')}`
        : verdict;
    return { over, total, budget: budgetBytes, biggest, message };
}

;// CONCATENATED MODULE: ./src/report/summary.ts




const summaryLimitBytes = 128 * 1024;
/** A path as GitHub annotations and SARIF want it: relative to the workspace, with `/` separators. */
function relativeToWorkspace(file, workspace) {
    return external_node_path_.relative(workspace, external_node_path_.resolve(workspace, file)).split(external_node_path_.sep).join('/');
}
/** The first item for each key, in order. */
function uniqueBy(items, keyOf) {
    const seen = new Map();
    for (const item of items)
        if (!seen.has(keyOf(item)))
            seen.set(keyOf(item), item);
    return [...seen.values()];
}
/** One entry per vulnerable package version: a multi-platform scan reports the same one once per platform. */
function uniqueFindings(findings) {
    return uniqueBy(findings, (finding) => [finding.id, finding.pkgName, finding.installedVersion].join('\u0000'));
}
/** Most severe first, then by Dockerfile line and id, so plans and tables are stable. */
function bySeverity(findings) {
    return [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) ||
        a.origin.line - b.origin.line ||
        a.id.localeCompare(b.id) ||
        a.pkgName.localeCompare(b.pkgName));
}
function atOrAbove(severity, threshold) {
    return severityRank(severity) <= severityRank(threshold);
}
function levelOf(severity) {
    return severity === 'CRITICAL' || severity === 'HIGH' ? 'error' : 'warning';
}
function versions(finding) {
    return `${finding.installedVersion} → ${finding.fixedVersion ?? 'no fix yet'}`;
}
function originSentence(origin) {
    if (!origin.mapped)
        return "Could not tell which instruction added this layer: shown at the built stage's FROM.";
    if (origin.fromBase)
        return `It comes with the base image ${origin.baseImage ?? ''} that this FROM picks.`;
    return `This instruction added it (stage ${origin.stage}).`;
}
function annotationOf(finding, file) {
    const platform = finding.platform ? ` [${finding.platform}]` : '';
    return {
        level: levelOf(finding.severity),
        file,
        line: finding.origin.line,
        title: `${finding.id}: ${finding.pkgName} (${finding.severity})${platform}`,
        message: [
            `${finding.pkgName} ${versions(finding)} (${finding.severity})${finding.title ? `: ${finding.title}` : ''}`,
            originSentence(finding.origin),
            ...(finding.primaryUrl ? [finding.primaryUrl] : [])
        ].join('\n')
    };
}
function countsText(findings) {
    return severities
        .map((severity) => [severity, findings.filter((finding) => finding.severity === severity).length])
        .filter(([, count]) => count > 0)
        .map(([severity, count]) => `${count} ${severity}`)
        .join(', ');
}
function restAnnotation(rest, level, file) {
    const listed = rest
        .slice(0, 20)
        .map((finding) => `${finding.id} (${finding.pkgName}, line ${finding.origin.line})`);
    const more = rest.length > listed.length ? `, and ${rest.length - listed.length} more` : '';
    return {
        level,
        file,
        line: rest[0].origin.line,
        title: `${rest.length} more findings not annotated`,
        message: `${countsText(rest)}: ${listed.join(', ')}${more}. The job summary lists them by severity.`
    };
}
/**
 * Annotations for findings at or above `annotateSeverity`, most severe first: CRITICAL and HIGH as errors,
 * the rest as warnings. What does not fit GitHub's 10 + 10 goes into one summarizing annotation.
 */
function planAnnotations(findings, options) {
    const maxErrors = options.maxErrors ?? 10;
    const maxWarnings = options.maxWarnings ?? 10;
    const eligible = bySeverity(uniqueFindings(findings).filter((finding) => atOrAbove(finding.severity, options.annotateSeverity)));
    const errors = eligible.filter((finding) => levelOf(finding.severity) === 'error');
    const warnings = eligible.filter((finding) => levelOf(finding.severity) === 'warning');
    // The summarizing annotation takes one slot of the most severe level that overflows.
    const restLevel = errors.length > maxErrors ? 'error' : warnings.length > maxWarnings ? 'warning' : undefined;
    const shownErrors = errors.slice(0, restLevel === 'error' ? maxErrors - 1 : maxErrors);
    const shownWarnings = warnings.slice(0, restLevel === 'warning' ? maxWarnings - 1 : maxWarnings);
    const rest = [...errors.slice(shownErrors.length), ...warnings.slice(shownWarnings.length)];
    const summary = restLevel && rest.length > 0 ? restAnnotation(rest, restLevel, options.file) : undefined;
    return [
        ...shownErrors.map((finding) => annotationOf(finding, options.file)),
        ...(summary?.level === 'error' ? [summary] : []),
        ...shownWarnings.map((finding) => annotationOf(finding, options.file)),
        ...(summary?.level === 'warning' ? [summary] : [])
    ];
}
function emitAnnotations(plans, log = core) {
    for (const plan of plans)
        log[plan.level](plan.message, { file: plan.file, startLine: plan.line, title: plan.title });
}
/** Text for a table cell: one line, pipes escaped, HTML not interpreted. */
function cell(text) {
    return text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').trim();
}
/** Inline code in a table cell: entities are not decoded inside code spans, so only pipes and backticks change. */
function code(text) {
    return `\`${text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|').replace(/`/g, "'")}\``;
}
function formatDuration(seconds) {
    const total = Math.round(seconds);
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const rest = total % 60;
    if (hours > 0)
        return `${hours}h ${minutes}m`;
    if (minutes > 0)
        return `${minutes}m ${rest}s`;
    return `${rest}s`;
}
/** `[line 19](…#L19)` when the blob URL is known, otherwise `line 19`. */
function lineLink(report, line) {
    return report.blobUrl ? `[line ${line}](${report.blobUrl}/${report.dockerfile}#L${line})` : `line ${line}`;
}
function blocksPush(report, finding) {
    return report.failSeverity !== undefined && atOrAbove(finding.severity, report.failSeverity);
}
function sizeRow(report) {
    if (!report.layers)
        return [];
    const total = report.layers.reduce((sum, layer) => sum + layer.size, 0);
    const budget = report.sizeCheck
        ? report.sizeCheck.over
            ? ` — ⛔ over the ${formatSize(report.sizeCheck.budget)} budget`
            : ` (budget ${formatSize(report.sizeCheck.budget)})`
        : '';
    const kind = report.sizesCompressed === false ? 'uncompressed' : 'compressed';
    return [`| Size | ${formatSize(total)} ${kind}, ${report.layers.length} layers${budget} |`];
}
function pushRow(report, findings) {
    const blocking = findings.filter((finding) => blocksPush(report, finding));
    if (blocking.length > 0) {
        return `| Push | ⛔ blocked by ${blocking.length} ${blocking.length === 1 ? 'finding' : 'findings'} at or above ${report.failSeverity} |`;
    }
    if (report.sizeCheck?.over)
        return '| Push | ⛔ blocked by the size budget |';
    return `| Push | ${report.pushed ? '✅ pushed' : 'not pushed'} |`;
}
function originCell(report, origin) {
    const where = lineLink(report, origin.line);
    if (!origin.mapped)
        return `${where} (not mapped: built stage's FROM)`;
    return `${where} ${code(origin.instruction)}${origin.fromBase ? ' (base image)' : ''}`;
}
function layerTable(report) {
    if (!report.layers || report.layers.length === 0)
        return [];
    const rows = biggestLayers(report.layers, 5).map((layer) => {
        const origin = layer.line === undefined
            ? `${code(layer.digest.slice(0, 19))} (instruction unknown)`
            : `${lineLink(report, layer.line)} ${code(layer.instruction ?? '')}${layer.fromBase ? ' (base image)' : ''}`;
        return `| ${formatSize(layer.size)} | ${origin} |`;
    });
    return ['', '**Biggest layers**', '', '| Size | Made by |', '| ---: | --- |', ...rows];
}
function findingsTables(report, findings, top) {
    if (!report.findings)
        return ['', '_Not scanned._'];
    if (findings.length === 0)
        return ['', '**Vulnerabilities**: none found.'];
    const counts = severities.map((severity) => findings.filter((finding) => finding.severity === severity).length);
    const sorted = bySeverity(findings);
    const rows = sorted.slice(0, top).map((finding) => {
        const id = finding.primaryUrl ? `[${cell(finding.id)}](${finding.primaryUrl})` : cell(finding.id);
        const blocks = blocksPush(report, finding) ? '⛔' : '';
        return `| ${finding.severity} | ${id} | ${cell(finding.pkgName)} | ${cell(versions(finding))} | ${originCell(report, finding.origin)} | ${blocks} |`;
    });
    const more = sorted.length > top ? ['', `_…and ${sorted.length - top} more in the Trivy report._`] : [];
    return [
        '',
        '**Vulnerabilities**',
        '',
        '| Critical | High | Medium | Low | Unknown |',
        '| ---: | ---: | ---: | ---: | ---: |',
        `| ${counts.join(' | ')} |`,
        '',
        '**Top findings**',
        '',
        '| Severity | ID | Package | Installed → fixed | Introduced by | Blocks push |',
        '| --- | --- | --- | --- | --- | :---: |',
        ...rows,
        ...more
    ];
}
/** Cuts Markdown at a line boundary so it fits `maxBytes` (UTF-8), saying that it did. */
function limitMarkdown(markdown, maxBytes) {
    if (Buffer.byteLength(markdown) <= maxBytes)
        return markdown;
    const note = '\n\n_Truncated to stay within GitHub’s size limit; the full list is in the Trivy report._\n';
    const room = maxBytes - Buffer.byteLength(note);
    const cut = Buffer.from(markdown)
        .subarray(0, Math.max(room, 0))
        .toString('utf8')
        .replace(/\uFFFD$/, '');
    const lastLine = cut.lastIndexOf('\n');
    return `${lastLine > 0 ? cut.slice(0, lastLine) : cut}${note}`;
}
/** The job summary section for one target. */
function summaryMarkdown(report, options = {}) {
    const findings = uniqueFindings(report.findings ?? []);
    const heading = '#'.repeat(options.headingLevel ?? 3);
    const reference = report.digest ? `${report.image}@${report.digest}` : report.image;
    const lines = [
        `${heading} ${code(report.target)} → ${code(report.image)}`,
        '',
        '| | |',
        '| --- | --- |',
        `| Image | ${code(reference)} |`,
        `| Tags | ${report.tags.length > 0 ? report.tags.map(code).join(', ') : 'none'} |`,
        ...sizeRow(report),
        ...(report.buildSeconds !== undefined ? [`| Build time | ${formatDuration(report.buildSeconds)} |`] : []),
        ...(report.cachedSteps ? [`| Cache | ${cell(report.cachedSteps)} |`] : []),
        pushRow(report, findings),
        ...layerTable(report),
        ...findingsTables(report, findings, options.topFindings ?? 10)
    ];
    return limitMarkdown(`${lines.join('\n')}\n`, options.maxBytes ?? summaryLimitBytes);
}

// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
;// CONCATENATED MODULE: ./src/report/sarif.ts



const githubSarifLimits = {
    maxRuns: 20,
    maxResultsPerRun: 25_000,
    maxGzippedBytes: 10 * 1024 * 1024
};
/** `trivy/<repository>/<target>/[<os>-<arch>/]`: one category per target and platform, so uploads don't replace each other. */
function defaultCategory(repository, target, platform) {
    const repositoryName = repository.replace(/\//g, '-');
    return platformCategory(`trivy/${repositoryName}/${target || 'default'}/`, platform);
}
/** Adds the platform to a category for multi-platform scans, e.g. `…/linux-arm64/`. */
function platformCategory(category, platform) {
    const base = category.endsWith('/') ? category : `${category}/`;
    return platform ? `${base}${platform.replace(/\//g, '-')}/` : base;
}
const levelSeverity = {
    error: 'HIGH',
    warning: 'MEDIUM',
    note: 'LOW',
    none: 'UNKNOWN'
};
function ruleOf(run, result) {
    const rules = run.tool.driver.rules ?? [];
    const byIndex = result.ruleIndex !== undefined ? rules[result.ruleIndex] : undefined;
    return byIndex ?? rules.find((rule) => rule.id === result.ruleId);
}
/** Trivy tags each rule with its severity; other tools only give a level. */
function severityOf(run, result) {
    const tags = (ruleOf(run, result)?.properties?.tags ?? []);
    const tagged = severities.find((severity) => tags.includes(severity));
    return (tagged ??
        levelSeverity[result.level ?? ruleOf(run, result)?.defaultConfiguration?.level ?? 'none'] ??
        'UNKNOWN');
}
function scoreOf(run, result) {
    const score = Number(ruleOf(run, result)?.properties?.['security-severity']);
    return Number.isFinite(score) ? score : 0;
}
/** Most severe first; equal ones keep their order. */
function sarif_bySeverity(a, b) {
    return (severityRank(a.severity) - severityRank(b.severity) ||
        b.score - a.score ||
        a.run - b.run ||
        a.index - b.index);
}
function rank(run, runIndex) {
    return (run.results ?? []).map((result, index) => ({
        run: runIndex,
        index,
        severity: severityOf(run, result),
        score: scoreOf(run, result)
    }));
}
/** Keeps the chosen results in their order and drops rules no kept result uses, renumbering `ruleIndex`. */
function keepResults(run, keep) {
    const results = (run.results ?? []).filter((_, index) => keep.has(index));
    const rules = run.tool.driver.rules;
    if (!rules)
        return { ...run, results };
    const usedRules = new Set(results.map((result) => ruleOf(run, result)));
    const used = rules.filter((rule) => usedRules.has(rule));
    const newIndex = new Map(used.map((rule, index) => [rule, index]));
    const renumbered = results.map((result) => {
        const rule = ruleOf(run, result);
        return rule && result.ruleIndex !== undefined ? { ...result, ruleIndex: newIndex.get(rule) } : result;
    });
    return { ...run, tool: { ...run.tool, driver: { ...run.tool.driver, rules: used } }, results: renumbered };
}
function gzippedSize(log) {
    return (0,external_node_zlib_.gzipSync)(JSON.stringify(log)).length;
}
function count(omitted, dropped) {
    omitted.results += dropped.length;
    for (const item of dropped)
        omitted.bySeverity[item.severity] = (omitted.bySeverity[item.severity] ?? 0) + 1;
}
function keepTop(log, ranked, keepCount) {
    return {
        ...log,
        runs: log.runs.map((run, runIndex) => {
            const kept = [...ranked[runIndex]].sort(sarif_bySeverity).slice(0, keepCount(runIndex));
            if (kept.length === ranked[runIndex].length)
                return run;
            return keepResults(run, new Set(kept.map((item) => item.index)));
        })
    };
}
/**
 * Fixes up Trivy's SARIF for code scanning: every run gets the category as `automationDetails.id`,
 * and the least severe results are left out until GitHub's limits are met.
 */
function prepareSarif(input, { category, limits = githubSarifLimits }) {
    const omitted = { runs: 0, results: 0, bySeverity: {} };
    const id = category.endsWith('/') ? category : `${category}/`;
    const runs = input.runs.map((run) => ({ ...run, automationDetails: { ...run.automationDetails, id } }));
    runs.slice(limits.maxRuns).forEach((run, index) => count(omitted, rank(run, index)));
    omitted.runs = Math.max(0, runs.length - limits.maxRuns);
    let log = { ...input, runs: runs.slice(0, limits.maxRuns) };
    let ranked = log.runs.map(rank);
    for (const items of ranked)
        count(omitted, [...items].sort(sarif_bySeverity).slice(limits.maxResultsPerRun));
    log = keepTop(log, ranked, () => limits.maxResultsPerRun);
    if (gzippedSize(log) > limits.maxGzippedBytes) {
        ranked = log.runs.map(rank);
        const all = ranked.flat().sort(sarif_bySeverity);
        const fits = (keep) => {
            const kept = all.slice(0, keep);
            return keepTop(log, ranked, (runIndex) => kept.filter((item) => item.run === runIndex).length);
        };
        let low = 0;
        let high = all.length;
        while (low < high) {
            const middle = Math.ceil((low + high) / 2);
            if (gzippedSize(fits(middle)) <= limits.maxGzippedBytes)
                low = middle;
            else
                high = middle - 1;
        }
        count(omitted, all.slice(low));
        log = fits(low);
    }
    return { log, omitted };
}
/** What was left out, for a warning; undefined when nothing was. */
function describeOmitted(omitted, limits = githubSarifLimits) {
    if (omitted.results === 0 && omitted.runs === 0)
        return undefined;
    const parts = severities
        .filter((severity) => omitted.bySeverity[severity])
        .map((severity) => `${omitted.bySeverity[severity]} ${severity}`);
    const runs = omitted.runs > 0 ? ` and ${omitted.runs} run(s)` : '';
    const megabytes = limits.maxGzippedBytes / (1024 * 1024);
    return (`The SARIF upload leaves out ${omitted.results} result(s)${runs}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}, ` +
        `the least severe, to stay within GitHub's limits (${limits.maxResultsPerRun} results per run, ` +
        `${limits.maxRuns} runs, ${megabytes} MB gzipped); the JSON scan report has every finding.`);
}
/** The `sarif` field of the upload: gzip, then base64. */
function encodeSarif(log) {
    return (0,external_node_zlib_.gzipSync)(JSON.stringify(log)).toString('base64');
}
function missingPermission(status, detail) {
    if (status === 403) {
        return (`Code scanning refused the SARIF upload (403: ${detail}). The token needs 'security-events: write' ` +
            `(add it to the job's permissions); pull requests from forks and Dependabot get a read-only token, and ` +
            `private repositories need GitHub Advanced Security. The findings are still in the scan report.`);
    }
    if (status === 404) {
        return (`Code scanning is not enabled for this repository (or the token cannot see it) (404: ${detail}). ` +
            `Enable it under Settings → Code security, or set 'sarif-upload: false'. The findings are still in the scan report.`);
    }
    return undefined;
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Uploads SARIF to code scanning and waits a bounded time for processing. Never throws: a failed upload
 * must not hide the gate's verdict, so every problem becomes a warning and a status.
 */
async function uploadSarif(request) {
    const { getOctokit } = await __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 2413));
    const octokit = getOctokit(request.token, { baseUrl: request.context.apiUrl });
    const [owner, repo] = request.context.repository.split('/');
    let id;
    let url;
    try {
        const response = await octokit.rest.codeScanning.uploadSarif({
            owner,
            repo,
            commit_sha: request.commitSha,
            ref: request.ref,
            sarif: encodeSarif(request.sarif),
            checkout_uri: request.checkoutUri,
            tool_name: request.toolName ?? 'Trivy'
        });
        id = response.data.id ?? '';
        url = response.data.url;
    }
    catch (error) {
        const status = error.status ?? 0;
        const detail = error.message;
        const message = missingPermission(status, detail) ?? `Could not upload SARIF to code scanning: ${detail}`;
        core.warning(message);
        return { status: status === 403 ? 'forbidden' : status === 404 ? 'not-found' : 'error', message };
    }
    core.info(`SARIF uploaded to code scanning as category ${request.category} (id ${id})`);
    const attempts = request.pollAttempts ?? 10;
    for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
            const { data } = await octokit.rest.codeScanning.getSarif({ owner, repo, sarif_id: id });
            if (data.processing_status === 'complete')
                return { status: 'complete', id, url };
            if (data.processing_status === 'failed') {
                const message = `Code scanning could not process the SARIF upload ${id}: ${(data.errors ?? []).join('; ') || 'no reason given'}`;
                core.warning(message);
                return { status: 'failed', id, url, message };
            }
        }
        catch (error) {
            core.debug(`Polling SARIF upload ${id}: ${error.message}`);
        }
        if (attempt < attempts)
            await sleep(request.pollIntervalMs ?? 5000);
    }
    const message = `Code scanning is still processing SARIF upload ${id}; the results will appear when it finishes.`;
    core.info(message);
    return { status: 'pending', id, url, message };
}

;// CONCATENATED MODULE: ./src/scan/trivy-report.ts



/** Parses a Trivy JSON report; `source` names the file in errors. */
function parseTrivyReport(text, source = 'the Trivy report') {
    let data;
    try {
        data = JSON.parse(text);
    }
    catch (error) {
        throw new Error(`${source} is not JSON: ${error.message}`);
    }
    if (data.SchemaVersion !== 2) {
        throw new errors/* ConfigurationError */.j1(`${source} has SchemaVersion ${String(data.SchemaVersion)}: expected 2 (Trivy 0.20 or later). Set 'trivy-version' to a current release.`);
    }
    return {
        SchemaVersion: 2,
        ArtifactName: data.ArtifactName ?? '',
        ArtifactType: data.ArtifactType,
        Metadata: data.Metadata ?? {},
        // Trivy omits Results when nothing was found.
        Results: data.Results ?? []
    };
}
async function readTrivyReport(file) {
    return parseTrivyReport(await (0,promises_.readFile)(file, 'utf8'), file);
}
function trivy_report_severityOf(value) {
    return severities.includes(value) ? value : 'UNKNOWN';
}
/** Every vulnerability, secret and failed misconfiguration of the report, flattened to findings. */
function findingsOf(report, platform) {
    const withPlatform = platform ? { platform } : {};
    return report.Results.flatMap((result) => [
        ...(result.Vulnerabilities ?? []).map((vulnerability) => ({
            id: vulnerability.VulnerabilityID,
            pkgName: vulnerability.PkgName,
            installedVersion: vulnerability.InstalledVersion,
            ...(vulnerability.FixedVersion ? { fixedVersion: vulnerability.FixedVersion } : {}),
            severity: trivy_report_severityOf(vulnerability.Severity),
            ...(vulnerability.Title ? { title: vulnerability.Title } : {}),
            ...(vulnerability.PrimaryURL ? { primaryUrl: vulnerability.PrimaryURL } : {}),
            target: result.Target,
            class: result.Class,
            ...(vulnerability.Layer?.DiffID ? { layerDiffId: vulnerability.Layer.DiffID } : {}),
            ...withPlatform
        })),
        ...(result.Secrets ?? []).map((secret) => ({
            id: secret.RuleID,
            pkgName: result.Target,
            installedVersion: secret.StartLine ? `line ${secret.StartLine}` : '',
            severity: trivy_report_severityOf(secret.Severity),
            ...(secret.Title ? { title: secret.Title } : {}),
            target: result.Target,
            class: result.Class,
            ...(secret.Layer?.DiffID ? { layerDiffId: secret.Layer.DiffID } : {}),
            ...withPlatform
        })),
        ...(result.Misconfigurations ?? [])
            .filter((misconfiguration) => misconfiguration.Status !== 'PASS')
            .map((misconfiguration) => ({
            id: misconfiguration.AVDID || misconfiguration.ID,
            pkgName: result.Target,
            installedVersion: '',
            severity: trivy_report_severityOf(misconfiguration.Severity),
            ...(misconfiguration.Title ? { title: misconfiguration.Title } : {}),
            ...(misconfiguration.PrimaryURL ? { primaryUrl: misconfiguration.PrimaryURL } : {}),
            target: result.Target,
            class: result.Class,
            ...(misconfiguration.Layer?.DiffID ? { layerDiffId: misconfiguration.Layer.DiffID } : {}),
            ...withPlatform
        }))
    ]);
}
function countBySeverity(findings) {
    const counts = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
    for (const finding of findings)
        counts[finding.severity.toLowerCase()] += 1;
    return counts;
}

;// CONCATENATED MODULE: ./src/scan/scan.ts










const defaultTrivyVersion = '0.75.0';
/** `--pkg-types` (Trivy 0.51) is the oldest flag the plan relies on. */
const minimumTrivyVersion = '0.51.0';
const scannerNames = ['vuln', 'secret', 'misconfig'];
const pkgTypeNames = ['os', 'library'];
const failOnValues = [...severities, 'none'];
/** A list input of known values, returned in the order of `allowed` without repeats. */
function listOf(raw, name, allowed, fallback) {
    const items = parseList(raw[name] ?? '');
    if (items.length === 0)
        return fallback;
    const chosen = items.map((item) => {
        const found = allowed.find((option) => option.toLowerCase() === item.toLowerCase());
        if (!found) {
            throw new errors/* ConfigurationError */.j1(`Input '${name}' has '${item}': expected a comma-separated list of ${allowed.map((a) => `'${a}'`).join(', ')}.`);
        }
        return found;
    });
    return allowed.filter((option) => chosen.includes(option));
}
function failOn(raw) {
    const value = values_text(raw, 'fail-on');
    if (value === '')
        return 'CRITICAL';
    const found = failOnValues.find((option) => option.toLowerCase() === value.toLowerCase());
    if (!found) {
        throw new errors/* ConfigurationError */.j1(`Input 'fail-on' is '${value}': expected one severity (${failOnValues.join(', ')}); findings at or above it block the image.`);
    }
    return found;
}
function trivyVersion(raw) {
    const value = values_text(raw, 'trivy-version');
    if (value === '')
        return defaultTrivyVersion;
    const version = semver_default().valid(value.replace(/^v/, ''));
    if (!version || semver_default().lt(version, minimumTrivyVersion)) {
        throw new errors/* ConfigurationError */.j1(`Input 'trivy-version' is '${value}': expected a Trivy release version such as '${defaultTrivyVersion}' (${minimumTrivyVersion} or later).`);
    }
    return version;
}
function trivyignores(raw, workspace) {
    const files = parseList(raw.trivyignores ?? '').map((file) => external_node_path_.resolve(workspace, file));
    const missing = files.find((file) => !(0,external_node_fs_.existsSync)(file) || !(0,external_node_fs_.statSync)(file).isFile());
    if (missing) {
        throw new errors/* ConfigurationError */.j1(`Input 'trivyignores' names ${missing}, which is not a file.`);
    }
    if (files.length > 1 && files.some((file) => /\.ya?ml$/.test(file))) {
        throw new errors/* ConfigurationError */.j1(`Input 'trivyignores' mixes a YAML ignore file with others: Trivy reads one ignore file, so a .trivyignore.yaml must be the only one.`);
    }
    return files;
}
/** Parses and validates the scan inputs; relative `trivyignores` are read from `workspace`. */
function parseScanInputs(raw, workspace = process.cwd()) {
    const dbRepositories = parseList(raw['trivy-db-repository'] ?? '');
    const badRepository = dbRepositories.find((repository) => /\s|^[a-z]+:\/\//i.test(repository));
    if (badRepository !== undefined) {
        throw new errors/* ConfigurationError */.j1(`Input 'trivy-db-repository' has '${badRepository}': expected OCI repositories without a scheme, e.g. 'public.ecr.aws/aquasecurity/trivy-db:2'.`);
    }
    return {
        'trivy-version': trivyVersion(raw),
        'skip-setup-trivy': bool(raw, 'skip-setup-trivy', false),
        'trivy-db-repository': dbRepositories,
        severity: listOf(raw, 'severity', severities, [...severities]),
        'fail-on': failOn(raw),
        'ignore-unfixed': bool(raw, 'ignore-unfixed', false),
        trivyignores: trivyignores(raw, workspace),
        scanners: listOf(raw, 'scanners', scannerNames, ['vuln']),
        'pkg-types': listOf(raw, 'pkg-types', pkgTypeNames, ['os', 'library']),
        'sarif-upload': bool(raw, 'sarif-upload', true),
        'sarif-category': values_text(raw, 'sarif-category')
    };
}
/** The severities the scan records: what is reported plus everything the gate needs to see. */
function scanSeverities(inputs) {
    const failOn = inputs['fail-on'];
    return severities.filter((severity) => inputs.severity.includes(severity) ||
        (failOn !== 'none' && severityRank(severity) <= severityRank(failOn)));
}
/**
 * Scan once to JSON (the source of truth for gate, counts and reports), then convert that JSON to SARIF.
 * The DB was fetched by `planDbDownload` first, so the scan skips the update and uses the job's own
 * docker config, which holds the registry login needed for `--image-src remote`.
 */
function planScan(request) {
    const { inputs } = request;
    const scan = {
        tool: request.trivy,
        args: [
            'image',
            '--format',
            'json',
            '--output',
            request.reportPath,
            '--severity',
            scanSeverities(inputs).join(','),
            '--scanners',
            inputs.scanners.join(','),
            ...(inputs.scanners.includes('vuln') ? ['--pkg-types', inputs['pkg-types'].join(',')] : []),
            ...(inputs['ignore-unfixed'] ? ['--ignore-unfixed'] : []),
            ...(request.ignoreFile ? ['--ignorefile', request.ignoreFile] : []),
            ...(request.platform ? ['--platform', request.platform] : []),
            '--image-src',
            request.source,
            ...(inputs.scanners.includes('vuln') ? ['--skip-db-update'] : []),
            '--no-progress',
            request.imageRef
        ]
    };
    const convert = {
        tool: request.trivy,
        args: ['convert', '--format', 'sarif', '--output', request.sarifPath, request.reportPath]
    };
    return [scan, convert];
}
/**
 * Fetches the vulnerability DB before any scan, with a docker config that has no ECR-Public
 * credentials: expired ones make the anonymous pull of a public DB fail. Undefined without `vuln`.
 */
function planDbDownload(request) {
    if (!request.inputs.scanners.includes('vuln'))
        return undefined;
    const repositories = request.inputs['trivy-db-repository'];
    return {
        tool: request.trivy,
        args: ['image', '--download-db-only', '--no-progress'],
        env: {
            DOCKER_CONFIG: request.dockerConfigDir,
            ...(repositories.length > 0 ? { TRIVY_DB_REPOSITORY: repositories.join(',') } : {})
        }
    };
}
const ecrPublicHost = /^(?:https?:\/\/)?public\.ecr\.aws(?:\/|$)/;
/** A docker config without ECR-Public entries in `auths` and `credHelpers`; everything else is kept. */
function withoutEcrPublic(config) {
    const cleaned = { ...config };
    for (const key of ['auths', 'credHelpers']) {
        const entries = config[key];
        if (entries && typeof entries === 'object') {
            cleaned[key] = Object.fromEntries(Object.entries(entries).filter(([host]) => !ecrPublicHost.test(host)));
        }
    }
    return cleaned;
}
/** Writes `<directory>/config.json`: the job's docker config minus ECR-Public; private DB mirrors keep their login. */
async function writeDbDockerConfig(directory, env = process.env) {
    const source = external_node_path_.join(env.DOCKER_CONFIG || external_node_path_.join(external_node_os_.homedir(), '.docker'), 'config.json');
    const config = (0,external_node_fs_.existsSync)(source)
        ? JSON.parse(await (0,promises_.readFile)(source, 'utf8'))
        : {};
    await (0,promises_.mkdir)(directory, { recursive: true, mode: 0o700 });
    await (0,promises_.writeFile)(external_node_path_.join(directory, 'config.json'), JSON.stringify(withoutEcrPublic(config)), {
        mode: 0o600
    });
    return directory;
}
/** Trivy reads one `--ignorefile`: several plain-format files are concatenated into `file`. */
async function mergeIgnoreFiles(files, file) {
    if (files.length <= 1)
        return files[0];
    const parts = await Promise.all(files.map(async (name) => `# ${name}\n${await (0,promises_.readFile)(name, 'utf8')}\n`));
    await (0,promises_.writeFile)(file, parts.join(''));
    return file;
}
function describeFinding(finding) {
    const where = finding.platform ? `, ${finding.platform}` : '';
    if (finding.class === 'secret' || finding.class === 'config') {
        const at = finding.installedVersion ? ` ${finding.installedVersion}` : '';
        return `${finding.id} in ${finding.target}${at} (${finding.severity}${where})`;
    }
    const fix = finding.fixedVersion ?? 'no fixed version';
    return `${finding.id} in ${finding.pkgName} ${finding.installedVersion} → ${fix} (${finding.severity}${where})`;
}
function describePolicy(failOn) {
    if (failOn === 'none')
        return 'fail-on: none reports findings without blocking';
    return failOn === 'UNKNOWN'
        ? 'fail-on: UNKNOWN blocks every finding'
        : `fail-on: ${failOn} blocks ${failOn} and above`;
}
/** The policy gate: findings at or above `fail-on` block the image from getting its tags. */
function evaluateGate(findings, failOn) {
    if (failOn === 'none')
        return { blocked: [] };
    const blocked = findings.filter((finding) => severityRank(finding.severity) <= severityRank(failOn));
    if (blocked.length === 0)
        return { blocked };
    const lines = blocked.map((finding) => `  ${describeFinding(finding)}`);
    const count = blocked.length === 1 ? '1 finding blocks' : `${blocked.length} findings block`;
    return {
        blocked,
        message: [
            `The image was not tagged: ${count} it (${describePolicy(failOn)}):`,
            ...lines,
            `Upgrade or remove those packages, or change the policy with 'fail-on', 'ignore-unfixed' or 'trivyignores'.`
        ].join('\n')
    };
}
/** Fetches the DB once per job, before the scans (see `planDbDownload`). */
async function runDbDownload(runner, request) {
    const dockerConfigDir = await writeDbDockerConfig(external_node_path_.join(request.tempDir, 'trivy-db-docker-config'));
    const command = planDbDownload({ ...request, dockerConfigDir });
    if (command)
        await runner.run(command, { stream: true });
}
/** Runs the scan and the SARIF conversion, then reads the JSON report back as findings. */
async function runScan(runner, request) {
    for (const command of planScan(request))
        await runner.run(command, { stream: true });
    const report = await readTrivyReport(request.reportPath);
    const findings = findingsOf(report, request.platform);
    return {
        report,
        findings,
        counts: countBySeverity(findings),
        reportPath: request.reportPath,
        sarifPath: request.sarifPath
    };
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
;// CONCATENATED MODULE: ./src/tools/verified-download.ts








async function sha256OfStream(stream) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for await (const chunk of stream)
        hash.update(chunk);
    return hash.digest('hex');
}
function sha256Of(file) {
    return sha256OfStream((0,external_node_fs_.createReadStream)(file));
}
/** The sha256 of one member of a `.tar.gz`, read through `tar -O` without extracting anything to disk. */
async function tarMemberSha256(archive, member) {
    const child = (0,external_node_child_process_.spawn)('tar', ['-xzOf', archive, member], { stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
    const digest = await sha256OfStream(child.stdout);
    return (await exited) === 0 ? digest : undefined;
}
/** Why a tool cache entry must not be used, or undefined when its bytes are exactly the verified ones. */
async function cachedToolProblem(dir, tool) {
    const binary = external_node_path_.join(dir, tool.executable.name);
    if (!(0,external_node_fs_.existsSync)(binary))
        return `${tool.executable.name} is missing`;
    if (tool.executable.from === 'asset') {
        const actual = await sha256Of(binary);
        return actual === tool.sha256
            ? undefined
            : `${tool.executable.name} has sha256 ${actual}, expected ${tool.sha256}`;
    }
    const archive = external_node_path_.join(dir, tool.asset);
    if (!(0,external_node_fs_.existsSync)(archive))
        return `${tool.asset} is not kept next to it, so it cannot be checked`;
    const archiveSha = await sha256Of(archive);
    if (archiveSha !== tool.sha256)
        return `${tool.asset} has sha256 ${archiveSha}, expected ${tool.sha256}`;
    const [member, actual] = await Promise.all([
        tarMemberSha256(archive, tool.executable.name),
        sha256Of(binary)
    ]);
    if (member === undefined)
        return `${tool.asset} has no ${tool.executable.name}`;
    return actual === member ? undefined : `${tool.executable.name} differs from the one in ${tool.asset}`;
}
async function download(tool) {
    const tc = await __webpack_require__.e(/* import() */ 805).then(__webpack_require__.bind(__webpack_require__, 9805));
    try {
        return await tc.downloadTool(tool.url);
    }
    catch (error) {
        if (error instanceof tc.HTTPError && error.httpStatusCode === 404)
            throw tool.missingRelease(tool.url);
        throw new errors/* ServiceError */._7(`Could not download ${tool.url}: ${error.message}`);
    }
}
/** A folder holding exactly what the tool cache keeps: the executable, and the archive it came from. */
async function unpack(file, tool) {
    const tc = await __webpack_require__.e(/* import() */ 805).then(__webpack_require__.bind(__webpack_require__, 9805));
    if (tool.executable.from === 'asset') {
        const dir = await (0,promises_.mkdtemp)(external_node_path_.join(process.env.RUNNER_TEMP || external_node_os_.tmpdir(), `${tool.name}-`));
        await (0,promises_.copyFile)(file, external_node_path_.join(dir, tool.executable.name));
        await (0,promises_.chmod)(external_node_path_.join(dir, tool.executable.name), 0o755);
        return dir;
    }
    const dir = await tc.extractTar(file);
    if (!(0,external_node_fs_.existsSync)(external_node_path_.join(dir, tool.executable.name))) {
        throw new errors/* ServiceError */._7(`${tool.asset} has no '${tool.executable.name}' at its top level.`);
    }
    await (0,promises_.copyFile)(file, external_node_path_.join(dir, tool.asset));
    return dir;
}
/**
 * The tool from the runner's tool cache when its bytes still match `sha256`, otherwise downloaded, checked
 * against `sha256` and cached. A cache entry that no longer matches (self-hosted runners keep their tool cache
 * between jobs) is refused with a warning and replaced by a fresh verified download. Returns the executable's path.
 */
async function installVerified(tool) {
    const tc = await __webpack_require__.e(/* import() */ 805).then(__webpack_require__.bind(__webpack_require__, 9805));
    const label = `${tool.name} ${tool.version}`;
    const cached = tc.find(tool.name, tool.version, tool.arch);
    if (cached) {
        const problem = await cachedToolProblem(cached, tool);
        if (!problem) {
            core.info(`${label} found in the tool cache (sha256 ${tool.sha256} verified, ${tool.checksumSource})`);
            return external_node_path_.join(cached, tool.executable.name);
        }
        core.warning(`Refusing the tool cache copy of ${label} in ${cached}: ${problem}. Someone or something changed it after it was verified; downloading it again.`);
    }
    core.info(`Downloading ${label} from ${tool.url}`);
    const file = await download(tool);
    const actual = await sha256Of(file);
    if (actual !== tool.sha256) {
        throw new errors/* ServiceError */._7(`Refusing to install ${label}: ${tool.asset} has sha256 ${actual}, but the expected sha256 (${tool.checksumSource}) is ${tool.sha256}. The download is corrupt or was altered.`);
    }
    const toolDir = await tc.cacheDir(await unpack(file, tool), tool.name, tool.version, tool.arch);
    core.info(`${label} installed (sha256 ${actual} verified, ${tool.checksumSource})`);
    return external_node_path_.join(toolDir, tool.executable.name);
}

;// CONCATENATED MODULE: ./src/scan/trivy-setup.ts







const releaseOs = { linux: 'Linux', darwin: 'macOS' };
const releaseArch = { x64: '64bit', arm64: 'ARM64' };
/**
 * The default Trivy release and the sha256 of its archives, written here so that nothing downloaded from the
 * release itself (a checksums file can be replaced with the archive) decides what runs. Sources: docs/signing.md.
 */
const pinnedTrivy = {
    version: '0.75.0',
    sha256: {
        'trivy_0.75.0_Linux-64bit.tar.gz': 'c6e65abddb348e25f10549df887045629cf28cc72453cd1c63acb717316b3f3f',
        'trivy_0.75.0_Linux-ARM64.tar.gz': 'a1ee9f6ffb7d112b64ff726a2a0717c21175c1114361391f4a132956751a13b3',
        'trivy_0.75.0_macOS-64bit.tar.gz': '291edaa9778acbe4693d067b5ad60ee11570e5ac68296e85595417528ca641e4',
        'trivy_0.75.0_macOS-ARM64.tar.gz': '4a77108cccf8e55c8d6823e1e759939a622277e66cd0daa3c1fc621ed69e4568'
    }
};
/** The release archive for this runner, e.g. `trivy_0.75.0_Linux-64bit.tar.gz`. */
function trivyArchive(version, platform, arch) {
    const osName = releaseOs[platform];
    const archName = releaseArch[arch];
    if (!osName || !archName) {
        throw new errors/* ConfigurationError */.j1(`Trivy has no release for ${platform}/${arch}: run on a Linux or macOS runner (x64 or arm64), or install Trivy yourself and set 'skip-setup-trivy: true'.`);
    }
    return `trivy_${version}_${osName}-${archName}.tar.gz`;
}
/** The sha256 that a `sha256sum`-style checksums file lists for `fileName`. */
function checksumFor(checksums, fileName) {
    for (const line of checksums.split('\n')) {
        const match = /^([0-9a-f]{64})\s+\*?(\S+)\s*$/i.exec(line.trim());
        if (match && match[2] === fileName)
            return match[1].toLowerCase();
    }
    return undefined;
}
function parseTrivyChecksum(raw) {
    const value = text(raw, 'trivy-checksum');
    if (value === '')
        return { kind: 'none' };
    if (/^[0-9a-f]{64}$/i.test(value))
        return { kind: 'sha256', sha256: value.toLowerCase() };
    const lines = value.split('\n').map((line) => line.trim());
    const bad = lines.findIndex((line) => line !== '' && !/^[0-9a-f]{64}\s+\*?\S+$/i.test(line));
    if (bad >= 0) {
        throw new ConfigurationError(`Input 'trivy-checksum' line ${bad + 1} is '${lines[bad]}': expected the sha256 of this runner's Trivy archive (64 hex digits), or lines '<sha256>  trivy_<version>_<os>-<arch>.tar.gz' as in the release's checksums file.`);
    }
    return { kind: 'lines', text: value };
}
/**
 * The sha256 the Trivy archive for this runner must have: pinned for the default release, and for any other
 * release taken from `trivy-checksum`, which is then required. Call it while reading the inputs, so a missing
 * checksum fails before the build.
 */
function expectedTrivyChecksum(request) {
    const archive = trivyArchive(request.version, request.platform, request.arch);
    const given = request.checksum.kind === 'sha256'
        ? request.checksum.sha256
        : request.checksum.kind === 'lines'
            ? checksumFor(request.checksum.text, archive)
            : undefined;
    if (request.version === pinnedTrivy.version) {
        const pinned = pinnedTrivy.sha256[archive];
        if (!pinned) {
            throw new errors/* ConfigurationError */.j1(`No sha256 is pinned for ${archive}, so ecr-build-push will not install it: install Trivy yourself and set 'skip-setup-trivy: true'.`);
        }
        if (given !== undefined && given !== pinned) {
            throw new errors/* ConfigurationError */.j1(`Input 'trivy-checksum' says ${archive} has sha256 ${given}, but ecr-build-push pins ${pinned} for Trivy ${pinnedTrivy.version}. Remove 'trivy-checksum' (the default release is already verified) or check where your value came from.`);
        }
        return { archive, sha256: pinned, source: 'pinned in ecr-build-push' };
    }
    if (given === undefined) {
        throw new errors/* ConfigurationError */.j1(request.checksum.kind === 'lines'
            ? `Input 'trivy-checksum' has no line for ${archive}, the archive this runner installs for 'trivy-version: ${request.version}'. Add its sha256 (see docs/signing.md for how to get one you can trust).`
            : `Input 'trivy-version' is '${request.version}', which is not the release ecr-build-push pins (${pinnedTrivy.version}): set 'trivy-checksum' to the sha256 of ${archive} (see docs/signing.md for how to get one you can trust), or use the default release.`);
    }
    return { archive, sha256: given, source: "input 'trivy-checksum'" };
}
/**
 * The Trivy release from the tool cache, or downloaded, verified against the pinned sha256 (or `trivy-checksum`),
 * extracted and cached; every cache hit is verified again. Returns the path of the `trivy` binary.
 */
async function installTrivy(request) {
    const { version, checksum = { kind: 'none' }, baseUrl = 'https://github.com', platform = process.platform, arch = process.arch } = request;
    const expected = expectedTrivyChecksum({ version, checksum, platform, arch });
    const url = `${baseUrl.replace(/\/$/, '')}/aquasecurity/trivy/releases/download/v${version}/${expected.archive}`;
    return installVerified({
        name: 'trivy',
        version,
        arch,
        url,
        asset: expected.archive,
        sha256: expected.sha256,
        checksumSource: expected.source,
        executable: { from: 'tar.gz', name: 'trivy' },
        missingRelease: (missing) => new errors/* ConfigurationError */.j1(`Input 'trivy-version' is '${version}': ${missing} does not exist. Pick a release listed at https://github.com/aquasecurity/trivy/releases.`)
    });
}
/** Trivy's cache directory; the vulnerability DB lives in its `db` folder. */
function trivyCacheDir(env = process.env) {
    return env.TRIVY_CACHE_DIR || external_node_path_.join(external_node_os_.homedir(), '.cache', 'trivy');
}
/** One cache entry per OS and UTC day; any earlier day is a good enough start (Trivy refreshes a stale DB). */
function trivyDbCacheKeys(platform, date) {
    return {
        key: `trivy-db-${platform}-${date.toISOString().slice(0, 10)}`,
        restoreKeys: [`trivy-db-${platform}-`]
    };
}
/** Restores the vulnerability DB so scans don't pull it from a rate-limited registry; failures are warnings. */
async function restoreTrivyDb(options = {}) {
    const cache = await __webpack_require__.e(/* import() */ 691).then(__webpack_require__.bind(__webpack_require__, 1691));
    if (!cache.isFeatureAvailable()) {
        core.debug('The Actions cache service is not available: the Trivy DB is not cached');
        return undefined;
    }
    const { key, restoreKeys } = trivyDbCacheKeys(options.platform ?? process.platform, options.date ?? new Date());
    const paths = [external_node_path_.join(trivyCacheDir(options.env), 'db')];
    try {
        const restoredKey = await cache.restoreCache(paths, key, restoreKeys);
        core.info(restoredKey ? `Trivy DB restored from cache ${restoredKey}` : 'No cached Trivy DB yet');
        return { paths, key, ...(restoredKey ? { restoredKey } : {}) };
    }
    catch (error) {
        core.warning(`Could not restore the Trivy DB cache: ${error.message}`);
        return { paths, key };
    }
}
/** Saves the DB under today's key unless that key was the one restored; failures are warnings. */
async function saveTrivyDb(entry) {
    if (!entry || entry.restoredKey === entry.key || !entry.paths.some((dir) => (0,external_node_fs_.existsSync)(dir)))
        return;
    const cache = await __webpack_require__.e(/* import() */ 691).then(__webpack_require__.bind(__webpack_require__, 1691));
    try {
        await cache.saveCache(entry.paths, entry.key);
        core.info(`Trivy DB saved to cache ${entry.key}`);
    }
    catch (error) {
        core.warning(`Could not save the Trivy DB cache: ${error.message}`);
    }
}

;// CONCATENATED MODULE: ./src/scan/gate.ts











function parseReportInputs(raw) {
    return {
        'annotate-severity': oneOf(raw, 'annotate-severity', severities, 'HIGH'),
        'pr-comment': bool(raw, 'pr-comment', true),
        'max-image-size': parseSizeBudget(raw['max-image-size'] ?? '')
    };
}
/** What the gate scans: the loaded image by its first tag, or the pushed digest once per platform. */
function scanTargets(output, tags, image, digest, platforms) {
    if (output !== 'push-by-digest')
        return [{ imageRef: tags[0], source: 'docker' }];
    const imageRef = `${image}@${digest}`;
    if (platforms.length <= 1)
        return [{ imageRef, source: 'remote' }];
    return platforms.map((platform) => ({ imageRef, source: 'remote', platform }));
}
function sumCounts(all) {
    const total = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
    for (const counts of all) {
        for (const key of Object.keys(total))
            total[key] += counts[key];
    }
    return total;
}
function scanFiles(tempDir, target) {
    const suffix = target.platform ? `-${target.platform.replace(/\//g, '-')}` : '';
    return {
        reportPath: external_node_path_.join(tempDir, `trivy${suffix}.json`),
        sarifPath: external_node_path_.join(tempDir, `trivy${suffix}.sarif`)
    };
}
async function trivyBinary(inputs) {
    return inputs['skip-setup-trivy'] ? 'trivy' : installTrivy({ version: inputs['trivy-version'] });
}
/** The layers as the scan saw them, with the instruction that made each. */
function sizedLayers(report, map) {
    return (report.Metadata?.Layers ?? []).map((layer) => {
        const mapped = map.layers.find((candidate) => candidate.diffId === layer.DiffID);
        const origin = mapped?.origin;
        return {
            digest: layer.Digest ?? layer.DiffID ?? '',
            size: layer.Size ?? 0,
            ...(origin?.mapped
                ? { instruction: origin.instruction, line: origin.line, fromBase: origin.fromBase }
                : {})
        };
    });
}
/** The trivy commands a dry run prints. */
function planGate(request) {
    return request.targets.map((target) => ({
        trivy: 'trivy',
        ...target,
        ...scanFiles(request.tempDir, target),
        inputs: request.scan
    }));
}
async function printGate(runner, request) {
    for (const scan of planGate(request))
        for (const command of planScan(scan))
            await runner.run(command);
}
/** The one DB download a dry run would make before its scans. */
async function printTrivySetup(runner, request) {
    const command = planDbDownload({
        trivy: 'trivy',
        inputs: request.scan,
        dockerConfigDir: external_node_path_.join(request.tempDir, 'trivy-db-docker-config')
    });
    if (command)
        await runner.run(command);
}
async function uploadFindings(request, sarifPath, mapped, map, platform) {
    const file = relativeToWorkspace(request.dockerfilePath, request.context.workspace);
    const category = request.scan['sarif-category']
        ? platformCategory(request.scan['sarif-category'], platform)
        : defaultCategory(request.repository, request.stage, platform);
    const sarif = JSON.parse(await (0,promises_.readFile)(sarifPath, 'utf8'));
    const prepared = prepareSarif(rewriteSarifLocations(sarif, mapped, file, map.fallback), { category });
    await (0,promises_.writeFile)(sarifPath, JSON.stringify(prepared.log));
    const omitted = describeOmitted(prepared.omitted);
    if (omitted)
        core.warning(omitted);
    if (!request.scan['sarif-upload'])
        return;
    if (!request.token) {
        core.warning("SARIF upload skipped: 'github-token' is empty.");
        return;
    }
    const result = await uploadSarif({
        token: request.token,
        context: request.context,
        sarif: prepared.log,
        category,
        checkoutUri: `file://${request.context.workspace}`,
        commitSha: request.context.sha,
        ref: request.context.ref
    });
    core.info(`SARIF upload (${category}): ${result.status}${result.url ? ` ${result.url}` : ''}`);
}
async function prepareTrivy(request) {
    const trivy = await trivyBinary(request.scan);
    const db = await restoreTrivyDb();
    await runDbDownload(request.runner, { trivy, inputs: request.scan, tempDir: request.tempDir });
    await saveTrivyDb(db);
    const ignoreFile = await mergeIgnoreFiles(request.scan.trivyignores, external_node_path_.join(request.tempDir, 'trivyignore'));
    return { trivy, ...(ignoreFile ? { ignoreFile } : {}) };
}
async function runGate(request) {
    const { trivy, ignoreFile } = request.prepared;
    const dockerfile = await (0,promises_.readFile)(request.dockerfilePath, 'utf8');
    const findings = [];
    const counts = [];
    const outcome = {
        reportPaths: [],
        sarifPaths: [],
        layers: []
    };
    for (const target of request.targets) {
        const scanned = await runScan(request.runner, {
            trivy,
            ...target,
            ...scanFiles(request.tempDir, target),
            inputs: request.scan,
            ...(ignoreFile ? { ignoreFile } : {})
        });
        const map = mapLayers({
            config: scanned.report.Metadata?.ImageConfig ?? {},
            dockerfile,
            target: request.target,
            buildArgs: request.buildArgs
        });
        if (map.problem)
            core.info(`Layer mapping: ${map.problem}`);
        const mapped = mapFindings(scanned.findings, map);
        findings.push(...mapped);
        counts.push(scanned.counts);
        outcome.reportPaths.push(scanned.reportPath);
        outcome.sarifPaths.push(scanned.sarifPath);
        if (outcome.layers.length === 0)
            outcome.layers = sizedLayers(scanned.report, map);
        await uploadFindings(request, scanned.sarifPath, mapped, map, target.platform);
    }
    emitAnnotations(planAnnotations(findings, {
        file: relativeToWorkspace(request.dockerfilePath, request.context.workspace),
        annotateSeverity: request.report['annotate-severity']
    }));
    const gate = evaluateGate(findings, request.scan['fail-on']);
    const budget = request.report['max-image-size'];
    const layersCompressed = request.targets.every((target) => target.source === 'remote');
    const sizeCheck = budget !== undefined ? checkSizeBudget(outcome.layers, budget, layersCompressed) : undefined;
    const reasons = [gate.message, sizeCheck?.over ? sizeCheck.message : undefined].filter(Boolean);
    return {
        ...outcome,
        layersCompressed,
        trivy,
        findings,
        counts: sumCounts(counts),
        ...(sizeCheck ? { sizeCheck } : {}),
        ...(reasons.length > 0 ? { blocked: reasons.join('\n') } : {})
    };
}
/**
 * The pull request's base image: the base branch's tag in the registry, scanned the same way, so the
 * comment can say which findings this pull request brings in and which it fixes.
 */
async function scanBase(request) {
    if (!request.layers)
        return { ref: request.baseRef };
    const scanned = await runScan(request.runner, {
        trivy: request.trivy,
        imageRef: request.reference,
        source: 'remote',
        reportPath: external_node_path_.join(request.tempDir, 'trivy-base.json'),
        sarifPath: external_node_path_.join(request.tempDir, 'trivy-base.sarif'),
        inputs: request.scan
    });
    return {
        ref: request.baseRef,
        image: request.reference,
        findings: scanned.findings,
        size: request.layers.reduce((sum, layer) => sum + layer.size, 0)
    };
}

;// CONCATENATED MODULE: ./src/report/comment.ts



/** GitHub refuses comment bodies over 65,536 characters; bytes are never fewer than characters. */
const commentLimitBytes = 60_000;
/** The hidden first line that finds this target's comment again on the next run. */
function commentMarker(repository, target) {
    return `<!-- ecr-build-push:${repository}:${target} -->`;
}
/** The pull request number and base branch when the run is for a pull request. */
function pullRequestOf(context) {
    const pullRequest = context.payload.pull_request;
    if (typeof pullRequest?.number !== 'number')
        return undefined;
    return { number: pullRequest.number, baseRef: pullRequest.base?.ref ?? '' };
}
function key(finding) {
    return `${finding.id}\u0000${finding.pkgName}`;
}
/** Findings this pull request brings in, fixes and leaves alone, by (vulnerability id, package). */
function diffFindings(current, base) {
    const baseKeys = new Set(base.map(key));
    const currentKeys = new Set(current.map(key));
    const unique = uniqueBy(current, key);
    return {
        new: unique.filter((finding) => !baseKeys.has(key(finding))),
        fixed: uniqueBy(base, key).filter((finding) => !currentKeys.has(key(finding))),
        unchanged: unique.filter((finding) => baseKeys.has(key(finding)))
    };
}
/** `+12.3 kB (+0.8%)`, `-1.2 MB (-10%)` or `no change`. */
function sizeChange(current, base) {
    const difference = current - base;
    if (difference === 0)
        return 'no change';
    const sign = difference > 0 ? '+' : '';
    const percent = base > 0 ? ` (${sign}${Number(((difference / base) * 100).toPrecision(2))}%)` : '';
    return `${sign}${formatSize(difference)}${percent}`;
}
function comparisonSection(report, base) {
    const heading = `### Compared with ${code(base.ref)}`;
    if (!base.image)
        return ['', heading, '', `No image for ${code(base.ref)} in the registry yet: nothing to compare with.`];
    const current = uniqueFindings(report.findings ?? []);
    const total = report.layers?.reduce((sum, layer) => sum + layer.size, 0);
    const table = [
        '',
        heading,
        '',
        '| | |',
        '| --- | --- |',
        `| Base image | ${code(base.image)} |`,
        ...(total !== undefined && base.size !== undefined
            ? [`| Size | ${formatSize(total)}, ${sizeChange(total, base.size)} against ${formatSize(base.size)} |`]
            : [])
    ];
    if (!report.findings || !base.findings)
        return [...table, '| Findings | not compared: one side was not scanned |'];
    const diff = diffFindings(current, base.findings);
    const newRows = bySeverity(diff.new)
        .slice(0, 20)
        .map((finding) => {
        const id = finding.primaryUrl ? `[${cell(finding.id)}](${finding.primaryUrl})` : cell(finding.id);
        return `| ${finding.severity} | ${id} | ${cell(finding.pkgName)} | ${originCell(report, finding.origin)} | ${blocksPush(report, finding) ? '⛔' : ''} |`;
    });
    const fixed = diff.fixed.slice(0, 30).map((finding) => `${cell(finding.id)} (${cell(finding.pkgName)})`);
    return [
        ...table,
        `| Findings | ${diff.new.length} new, ${diff.fixed.length} fixed, ${diff.unchanged.length} already on ${code(base.ref)} |`,
        ...(newRows.length > 0
            ? [
                '',
                '**New in this pull request**',
                '',
                '| Severity | ID | Package | Introduced by | Blocks push |',
                '| --- | --- | --- | --- | :---: |',
                ...newRows,
                ...(diff.new.length > newRows.length
                    ? ['', `_…and ${diff.new.length - newRows.length} more._`]
                    : [])
            ]
            : []),
        ...(fixed.length > 0
            ? [
                '',
                `**Fixed by this pull request**: ${fixed.join(', ')}${diff.fixed.length > fixed.length ? `, and ${diff.fixed.length - fixed.length} more` : ''}`
            ]
            : [])
    ];
}
/** The sticky comment: the marker, the target's summary and, when known, the difference against the base branch. */
function commentBody(report, base) {
    const lines = [
        commentMarker(report.repository, report.target),
        summaryMarkdown(report, { headingLevel: 2, maxBytes: commentLimitBytes }).trimEnd(),
        ...(base ? comparisonSection(report, base) : [])
    ];
    return limitMarkdown(`${lines.join('\n')}\n`, commentLimitBytes);
}
function httpStatus(error) {
    const status = error?.status;
    return typeof status === 'number' ? status : undefined;
}
/**
 * Updates this target's comment in place (found by its marker at the start of the body), or posts it once.
 * Without `pull-requests: write` (fork pull requests) it warns and returns: a report never fails the build.
 */
async function upsertStickyComment(request, log = core) {
    const { getOctokit } = await __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 2413));
    const octokit = getOctokit(request.token, { baseUrl: request.context.apiUrl });
    const [owner, repo] = request.context.repository.split('/');
    const issue = { owner, repo, issue_number: request.issueNumber };
    try {
        const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...issue, per_page: 100 });
        const existing = comments.find((comment) => comment.body?.startsWith(request.marker));
        if (existing?.body === request.body)
            return { action: 'unchanged', id: existing.id, url: existing.html_url };
        if (existing) {
            const { data } = await octokit.rest.issues.updateComment({
                owner,
                repo,
                comment_id: existing.id,
                body: request.body
            });
            return { action: 'updated', id: data.id, url: data.html_url };
        }
        const { data } = await octokit.rest.issues.createComment({ ...issue, body: request.body });
        return { action: 'created', id: data.id, url: data.html_url };
    }
    catch (error) {
        const status = httpStatus(error);
        if (status === undefined)
            throw error;
        const why = status === 403 || status === 404
            ? `the token cannot write pull request comments: give the job 'permissions: pull-requests: write'. Pull requests from forks get a read-only token, so there is no comment for them; the job summary has the same report.`
            : `GitHub answered HTTP ${status}: ${error.message}`;
        log.warning(`Skipped the pull request comment on #${request.issueNumber}: ${why}`);
        return { action: 'skipped' };
    }
}

;// CONCATENATED MODULE: ./src/release/push.ts
const ecrHost = /^(\d{12})\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/;
/** The account id when `host` is an ECR registry, else undefined (a plain registry). */
function ecrAccountOf(host) {
    return ecrHost.exec(host)?.[1];
}
/** The part after the last `:` of a full reference (registries may carry a port, tags never a `/`). */
function tagOf(reference) {
    const at = reference.lastIndexOf(':');
    return at > reference.lastIndexOf('/') ? reference.slice(at + 1) : 'latest';
}
/** A reference without its tag or digest: `host:5000/shop/web:v1` → `host:5000/shop/web`. */
function repositoryOf(reference) {
    const at = reference.indexOf('@');
    if (at >= 0)
        return reference.slice(0, at);
    const colon = reference.lastIndexOf(':');
    return colon > reference.lastIndexOf('/') ? reference.slice(0, colon) : reference;
}
/**
 * How the scanned image gets its final tags, so the tagged digest is exactly the scanned one:
 * a daemon image (docker driver) is pushed tag by tag; a digest already in a plain registry is
 * tagged by `imagetools create`; on ECR the manifest is re-put under each tag (see tagOnEcr).
 */
function planPushLoaded(tags) {
    return tags.map((tag) => ({ tool: 'docker', args: ['push', tag] }));
}
/** Pulls what a push by digest tagged, so `load: true` leaves the same tags in the daemon. */
function planPull(tags) {
    return tags.map((tag) => ({ tool: 'docker', args: ['pull', '--quiet', tag] }));
}
function planTagDigest(image, digest, tags) {
    return {
        tool: 'docker',
        args: ['buildx', 'imagetools', 'create', ...tags.flatMap((tag) => ['--tag', tag]), `${image}@${digest}`]
    };
}
/** `docker push` ends with `<tag>: digest: sha256:… size: N`. */
function pushedDigest(output) {
    return /digest: (sha256:[0-9a-f]{64})/.exec(output)?.[1];
}
async function pushLoaded(runner, tags) {
    const digests = new Set();
    for (const command of planPushLoaded(tags)) {
        const result = await runner.run(command, { stream: true });
        const digest = pushedDigest(result.stdout);
        if (digest)
            digests.add(digest);
    }
    if (digests.size !== 1) {
        throw new Error(`docker push reported ${digests.size} digests for one image: ${[...digests].join(', ')}`);
    }
    return [...digests][0];
}
/** ECR keeps the digest when the same manifest bytes are put under another tag (BatchGetImage → PutImage). */
async function tagOnEcr(client, request) {
    const { BatchGetImageCommand, PutImageCommand, ImageAlreadyExistsException } = await __webpack_require__.e(/* import() */ 249).then(__webpack_require__.t.bind(__webpack_require__, 8249, 19));
    const registry = request.registryId ? { registryId: request.registryId } : {};
    const found = await client.send(new BatchGetImageCommand({
        ...registry,
        repositoryName: request.repository,
        imageIds: [{ imageDigest: request.digest }],
        acceptedMediaTypes: [
            'application/vnd.oci.image.index.v1+json',
            'application/vnd.docker.distribution.manifest.list.v2+json',
            'application/vnd.oci.image.manifest.v1+json',
            'application/vnd.docker.distribution.manifest.v2+json'
        ]
    }));
    const image = found.images?.[0];
    if (!image?.imageManifest)
        throw new Error(`ECR has no image ${request.digest} in ${request.repository}`);
    for (const tag of request.tags) {
        try {
            await client.send(new PutImageCommand({
                ...registry,
                repositoryName: request.repository,
                imageManifest: image.imageManifest,
                imageManifestMediaType: image.imageManifestMediaType,
                imageDigest: request.digest,
                imageTag: tagOf(tag)
            }));
        }
        catch (error) {
            // The tag already names this very digest: nothing to do.
            if (!(error instanceof ImageAlreadyExistsException))
                throw error;
        }
    }
}
/**
 * A manifest's layers as the registry stores them (compressed); for an index, those of its first platform
 * image (attestations, `unknown/unknown`, are skipped). Undefined when the image is not there.
 */
async function registryLayers(runner, reference) {
    const result = await runner.run({ tool: 'docker', args: ['buildx', 'imagetools', 'inspect', '--raw', reference] }, { allowFailure: true });
    if (result.exitCode !== 0)
        return undefined;
    const manifest = JSON.parse(result.stdout);
    const platformImage = manifest.manifests?.find((entry) => entry.platform?.os !== 'unknown');
    if (platformImage) {
        return registryLayers(runner, `${repositoryOf(reference)}@${platformImage.digest}`);
    }
    return manifest.layers?.map((layer) => ({ digest: layer.digest, size: layer.size }));
}

;// CONCATENATED MODULE: ./src/report/job-report.ts






/** Where the pull request's base branch stands: its image in the registry, scanned the same way. */
async function baseComparison(request) {
    const pullRequest = pullRequestOf(request.context);
    if (!pullRequest?.baseRef || !request.gate || !request.push)
        return undefined;
    if (!request.baseTag)
        return { ref: pullRequest.baseRef };
    const reference = `${request.image}:${request.baseTag}`;
    try {
        return await scanBase({
            runner: request.runner,
            scan: request.scan,
            tempDir: request.tempDir,
            trivy: request.gate.trivy,
            baseRef: pullRequest.baseRef,
            reference,
            layers: await registryLayers(request.runner, reference)
        });
    }
    catch (error) {
        core.warning(`Could not compare with ${reference}: ${error.message}`);
        return { ref: pullRequest.baseRef };
    }
}
/** One target's job summary section and, on pull requests, its sticky comment; whether the gate passed or not. */
async function writeJobReport(request, report) {
    await core.summary
        .addRaw(summaryMarkdown(report), true)
        .addRaw(slowestStepsMarkdown(request.stats), true)
        .write();
    const pullRequest = pullRequestOf(request.context);
    if (!pullRequest || !request.prComment || !request.token)
        return;
    const base = await baseComparison(request);
    const result = await upsertStickyComment({
        token: request.token,
        context: request.context,
        issueNumber: pullRequest.number,
        marker: commentMarker(report.repository, report.target),
        body: commentBody(report, base)
    });
    core.info(`Pull request comment for ${report.target}: ${result.action}${result.url ? ` ${result.url}` : ''}`);
}

;// CONCATENATED MODULE: ./src/meta/docker-tag.ts

/** What `docker tag` accepts: a word character first, then up to 127 of `[A-Za-z0-9_.-]`. */
const dockerTagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const maxLength = 128;
const keptLength = 120;
/** True when a character may appear anywhere in a tag. */
function isTagText(text) {
    return /^[A-Za-z0-9_.-]*$/.test(text);
}
/**
 * Turns a ref-derived value into a valid tag: runs of other characters become `-`, leading `.`/`-` go,
 * and a value over 128 characters keeps 120 plus a short hash so distinct refs stay distinct.
 * Returns '' when nothing usable is left.
 */
function sanitizeTag(value) {
    const tag = value.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+/, '');
    if (tag.length <= maxLength)
        return tag;
    const hash = (0,external_node_crypto_.createHash)('sha256').update(value).digest('hex').slice(0, 7);
    return `${tag.slice(0, keptLength)}-${hash}`;
}

// EXTERNAL MODULE: ./node_modules/moment-timezone/index.js
var moment_timezone = __webpack_require__(9856);
var moment_timezone_default = /*#__PURE__*/__webpack_require__.n(moment_timezone);
;// CONCATENATED MODULE: ./src/meta/tag-template.ts

/** A template the user wrote that cannot be read; the caller says which input and rule it came from. */
class TemplateError extends Error {
}
/** Expressions usable in values, prefixes, suffixes and `enable`, as docker/metadata-action names them. */
const globalExpressions = ['branch', 'tag', 'sha', 'base_ref', 'is_default_branch', 'date'];
/** Placeholders of `type=semver,pattern=`. */
const semverPlaceholders = ['version', 'major', 'minor', 'patch', 'raw'];
function describeExpressions(names) {
    return names.map((name) => (name === 'date' ? `{{date 'YYYYMMDD'}}` : `{{${name}}}`)).join(', ');
}
const tokenPattern = /\s*(?:([A-Za-z_]+)=)?(?:'([^']*)'|"([^"]*)"|([^\s'"]+))/y;
function parseExpression(source, allowed) {
    const inner = source.slice(2, -2);
    const tokens = [];
    tokenPattern.lastIndex = 0;
    while (tokenPattern.lastIndex < inner.length && inner.slice(tokenPattern.lastIndex).trim() !== '') {
        const match = tokenPattern.exec(inner);
        if (!match)
            throw new TemplateError(`cannot read the expression '${source}'`);
        tokens.push({ key: match[1], value: match[2] ?? match[3] ?? match[4], quoted: match[4] === undefined });
    }
    const [head, ...rest] = tokens;
    if (!head || head.key !== undefined || head.quoted || !allowed.includes(head.value)) {
        throw new TemplateError(`unknown expression '${source}'`);
    }
    const args = rest.filter((token) => token.key === undefined && token.quoted).map((token) => token.value);
    const options = Object.fromEntries(rest.filter((token) => token.key !== undefined).map((token) => [token.key, token.value]));
    if (rest.some((token) => token.key === undefined && !token.quoted)) {
        throw new TemplateError(`'${source}' takes only quoted arguments`);
    }
    if (head.value === 'date') {
        if (args.length !== 1)
            throw new TemplateError(`'${source}' needs one quoted format, e.g. {{date 'YYYYMMDD'}}`);
        const unknown = Object.keys(options).find((key) => key !== 'tz');
        if (unknown !== undefined)
            throw new TemplateError(`'${source}' has the unknown option '${unknown}' (only tz=)`);
        if (options.tz !== undefined && moment_timezone_default().tz.zone(options.tz) === null) {
            throw new TemplateError(`'${source}' names the unknown time zone '${options.tz}'`);
        }
    }
    else if (rest.length > 0) {
        throw new TemplateError(`'{{${head.value}}}' takes no arguments`);
    }
    return { kind: 'expression', name: head.value, args, options };
}
/** Splits a template into text and the expressions it names; throws TemplateError for anything not in `allowed`. */
function parseTemplate(template, allowed) {
    const parts = [];
    let rest = template;
    while (rest.length > 0) {
        const open = rest.indexOf('{{');
        if (open < 0) {
            parts.push({ kind: 'text', text: rest });
            break;
        }
        if (open > 0)
            parts.push({ kind: 'text', text: rest.slice(0, open) });
        const close = rest.indexOf('}}', open + 2);
        if (close < 0)
            throw new TemplateError(`'{{' without a closing '}}'`);
        parts.push(parseExpression(rest.slice(open, close + 2), allowed));
        rest = rest.slice(close + 2);
    }
    return parts;
}
/** Fills a parsed template; `resolve` gives each expression's value. */
function renderTemplate(parts, resolve) {
    return parts.map((part) => (part.kind === 'text' ? part.text : resolve(part))).join('');
}
/** `{{date 'format' tz='Area/City'}}` with moment's format tokens, in UTC unless `tz` says otherwise. */
function formatDate(now, format, timeZone = 'UTC') {
    return moment_timezone_default()(now).tz(timeZone).format(format);
}

;// CONCATENATED MODULE: ./src/meta/tag-rules.ts




/** docker/metadata-action's priorities: the highest-priority rule that yields a value gives `version`. */
const defaultPriorities = { semver: 900, ref: 600, raw: 200, sha: 100 };
const commonKeys = ['enable', 'priority', 'prefix', 'suffix'];
const keysOf = {
    sha: ['format', ...commonKeys],
    ref: ['event', ...commonKeys],
    semver: ['pattern', 'value', 'match', ...commonKeys],
    raw: ['value', ...commonKeys]
};
const unsupportedTypes = ['schedule', 'edge', 'match', 'pep440'];
const tagText = 'letters, digits, _ . - and the expressions';
function fieldsOf(line) {
    const records = (0,sync/* parse */.qg)(line, {
        relaxQuotes: true,
        relaxColumnCount: true,
        skipEmptyLines: true,
        trim: true
    });
    return (records[0] ?? []).filter((field) => field !== '');
}
function splitField(field) {
    const at = field.indexOf('=');
    return at < 0 ? [undefined, field] : [field.slice(0, at).trim().toLowerCase(), field.slice(at + 1).trim()];
}
function problem(input, text, what, accepted) {
    return new errors/* ConfigurationError */.j1(`Input '${input}' has the ${input === 'tags' ? 'rule' : 'entry'} '${text}': ${what}. Accepted: ${accepted}.`);
}
function template(input, text, key, value, allowed) {
    try {
        return parseTemplate(value, allowed);
    }
    catch (error) {
        if (!(error instanceof TemplateError))
            throw error;
        throw problem(input, text, `${key}=${value}: ${error.message}`, describeExpressions(allowed));
    }
}
/** Prefixes, suffixes and raw values reach docker as written: their literal text must already be tag text. */
function checkTagText(input, text, key, value) {
    const parts = template(input, text, key, value, globalExpressions);
    const bad = parts.find((part) => part.kind === 'text' && !isTagText(part.text));
    if (bad) {
        throw problem(input, text, `${key}=${value} contains characters a Docker tag cannot hold`, `${tagText} ${describeExpressions(globalExpressions)}`);
    }
    return parts;
}
function isLiteral(parts) {
    return parts.every((part) => part.kind === 'text');
}
function parseEnable(text, value) {
    const normalized = value.toLowerCase();
    if (normalized === 'true' || normalized === 'false')
        return normalized;
    if (/^\{\{\s*is_default_branch\s*\}\}$/.test(value))
        return '{{is_default_branch}}';
    throw problem('tags', text, `enable=${value} is neither true nor false`, `enable=true, enable=false, enable={{is_default_branch}}`);
}
function parsePriority(text, value) {
    if (!/^\d{1,9}$/.test(value)) {
        throw problem('tags', text, `priority=${value} is not a whole number from 0 up`, 'priority=<0 or more>, e.g. priority=1000');
    }
    return Number(value);
}
function parseType(text, value) {
    const type = (value ?? 'raw').toLowerCase();
    if (type in keysOf)
        return type;
    const note = unsupportedTypes.includes(type)
        ? ` (docker/metadata-action's type=${type} is not supported here)`
        : '';
    throw problem('tags', text, `unknown type '${value}'${note}`, 'type=sha, type=ref, type=semver, type=raw');
}
function choice(text, key, value, options) {
    const found = options.find((option) => option === value?.toLowerCase());
    if (found !== undefined)
        return found;
    const what = value === undefined ? `${key}= is missing` : `${key}=${value} is not known`;
    throw problem('tags', text, what, options.map((option) => `${key}=${option}`).join(', '));
}
function parseRule(text) {
    const attributes = new Map();
    let type;
    for (const field of fieldsOf(text)) {
        const [key, value] = splitField(field);
        if (key === 'type')
            type = value;
        else
            attributes.set(key ?? 'value', value);
    }
    const ruleType = parseType(text, type);
    const unknown = [...attributes.keys()].find((key) => !keysOf[ruleType].includes(key));
    if (unknown !== undefined) {
        throw problem('tags', text, `unknown key '${unknown}' for type=${ruleType}`, keysOf[ruleType].map((key) => `${key}=`).join(', '));
    }
    const prefix = attributes.get('prefix');
    const suffix = attributes.get('suffix');
    const prefixParts = prefix === undefined ? [] : checkTagText('tags', text, 'prefix', prefix);
    const suffixParts = suffix === undefined ? [] : checkTagText('tags', text, 'suffix', suffix);
    const common = {
        text,
        enable: parseEnable(text, attributes.get('enable') ?? 'true'),
        priority: attributes.has('priority')
            ? parsePriority(text, attributes.get('priority') ?? '')
            : defaultPriorities[ruleType],
        prefix,
        suffix
    };
    switch (ruleType) {
        case 'sha':
            return {
                type: 'sha',
                format: choice(text, 'format', attributes.get('format') ?? 'short', ['short', 'long']),
                ...common,
                prefix: prefix ?? 'sha-'
            };
        case 'ref': {
            const event = choice(text, 'event', attributes.get('event'), ['branch', 'tag', 'pr']);
            return { type: 'ref', event, ...common, prefix: prefix ?? (event === 'pr' ? 'pr-' : undefined) };
        }
        case 'semver': {
            const pattern = attributes.get('pattern') ?? '';
            const accepted = `pattern= built from ${describeExpressions(semverPlaceholders)} and letters, digits, _ . -`;
            if (pattern === '')
                throw problem('tags', text, 'pattern= is missing', accepted);
            const parts = template('tags', text, 'pattern', pattern, semverPlaceholders);
            if (isLiteral(parts))
                throw problem('tags', text, `pattern=${pattern} has no placeholder`, accepted);
            if (parts.some((part) => part.kind === 'text' && !isTagText(part.text))) {
                throw problem('tags', text, `pattern=${pattern} contains characters a Docker tag cannot hold`, accepted);
            }
            const value = attributes.get('value') ?? '';
            template('tags', text, 'value', value, globalExpressions);
            const match = attributes.get('match') ?? '';
            try {
                new RegExp(match);
            }
            catch {
                throw problem('tags', text, `match=${match} is not a regular expression`, 'match=<JavaScript regular expression>, group 1 is the version, e.g. match=v(\\d.*)');
            }
            return { type: 'semver', pattern, value, match, ...common };
        }
        case 'raw': {
            const value = attributes.get('value');
            if (value === undefined || value === '') {
                throw problem('tags', text, 'value= is missing', `type=raw,value=<tag> with ${tagText} ${describeExpressions(globalExpressions)}`);
            }
            const parts = [...prefixParts, ...checkTagText('tags', text, 'value', value), ...suffixParts];
            const literal = `${prefix ?? ''}${value}${suffix ?? ''}`;
            if (isLiteral(parts) && !dockerTagPattern.test(literal)) {
                throw problem('tags', text, `'${literal}' is not a valid Docker tag`, 'up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -');
            }
            return { type: 'raw', value, ...common };
        }
    }
}
function meaningfulLines(lines) {
    return lines.map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
}
/**
 * Parses the `tags` input, one rule per line (blank and `#` lines skipped; a field in double quotes may hold
 * commas); throws ConfigurationError naming the rule and what is accepted.
 */
function parseTagRules(lines) {
    return meaningfulLines(lines).map(parseRule);
}
/** Parses the `flavor` input (`latest=`, `prefix=`, `suffix=`, each with `,onlatest=`). */
function parseFlavor(lines) {
    const flavor = {
        latest: 'auto',
        prefix: '',
        prefixOnLatest: false,
        suffix: '',
        suffixOnLatest: false
    };
    const accepted = 'latest=auto|true|false, prefix=<text>[,onlatest=true|false], suffix=<text>[,onlatest=true|false]';
    for (const text of meaningfulLines(lines)) {
        let onLatestFor;
        for (const field of fieldsOf(text)) {
            const [key, value] = splitField(field);
            if (key === 'latest') {
                const latest = value.toLowerCase();
                if (latest !== 'auto' && latest !== 'true' && latest !== 'false') {
                    throw problem('flavor', text, `latest=${value} is not known`, accepted);
                }
                flavor.latest = latest;
            }
            else if (key === 'prefix' || key === 'suffix') {
                checkTagText('flavor', text, key, value);
                flavor[key] = value;
                onLatestFor = key;
            }
            else if (key === 'onlatest') {
                const onLatest = value.toLowerCase();
                if (onLatestFor === undefined || (onLatest !== 'true' && onLatest !== 'false')) {
                    throw problem('flavor', text, `onlatest=${value} must be true or false and follow prefix= or suffix=`, accepted);
                }
                flavor[onLatestFor === 'prefix' ? 'prefixOnLatest' : 'suffixOnLatest'] = onLatest === 'true';
            }
            else {
                throw problem('flavor', text, key === undefined ? `'${value}' is not key=value` : `unknown key '${key}'`, accepted);
            }
        }
    }
    return flavor;
}

;// CONCATENATED MODULE: ./src/meta/meta.ts







const pullRequestEvents = ['pull_request', 'pull_request_target'];
const nonBranchEvents = [...pullRequestEvents, 'merge_group', 'release'];
const shortShaLength = 7;
function stripHeads(ref) {
    return typeof ref === 'string' ? ref.replace(/^refs\/heads\//, '') : '';
}
function runFacts(context, shaSource, metadata) {
    const { eventName, ref, payload } = context;
    const isPullRequest = pullRequestEvents.includes(eventName);
    // pull_request_target runs on the base branch's ref, a merge queue on a throw-away branch: neither names the image.
    const branch = !nonBranchEvents.includes(eventName) && ref.startsWith('refs/heads/') ? stripHeads(ref) : '';
    const tag = ref.startsWith('refs/tags/')
        ? ref.slice('refs/tags/'.length)
        : eventName === 'release'
            ? String(payload.release?.tag_name ?? '')
            : '';
    const pullRequest = isPullRequest
        ? String(/^refs\/pull\/(\d+)\//.exec(ref)?.[1] ?? payload.pull_request?.number ?? payload.number ?? '')
        : '';
    const baseRef = isPullRequest
        ? stripHeads(payload.pull_request?.base?.ref)
        : eventName === 'merge_group'
            ? stripHeads(payload.merge_group?.base_ref)
            : tag !== ''
                ? stripHeads(payload.base_ref)
                : '';
    const headSha = payload.pull_request?.head?.sha;
    const sha = isPullRequest && shaSource === 'head' && typeof headSha === 'string' ? headSha : context.sha;
    const defaultBranch = payload.repository?.default_branch ?? metadata?.defaultBranch;
    // A schedule always runs on the default branch's last commit (docker/metadata-action reads it the same way).
    const isDefaultBranch = branch !== '' && (branch === defaultBranch || eventName === 'schedule');
    return { eventName, branch, tag, pullRequest, baseRef, sha, isDefaultBranch };
}
function globalValue(facts, now) {
    return (expression) => {
        switch (expression.name) {
            case 'branch':
                return facts.branch;
            case 'tag':
                return facts.tag;
            case 'sha':
                return facts.sha.slice(0, shortShaLength);
            case 'base_ref':
                return facts.baseRef;
            case 'is_default_branch':
                return String(facts.isDefaultBranch);
            case 'date':
                return formatDate(now, expression.args[0], expression.options.tz);
            default:
                return '';
        }
    };
}
class Evaluation {
    facts;
    now;
    warnings = [];
    constructor(facts, now) {
        this.facts = facts;
        this.now = now;
    }
    render(template) {
        return renderTemplate(parseTemplate(template, globalExpressions), globalValue(this.facts, this.now));
    }
    enabled(rule) {
        return this.render(rule.enable) === 'true';
    }
    produce(rule) {
        const { facts } = this;
        switch (rule.type) {
            case 'sha':
                if (facts.sha === '')
                    return undefined;
                return {
                    value: rule.format === 'long' ? facts.sha : facts.sha.slice(0, shortShaLength),
                    latestOnAuto: false
                };
            case 'ref': {
                const value = { branch: facts.branch, tag: facts.tag, pr: facts.pullRequest }[rule.event];
                return value === '' ? undefined : { value, latestOnAuto: rule.event === 'tag' };
            }
            case 'semver':
                return this.semver(rule);
            case 'raw': {
                const value = this.render(rule.value);
                return value === '' ? undefined : { value, latestOnAuto: false };
            }
        }
    }
    semver(rule) {
        let source = rule.value !== '' ? this.render(rule.value) : this.facts.tag;
        if (source === '')
            return undefined;
        if (rule.match !== '') {
            const found = source.match(new RegExp(rule.match));
            if (found)
                source = found[1] ?? found[0];
            else
                this.warnings.push(`${rule.text}: match=${rule.match} does not match '${source}'.`);
        }
        source = source.replace(/\//g, '-');
        const version = semver.valid(source) ? semver.parse(source, { loose: true }) : null;
        if (!version) {
            this.warnings.push(`${rule.text}: '${source}' is not a semantic version (https://semver.org), so the rule gives no tag.`);
            return undefined;
        }
        const parts = parseTemplate(rule.pattern, semverPlaceholders);
        const isRaw = parts.length === 1 && parts[0].kind === 'expression' && parts[0].name === 'raw';
        const isPrerelease = version.prerelease.length > 0;
        // A pre-release only ever gets its full version, so `1.2` or `1` never move to a release candidate.
        const pattern = isPrerelease && !isRaw ? parseTemplate('{{version}}', semverPlaceholders) : parts;
        const fields = {
            version: version.version,
            major: String(version.major),
            minor: String(version.minor),
            patch: String(version.patch),
            raw: version.raw
        };
        return { value: renderTemplate(pattern, (part) => fields[part.name]), latestOnAuto: !isPrerelease };
    }
    wrap(rule, value, flavor) {
        const prefix = rule.prefix !== undefined ? rule.prefix : flavor.prefix;
        const suffix = rule.suffix !== undefined ? rule.suffix : flavor.suffix;
        return `${this.render(prefix)}${value}${this.render(suffix)}`;
    }
}
/** Our tags when `tags` is empty: version tags of a semver git tag, the branch or `pr-N`, and the bare short sha. */
function defaultRules(flavor) {
    const common = { text: '(default tags)', enable: 'true', prefix: undefined, suffix: undefined };
    return [
        { ...common, type: 'semver', pattern: '{{version}}', value: '', match: '', priority: 900 },
        { ...common, type: 'semver', pattern: '{{major}}.{{minor}}', value: '', match: '', priority: 900 },
        { ...common, type: 'ref', event: 'tag', priority: 600 },
        { ...common, type: 'ref', event: 'branch', priority: 600 },
        { ...common, type: 'ref', event: 'pr', priority: 600, prefix: `${flavor.prefix}pr-` },
        { ...common, type: 'sha', format: 'short', priority: 100 }
    ];
}
function computeTags(input, facts, evaluation) {
    const { flavor } = input;
    const usesDefaults = input.rules.length === 0;
    const rules = usesDefaults ? defaultRules(flavor) : [...input.rules].sort((a, b) => b.priority - a.priority);
    const tags = [];
    let latest;
    for (const rule of rules) {
        if (!evaluation.enabled(rule))
            continue;
        const produced = evaluation.produce(rule);
        if (!produced)
            continue;
        const value = usesDefaults ? produced.value.toLowerCase() : produced.value;
        const tag = sanitizeTag(evaluation.wrap(rule, value, flavor));
        if (tag === '')
            continue;
        latest ??= flavor.latest === 'auto' ? produced.latestOnAuto : flavor.latest === 'true';
        tags.push(tag);
    }
    if (usesDefaults && flavor.latest === 'auto')
        latest = facts.eventName === 'push' && facts.isDefaultBranch;
    if (latest && tags.length > 0) {
        const prefix = flavor.prefixOnLatest ? evaluation.render(flavor.prefix) : '';
        const suffix = flavor.suffixOnLatest ? evaluation.render(flavor.suffix) : '';
        tags.push(sanitizeTag(`${prefix}latest${suffix}`));
    }
    return [...new Set(tags)];
}
function computeLabels(input, context, facts, version, now) {
    const metadata = input.repositoryMetadata;
    const repository = context.payload.repository ?? {};
    const url = metadata?.htmlUrl || repositoryUrl(context);
    const generated = {
        'org.opencontainers.image.title': metadata?.name || repository.name || context.repository.split('/')[1] || '',
        'org.opencontainers.image.description': metadata?.description || repository.description || '',
        'org.opencontainers.image.url': url,
        'org.opencontainers.image.source': url,
        'org.opencontainers.image.version': version,
        'org.opencontainers.image.created': now.toISOString(),
        'org.opencontainers.image.revision': facts.sha,
        'org.opencontainers.image.licenses': metadata?.license || repository.license?.spdx_id || ''
    };
    for (const line of input.userLabels) {
        const pair = splitKeyValue(line);
        if (pair)
            generated[pair[0]] = pair[1];
    }
    return Object.fromEntries(Object.entries(generated)
        .filter(([, value]) => value !== '')
        .sort(([a], [b]) => a.localeCompare(b)));
}
/** Tags, labels and annotations for this run: pure, from the parsed inputs, the run context and the time. */
function computeMeta(input, context, now) {
    const facts = runFacts(context, input.shaSource, input.repositoryMetadata);
    const evaluation = new Evaluation(facts, now);
    const tags = computeTags(input, facts, evaluation);
    const version = tags[0] ?? '';
    const labels = computeLabels(input, context, facts, version, now);
    const annotations = (input.annotationLevels ?? ['manifest']).flatMap((level) => Object.entries(labels).map(([key, value]) => `${level}:${key}=${value}`));
    // Our defaults try semver on every git tag; only the user's own rules are worth a warning.
    const warnings = input.rules.length > 0 ? evaluation.warnings : [];
    return { version, tags, labels, annotations, warnings, json: { tags, labels, annotations, version } };
}
/** `image:tag` for each tag, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:1.2.3`. */
/** The tags a run gets whatever its commit: the ones an earlier run of the same ref left in the registry. */
function stableTags(input, context, now) {
    const tagsAt = (sha) => computeMeta(input, { ...context, sha }, now).tags;
    const other = tagsAt('f'.repeat(40));
    return tagsAt('0'.repeat(40)).filter((tag) => other.includes(tag));
}
/**
 * The tag the step's own rules give a push to `branch` (e.g. a pull request's base): of the tags that don't
 * depend on the commit, the one naming the branch, else the first; undefined when the rules give none.
 */
function baseBranchTag(input, context, branch, now) {
    const payload = { ...context.payload, pull_request: undefined };
    const stable = stableTags(input, { ...context, eventName: 'push', ref: `refs/heads/${branch}`, payload }, now);
    const name = sanitizeTag(branch).toLowerCase();
    return stable.find((tag) => tag.toLowerCase().includes(name)) ?? stable[0];
}
function fullReferences(image, tags) {
    return tags.map((tag) => `${image}:${tag}`);
}
/** GET /repos/{owner}/{repo} through GITHUB_API_URL; undefined with a warning on any failure, never throws. */
async function fetchRepositoryMetadata(token, context) {
    const [owner, repo] = context.repository.split('/');
    if (!token || !owner || !repo)
        return undefined;
    try {
        const { getOctokit } = await __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 2413));
        const octokit = getOctokit(token, { baseUrl: context.apiUrl });
        const { data } = await octokit.rest.repos.get({
            owner,
            repo,
            request: { signal: AbortSignal.timeout(15_000) }
        });
        return {
            name: data.name,
            description: data.description ?? '',
            htmlUrl: data.html_url,
            defaultBranch: data.default_branch,
            license: data.license?.spdx_id ?? ''
        };
    }
    catch (error) {
        core.warning(`Could not read ${owner}/${repo} from the GitHub API (${error instanceof Error ? error.message : String(error)}); the image labels use the event payload instead.`);
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/release/publish.ts


/**
 * Gives the image that passed the gate its final tags; returns the digest every tag points at. A build that
 * pushed with its tags (no scan) is already published.
 */
async function publish(runner, request) {
    const { output, built, ecr } = request;
    if (output === 'push')
        return built.digest;
    if (output === 'load')
        return pushLoaded(runner, request.tags);
    if (ecrAccountOf(ecr.registry)) {
        await awsCall('PutImage', () => tagOnEcr(ecr.client, {
            repository: request.repository,
            registryId: ecr.repositories.get(request.repository)?.registryId,
            digest: built.digest,
            tags: request.tags
        }));
    }
    else {
        await runner.run(planTagDigest(request.image, built.digest, request.tags), { stream: true });
    }
    if (request.load)
        for (const command of planPull(request.tags))
            await runner.run(command, { stream: true });
    return built.digest;
}
/** Compressed sizes from the pushed manifest, in place of the sizes the scan saw; undefined when they don't line up. */
async function compressedLayers(runner, reference, layers) {
    if (!layers)
        return undefined;
    const pushed = await registryLayers(runner, reference);
    if (!pushed || pushed.length !== layers.length)
        return undefined;
    return layers.map((layer, index) => ({ ...layer, digest: pushed[index].digest, size: pushed[index].size }));
}

// EXTERNAL MODULE: ./src/run/state.ts
var run_state = __webpack_require__(4352);
;// CONCATENATED MODULE: ./src/main.ts
























/** Inputs as the runner passes them: `INPUT_<NAME>` with the name upper-cased, hyphens kept. */
function readRawInputs(env = process.env) {
    return Object.fromEntries(Object.entries(env)
        .filter(([key]) => key.startsWith('INPUT_'))
        .map(([key, value]) => [key.slice('INPUT_'.length).toLowerCase(), value]));
}
function validate(context) {
    const raw = readRawInputs();
    const inputs = parseInputs(raw);
    const reportInputs = parseReportInputs(raw);
    if (reportInputs['max-image-size'] !== undefined && !inputs.scan) {
        throw new errors/* ConfigurationError */.j1(`Input 'max-image-size' is set but 'scan' is false: the size budget is checked on the scanned image, before any tag. Set 'scan: true' (with 'fail-on: none' to only report findings).`);
    }
    // The docker driver can hold several platforms with the containerd image store; a builder container can't load them.
    const loaded = buildOutput(inputs) === 'load' || inputs.load;
    if (inputs.platforms.length > 1 && inputs.driver === 'docker-container' && loaded) {
        throw new errors/* ConfigurationError */.j1(`Input 'platforms' has ${inputs.platforms.length} platforms, but this image would be loaded into the Docker daemon ('load: true', or 'push: false' with a scan), which takes one platform from a docker-container builder. Set 'push: true' and 'load: false' (the scan then reads each platform from the registry), or build one platform.`);
    }
    const cacheInputs = parseCacheInputs(raw);
    const shared = ['cache-ref', 'cache-from', 'cache-to'].find((name) => cacheInputs[name].length > 0);
    if (inputs.targets.length > 1 && shared) {
        throw new errors/* ConfigurationError */.j1(`Input '${shared}' is set with ${inputs.targets.length} targets: they would share one cache and overwrite each other's. Leave it empty (each target gets its own cache), or build the targets in separate steps.`);
    }
    return {
        inputs,
        cacheInputs,
        scanInputs: parseScanInputs(raw, context.workspace),
        reportInputs,
        dockerfile: inspectDockerfile(inputs, context.workspace),
        tagRules: parseTagRules(inputs.tags),
        flavor: parseFlavor(inputs.flavor)
    };
}
async function tagsAndLabels(validated, context) {
    const { inputs, tagRules, flavor } = validated;
    const repositoryMetadata = await fetchRepositoryMetadata(inputs['github-token'], context);
    const input = {
        rules: tagRules,
        flavor,
        userLabels: inputs.labels,
        shaSource: inputs['sha-source'],
        repositoryMetadata
    };
    const now = new Date();
    const meta = computeMeta(input, context, now);
    const baseRef = pullRequestOf(context)?.baseRef;
    meta.warnings.forEach((warning) => core.warning(warning));
    if (meta.tags.length === 0 && (inputs.push || inputs.scan)) {
        throw new errors/* ConfigurationError */.j1(`Input 'tags' produced no tag for this ${context.eventName || 'run'} event: add a rule that applies (e.g. 'type=sha'), or leave 'tags' empty for the defaults.`);
    }
    const defaultName = defaultBranch(context) ?? repositoryMetadata?.defaultBranch;
    const previousTags = [
        stableTags(input, context, now)[0],
        defaultName ? baseBranchTag(input, context, defaultName, now) : undefined
    ].filter((tag) => Boolean(tag));
    return {
        ...meta,
        previousTags: [...new Set(previousTags)],
        ...(baseRef ? { baseTag: baseBranchTag(input, context, baseRef, now) } : {})
    };
}
async function planJob(validated, facts, stage, index) {
    const { inputs, dockerfile } = validated;
    const repository = inputs.targets[index].repository;
    const image = facts.ecr ? `${facts.ecr.registry}/${repository}` : repository;
    const tags = fullReferences(image, facts.meta.tags);
    const tempDir = external_node_path_.join(facts.temp, `${index}-${stage.name.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
    await (0,promises_.mkdir)(tempDir, { recursive: true });
    const buildContext = external_node_path_.resolve(facts.context.workspace, inputs.context);
    const cache = planCache(validated.cacheInputs, {
        driver: inputs.driver,
        buildxVersion: facts.buildx.buildxVersion,
        buildkitVersion: facts.buildkitVersion,
        env: process.env,
        registry: facts.ecr?.registry ?? '',
        repository,
        tagImmutable: facts.ecr?.repositories.get(repository)?.tagMutability === 'IMMUTABLE',
        target: stage.name,
        platforms: inputs.platforms,
        branch: currentBranch(facts.context),
        defaultBranch: defaultBranch(facts.context),
        image,
        previousTags: facts.meta.previousTags,
        localCacheDir: external_node_path_.join(process.env.RUNNER_TEMP || external_node_os_.tmpdir(), 'ecr-build-push-cache', repository, stage.name),
        dependencyHash: await hashCacheDependencies(dockerfile.path, buildContext),
        hostedRunner: process.env.RUNNER_ENVIRONMENT === 'github-hosted'
    });
    cache.warnings.forEach((warning) => core.warning(warning));
    const request = {
        builder: facts.builder,
        file: dockerfile.path,
        context: buildContext,
        target: stage.name === String(stage.index) ? '' : stage.name,
        platforms: inputs.platforms,
        buildArgs: inputs['build-args'],
        secrets: inputs.secrets,
        secretFiles: inputs['secret-files'],
        labels: facts.meta.labels,
        annotations: facts.meta.annotations,
        tags,
        image,
        cacheArgs: cache.args,
        output: buildOutput(inputs),
        alsoLoad: inputs.load && inputs.push,
        noCache: inputs['no-cache'],
        pull: inputs.pull,
        provenance: inputs.provenance,
        sbom: inputs.sbom,
        metadataFile: external_node_path_.join(tempDir, 'metadata.json'),
        iidFile: external_node_path_.join(tempDir, 'iid.txt')
    };
    return { stage, repository, image, tags, tempDir, request, cache };
}
/** Several targets as one bake, so the stages they share build once. */
function bakeFor(jobs, facts, inputs) {
    const files = {
        definitionFile: external_node_path_.join(facts.temp, 'bake.json'),
        metadataFile: external_node_path_.join(facts.temp, 'bake-metadata.json')
    };
    const plan = planBake(jobs.map((job) => job.request), { ...files, builder: facts.builder, provenance: inputs.provenance, sbom: inputs.sbom });
    return { plan, files };
}
async function buildAll(runner, jobs, facts, inputs) {
    if (jobs.length === 1)
        return [await runBuild(runner, jobs[0].request)];
    const { plan, files } = bakeFor(jobs, facts, inputs);
    return runBake(runner, plan, files);
}
async function printPlan(executor, jobs, facts, validated) {
    const { inputs } = validated;
    if (jobs.length === 1) {
        await executor.run(planBuild(jobs[0].request));
    }
    else {
        const { plan, files } = bakeFor(jobs, facts, inputs);
        core.info(`bake definition (${files.definitionFile}):\n${JSON.stringify(plan.definition, null, 2)}`);
        await executor.run(plan.command);
    }
    if (inputs.scan) {
        await printTrivySetup(executor, { scan: validated.scanInputs, tempDir: facts.temp });
        for (const job of jobs) {
            const targets = scanTargets(job.request.output, job.tags, job.image, '<digest>', inputs.platforms);
            await printGate(executor, { scan: validated.scanInputs, targets, tempDir: job.tempDir });
        }
    }
    if (facts.ecr)
        for (const job of jobs)
            await printPublish(executor, job, facts.ecr, inputs.load);
}
/** How each image would get its final tags after the gate. */
async function printPublish(executor, job, ecr, load) {
    if (job.request.output === 'load') {
        for (const command of planPushLoaded(job.tags))
            await executor.run(command);
    }
    else if (job.request.output === 'push-by-digest') {
        if (ecrAccountOf(ecr.registry)) {
            core.info(`ECR BatchGetImage ${job.repository}@<digest>, then PutImage as ${job.tags.map(tagOf).join(', ')}`);
        }
        else {
            await executor.run(planTagDigest(job.image, '<digest>', job.tags));
        }
        if (load)
            for (const command of planPull(job.tags))
                await executor.run(command);
    }
}
function targetReport(job, validated, context, seconds) {
    const failOn = validated.scanInputs['fail-on'];
    return {
        target: job.stage.name,
        repository: job.repository,
        image: job.image,
        tags: job.digest && validated.inputs.push ? job.tags : [],
        ...(job.digest ? { digest: job.digest } : {}),
        buildSeconds: seconds,
        ...(job.built ? { cachedSteps: cacheReportLine(job.built.stats) } : {}),
        pushed: Boolean(job.digest) && validated.inputs.push,
        dockerfile: relativeToWorkspace(validated.dockerfile.path, context.workspace),
        blobUrl: `${context.serverUrl}/${context.repository}/blob/${context.sha}`,
        ...(job.gate
            ? {
                findings: job.gate.findings,
                layers: job.gate.layers,
                sizesCompressed: job.gate.layersCompressed,
                ...(job.gate.sizeCheck ? { sizeCheck: job.gate.sizeCheck } : {}),
                ...(failOn !== 'none' ? { failSeverity: failOn } : {})
            }
            : {})
    };
}
/** Outputs: `images` for every target; the single-image outputs describe the first target. */
function setOutputs(jobs, meta, registry, dryRun) {
    const [first] = jobs;
    core.setOutput('registry', registry);
    core.setOutput('image', first.image);
    const published = Boolean(first.digest) && registry !== '';
    core.setOutput('tags', published || dryRun ? first.tags.join('\n') : '');
    core.setOutput('version', meta.version);
    core.setOutput('labels', Object.entries(meta.labels)
        .map(([key, value]) => `${key}=${value}`)
        .join('\n'));
    core.setOutput('json', JSON.stringify(meta.json));
    if (first.digest !== undefined)
        core.setOutput('digest', first.digest);
    if (first.built) {
        core.setOutput('imageid', first.built.imageId);
        core.setOutput('metadata', JSON.stringify(first.built.metadata));
    }
    if (first.gate) {
        core.setOutput('vulnerabilities', JSON.stringify(first.gate.counts));
        core.setOutput('scan-report', first.gate.reportPaths.join('\n'));
        core.setOutput('sarif-file', first.gate.sarifPaths.join('\n'));
    }
    core.setOutput('images', JSON.stringify(jobs.map((job) => ({
        stage: job.stage.name,
        repository: job.repository,
        image: job.image,
        digest: job.digest ?? null,
        tags: job.digest && registry ? job.tags : [],
        vulnerabilities: job.gate?.counts ?? null,
        ...(job.gate?.blocked ? { blocked: job.gate.blocked } : {}),
        ...(job.error ? { error: job.error } : {})
    }))));
}
function uniqueRunId(context) {
    return `${context.runId}-${context.runAttempt}-${Math.random().toString(36).slice(2, 8)}`;
}
/** The sequence: inputs → facts → plan each phase → run it → outputs and summary. */
async function main_main(runner) {
    const started = Date.now();
    const context = readRunContext();
    const validated = validate(context);
    const { inputs, dockerfile } = validated;
    inputs.secrets.forEach((line) => core.setSecret(line.slice(line.indexOf('=') + 1)));
    if (inputs['github-token'])
        core.setSecret(inputs['github-token']);
    const dryRun = inputs['dry-run'];
    const executor = dryRun ? new exec/* DryRunner */.ms() : runner;
    const state = new run_state/* StateStore */.f();
    const buildx = await (0,build_buildx/* probeBuildx */.he)(runner);
    // Without a push (e.g. scan-only on fork pull requests) nothing needs ECR, nor AWS credentials.
    const ecr = inputs.push ? await connectEcr(inputs, dryRun) : undefined;
    const meta = await tagsAndLabels(validated, context);
    if (ecr) {
        for (const command of (0,login/* planLogin */.pX)(ecr.authorizations))
            await executor.run(command);
        if (!dryRun)
            state.update({ registries: ecr.authorizations.map((authorization) => authorization.registry) });
    }
    const builder = (0,build_buildx/* planBuilder */.Zw)({ driver: inputs.driver, builder: inputs.builder, runId: uniqueRunId(context) });
    if (builder.created && !dryRun)
        state.update({ builder: builder.name });
    // Emulators first: a builder sees the platforms it can run when it starts.
    const handlers = inputs.platforms.length > 0 ? await (0,build_buildx/* registeredHandlers */._4)() : [];
    const emulated = (0,build_buildx/* architecturesNeedingEmulation */.dn)(inputs.platforms, process.arch, handlers);
    for (const command of (0,build_buildx/* planQemu */.AU)(emulated))
        await executor.run(command, { stream: true });
    const buildkitVersion = await (0,build_buildx/* runBuilder */.zb)(executor, builder);
    const temp = await (0,promises_.mkdtemp)(external_node_path_.join(process.env.RUNNER_TEMP || external_node_os_.tmpdir(), 'ecr-build-push-'));
    state.update({ tempDir: temp });
    const facts = { context, buildx, buildkitVersion, ecr, builder: builder.name, meta, temp };
    const jobs = [];
    for (const [index, stage] of dockerfile.built.entries())
        jobs.push(await planJob(validated, facts, stage, index));
    if (dryRun) {
        setOutputs(jobs, meta, ecr?.registry ?? '', true);
        await printPlan(executor, jobs, facts, validated);
        core.info(`Dry run: nothing was built, scanned or pushed (buildx ${buildx.buildxVersion}).`);
        return;
    }
    const restored = await Promise.all(jobs.map((job) => restoreLocalCache(job.cache)));
    const built = await buildAll(runner, jobs, facts, inputs);
    jobs.forEach((job, index) => (job.built = built[index]));
    await Promise.all(jobs.map((job, index) => saveLocalCache(job.cache, restored[index])));
    core.info(cacheReportLine(built[0].stats));
    if (inputs.scan) {
        const prepared = await prepareTrivy({ runner, scan: validated.scanInputs, tempDir: temp });
        for (const job of jobs) {
            job.gate = await runGate({
                runner,
                prepared,
                scan: validated.scanInputs,
                report: validated.reportInputs,
                context,
                token: inputs['github-token'],
                repository: job.repository,
                stage: job.stage.name,
                target: job.request.target,
                dockerfilePath: dockerfile.path,
                buildArgs: inputs['build-args'],
                targets: scanTargets(job.request.output, job.tags, job.image, job.built?.digest ?? '', inputs.platforms),
                tempDir: job.tempDir
            });
        }
    }
    const blocked = jobs.filter((job) => job.gate?.blocked);
    // Atomic by default: one target failing its gate keeps every target's final tags back.
    const releasable = inputs.gate === 'atomic' && blocked.length > 0 ? [] : jobs.filter((job) => !job.gate?.blocked);
    if (ecr) {
        const published = await Promise.allSettled(releasable.map((job) => publish(runner, {
            output: job.request.output,
            built: job.built,
            image: job.image,
            repository: job.repository,
            tags: job.tags,
            ecr,
            load: inputs.load
        })));
        published.forEach((result, index) => {
            if (result.status === 'fulfilled')
                releasable[index].digest = result.value;
            else
                releasable[index].error = result.reason.message;
        });
    }
    else {
        for (const job of releasable)
            job.digest = job.built?.digest;
    }
    setOutputs(jobs, meta, ecr?.registry ?? '', false);
    const seconds = (Date.now() - started) / 1000;
    for (const job of jobs) {
        const report = targetReport(job, validated, context, seconds);
        const layers = job.digest && ecr
            ? await compressedLayers(runner, `${job.image}@${job.digest}`, report.layers)
            : undefined;
        await writeJobReport({
            runner,
            context,
            token: inputs['github-token'],
            prComment: validated.reportInputs['pr-comment'],
            push: inputs.push,
            scan: validated.scanInputs,
            gate: job.gate,
            ...(meta.baseTag ? { baseTag: meta.baseTag } : {}),
            image: job.image,
            tempDir: job.tempDir,
            stats: built[0].stats
        }, { ...report, ...(layers ? { layers, sizesCompressed: true } : {}) });
    }
    failIfAnyHeldBack(jobs, blocked);
}
/** One error for the step: what the gate blocked, what it held back with them, and what failed to push. */
function failIfAnyHeldBack(jobs, blocked) {
    const several = jobs.length > 1;
    const named = (job) => (several ? `${job.stage.name} (${job.repository}): ` : '');
    if (blocked.length > 0) {
        const subject = several ? ` for ${blocked.map((job) => job.stage.name).join(', ')}` : '';
        const heldBack = jobs.filter((job) => !job.gate?.blocked && !job.digest).map((job) => job.stage.name);
        const held = heldBack.length > 0 ? `\nHeld back with them (gate: atomic): ${heldBack.join(', ')}.` : '';
        const reasons = blocked.map((job) => `${named(job)}${job.gate?.blocked}`).join('\n');
        throw new errors/* GateError */.ue(`No tag was pushed${subject}: ${reasons}${held}`);
    }
    const failed = jobs.filter((job) => job.error);
    if (failed.length > 0)
        throw new Error(failed.map((job) => `${named(job)}push failed: ${job.error}`).join('\n'));
}


/***/ })

};

//# sourceMappingURL=542.index.js.map