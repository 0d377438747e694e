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

;// CONCATENATED MODULE: ./src/run/workflow-commands.ts
/**
 * The three runner interactions the post step needs, written out: @actions/core would load undici (about
 * 1 MB) for its OIDC client, which the post step never uses, and the post step runs in every job.
 * Escaping follows the runner's workflow-command format (as @actions/core's `escapeData`).
 */
function escapeData(text) {
    return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
/** What main saved with `saveState`, which the runner hands to the post step as `STATE_<name>`. */
function getState(name) {
    return process.env[`STATE_${name}`] ?? '';
}
function info(message) {
    process.stdout.write(`${message}\n`);
}
function warning(message) {
    process.stdout.write(`::warning::${escapeData(message)}\n`);
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





const run = (0,external_node_util_namespaceObject.promisify)(external_node_child_process_namespaceObject.execFile);
/** The post step's own entry: a small bundle that undoes what main saved, also after a failed main. Warns, never fails. */
async function post() {
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