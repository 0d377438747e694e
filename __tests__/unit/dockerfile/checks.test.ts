import { describe, expect, it } from '@jest/globals'
import { checkNamed, type NamedRequest } from './request.js'

type Row = [line: number, rule: string, severity: string, message: string]

/** [line, rule, severity, message] per finding: the exact findings, compact enough to read as a table. */
function check(dockerfile: string, options: Omit<NamedRequest, 'dockerfile' | 'file'> = {}): Row[] {
  return checkNamed({ dockerfile, file: 'Dockerfile', ...options }).map((finding) => [
    finding.line,
    finding.rule,
    finding.severity,
    finding.message
  ])
}

const root = (stage = '#0'): string => `Stage ${stage} runs as root: no stage in its chain sets USER.`

// Lines that satisfy every rule, to isolate the one a case is about.
const user = 'USER app'
const cmd = 'CMD ["app"]'

describe('checkDockerfile: each rule fires and does not fire', () => {
  it.each<[string, string, Omit<NamedRequest, 'dockerfile' | 'file'>, Row[]]>([
    // root-user
    ['no USER: at the FROM', `FROM alpine:3.20\n${cmd}`, {}, [[1, 'root-user', 'warning', root()]]],
    [
      'USER root after a non-root user: at that USER',
      `FROM alpine:3.20\nUSER app\nRUN true\nUSER root\n${cmd}`,
      {},
      [[4, 'root-user', 'warning', 'Stage #0 runs as root: USER root is the last USER of its chain.']]
    ],
    [
      'USER 0:0',
      `FROM alpine:3.20\nUSER 0:0\n${cmd}`,
      {},
      [[2, 'root-user', 'warning', 'Stage #0 runs as root: USER 0:0 is the last USER of its chain.']]
    ],
    ['a non-root USER', `FROM alpine:3.20\n${user}\n${cmd}`, {}, []],
    ['a nonroot distroless base', `FROM gcr.io/distroless/static-debian12:nonroot\n${cmd}`, {}, []],
    [
      'USER set in the stage built on',
      `FROM alpine:3.20 AS base\n${user}\nFROM base AS prod\n${cmd}`,
      {},
      []
    ],
    [
      'a root stage copied from does not count, the built one does',
      `FROM alpine:3.20 AS builder\nRUN true\nFROM alpine:3.20\nCOPY --from=builder /x /x\n${cmd}`,
      {},
      [[3, 'root-user', 'warning', root('#1')]]
    ],
    [
      'a development stage: notice',
      `FROM alpine:3.20 AS production\n${user}\nFROM production AS development\nUSER root\n${cmd}`,
      { target: 'development' },
      [[4, 'root-user', 'notice', 'Stage development runs as root: USER root is the last USER of its chain.']]
    ],
    // build-tools-in-image
    [
      'gcc and a -dev package in the built stage',
      `FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*\n${user}`,
      {},
      [
        [
          2,
          'build-tools-in-image',
          'warning',
          'gcc, libpq-dev installed here end up in the image of #0: build tools belong in a builder stage.'
        ]
      ]
    ],
    [
      'git in the stage the built one builds on',
      `FROM debian:bookworm-slim AS base\nRUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*\nFROM base AS app\n${user}`,
      {},
      [
        [
          2,
          'build-tools-in-image',
          'warning',
          'git installed here end up in the image of app: build tools belong in a builder stage.'
        ]
      ]
    ],
    [
      'build tools in a builder stage that is copied from',
      `FROM alpine:3.20 AS builder\nRUN apk add --no-cache build-base\nFROM alpine:3.20\nCOPY --from=builder /out /out\n${user}`,
      {},
      []
    ],
    [
      'installed and removed in the same RUN (apk --virtual)',
      `FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && make && apk del .build-deps\n${user}`,
      {},
      []
    ],
    [
      'a testing stage: notice',
      `FROM alpine:3.20 AS testing\nRUN apk add --no-cache make\n${user}`,
      {},
      [
        [
          2,
          'build-tools-in-image',
          'notice',
          'make installed here end up in the image of testing: build tools belong in a builder stage.'
        ]
      ]
    ],
    // install-after-copy-all
    [
      'pip install -r after COPY . .: at the COPY',
      `FROM alpine:3.20\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n${user}`,
      {},
      [
        [
          2,
          'install-after-copy-all',
          'warning',
          'COPY . . comes before pip install --no-cache-dir -r requirements.txt (line 3): every code change reinstalls the dependencies.'
        ]
      ]
    ],
    [
      'manifests first, then the rest',
      `FROM alpine:3.20\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n${user}`,
      {},
      []
    ],
    [
      'npm ci after COPY . in the stage built on',
      `FROM alpine:3.20 AS base\nCOPY . /app\nFROM base\nRUN --mount=type=cache,target=/root/.npm npm ci\n${user}`,
      {},
      [
        [
          2,
          'install-after-copy-all',
          'warning',
          'COPY . /app comes before npm ci (line 4): every code change reinstalls the dependencies.'
        ]
      ]
    ],
    [
      'go mod download after COPY . . in a builder stage',
      `FROM golang:1.23 AS builder\nCOPY . .\nRUN go mod download && go build -o /app .\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=builder /app /app`,
      {},
      [
        [
          2,
          'install-after-copy-all',
          'warning',
          'COPY . . comes before go mod download (line 3): every code change reinstalls the dependencies.'
        ]
      ]
    ],
    [
      'cargo build after COPY . . once cargo fetch ran on the manifests',
      `FROM rust:1.82 AS builder\nCOPY Cargo.toml Cargo.lock ./\nRUN cargo fetch\nCOPY . .\nRUN cargo build --release\nFROM alpine:3.20\nCOPY --from=builder /target /app\n${user}`,
      {},
      []
    ],
    // apt-update-alone, apt-no-install-recommends, apt-lists-not-removed
    [
      'apt-get update alone',
      `FROM debian:bookworm-slim\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\n${user}`,
      {},
      [
        [
          2,
          'apt-lists-not-removed',
          'warning',
          'The package lists apt-get update writes stay in this layer.'
        ],
        [2, 'apt-update-alone', 'warning', 'apt-get update runs in a RUN without an install.']
      ]
    ],
    [
      'update, install with recommends, lists kept',
      `FROM debian:bookworm-slim\nRUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y curl\n${user}`,
      {},
      [
        [
          2,
          'apt-lists-not-removed',
          'warning',
          'The package lists apt-get update writes stay in this layer.'
        ],
        [
          2,
          'apt-no-install-recommends',
          'warning',
          'apt-get install curl also installs recommended packages.'
        ]
      ]
    ],
    [
      'update and install done right',
      `FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n${user}`,
      {},
      []
    ],
    [
      'lists in a cache mount, recommends off by option',
      `FROM debian:bookworm-slim\nRUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get -o APT::Install-Recommends=false install -y curl\n${user}`,
      {},
      []
    ],
    [
      'apt instead of apt-get, build tools purged in the same RUN',
      `FROM ubuntu:24.04\nRUN apt update && apt install -y build-essential && make && apt purge -y build-essential && rm -rf /var/lib/apt/lists/*\n${user}`,
      {},
      [
        [
          2,
          'apt-no-install-recommends',
          'warning',
          'apt install build-essential also installs recommended packages.'
        ]
      ]
    ],
    // package-cache-in-layer
    [
      'pip, npm, yarn, apk and dnf caches',
      `FROM alpine:3.20\nRUN pip install flask\nRUN npm ci\nRUN yarn install --frozen-lockfile\nRUN apk add curl\nRUN dnf install -y jq\n${user}`,
      {},
      [
        [2, 'package-cache-in-layer', 'warning', 'The pip cache stays in this layer.'],
        [3, 'package-cache-in-layer', 'warning', 'The npm cache stays in this layer.'],
        [4, 'package-cache-in-layer', 'warning', 'The yarn cache stays in this layer.'],
        [5, 'package-cache-in-layer', 'warning', 'The apk cache stays in this layer.'],
        [6, 'package-cache-in-layer', 'warning', 'The dnf cache stays in this layer.']
      ]
    ],
    [
      'no-cache options, cache mounts, cleaning in the same RUN, PIP_NO_CACHE_DIR',
      [
        'FROM alpine:3.20',
        'ENV PIP_NO_CACHE_DIR=1',
        'RUN pip install flask',
        'RUN python -m pip install --no-cache-dir gunicorn',
        'RUN npm ci && npm cache clean --force',
        'RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install',
        'RUN apk add --no-cache curl',
        'RUN dnf install -y jq && dnf clean all',
        'RUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen',
        user
      ].join('\n'),
      {},
      []
    ],
    // secret-in-image
    [
      'ENV and ARG with literal secrets',
      `FROM alpine:3.20\nENV DB_HOST=db DB_PASSWORD=hunter2\nARG API_KEY=abc123\n${user}`,
      {},
      [
        [2, 'secret-in-image', 'error', 'ENV DB_PASSWORD sets a secret-looking value in the image.'],
        [3, 'secret-in-image', 'error', 'ARG API_KEY has a secret-looking default value.']
      ]
    ],
    [
      'secret names without literal values, *_FILE, PUBLIC_KEY, settings about passwords',
      `FROM alpine:3.20\nARG GITHUB_TOKEN\nENV TOKEN=$GITHUB_TOKEN DB_PASSWORD_FILE=/run/secrets/db JWT_PUBLIC_KEY=abc PASSWORD_HASHERS=argon2\n${user}`,
      {},
      []
    ],
    [
      'an ARG that gets a secret from build-args',
      `FROM alpine:3.20\nARG GITHUB_TOKEN\n${user}`,
      { buildArgs: ['GITHUB_TOKEN=ghp_example'] },
      [
        [
          2,
          'secret-in-image',
          'error',
          'ARG GITHUB_TOKEN gets a secret-looking value from build-args: build arguments stay in the image history and provenance.'
        ]
      ]
    ],
    [
      'RUN writes a token into .npmrc, COPY heredoc writes a .env',
      `FROM node:22-slim AS builder\nRUN echo "//registry.npmjs.org/:_authToken=npm_abc" > /root/.npmrc\nFROM node:22-slim\nCOPY --from=builder /root /root\nCOPY <<EOF /app/.env\nSECRET_KEY=abc123\nEOF\n${user}`,
      {},
      [
        [2, 'secret-in-image', 'error', 'RUN writes _authToken into /root/.npmrc, which stays in the layer.'],
        [5, 'secret-in-image', 'error', 'COPY writes SECRET_KEY into a file of the image.']
      ]
    ],
    [
      'a mounted secret copied into a file that stays, and one that is removed in the same RUN',
      `FROM alpine:3.20\nRUN --mount=type=secret,id=token cat /run/secrets/token > /app/token\nRUN --mount=type=secret,id=npmrc cp /run/secrets/npmrc /root/.npmrc && npm ci --cache /tmp/npm && rm /root/.npmrc\n${user}`,
      {},
      [
        [
          2,
          'secret-in-image',
          'error',
          'RUN writes a mounted secret into /app/token, which stays in the layer.'
        ],
        [3, 'package-cache-in-layer', 'warning', 'The npm cache stays in this layer.']
      ]
    ],
    [
      'the secret mount used as intended; a stage outside the build',
      `FROM alpine:3.20 AS unused\nENV PASSWORD=x\nFROM alpine:3.20\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc --mount=type=cache,target=/root/.npm npm ci\n${user}`,
      {},
      []
    ],
    // unpinned-base
    [
      'no tag and :latest',
      `FROM alpine AS builder\nRUN true\nFROM alpine:latest\nCOPY --from=builder /x /x\n${user}`,
      {},
      [
        [
          1,
          'unpinned-base',
          'warning',
          'FROM alpine is not pinned: no tag (:latest) changes underneath the build.'
        ],
        [
          3,
          'unpinned-base',
          'warning',
          'FROM alpine:latest is not pinned: :latest changes underneath the build.'
        ]
      ]
    ],
    [
      'a tag, a digest, scratch',
      `FROM alpine:3.20 AS a\nFROM alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS b\nFROM scratch\nCOPY --from=a /x /x\nCOPY --from=b /y /y\n${user}`,
      {},
      []
    ],
    [
      'an ARG-substituted base: the default, then a build-arg that pins it',
      `ARG BASE=alpine\nFROM \${BASE}\n${user}`,
      {},
      [
        [
          2,
          'unpinned-base',
          'warning',
          'FROM ${BASE} (alpine) is not pinned: no tag (:latest) changes underneath the build.'
        ]
      ]
    ],
    [
      'the build-arg pins it',
      `ARG BASE=alpine\nFROM \${BASE}\n${user}`,
      { buildArgs: ['BASE=alpine:3.20'] },
      []
    ],
    // full-base-image
    [
      'python:3.13 in the built stage, node:22 in a builder: warning and notice',
      `FROM node:22 AS assets\nRUN true\nFROM python:3.13-bookworm\nCOPY --from=assets /dist /dist\n${user}`,
      {},
      [
        [1, 'full-base-image', 'notice', 'FROM node:22 in assets, which #1 copies from, is the full image.'],
        [
          3,
          'full-base-image',
          'warning',
          'FROM python:3.13-bookworm is the full image, and #1 is built on it.'
        ]
      ]
    ],
    [
      'slim and alpine variants',
      `FROM node:22-alpine AS assets\nFROM python:3.13-slim\nCOPY --from=assets /d /d\n${user}`,
      {},
      []
    ],
    // add-remote-url, add-instead-of-copy
    [
      'ADD of a URL and of plain files',
      `FROM alpine:3.20\nADD https://example.com/tool.tgz /opt/\nADD src/ /app/\n${user}`,
      {},
      [
        [2, 'add-remote-url', 'warning', 'ADD downloads https://example.com/tool.tgz without a checksum.'],
        [3, 'add-instead-of-copy', 'notice', 'ADD src/ copies plain files: COPY says what happens.']
      ]
    ],
    [
      'ADD with a checksum, of an archive, of a git repository',
      `FROM alpine:3.20\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tgz /opt/\nADD rootfs.tar.gz /\nADD git@github.com:octo-org/lib.git /lib\n${user}`,
      {},
      []
    ],
    // shell-form-cmd
    [
      'shell-form CMD and ENTRYPOINT',
      `FROM alpine:3.20\n${user}\nENTRYPOINT /entrypoint.sh\nCMD serve --port 80 && echo done`,
      {},
      [
        [
          3,
          'shell-form-cmd',
          'warning',
          'ENTRYPOINT /entrypoint.sh is in shell form: /bin/sh is PID 1 and the process does not get SIGTERM.'
        ],
        [
          4,
          'shell-form-cmd',
          'warning',
          'CMD serve --port 80 && echo done is in shell form: /bin/sh is PID 1 and the process does not get SIGTERM.'
        ]
      ]
    ],
    [
      'a shell-form CMD in the stage built on, replaced by an exec-form one',
      `FROM alpine:3.20 AS base\nCMD serve\nFROM base\n${user}\n${cmd}`,
      {},
      []
    ],
    // missing-dockerignore, dockerignore-incomplete
    [
      'no .dockerignore, .git and .env in the context',
      `FROM alpine:3.20\n${user}`,
      { context: { entries: ['.env', '.git', 'app', 'Dockerfile'] } },
      [
        [
          1,
          'missing-dockerignore',
          'warning',
          'There is no .dockerignore and the build context holds .env, .git.'
        ]
      ]
    ],
    [
      'a .dockerignore that lets .env.local and .git through',
      `FROM alpine:3.20\n${user}`,
      {
        context: {
          entries: ['.env.local', '.git', 'node_modules', '__pycache__'],
          dockerignore: 'node_modules\n**/__pycache__\n.git\n!.git\n'
        }
      },
      [
        [
          1,
          'dockerignore-incomplete',
          'warning',
          'The .dockerignore lets .env.local, .git into the build context.'
        ]
      ]
    ],
    [
      'a .dockerignore that keeps them out; a clean context; no context given',
      `FROM alpine:3.20\n${user}`,
      { context: { entries: ['.env', '.git', 'app'], dockerignore: '# keep secrets out\n/.git/\n.env*\n' } },
      []
    ],
    [
      "Docker's globs: ?, [...] and [!...], **/, a trailing /**, and the last matching line wins",
      `FROM alpine:3.20\n${user}`,
      {
        context: {
          entries: ['.env', '.env.prod', '.git', 'node_modules', 'app'],
          dockerignore: '.en?\n.env.[!d]*\n**/.git/**\nnode_module[a-z]\n!node_modules\nnode_module[s]\n'
        }
      },
      []
    ],
    [
      'a literal [ and an exception after the rule it undoes',
      `FROM alpine:3.20\n${user}`,
      { context: { entries: ['.env', '.git'], dockerignore: '.git\n.env[\n.env.*\n!.env\n' } },
      [[1, 'dockerignore-incomplete', 'warning', 'The .dockerignore lets .env into the build context.']]
    ],
    [
      'a context without those entries',
      `FROM alpine:3.20\n${user}`,
      { context: { entries: ['app', 'Dockerfile'] } },
      []
    ],
    // healthcheck-missing
    [
      'EXPOSE in the stage built on, no HEALTHCHECK: at the built FROM',
      `FROM alpine:3.20 AS base\nEXPOSE 8000\nFROM base AS web\n${user}\n${cmd}`,
      {},
      [[3, 'healthcheck-missing', 'notice', 'Stage web exposes 8000 but has no HEALTHCHECK.']]
    ],
    ['HEALTHCHECK NONE is a decision', `FROM alpine:3.20\nEXPOSE 80\nHEALTHCHECK NONE\n${user}`, {}, []]
  ])('%s', (_name, dockerfile, options, expected) => {
    expect(check(dockerfile, options)).toEqual(expected)
  })
})

describe('checkDockerfile: Dockerfile syntax', () => {
  it('follows multi-stage chains: FROM builder AS x, COPY --from by index, RUN --mount=from', () => {
    const dockerfile = [
      'FROM alpine AS deps', // 1: copied from by index → in the build
      'FROM alpine:3.20 AS builder',
      'RUN --mount=from=tools,target=/tools true', // 3
      'FROM builder AS x', // 4
      'COPY --from=0 /d /d',
      'FROM alpine:latest AS tools', // 6: mounted from → in the build
      'FROM alpine AS unrelated', // 7: not in the build
      'FROM x',
      user
    ].join('\n')
    expect(check(dockerfile)).toEqual([
      [
        1,
        'unpinned-base',
        'warning',
        'FROM alpine is not pinned: no tag (:latest) changes underneath the build.'
      ],
      [
        6,
        'unpinned-base',
        'warning',
        'FROM alpine:latest is not pinned: :latest changes underneath the build.'
      ]
    ])
  })

  it('reads heredocs, line continuations with comments, and the escape directive', () => {
    const dockerfile = [
      '# syntax=docker/dockerfile:1.7',
      '# escape=`',
      'FROM debian:bookworm-slim',
      'RUN apt-get update && `',
      '    # a comment inside the instruction',
      '    apt-get install -y --no-install-recommends make',
      'RUN <<EOF',
      'set -e',
      'apt-get update',
      'apt-get install -y --no-install-recommends curl',
      'rm -rf /var/lib/apt/lists/*',
      'EOF',
      'RUN cat <<EOT > /etc/app.conf',
      'PASSWORD=hunter2',
      'EOT',
      user
    ].join('\n')
    expect(check(dockerfile)).toEqual([
      [4, 'apt-lists-not-removed', 'warning', 'The package lists apt-get update writes stay in this layer.'],
      [
        4,
        'build-tools-in-image',
        'warning',
        'make installed here end up in the image of #0: build tools belong in a builder stage.'
      ],
      [13, 'secret-in-image', 'error', 'RUN writes PASSWORD into /etc/app.conf, which stays in the layer.']
    ])
  })

  it('reads CRLF line endings the same way', () => {
    const dockerfile = `FROM debian:bookworm-slim\nRUN <<EOF\napt-get update\napt-get install -y --no-install-recommends curl\nEOF\n${user}\n`
    expect(check(dockerfile.replace(/\n/g, '\r\n'))).toEqual(check(dockerfile))
    expect(check(dockerfile)).toEqual([
      [2, 'apt-lists-not-removed', 'warning', 'The package lists apt-get update writes stay in this layer.']
    ])
  })

  it('exec-form RUN is read as a command', () => {
    expect(check(`FROM alpine:3.20\nRUN ["pip", "install", "flask"]\n${user}`)).toEqual([
      [2, 'package-cache-in-layer', 'warning', 'The pip cache stays in this layer.']
    ])
  })
})

describe('checkDockerfile: ignores', () => {
  const rootRun = `FROM alpine:3.20\nRUN true\n# check-ignore=root-user\nUSER root\n${cmd}`

  it('# check-ignore= on the line above silences that instruction', () => {
    expect(check(rootRun)).toEqual([])
    expect(check(`# check-ignore=root-user\nFROM alpine:3.20\n${cmd}`)).toEqual([])
  })

  it('several rules, and a comment block right above', () => {
    const dockerfile = `FROM debian:bookworm-slim\n# check-ignore=apt-update-alone, apt-lists-not-removed\n# the install follows in the next stage\nRUN apt-get update\n${user}`
    expect(check(dockerfile)).toEqual([])
  })

  it('a blank line in between, or an unknown id: still reported, and said so', () => {
    expect(check(`FROM alpine:3.20\n# check-ignore=root-user\n\nUSER root\n${cmd}`)).toEqual([
      [
        2,
        'check-ignore-invalid',
        'notice',
        '# check-ignore silences nothing: no instruction follows directly below it.'
      ],
      [4, 'root-user', 'warning', 'Stage #0 runs as root: USER root is the last USER of its chain.']
    ])
    expect(check(`FROM alpine:3.20\n# check-ignore=root-usr\nUSER root\n${cmd}`)).toEqual([
      [2, 'check-ignore-invalid', 'notice', '# check-ignore silences nothing: root-usr is not a rule id.'],
      [3, 'root-user', 'warning', 'Stage #0 runs as root: USER root is the last USER of its chain.']
    ])
  })

  it('the ignore list silences a rule everywhere; a Docker check name silences our equivalent', () => {
    const dockerfile = `FROM alpine:3.20\nCMD serve`
    expect(check(dockerfile, { ignore: ['root-user'] })).toEqual([
      [
        2,
        'shell-form-cmd',
        'warning',
        'CMD serve is in shell form: /bin/sh is PID 1 and the process does not get SIGTERM.'
      ]
    ])
    expect(check(dockerfile, { ignore: ['root-user', 'JSONArgsRecommended'] })).toEqual([])
  })
})

describe('checkDockerfile: findings', () => {
  it('carry the file, the fix, and no secret value', () => {
    const [finding] = checkNamed({
      dockerfile: 'FROM alpine:3.20\nENV API_TOKEN=s3cr3t-value\nUSER app',
      file: 'services/web/Dockerfile'
    })
    expect(finding).toEqual({
      rule: 'secret-in-image',
      severity: 'error',
      file: 'services/web/Dockerfile',
      line: 2,
      message: 'ENV API_TOKEN sets a secret-looking value in the image.',
      fix: 'Pass it with the `secrets` input and read it in `RUN --mount=type=secret,id=<id>`; never write it to a file that stays in the layer.'
    })
    expect(JSON.stringify(finding)).not.toContain('s3cr3t')
  })

  it('give an exec-form CMD as the fix when there is no shell syntax', () => {
    const findings = checkNamed({
      dockerfile: `FROM alpine:3.20\n${user}\nCMD gunicorn app.wsgi --bind 0.0.0.0:8000`,
      file: 'Dockerfile'
    })
    expect(findings.map((finding) => finding.fix)).toEqual([
      'Use the exec form: CMD ["gunicorn", "app.wsgi", "--bind", "0.0.0.0:8000"]'
    ])
  })
})

describe('install-after-copy-all: which commands reinstall every dependency', () => {
  const fixes = {
    python:
      'Copy requirements*.txt (or pyproject.toml and the lock file) first, install, then copy the rest of the context.',
    node: 'Copy package.json and the lock file first, install, then copy the rest of the context.',
    go: 'Copy go.mod and go.sum first, install, then copy the rest of the context.',
    ruby: 'Copy Gemfile and Gemfile.lock first, install, then copy the rest of the context.',
    rust: 'Copy Cargo.toml and Cargo.lock (or use cargo-chef) first, install, then copy the rest of the context.',
    php: 'Copy composer.json and composer.lock first, install, then copy the rest of the context.'
  }
  const after = (run: string) =>
    checkNamed({ dockerfile: `FROM alpine:3.20\nCOPY . .\nRUN ${run}\n${user}`, file: 'Dockerfile' })
      .filter((finding) => finding.rule === 'install-after-copy-all')
      .map((finding) => [finding.message, finding.fix])

  it.each<[string, keyof typeof fixes | undefined]>([
    ['pip install --requirement requirements.txt', 'python'],
    ['python3 -m pip install -r requirements/prod.txt', 'python'],
    ['pip install gunicorn', undefined],
    ['uv sync --frozen', 'python'],
    ['uv pip install -r requirements.txt', 'python'],
    ['uv run manage.py check', undefined],
    ['poetry install --no-root', 'python'],
    ['pipenv install --deploy', 'python'],
    ['pdm install', 'python'],
    ['poetry build', undefined],
    ['npm ci --omit=dev', 'node'],
    ['npm install', 'node'],
    ['npm i --no-audit', 'node'],
    ['npm install left-pad', undefined],
    ['npm run build', undefined],
    ['yarn', 'node'],
    ['yarn install --frozen-lockfile', 'node'],
    ['yarn --production', 'node'],
    ['yarn build', undefined],
    ['pnpm install --frozen-lockfile', 'node'],
    ['pnpm i', 'node'],
    ['pnpm run build', undefined],
    ['go mod download', 'go'],
    ['go mod tidy', undefined],
    ['go build ./...', undefined],
    ['bundle install --jobs 4', 'ruby'],
    ['bundle', 'ruby'],
    ['bundle exec rake', undefined],
    ['cargo build --release', 'rust'],
    ['cargo fetch', 'rust'],
    ['cargo chef cook --release', 'rust'],
    ['cargo chef prepare', undefined],
    ['cargo test', undefined],
    ['composer install --no-dev', 'php'],
    ['composer dump-autoload', undefined]
  ])('RUN %s → %s', (run, ecosystem) => {
    expect(after(run)).toEqual(
      ecosystem
        ? [
            [
              `COPY . . comes before ${run} (line 3): every code change reinstalls the dependencies.`,
              fixes[ecosystem]
            ]
          ]
        : []
    )
  })
})
