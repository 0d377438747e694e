// The package rules on their own: build-tools-in-image, the apt-* rules and package-cache-in-layer, as the
// findings (line, rule, message) a Dockerfile gets from them.
import { describe, expect, it } from '@jest/globals'
import { buildModel } from '../../../../src/dockerfile/model.js'
import { packageChecks } from '../../../../src/dockerfile/rules/packages.js'

type Row = [line: number, rule: string, message: string]

function check(dockerfile: string): Row[] {
  return packageChecks(buildModel({ dockerfile, file: 'Dockerfile' })).map((finding) => [
    finding.line,
    finding.rule,
    finding.message
  ])
}

const cache = (line: number, caches: string): Row => [
  line,
  'package-cache-in-layer',
  `The ${caches} cache stays in this layer.`
]
const tools = (line: number, names: string): Row => [
  line,
  'build-tools-in-image',
  `${names} installed here end up in the image of #0: build tools belong in a builder stage.`
]
const listsLeft = (line: number, tool = 'apt-get'): Row => [
  line,
  'apt-lists-not-removed',
  `The package lists ${tool} update writes stay in this layer.`
]

describe('package rules: which RUN instructions are read', () => {
  it.each<[string, string, Row[]]>([
    ['a RUN without package commands', 'FROM alpine:3.20\nRUN addgroup -S app && adduser -S app -G app', []],
    ['an apk install without cache: no apt finding', 'FROM alpine:3.20\nRUN apk add --no-cache curl', []],
    [
      'a pip install in CMD runs at start, in no layer',
      'FROM python:3.12\nCMD pip install -r requirements.txt && python app.py',
      []
    ],
    [
      'an ENV after the RUN is not in effect for it',
      'FROM python:3.12\nRUN pip install flask\nENV PIP_NO_CACHE_DIR=1',
      [cache(2, 'pip')]
    ],
    ['an ENV before the RUN is', 'FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask', []]
  ])('%s', (_name, dockerfile, expected) => {
    expect(check(dockerfile)).toEqual(expected)
  })
})

describe('build-tools-in-image: what a RUN installs and keeps', () => {
  it.each<[string, string, Row[]]>([
    [
      'an apk --virtual group never deleted keeps its packages',
      'FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc',
      [tools(2, 'gcc')]
    ],
    [
      'an apk --virtual group deleted later in the RUN keeps nothing',
      'FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && apk del .build-deps',
      []
    ],
    [
      'a package removed before it is installed stays',
      'FROM debian:bookworm-slim\nRUN apt-get remove -y git && apt-get install -y --no-install-recommends git',
      [tools(2, 'git')]
    ],
    [
      'a package only queried after the install stays',
      'FROM alpine:3.20\nRUN apk add --no-cache gcc && apk info gcc',
      [tools(2, 'gcc')]
    ]
  ])('%s', (_name, dockerfile, expected) => {
    expect(check(dockerfile)).toEqual(expected)
  })
})

describe('apt rules', () => {
  it.each<[string, string, Row[]]>([
    [
      'an install without --no-install-recommends, named with its packages',
      'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl ca-certificates && rm -rf /var/lib/apt/lists/*',
      [
        [
          2,
          'apt-no-install-recommends',
          'apt-get install curl ca-certificates also installs recommended packages.'
        ]
      ]
    ],
    [
      'recommends turned off in apt.conf by an earlier RUN',
      `FROM debian:bookworm-slim\nRUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99-no-recommends\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*`,
      []
    ],
    [
      'recommends turned off in apt.conf written with escaped quotes',
      'FROM debian:bookworm-slim\nRUN echo "APT::Install-Recommends \\"0\\";" > /etc/apt/apt.conf.d/99-no-recommends\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
      []
    ],
    [
      'recommends turned off by an -o option kept in an ENV the install expands',
      'FROM debian:bookworm-slim\nENV APT_OPTS="-o APT::Install-Recommends=false"\nRUN apt-get update && apt-get install -y $APT_OPTS curl && rm -rf /var/lib/apt/lists/*',
      []
    ],
    [
      'a command that only reads the lists does not remove them',
      'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && du -sh /var/lib/apt/lists',
      [listsLeft(2)]
    ],
    [
      'removing the lists of another root does not remove the image’s',
      'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /srv/rootfs/var/lib/apt/lists/*',
      [listsLeft(2)]
    ],
    [
      'a cache mount over /var/lib/apt keeps the lists out',
      'FROM debian:bookworm-slim\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y --no-install-recommends curl',
      []
    ],
    [
      'a cache mount over only lists/partial does not',
      'FROM debian:bookworm-slim\nRUN --mount=type=cache,target=/var/lib/apt/lists/partial apt-get update && apt-get install -y --no-install-recommends curl',
      [listsLeft(2)]
    ],
    [
      'a cache mount over another root’s /var/lib/apt does not',
      'FROM debian:bookworm-slim\nRUN --mount=type=cache,target=/srv/rootfs/var/lib/apt apt-get update && apt-get install -y --no-install-recommends curl',
      [listsLeft(2)]
    ]
  ])('%s', (_name, dockerfile, expected) => {
    expect(check(dockerfile)).toEqual(expected)
  })
})

describe('package-cache-in-layer: pip', () => {
  it.each<[string, string, Row[]]>([
    [
      'a bind mount under a pip-named path keeps nothing out',
      'FROM python:3.12\nRUN --mount=type=bind,from=wheels,target=/tmp/pip-wheels pip install --no-index --find-links /tmp/pip-wheels app',
      [cache(2, 'pip')]
    ],
    [
      'a tmpfs mount over the pip cache keeps it out',
      'FROM python:3.12\nRUN --mount=type=tmpfs,target=/root/.cache/pip pip install flask',
      []
    ],
    [
      'a cache mount over all of ~/.cache keeps it out',
      'FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache pip install flask',
      []
    ],
    [
      'a cache mount over .cache relative to the WORKDIR keeps it out',
      'FROM python:3.12\nWORKDIR /root\nRUN --mount=type=cache,target=.cache pip install flask',
      []
    ],
    [
      'a cache mount over uv’s cache does not',
      'FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/uv pip install flask',
      [cache(2, 'pip')]
    ],
    [
      'several caches in one RUN, in one finding',
      'FROM alpine:3.20\nRUN apk add py3-pip && pip install flask',
      [cache(2, 'pip, apk')]
    ]
  ])('%s', (_name, dockerfile, expected) => {
    expect(check(dockerfile)).toEqual(expected)
  })
})

describe('package-cache-in-layer: uv', () => {
  it.each<[string, string, Row[]]>([
    ['uv sync', 'FROM python:3.12\nRUN uv sync --frozen', [cache(2, 'uv')]],
    ['uv pip install', 'FROM python:3.12\nRUN uv pip install -r requirements.txt', [cache(2, 'uv')]],
    ['uv pip compile downloads nothing to keep', 'FROM python:3.12\nRUN uv pip compile requirements.in', []],
    ['uv venv', 'FROM python:3.12\nRUN uv venv /opt/venv', []],
    ['another tool’s sync', 'FROM python:3.12\nRUN poetry sync', []],
    ['uv sync --no-cache', 'FROM python:3.12\nRUN uv sync --no-cache', []],
    ['UV_NO_CACHE set by ENV', 'FROM python:3.12\nENV UV_NO_CACHE=1\nRUN uv sync', []],
    ['UV_NO_CACHE set on the command', 'FROM python:3.12\nRUN UV_NO_CACHE=1 uv sync', []],
    [
      'a cache mount over all of ~/.cache',
      'FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache uv sync',
      []
    ],
    [
      'a cache mount over .cache relative to the WORKDIR',
      'FROM python:3.12\nWORKDIR /root\nRUN --mount=type=cache,target=.cache uv sync',
      []
    ],
    [
      'a cache mount over pip’s cache does not keep uv’s out',
      'FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip uv sync',
      [cache(2, 'uv')]
    ]
  ])('%s', (_name, dockerfile, expected) => {
    expect(check(dockerfile)).toEqual(expected)
  })
})

describe('package-cache-in-layer: npm and yarn', () => {
  it.each<[string, string, Row[]]>([
    ['npm i', 'FROM node:22\nRUN npm i express', [cache(2, 'npm')]],
    ['yarn with options only installs', 'FROM node:22\nRUN yarn --frozen-lockfile', [cache(2, 'yarn')]],
    ['yarn build installs nothing', 'FROM node:22\nRUN yarn build', []],
    ['yarn install followed by yarn cache clean', 'FROM node:22\nRUN yarn install && yarn cache clean', []]
  ])('%s', (_name, dockerfile, expected) => {
    expect(check(dockerfile)).toEqual(expected)
  })
})

describe('package-cache-in-layer: system package managers', () => {
  it.each<[string, string, Row[]]>([
    [
      'apk: removing another root’s /var/cache/apk does not count',
      'FROM alpine:3.20\nRUN apk add curl && rm -rf /srv/rootfs/var/cache/apk/*',
      [cache(2, 'apk')]
    ],
    [
      'apk: a cache mount over another root’s /etc/apk does not count',
      'FROM alpine:3.20\nRUN --mount=type=cache,target=/srv/rootfs/etc/apk/cache apk add curl',
      [cache(2, 'apk')]
    ],
    ['dnf without a clean', 'FROM fedora:40\nRUN dnf install -y curl', [cache(2, 'dnf')]],
    ['dnf with dnf clean all', 'FROM fedora:40\nRUN dnf install -y curl && dnf clean all', []],
    [
      'dnf: removing another root’s /var/cache/dnf does not count',
      'FROM fedora:40\nRUN dnf install -y curl && rm -rf /srv/rootfs/var/cache/dnf',
      [cache(2, 'dnf')]
    ],
    [
      'dnf: a cache mount over another root’s /var/cache/dnf does not count',
      'FROM fedora:40\nRUN --mount=type=cache,target=/srv/rootfs/var/cache/dnf dnf install -y curl',
      [cache(2, 'dnf')]
    ],
    ['yum without a clean', 'FROM centos:7\nRUN yum install -y curl', [cache(2, 'yum')]],
    [
      'zypper without a clean',
      'FROM opensuse/leap:15.6\nRUN zypper --non-interactive install curl',
      [cache(2, 'zypper')]
    ],
    [
      'zypper with zypper clean',
      'FROM opensuse/leap:15.6\nRUN zypper --non-interactive install curl && zypper clean --all',
      []
    ],
    [
      'zypper with a cache mount over /var/cache/zypp',
      'FROM opensuse/leap:15.6\nRUN --mount=type=cache,target=/var/cache/zypp zypper --non-interactive install curl',
      []
    ],
    [
      'zypper: a cache mount over another root’s /var/cache/zypp does not count',
      'FROM opensuse/leap:15.6\nRUN --mount=type=cache,target=/srv/rootfs/var/cache/zypp zypper --non-interactive install curl',
      [cache(2, 'zypper')]
    ]
  ])('%s', (_name, dockerfile, expected) => {
    expect(check(dockerfile)).toEqual(expected)
  })
})
