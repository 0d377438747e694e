import type { CheckSeverity } from './finding.js'

/** What docs/dockerfile-checks.md says about a rule; SARIF rule metadata is made from it too. */
export interface RuleInfo {
  id: string
  /** The usual severity; `root-user` and `build-tools-in-image` are notices for development stages. */
  severity: CheckSeverity
  title: string
  /** Why the strategy asks for it, in one or two sentences. */
  why: string
  fix: string
  /** Code scanning shows security rules with a severity score. */
  security: boolean
  hadolint: string[]
  trivy: string[]
  /** Docker build checks that report the same thing: a finding of theirs on the same line is a duplicate. */
  docker: string[]
}

export const checkRules: readonly RuleInfo[] = [
  {
    id: 'root-user',
    severity: 'warning',
    title: 'The built stage runs as root',
    why: 'The strategy wants a non-root user in production: a process that breaks out of an application running as root is root in the container.',
    fix: 'Add `USER <non-root user>` (e.g. `USER nobody` or a user you create) before CMD in the built stage.',
    security: true,
    hadolint: ['DL3002'],
    trivy: ['AVD-DS-0002 (DS002)'],
    docker: []
  },
  {
    id: 'build-tools-in-image',
    severity: 'warning',
    title: "Build tools installed in the built stage's chain",
    why: 'Build tools belong only in builder stages: compilers, headers and git in the shipped image are size and attack surface that the application never uses.',
    fix: 'Install them in a builder stage and `COPY --from=builder` only what it produced.',
    security: true,
    hadolint: [],
    trivy: [],
    docker: []
  },
  {
    id: 'install-after-copy-all',
    severity: 'warning',
    title: 'Dependencies installed after copying the whole context',
    why: 'Layers go from least to most often changed: after `COPY . .` every code change invalidates the dependency layer and reinstalls everything.',
    fix: 'Copy only the dependency manifests (requirements.txt, package.json and lockfile, go.mod/go.sum, ...) first, install, then copy the rest.',
    security: false,
    hadolint: [],
    trivy: [],
    docker: []
  },
  {
    id: 'apt-update-alone',
    severity: 'warning',
    title: '`apt-get update` in a RUN of its own',
    why: 'The update layer is cached on its own, so a later install can run against stale package lists and fetch outdated or missing versions.',
    fix: 'Run `apt-get update && apt-get install -y --no-install-recommends …` in one RUN.',
    security: false,
    hadolint: [],
    trivy: ['AVD-DS-0017 (DS017)'],
    docker: []
  },
  {
    id: 'apt-no-install-recommends',
    severity: 'warning',
    title: '`apt-get install` without `--no-install-recommends`',
    why: 'Slim images stay slim only if apt installs what was asked for: recommended packages often add more than the package itself.',
    fix: 'Add `--no-install-recommends` to `apt-get install`.',
    security: false,
    hadolint: ['DL3015'],
    trivy: ['AVD-DS-0029 (DS029)'],
    docker: []
  },
  {
    id: 'apt-lists-not-removed',
    severity: 'warning',
    title: 'apt package lists left in the layer',
    why: '`apt-get update` writes tens of megabytes of package lists; unless the same RUN removes them (or they live in a cache mount) they stay in the image forever.',
    fix: 'End the RUN with `&& rm -rf /var/lib/apt/lists/*`, or mount `--mount=type=cache,target=/var/lib/apt,sharing=locked`.',
    security: false,
    hadolint: ['DL3009'],
    trivy: [],
    docker: []
  },
  {
    id: 'package-cache-in-layer',
    severity: 'warning',
    title: 'Package manager cache left in the layer',
    why: 'The strategy uses BuildKit cache mounts so downloads are cached between builds, not shipped: a pip, npm, yarn, apk, dnf or yum cache written into the layer only makes the image bigger.',
    fix: "Use `RUN --mount=type=cache,target=<cache dir>`, or the tool's no-cache option (`pip --no-cache-dir`, `apk add --no-cache`, `dnf clean all`, `npm cache clean --force`).",
    security: false,
    hadolint: ['DL3042', 'DL3019', 'DL3060', 'DL3032', 'DL3040', 'DL3036'],
    trivy: ['AVD-DS-0025 (DS025)', 'AVD-DS-0015 (DS015)', 'AVD-DS-0019 (DS019)', 'AVD-DS-0020 (DS020)'],
    docker: []
  },
  {
    id: 'secret-in-image',
    severity: 'error',
    title: 'A secret in the image',
    why: 'No secrets in layers: ENV and ARG values and files written by RUN are readable by anyone who can pull the image (or its build cache and provenance).',
    fix: 'Pass it with the `secrets` input and read it in `RUN --mount=type=secret,id=<id>`; never write it to a file that stays in the layer.',
    security: true,
    hadolint: [],
    trivy: ['AVD-DS-0031 (DS031)'],
    docker: ['SecretsUsedInArgOrEnv']
  },
  {
    id: 'unpinned-base',
    severity: 'warning',
    title: 'Base image not pinned',
    why: 'Pinned base images make builds reproducible: `:latest` or no tag changes underneath you and defeats the cache.',
    fix: 'Name a version tag (e.g. `python:3.13-slim`), or a digest (`@sha256:…`) for full reproducibility.',
    security: false,
    hadolint: ['DL3006', 'DL3007'],
    trivy: ['AVD-DS-0001 (DS001)'],
    docker: []
  },
  {
    id: 'full-base-image',
    severity: 'warning',
    title: 'Full base image where a slim variant is the norm',
    why: 'The strategy ships slim base images: the full python, node, ruby, perl and debian images carry compilers and hundreds of megabytes the runtime does not need.',
    fix: 'Use the `-slim` variant (e.g. `python:3.13` → `python:3.13-slim`); keep the full image only in a builder stage.',
    security: false,
    hadolint: [],
    trivy: [],
    docker: []
  },
  {
    id: 'add-remote-url',
    severity: 'warning',
    title: '`ADD` of a URL without a checksum',
    why: 'The download is neither verified nor reproducible: the layer changes whenever the remote file does.',
    fix: 'Use `ADD --checksum=sha256:<digest> <url> <dest>`, or download with curl in a builder stage and verify it there.',
    security: true,
    hadolint: [],
    trivy: [],
    docker: []
  },
  {
    id: 'add-instead-of-copy',
    severity: 'notice',
    title: '`ADD` where `COPY` is meant',
    why: '`ADD` also extracts archives and fetches URLs; for plain files and folders `COPY` says what happens.',
    fix: 'Use `COPY`.',
    security: false,
    hadolint: ['DL3020'],
    trivy: ['AVD-DS-0005 (DS005)'],
    docker: []
  },
  {
    id: 'shell-form-cmd',
    severity: 'warning',
    title: 'Shell-form CMD or ENTRYPOINT in the built stage',
    why: 'In shell form `/bin/sh -c` is PID 1 and does not pass SIGTERM on, so the container is killed instead of shutting down cleanly.',
    fix: 'Use the exec form, e.g. `CMD ["gunicorn", "app.wsgi"]`.',
    security: false,
    hadolint: ['DL3025'],
    trivy: [],
    docker: ['JSONArgsRecommended']
  },
  {
    id: 'missing-dockerignore',
    severity: 'warning',
    title: 'No .dockerignore while the context holds .git, .env, node_modules or __pycache__',
    why: 'The strategy keeps `.git` and `.env` out with a `.dockerignore`: without one, `COPY . .` puts history and secrets in the image and every build uploads them.',
    fix: 'Add a `.dockerignore` next to the context listing `.git`, `.env*`, `node_modules` and `**/__pycache__`.',
    security: true,
    hadolint: [],
    trivy: [],
    docker: []
  },
  {
    id: 'dockerignore-incomplete',
    severity: 'warning',
    title: '.dockerignore does not exclude .git, .env, node_modules or __pycache__',
    why: 'The context holds one of them and the `.dockerignore` lets it through, so `COPY . .` can put it in the image.',
    fix: 'Add the entry (e.g. `.git`, `.env*`) to the `.dockerignore`.',
    security: true,
    hadolint: [],
    trivy: [],
    docker: []
  },
  {
    id: 'healthcheck-missing',
    severity: 'notice',
    title: 'An EXPOSEd built stage without HEALTHCHECK',
    why: 'A service image that says how to check it lets Docker and orchestrators tell a hung process from a healthy one.',
    fix: 'Add `HEALTHCHECK CMD [...]` (or `HEALTHCHECK NONE` when the platform checks health itself).',
    security: false,
    hadolint: ['DL3057'],
    trivy: ['AVD-DS-0026 (DS026)'],
    docker: []
  },
  {
    id: 'check-ignore-invalid',
    severity: 'notice',
    title: 'A `# check-ignore=` comment that silences nothing',
    why: 'It names no known rule or is not directly above an instruction, so the finding it was meant for is still reported.',
    fix: 'Name rule ids from docs/dockerfile-checks.md and put the comment on the line right above the instruction.',
    security: false,
    hadolint: [],
    trivy: [],
    docker: []
  }
]

export const checkRuleIds: readonly string[] = checkRules.map((rule) => rule.id)

export function ruleInfo(id: string): RuleInfo | undefined {
  return checkRules.find((rule) => rule.id === id)
}

/**
 * Docker's build checks (BuildKit's Dockerfile linter) with the severity we give them: Docker reports all as
 * warnings; style-only ones are notices here so `dockerfile-checks-fail-on: warning` is about the image.
 */
export const dockerBuildChecks: Readonly<Record<string, CheckSeverity>> = {
  StageNameCasing: 'notice',
  FromAsCasing: 'notice',
  NoEmptyContinuation: 'warning',
  ConsistentInstructionCasing: 'notice',
  DuplicateStageName: 'warning',
  ReservedStageName: 'warning',
  JSONArgsRecommended: 'warning',
  MaintainerDeprecated: 'notice',
  UndefinedArgInFrom: 'warning',
  WorkdirRelativePath: 'warning',
  UndefinedVar: 'warning',
  MultipleInstructionsDisallowed: 'warning',
  LegacyKeyValueFormat: 'notice',
  InvalidBaseImagePlatform: 'warning',
  RedundantTargetPlatform: 'notice',
  SecretsUsedInArgOrEnv: 'warning',
  InvalidDefaultArgInFrom: 'warning',
  FromPlatformFlagConstDisallowed: 'warning',
  CopyIgnoredFile: 'warning',
  InvalidDefinitionDescription: 'notice'
}

/** Our rule that reports the same as a Docker build check, if any. */
export function equivalentRule(dockerCheck: string): string | undefined {
  return checkRules.find((rule) => rule.docker.includes(dockerCheck))?.id
}

/**
 * A rule name as written in an input or a comment, spelled the way findings carry it: our ids and Docker's
 * known names match case-insensitively; another PascalCase word is taken as a Docker check newer than this list.
 */
export function canonicalRule(name: string): string | undefined {
  const lower = name.toLowerCase()
  const ours = checkRuleIds.find((id) => id === lower)
  if (ours) return ours
  const docker = Object.keys(dockerBuildChecks).find((check) => check.toLowerCase() === lower)
  if (docker) return docker
  return /^[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+$/.test(name) ? name : undefined
}

/** Every name a rule is known by: itself and its Docker equivalent, so one ignore silences both. */
export function ruleAliases(rule: string): string[] {
  const ours = ruleInfo(rule)
  if (ours) return [rule, ...ours.docker]
  const equivalent = equivalentRule(rule)
  return equivalent ? [rule, equivalent] : [rule]
}
