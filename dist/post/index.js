import './sourcemap-register.cjs';import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ // The require scope
/******/ var __nccwpck_require__ = {};
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat */
/******/ 
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = new URL('.', import.meta.url).pathname.slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  b: () => (/* binding */ post)
});

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./src/run/workflow-commands.ts



function escapeData(text) {
    return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(text) {
    return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
function issue(command, message, properties = {}) {
    const fields = Object.entries(properties)
        .filter(([, value]) => value !== undefined && value !== '' && value !== 0)
        .map(([key, value]) => `${key}=${escapeProperty(String(value))}`);
    // As @actions/core: a space after the command whenever properties were given, even all empty.
    const head = Object.keys(properties).length > 0 ? `${command} ${fields.join(',')}` : command;
    process.stdout.write(`::${head}::${escapeData(message)}${external_node_os_namespaceObject.EOL}`);
}
function annotation(kind, message, at = {}) {
    if (Object.keys(at).length === 0)
        return issue(kind, message);
    issue(kind, message, {
        title: at.title,
        file: at.file,
        line: at.startLine,
        endLine: at.endLine,
        col: at.startColumn,
        endColumn: at.endColumn
    });
}
function info(message) {
    process.stdout.write(`${message}${external_node_os_namespaceObject.EOL}`);
}
function debug(message) {
    issue('debug', message);
}
function notice(message, properties) {
    annotation('notice', message, properties);
}
function warning(message, properties) {
    annotation('warning', message, properties);
}
function error(message, properties) {
    annotation('error', message, properties);
}
function startGroup(title) {
    issue('group', title);
}
function endGroup() {
    issue('endgroup', '');
}
function setSecret(secret) {
    issue('add-mask', secret);
}
/** `name<<delimiter` … `delimiter` appended to the runner's GITHUB_OUTPUT or GITHUB_STATE file. */
function fileCommand(kind, name, value) {
    const file = process.env[`GITHUB_${kind}`];
    if (!file) {
        // A runner older than file commands: the deprecated stdout form, as @actions/core falls back to.
        if (kind === 'OUTPUT')
            process.stdout.write(EOL);
        issue(kind === 'OUTPUT' ? 'set-output' : 'save-state', value, { name });
        return;
    }
    if (!existsSync(file))
        throw new Error(`Missing file at path: ${file}`);
    // @actions/core also refuses a value holding the delimiter: a random UUID no value can foresee.
    const delimiter = `ghadelimiter_${randomUUID()}`;
    appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`);
}
function setOutput(name, value) {
    fileCommand('OUTPUT', name, value);
}
function saveState(name, value) {
    fileCommand('STATE', name, value);
}
/** What main saved with `saveState`, which the runner hands to the post step as `STATE_<name>`. */
function getState(name) {
    return process.env[`STATE_${name}`] ?? '';
}
/** Appends markdown to the job summary (GITHUB_STEP_SUMMARY); throws when the runner gives none. */
function appendSummary(markdown) {
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (!file)
        throw new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY.');
    try {
        accessSync(file, constants.R_OK | constants.W_OK);
    }
    catch {
        throw new Error(`Unable to access summary file: '${file}'. Check if the file has correct read/write permissions.`);
    }
    appendFileSync(file, `${markdown}${EOL}`);
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: ./src/run/state.ts
const stateKey = 'cleanup';
class RunnerState {
    log;
    state = { registries: [], staging: [] };
    constructor(log) {
        this.log = log;
    }
    add(change) {
        const { registry, staging, ...rest } = change;
        this.state = {
            ...this.state,
            ...rest,
            registries: registry ? [...this.state.registries, registry] : this.state.registries,
            staging: staging ? [...this.state.staging, staging] : this.state.staging
        };
        this.log.saveState(stateKey, JSON.stringify(this.state));
    }
}
class NoState {
    add() { }
}
function parseSavedState(text) {
    if (!text)
        return { registries: [], staging: [] };
    return { registries: [], staging: [], ...JSON.parse(text) };
}

;// CONCATENATED MODULE: ./src/post.ts





/** The post step's own entry: a small bundle that undoes what main saved, also after a failed main. Warns, never fails. */
async function post(run = (0,external_node_util_namespaceObject.promisify)(external_node_child_process_namespaceObject.execFile)) {
    const state = parseSavedState(getState(stateKey));
    const commands = [
        ...state.registries.map((registry) => ['logout', registry]),
        ...(state.builder ? [['buildx', 'rm', '--force', state.builder]] : []),
        ...(state.staging.length > 0 ? [['image', 'rm', '--force', ...state.staging]] : [])
    ];
    for (const args of commands) {
        info(`$ docker ${args.join(' ')}`);
        try {
            await run('docker', args);
        }
        catch (error) {
            // A staging name is gone once main tagged or removed it: nothing to clean.
            const message = error.stderr?.trim() || error.message;
            if (args[0] === 'image' &&
                /No such image/i.test(message) &&
                !/Error response.*(conflict|in use)/i.test(message))
                continue;
            warning(`Cleanup step failed: docker ${args.join(' ')}: ${message}`);
        }
    }
    if (state.tempDir) {
        await (0,promises_namespaceObject.rm)(state.tempDir, { recursive: true, force: true }).catch((error) => warning(`Could not delete ${state.tempDir}: ${error.message}`));
    }
}
post().catch((error) => warning(`Cleanup failed: ${error.message}`));

var __webpack_exports__post = __webpack_exports__.b;
export { __webpack_exports__post as post };

//# sourceMappingURL=index.js.map