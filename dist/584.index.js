export const id = 584;
export const ids = [584];
export const modules = {

/***/ 6584:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createGitHubClient: () => (/* binding */ createGitHubClient)
/* harmony export */ });
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6856);
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1758);



/** How long the action waits on a rate limit before it gives up on that request (it only reports). */
const maxRateLimitWaitSeconds = 60;
const rateLimitRetries = 2;
/** plugin-retry's defaults plus 429: a rate limit is the throttling plugin's, which waits as `retry-after` says. */
const doNotRetry = [400, 401, 403, 404, 410, 422, 429, 451];
/** plugin-retry's wait before its next attempt: (attempts so far + 1)² seconds. */
const retryWaitMs = (request) => ((request.retryCount ?? 0) + 1) ** 2 * 1000;
/**
 * No retry that would end past the caller's deadline: the error goes out as it is, status kept, with nothing
 * plugin-retry reads as retryable (octokit reports a timed-out fetch as a 500, which it would retry three
 * more times). Registered before plugin-retry, so this error hook sees each error first.
 */
const deadline = (octokit) => {
    octokit.hook.error('request', (error, options) => {
        const request = (options.request ?? {});
        if (request.deadline === undefined || Date.now() + retryWaitMs(request) < request.deadline)
            throw error;
        const message = request.signal?.aborted ? `no answer in time (${error.message})` : error.message;
        const { status, response } = error;
        throw Object.assign(new Error(message), { status, response });
    });
};
/**
 * The run's one GitHub client: retries 5xx and network errors (@octokit/plugin-retry), waits out rate
 * limits and secondary rate limits as GitHub's `retry-after` says (@octokit/plugin-throttling), and stops
 * at the caller's deadline.
 */
function createGitHubClient(token, apiUrl, log) {
    const onLimit = (kind) => (retryAfter, options, _octokit, retryCount) => {
        const until = options.request?.deadline ?? Infinity;
        const retrying = retryCount < rateLimitRetries &&
            retryAfter <= maxRateLimitWaitSeconds &&
            Date.now() + retryAfter * 1000 < until;
        // The route with its parameters filled in: `/repos/o/r/issues/7/comments`, not `{issue_number}`.
        const url = options.url.replace(/\{(\w+)\}/g, (all, name) => String(options[name] ?? all));
        log.info(`GitHub ${kind} on ${options.method} ${url}: ${retrying ? `retrying in ${retryAfter}s` : 'giving up on this request'}.`);
        return retrying;
    };
    return (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(token, {
        baseUrl: apiUrl,
        throttle: { onRateLimit: onLimit('rate limit'), onSecondaryRateLimit: onLimit('secondary rate limit') },
        retry: { retries: 3, doNotRetry }
    }, deadline, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_1__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_2__/* .throttling */ .A);
}


/***/ })

};

//# sourceMappingURL=584.index.js.map