// The Dockerfile checks' public API: what the orchestration calls. Everything else here is internal.
export { checkDockerfile, type DockerfileCheckRequest } from './check.js'
export { type BuildContext } from './model.js'
export {
  atOrAbove,
  checkSeverities,
  sortFindings,
  type CheckSeverity,
  type DockerfileFinding
} from './finding.js'
export { checkRules, checkRuleIds, ruleInfo, type RuleInfo } from './rules.js'
export { checksVerdict, type ChecksVerdict } from './verdict.js'
export {
  buildChecksMinimumBuildx,
  buildChecksSkippedNotice,
  mergeFindings,
  parseBuildCheckResult,
  planBuildChecks,
  supportsBuildChecks,
  type BuildCheckResult
} from './buildx.js'
export { dockerfileChecksCategory, dockerfileChecksSarif } from './sarif.js'
export { dockerfileChecksMarkdown, dockerfileFindingsOutput } from './render.js'
