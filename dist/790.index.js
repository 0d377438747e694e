export const id = 790;
export const ids = [790];
export const modules = {

/***/ 5790:
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
;// CONCATENATED MODULE: ./src/context.ts

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
;// CONCATENATED MODULE: ./src/lib/dockerfile.ts


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

// EXTERNAL MODULE: ./node_modules/csv-parse/lib/sync.js + 9 modules
var sync = __webpack_require__(5175);
;// CONCATENATED MODULE: ./src/lib/list.ts

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

;// CONCATENATED MODULE: ./src/inputs.ts





const repositoryPattern = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const regionPattern = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const accountIdPattern = /^\d{12}$/;
const labelKeyPattern = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
const buildArgNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const secretIdPattern = /^[A-Za-z0-9_.-]+$/;
function lines(value) {
    return (value ?? '').split(/\r?\n/).filter((line) => line.trim() !== '');
}
function inputs_text(raw, name) {
    return (raw[name] ?? '').trim();
}
function bool(raw, name, fallback) {
    const value = inputs_text(raw, name).toLowerCase();
    if (value === '')
        return fallback;
    if (value === 'true')
        return true;
    if (value === 'false')
        return false;
    throw new errors/* ConfigurationError */.j1(`Input '${name}' is '${raw[name]}': expected 'true' or 'false'.`);
}
function oneOf(raw, name, allowed, fallback) {
    const value = inputs_text(raw, name);
    if (value === '')
        return fallback;
    const found = allowed.find((option) => option.toLowerCase() === value.toLowerCase());
    if (!found) {
        throw new errors/* ConfigurationError */.j1(`Input '${name}' is '${value}': expected one of ${allowed.map((a) => `'${a}'`).join(', ')}.`);
    }
    return found;
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
function region(raw, env) {
    const value = inputs_text(raw, 'aws-region') || env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
    if (value === '') {
        throw new errors/* ConfigurationError */.j1(`Input 'aws-region' is empty and neither AWS_REGION nor AWS_DEFAULT_REGION is set: set 'aws-region' (e.g. us-east-1) or run aws-actions/configure-aws-credentials first.`);
    }
    if (!regionPattern.test(value)) {
        throw new errors/* ConfigurationError */.j1(`Input 'aws-region' is '${value}': expected an AWS region such as 'us-east-1'.`);
    }
    return value;
}
/** Parses and validates every input; throws ConfigurationError on the first mistake, before any slow work. */
function parseInputs(raw, env = process.env) {
    const repository = inputs_text(raw, 'repository');
    if (repository.length < 2 || repository.length > 256 || !repositoryPattern.test(repository)) {
        throw new errors/* ConfigurationError */.j1(`Input 'repository' is '${repository}': expected an ECR repository name of 2 to 256 characters, lowercase letters, digits and '._-/' separators (e.g. 'shop/web').`);
    }
    const registryIds = parseList(raw['registry-ids'] ?? '');
    const badId = registryIds.find((id) => !accountIdPattern.test(id));
    if (badId !== undefined) {
        throw new errors/* ConfigurationError */.j1(`Input 'registry-ids' has '${badId}': expected 12-digit AWS account ids.`);
    }
    const context = inputs_text(raw, 'context') || '.';
    const platforms = parseList(raw.platforms ?? '');
    const badPlatform = platforms.find((platform) => !/^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/.test(platform));
    if (badPlatform !== undefined) {
        throw new errors/* ConfigurationError */.j1(`Input 'platforms' has '${badPlatform}': expected platforms such as 'linux/amd64,linux/arm64'.`);
    }
    return {
        repository,
        'aws-region': region(raw, env),
        'registry-ids': registryIds,
        'create-repository': bool(raw, 'create-repository', false),
        'image-tag-mutability': oneOf(raw, 'image-tag-mutability', ['MUTABLE', 'IMMUTABLE'], 'MUTABLE'),
        context,
        file: inputs_text(raw, 'file') || external_node_path_.join(context, 'Dockerfile'),
        target: inputs_text(raw, 'target'),
        'build-args': keyValues(raw, 'build-args', buildArgNamePattern, 'NAME=value'),
        secrets: keyValues(raw, 'secrets', secretIdPattern, 'id=value'),
        'secret-files': keyValues(raw, 'secret-files', secretIdPattern, 'id=path'),
        labels: keyValues(raw, 'labels', labelKeyPattern, 'key=value'),
        platforms,
        push: bool(raw, 'push', true),
        load: bool(raw, 'load', false),
        'no-cache': bool(raw, 'no-cache', false),
        pull: bool(raw, 'pull', false),
        provenance: inputs_text(raw, 'provenance'),
        sbom: inputs_text(raw, 'sbom'),
        driver: oneOf(raw, 'driver', ['docker-container', 'docker'], 'docker-container'),
        builder: inputs_text(raw, 'builder'),
        // Rule lines keep their quotes: parseTagRules reads quoted fields (e.g. a `match=` regex with commas).
        tags: lines(raw.tags),
        flavor: lines(raw.flavor),
        'sha-source': oneOf(raw, 'sha-source', ['head', 'merge'], 'head'),
        'dry-run': bool(raw, 'dry-run', false),
        scan: bool(raw, 'scan', true),
        'github-token': inputs_text(raw, 'github-token')
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
    const stage = inputs.target
        ? stages.find((candidate) => candidate.name === inputs.target)
        : stages[stages.length - 1];
    if (!stage) {
        const named = stages.filter((candidate) => candidate.name !== String(candidate.index)).map((s) => s.name);
        throw new errors/* ConfigurationError */.j1(`Input 'target' is '${inputs.target}': ${inputs.file} has no stage of that name. Stages: ${named.join(', ') || '(none named; add AS <name> to a FROM)'}.`);
    }
    return { path: file, stages, stage };
}

;// CONCATENATED MODULE: ./src/lib/aws.ts

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

// EXTERNAL MODULE: ./src/lib/exec.ts + 1 modules
var exec = __webpack_require__(5389);
;// CONCATENATED MODULE: ./src/lib/progress.ts
const stepPattern = /^\[(?:[^\]]+ )?\d+\/\d+\]\s+(\S+)/;
function seconds(from, to) {
    return Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
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
            seconds: Math.round([...step.runs].reduce((sum, [from, to]) => sum + seconds(from, to), 0) * 1000) / 1000
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
        if (update.started)
            vertex.runs.set(update.started, update.completed);
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
/** The job summary's cache part: the report line and a table of the slowest uncached steps. */
function cacheSummaryMarkdown(stats) {
    const report = `**${cacheReportLine(stats)}**`;
    if (stats.slowest.length === 0)
        return `${report}\n`;
    const rows = stats.slowest.map((step) => {
        const name = step.name.length > summaryNameLength ? `${step.name.slice(0, summaryNameLength - 1)}…` : step.name;
        return `| <code>${escapeHtml(name)}</code> | ${step.seconds.toFixed(1)}s |`;
    });
    return [report, '', 'Slowest uncached steps:', '', '| Step | Time |', '| --- | ---: |', ...rows, ''].join('\n');
}

// EXTERNAL MODULE: ./src/phases/buildx.ts
var phases_buildx = __webpack_require__(7594);
;// CONCATENATED MODULE: ./src/phases/build.ts





const secretEnvPrefix = 'ECR_BUILD_PUSH_SECRET_';
function outputArgs(request) {
    switch (request.output) {
        case 'push':
            return ['--push'];
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
/** The one `docker buildx build` that builds the target with every tag, label and cache flag. */
function planBuild(request) {
    const env = {};
    const secretArgs = request.secrets.flatMap((line, index) => {
        const [id, value] = splitKeyValue(line) ?? ['', ''];
        env[`${secretEnvPrefix}${index}`] = value;
        return ['--secret', `id=${id},env=${secretEnvPrefix}${index}`];
    });
    const secretFileArgs = request.secretFiles.flatMap((line) => {
        const [id, file] = splitKeyValue(line) ?? ['', ''];
        return ['--secret', `id=${id},src=${file}`];
    });
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
        ...secretArgs,
        ...secretFileArgs,
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
/** Runs the build, turning buildx's rawjson progress into plain log lines and cache statistics. */
async function runBuild(runner, request) {
    const progress = new BuildProgress();
    const recent = [];
    const show = (lines) => {
        for (const line of lines)
            core/* info */.pq(line);
        recent.push(...lines);
        recent.splice(0, Math.max(0, recent.length - errorTailLines));
    };
    try {
        await runner.run(planBuild(request), { onStderrLine: (line) => show(progress.line(line)) });
    }
    catch (error) {
        show(progress.end());
        // The raw stderr is JSON; the readable lines say what failed.
        if (error instanceof errors/* CommandError */.Qd)
            throw new errors/* CommandError */.Qd(error.display, error.exitCode, recent.join('\n'));
        throw error;
    }
    show(progress.end());
    return { ...(await readBuildResult(request)), stats: progress.stats() };
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./node_modules/semver/index.js
var semver = __webpack_require__(2088);
var semver_default = /*#__PURE__*/__webpack_require__.n(semver);
;// CONCATENATED MODULE: ./src/phases/cache.ts








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
    if (facts.driver === 'docker')
        return ['inline'];
    return facts.hostedRunner && hasCacheService(facts.env) ? ['gha'] : ['registry'];
}
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
    const exporting = requested.filter((backend) => backend !== 'inline');
    if (facts.driver === 'docker' && exporting.length > 0) {
        warnings.push(`Cache: the docker driver can't export ${exporting.map((b) => `'${b}'`).join(', ')} cache (it only embeds 'inline' cache in the image), so this build uses inline cache. For gha, registry or local cache, use 'driver: docker-container' (the default).`);
        return ['inline'];
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
function previousImageTags(facts) {
    const branchTag = facts.branch ? sanitize(facts.branch).slice(0, 128) : '';
    return [...new Set([branchTag, 'latest'].filter((tag) => tag !== ''))];
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
                from.push(...previousImageTags(facts).map((tag) => `type=registry,ref=${facts.image}:${tag}`));
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
            core/* info */.pq(`Cache: the runner's cache service is not available; using ${plan.local.restoreDir} as it is.`);
            return undefined;
        }
        const matched = await cache.restoreCache([plan.local.restoreDir], plan.local.key, plan.local.restoreKeys);
        core/* info */.pq(matched ? `Cache: restored ${matched}.` : `Cache: no local cache for ${plan.local.key} yet.`);
        return matched;
    }
    catch (error) {
        core/* warning */.$e(`Cache: could not restore the local build cache: ${message(error)}`);
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
            core/* warning */.$e(`Cache: the build exported no local cache to ${exportDir}; nothing to save.`);
            return;
        }
        await (0,promises_.rm)(restoreDir, { recursive: true, force: true });
        await (0,promises_.rename)(exportDir, restoreDir);
        if (restoredKey === key) {
            core/* info */.pq(`Cache: ${key} was restored exactly, and a saved key cannot be overwritten; not saving it again.`);
            return;
        }
        const cache = client ?? (await actionsCache());
        if (!cache.isFeatureAvailable())
            return;
        await cache.saveCache([restoreDir], key);
        core/* info */.pq(`Cache: saved ${key}.`);
    }
    catch (error) {
        core/* warning */.$e(`Cache: could not save the local build cache: ${message(error)}`);
    }
}

// EXTERNAL MODULE: ./src/phases/ecr-login.ts
var ecr_login = __webpack_require__(3990);
;// CONCATENATED MODULE: ./src/lib/docker-tag.ts

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
;// CONCATENATED MODULE: ./src/lib/tag-template.ts

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

;// CONCATENATED MODULE: ./src/lib/tag-rules.ts




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

;// CONCATENATED MODULE: ./src/phases/meta.ts







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
        core/* warning */.$e(`Could not read ${owner}/${repo} from the GitHub API (${error instanceof Error ? error.message : String(error)}); the image labels use the event payload instead.`);
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/phases/repository.ts

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

// EXTERNAL MODULE: ./src/state.ts
var src_state = __webpack_require__(2462);
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
    return {
        inputs,
        cacheInputs: parseCacheInputs(raw),
        dockerfile: inspectDockerfile(inputs, context.workspace),
        tagRules: parseTagRules(inputs.tags),
        flavor: parseFlavor(inputs.flavor)
    };
}
/** Where the image goes: straight to the registry, or first somewhere the scan gate can read it. */
function buildOutput(inputs) {
    if (inputs.push)
        return 'push';
    return inputs.load ? 'load' : 'none';
}
async function ecrClient(region) {
    const { ECRClient } = await __webpack_require__.e(/* import() */ 249).then(__webpack_require__.t.bind(__webpack_require__, 8249, 19));
    return new ECRClient({ region, customUserAgent: 'ecr-build-push' });
}
/** The registry, repository and credentials this run pushes to. */
async function connectEcr(inputs, dryRun) {
    const client = await ecrClient(inputs['aws-region']);
    const authorizations = await awsCall('GetAuthorizationToken', () => (0,ecr_login/* ecrAuthorization */.Yg)(client, inputs['registry-ids']));
    authorizations.forEach((authorization) => core/* setSecret */.Pq(authorization.password));
    const repository = await awsCall('DescribeRepositories', () => ensureRepository(client, {
        name: inputs.repository,
        registryId: inputs['registry-ids'][0],
        create: inputs['create-repository'] && !dryRun,
        tagMutability: inputs['image-tag-mutability']
    }));
    const registry = authorizations[0].registry;
    return { client, authorizations, registry, image: `${registry}/${inputs.repository}`, repository };
}
async function tagsAndLabels(validated, context) {
    const { inputs, tagRules, flavor } = validated;
    const repositoryMetadata = inputs['github-token']
        ? await fetchRepositoryMetadata(inputs['github-token'], context)
        : undefined;
    const meta = computeMeta({ rules: tagRules, flavor, userLabels: inputs.labels, shaSource: inputs['sha-source'], repositoryMetadata }, context, new Date());
    meta.warnings.forEach((warning) => core/* warning */.$e(warning));
    return meta;
}
async function cachePlan(validated, facts, repository) {
    const { inputs, dockerfile } = validated;
    const plan = planCache(validated.cacheInputs, {
        driver: inputs.driver,
        buildxVersion: facts.buildx.buildxVersion,
        buildkitVersion: facts.buildkitVersion,
        env: process.env,
        registry: facts.registry,
        repository: inputs.repository,
        tagImmutable: repository.tagMutability === 'IMMUTABLE',
        target: dockerfile.stage.name,
        platforms: inputs.platforms,
        branch: currentBranch(facts.context),
        defaultBranch: defaultBranch(facts.context),
        image: facts.image,
        localCacheDir: external_node_path_.join(process.env.RUNNER_TEMP || external_node_os_.tmpdir(), 'ecr-build-push-cache', dockerfile.stage.name),
        dependencyHash: await hashCacheDependencies(dockerfile.path, external_node_path_.resolve(facts.context.workspace, inputs.context)),
        hostedRunner: process.env.RUNNER_ENVIRONMENT === 'github-hosted'
    });
    plan.warnings.forEach((warning) => core/* warning */.$e(warning));
    return plan;
}
function setMetaOutputs(meta, tags) {
    core/* setOutput */.uH('tags', tags.join('\n'));
    core/* setOutput */.uH('version', meta.version);
    core/* setOutput */.uH('labels', Object.entries(meta.labels)
        .map(([key, value]) => `${key}=${value}`)
        .join('\n'));
    core/* setOutput */.uH('json', JSON.stringify(meta.json));
}
function setBuildOutputs(built) {
    core/* setOutput */.uH('digest', built.digest);
    core/* setOutput */.uH('imageid', built.imageId);
    core/* setOutput */.uH('metadata', JSON.stringify(built.metadata));
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
    inputs.secrets.forEach((line) => core/* setSecret */.Pq(line.slice(line.indexOf('=') + 1)));
    const dryRun = inputs['dry-run'];
    const executor = dryRun ? new exec/* DryRunner */.ms() : runner;
    const state = new src_state/* StateStore */.f();
    const buildx = await (0,phases_buildx/* probeBuildx */.he)(runner);
    const ecr = await connectEcr(inputs, dryRun);
    core/* setOutput */.uH('registry', ecr.registry);
    core/* setOutput */.uH('image', ecr.image);
    const meta = await tagsAndLabels(validated, context);
    const tags = fullReferences(ecr.image, meta.tags);
    setMetaOutputs(meta, tags);
    for (const command of (0,ecr_login/* planLogin */.pX)(ecr.authorizations))
        await executor.run(command);
    if (!dryRun)
        state.update({ registries: ecr.authorizations.map((authorization) => authorization.registry) });
    const builder = (0,phases_buildx/* planBuilder */.Zw)({ driver: inputs.driver, builder: inputs.builder, runId: uniqueRunId(context) });
    if (builder.created && !dryRun)
        state.update({ builder: builder.name });
    const buildkitVersion = await (0,phases_buildx/* runBuilder */.zb)(executor, builder);
    const cache = await cachePlan(validated, { context, buildx, buildkitVersion, registry: ecr.registry, image: ecr.image }, ecr.repository);
    const temp = await (0,promises_.mkdtemp)(external_node_path_.join(process.env.RUNNER_TEMP || external_node_os_.tmpdir(), 'ecr-build-push-'));
    state.update({ tempDir: temp });
    const request = {
        builder: builder.name,
        file: dockerfile.path,
        context: external_node_path_.resolve(context.workspace, inputs.context),
        target: inputs.target,
        platforms: inputs.platforms,
        buildArgs: inputs['build-args'],
        secrets: inputs.secrets,
        secretFiles: inputs['secret-files'],
        labels: meta.labels,
        annotations: meta.annotations,
        tags,
        image: ecr.image,
        cacheArgs: cache.args,
        output: buildOutput(inputs),
        noCache: inputs['no-cache'],
        pull: inputs.pull,
        provenance: inputs.provenance,
        sbom: inputs.sbom,
        metadataFile: external_node_path_.join(temp, 'metadata.json'),
        iidFile: external_node_path_.join(temp, 'iid.txt')
    };
    if (dryRun) {
        await executor.run(planBuild(request));
        core/* info */.pq(`Dry run: nothing was built or pushed (buildx ${buildx.buildxVersion}).`);
        return;
    }
    const restoredCacheKey = await restoreLocalCache(cache);
    const built = await runBuild(runner, request);
    await saveLocalCache(cache, restoredCacheKey);
    core/* info */.pq(cacheReportLine(built.stats));
    setBuildOutputs(built);
    await writeSummary({
        image: ecr.image,
        tags,
        target: dockerfile.stage.name,
        built,
        seconds: (Date.now() - started) / 1000
    });
}
async function writeSummary(report) {
    await core/* summary */.z
        .addHeading(`ecr-build-push: ${report.target}`, 3)
        .addTable([
        [
            { data: 'Image', header: true },
            { data: 'Digest', header: true },
            { data: 'Build time', header: true }
        ],
        [report.image, report.built.digest, `${report.seconds.toFixed(1)}s`]
    ])
        .addList(report.tags)
        .addRaw(cacheReportLine(report.built.stats), true)
        .write();
}


/***/ }),

/***/ 7594:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FT: () => (/* binding */ planBuilderRemoval),
/* harmony export */   Zw: () => (/* binding */ planBuilder),
/* harmony export */   he: () => (/* binding */ probeBuildx),
/* harmony export */   zb: () => (/* binding */ runBuilder)
/* harmony export */ });
/* unused harmony exports parseBuildxVersion, parseBuildkitVersion */
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2088);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(semver__WEBPACK_IMPORTED_MODULE_0__);

async function probeBuildx(runner) {
    const result = await runner.run({ tool: 'docker', args: ['buildx', 'version'] }, { allowFailure: true });
    if (result.exitCode !== 0) {
        throw new Error(`docker buildx is not available: ${result.stderr.trim() || 'docker buildx version failed'}. Install the buildx plugin (on GitHub-hosted runners it is preinstalled).`);
    }
    return { buildxVersion: parseBuildxVersion(result.stdout) };
}
/** `github.com/docker/buildx v0.21.1 abc` or `... 0.13.1+ds1 ...` → `0.21.1`. */
function parseBuildxVersion(output) {
    const word = output.trim().split(/\s+/)[1] ?? '';
    return semver__WEBPACK_IMPORTED_MODULE_0___default().coerce(word)?.version ?? '0.0.0';
}
/**
 * Uses the named builder, or the daemon's own (`docker` driver), or creates a docker-container
 * builder the way docker/setup-buildx-action does, without `--use` so the user's default is untouched.
 */
function planBuilder(request) {
    if (request.builder)
        return { name: request.builder, created: false, commands: [] };
    if (request.driver === 'docker')
        return { name: 'default', created: false, commands: [] };
    const name = `ecr-build-push-${request.runId}`;
    return {
        name,
        created: true,
        commands: [
            { tool: 'docker', args: ['buildx', 'create', '--name', name, '--driver', 'docker-container'] },
            { tool: 'docker', args: ['buildx', 'inspect', '--bootstrap', '--builder', name] }
        ]
    };
}
function planBuilderRemoval(name) {
    return { tool: 'docker', args: ['buildx', 'rm', '--force', name] };
}
/** `BuildKit version: v0.20.1` (buildx ≥ 0.11) or `Buildkit: v0.12.5` in `docker buildx inspect` output. */
function parseBuildkitVersion(inspectOutput) {
    const match = /^\s*Build[Kk]it(?: version)?:\s*v?(\S+)/m.exec(inspectOutput);
    return match ? (semver__WEBPACK_IMPORTED_MODULE_0___default().coerce(match[1])?.version ?? undefined) : undefined;
}
/** Creates the builder when the plan says so; returns the BuildKit version it reports, if any. */
async function runBuilder(runner, plan) {
    let buildkitVersion;
    for (const command of plan.commands) {
        const result = await runner.run(command);
        buildkitVersion = parseBuildkitVersion(result.stdout) ?? buildkitVersion;
    }
    return buildkitVersion;
}


/***/ }),

/***/ 3990:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Yg: () => (/* binding */ ecrAuthorization),
/* harmony export */   pX: () => (/* binding */ planLogin),
/* harmony export */   w1: () => (/* binding */ planLogout)
/* harmony export */ });
/* unused harmony export decodeAuthorization */
/** Decodes `authorizationToken` (base64 `user:password`) and strips the scheme from `proxyEndpoint`. */
function decodeAuthorization(data) {
    if (!data.authorizationToken || !data.proxyEndpoint) {
        throw new Error('GetAuthorizationToken returned no token or no proxy endpoint');
    }
    const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    if (at <= 0)
        throw new Error('GetAuthorizationToken returned a token that is not user:password');
    return {
        registry: new URL(data.proxyEndpoint).host,
        username: decoded.slice(0, at),
        password: decoded.slice(at + 1),
        expiresAt: data.expiresAt
    };
}
/** Asks ECR for registry credentials with the default credential chain (OIDC role, env keys, profile). */
async function ecrAuthorization(client, registryIds) {
    const { GetAuthorizationTokenCommand } = await __webpack_require__.e(/* import() */ 249).then(__webpack_require__.t.bind(__webpack_require__, 8249, 19));
    const response = await client.send(new GetAuthorizationTokenCommand(registryIds.length > 0 ? { registryIds } : {}));
    const data = response.authorizationData ?? [];
    if (data.length === 0)
        throw new Error('GetAuthorizationToken returned no authorization data');
    return data.map(decodeAuthorization);
}
/** `docker login` per registry, password on stdin. */
function planLogin(authorizations) {
    return authorizations.map((authorization) => ({
        tool: 'docker',
        args: ['login', '--username', authorization.username, '--password-stdin', authorization.registry],
        stdin: { text: authorization.password, secret: true }
    }));
}
function planLogout(registries) {
    return registries.map((registry) => ({ tool: 'docker', args: ['logout', registry] }));
}


/***/ }),

/***/ 2462:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   f: () => (/* binding */ StateStore),
/* harmony export */   r: () => (/* binding */ readSavedState)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3838);

const key = 'cleanup';
class StateStore {
    state = { registries: [] };
    update(change) {
        this.state = { ...this.state, ...change };
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(key, JSON.stringify(this.state));
    }
    get current() {
        return this.state;
    }
}
function readSavedState() {
    const text = _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getState */ .Gu(key);
    if (!text)
        return { registries: [] };
    return { registries: [], ...JSON.parse(text) };
}


/***/ })

};

//# sourceMappingURL=790.index.js.map