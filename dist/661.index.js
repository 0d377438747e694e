export const id = 661;
export const ids = [661];
export const modules = {

/***/ 7594:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AU: () => (/* binding */ planQemu),
/* harmony export */   FT: () => (/* binding */ planBuilderRemoval),
/* harmony export */   Zw: () => (/* binding */ planBuilder),
/* harmony export */   _4: () => (/* binding */ registeredHandlers),
/* harmony export */   dn: () => (/* binding */ architecturesNeedingEmulation),
/* harmony export */   he: () => (/* binding */ probeBuildx),
/* harmony export */   zb: () => (/* binding */ runBuilder)
/* harmony export */ });
/* unused harmony exports parseBuildxVersion, parseBuildkitVersion */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2088);
/* harmony import */ var semver__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(semver__WEBPACK_IMPORTED_MODULE_1__);


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
    return semver__WEBPACK_IMPORTED_MODULE_1___default().coerce(word)?.version ?? '0.0.0';
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
    return match ? (semver__WEBPACK_IMPORTED_MODULE_1___default().coerce(match[1])?.version ?? undefined) : undefined;
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
/** binfmt_misc handler names, by the architecture part of a platform. */
const qemuNames = {
    amd64: 'x86_64',
    '386': 'i386',
    arm64: 'aarch64',
    arm: 'arm',
    ppc64le: 'ppc64le',
    s390x: 's390x',
    riscv64: 'riscv64',
    mips64le: 'mips64el',
    mips64: 'mips64',
    loong64: 'loongarch64'
};
/** Architectures the host runs without emulation, by Node's `process.arch`. */
const nativeArchitectures = {
    x64: ['amd64', '386'],
    arm64: ['arm64', 'arm'],
    arm: ['arm'],
    ppc64: ['ppc64le'],
    s390x: ['s390x'],
    riscv64: ['riscv64']
};
/**
 * The platforms' architectures this host can neither run natively nor through an installed binfmt
 * handler: only these need QEMU (as docker/setup-qemu-action installs it).
 */
function architecturesNeedingEmulation(platforms, hostArch, registeredHandlers) {
    const native = nativeArchitectures[hostArch] ?? [];
    const needed = platforms
        .map((platform) => platform.split('/')[1])
        .filter((arch) => !native.includes(arch) && !registeredHandlers.includes(`qemu-${qemuNames[arch] ?? arch}`));
    return [...new Set(needed)];
}
function planQemu(architectures) {
    if (architectures.length === 0)
        return [];
    return [
        {
            tool: 'docker',
            args: ['run', '--privileged', '--rm', 'tonistiigi/binfmt:latest', '--install', architectures.join(',')]
        }
    ];
}
/** binfmt handlers the kernel has now (`qemu-aarch64`, ...); none where binfmt_misc is not mounted. */
async function registeredHandlers() {
    return (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readdir)('/proc/sys/fs/binfmt_misc').catch(() => []);
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

/***/ 6661:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   post: () => (/* binding */ post)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3838);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _phases_buildx_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7594);
/* harmony import */ var _phases_ecr_login_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3990);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2462);





/** Cleans up after main, also after a failed main: logout, builder removal, temp files. Warns, never fails. */
async function post(runner) {
    const state = (0,_state_js__WEBPACK_IMPORTED_MODULE_3__/* .readSavedState */ .r)();
    const commands = [
        ...(0,_phases_ecr_login_js__WEBPACK_IMPORTED_MODULE_4__/* .planLogout */ .w1)(state.registries),
        ...(state.builder ? [(0,_phases_buildx_js__WEBPACK_IMPORTED_MODULE_2__/* .planBuilderRemoval */ .FT)(state.builder)] : [])
    ];
    for (const command of commands) {
        try {
            await runner.run(command);
        }
        catch (error) {
            _actions_core__WEBPACK_IMPORTED_MODULE_0__.warning(`Cleanup step failed: ${error.message}`);
        }
    }
    if (state.tempDir) {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rm)(state.tempDir, { recursive: true, force: true }).catch((error) => _actions_core__WEBPACK_IMPORTED_MODULE_0__.warning(`Could not delete ${state.tempDir}: ${error.message}`));
    }
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
        _actions_core__WEBPACK_IMPORTED_MODULE_0__.saveState(key, JSON.stringify(this.state));
    }
    get current() {
        return this.state;
    }
}
function readSavedState() {
    const text = _actions_core__WEBPACK_IMPORTED_MODULE_0__.getState(key);
    if (!text)
        return { registries: [] };
    return { registries: [], ...JSON.parse(text) };
}


/***/ })

};

//# sourceMappingURL=661.index.js.map