import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { checkNamed } from './request.js'
import { atOrAbove } from '../../../src/dockerfile/finding.js'

const fixture = (name: string) => readFileSync(`__tests__/fixtures/dockerfiles/${name}`, 'utf8')

/** The strategy's examples: its multi-stage Django image passes, its single-stage "bad" ones do not. */
describe('the container build strategy examples', () => {
  const production = fixture('django-production.Dockerfile')
  const context = {
    entries: ['.dockerignore', '.env', '.git', 'config', 'manage.py', 'requirements.txt'],
    dockerignore: '.git\n.env*\n**/__pycache__\n'
  }

  it('the multi-stage Django production image raises nothing', () => {
    const findings = checkNamed({
      dockerfile: production,
      file: 'Dockerfile',
      target: 'production',
      context
    })
    expect(findings).toEqual([])
  })

  it('its development stage gets root and git as notices only', () => {
    const findings = checkNamed({
      dockerfile: production,
      file: 'Dockerfile',
      target: 'development',
      context
    })
    expect(findings.map(({ line, rule, severity }) => [line, rule, severity])).toEqual([
      [36, 'root-user', 'notice'],
      [37, 'build-tools-in-image', 'notice']
    ])
    expect(findings.filter((finding) => atOrAbove(finding.severity, 'warning'))).toEqual([])
  })

  it('the single-stage Django image breaks most of it', () => {
    const findings = checkNamed({
      dockerfile: fixture('django-single-stage.Dockerfile'),
      file: 'Dockerfile',
      context: { entries: ['.git', '.env', 'manage.py', 'requirements.txt'] }
    })
    expect(findings).toEqual([
      {
        rule: 'full-base-image',
        severity: 'warning',
        file: 'Dockerfile',
        line: 1,
        message: 'FROM python:3.13 is the full image, and #0 is built on it.',
        fix: 'Use python:3.13-slim.'
      },
      {
        rule: 'healthcheck-missing',
        severity: 'notice',
        file: 'Dockerfile',
        line: 1,
        message: 'Stage #0 exposes 8000 but has no HEALTHCHECK.',
        fix: 'Add `HEALTHCHECK CMD [...]` (or `HEALTHCHECK NONE` when the platform checks health itself).'
      },
      {
        rule: 'missing-dockerignore',
        severity: 'warning',
        file: 'Dockerfile',
        line: 1,
        message: 'There is no .dockerignore and the build context holds .env, .git.',
        fix: 'Add a .dockerignore that lists .env, .git.'
      },
      {
        rule: 'root-user',
        severity: 'warning',
        file: 'Dockerfile',
        line: 1,
        message: 'Stage #0 runs as root: no stage in its chain sets USER.',
        fix: 'Add `USER <non-root user>` (e.g. `USER nobody` or a user you create) before CMD in the built stage.'
      },
      {
        rule: 'install-after-copy-all',
        severity: 'warning',
        file: 'Dockerfile',
        line: 3,
        message:
          'COPY . . comes before pip install -r requirements.txt (line 6): every code change reinstalls the dependencies.',
        fix: 'Copy requirements*.txt (or pyproject.toml and the lock file) first, install, then copy the rest of the context.'
      },
      {
        rule: 'apt-lists-not-removed',
        severity: 'warning',
        file: 'Dockerfile',
        line: 4,
        message: 'The package lists apt-get update writes stay in this layer.',
        fix: 'End the RUN with `&& rm -rf /var/lib/apt/lists/*`, or mount `--mount=type=cache,target=/var/lib/apt,sharing=locked`.'
      },
      {
        rule: 'apt-update-alone',
        severity: 'warning',
        file: 'Dockerfile',
        line: 4,
        message: 'apt-get update runs in a RUN without an install.',
        fix: 'Run `apt-get update && apt-get install -y --no-install-recommends …` in one RUN.'
      },
      {
        rule: 'apt-no-install-recommends',
        severity: 'warning',
        file: 'Dockerfile',
        line: 5,
        message: 'apt-get install gcc libpq-dev also installs recommended packages.',
        fix: 'Add `--no-install-recommends` to `apt-get install`.'
      },
      {
        rule: 'build-tools-in-image',
        severity: 'warning',
        file: 'Dockerfile',
        line: 5,
        message:
          'gcc, libpq-dev installed here end up in the image of #0: build tools belong in a builder stage.',
        fix: 'Install them in a builder stage and `COPY --from=builder` only what it produced.'
      },
      {
        rule: 'package-cache-in-layer',
        severity: 'warning',
        file: 'Dockerfile',
        line: 6,
        message: 'The pip cache stays in this layer.',
        fix: "Use `RUN --mount=type=cache,target=<cache dir>`, or the tool's no-cache option (`pip --no-cache-dir`, `apk add --no-cache`, `dnf clean all`, `npm cache clean --force`)."
      },
      {
        rule: 'secret-in-image',
        severity: 'error',
        file: 'Dockerfile',
        line: 7,
        message: 'ENV DJANGO_SECRET_KEY sets a secret-looking value in the image.',
        fix: 'Pass it with the `secrets` input and read it in `RUN --mount=type=secret,id=<id>`; never write it to a file that stays in the layer.'
      },
      {
        rule: 'shell-form-cmd',
        severity: 'warning',
        file: 'Dockerfile',
        line: 9,
        message:
          'CMD python manage.py runserver 0.0.0.0:8000 is in shell form: /bin/sh is PID 1 and the process does not get SIGTERM.',
        fix: 'Use the exec form: CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]'
      }
    ])
  })

  it('the single-stage Node image too', () => {
    const findings = checkNamed({
      dockerfile: fixture('node-single-stage.Dockerfile'),
      file: 'Dockerfile',
      context: { entries: ['node_modules', 'package.json', 'package-lock.json', 'src'] }
    })
    expect(findings.map(({ line, rule, severity, message }) => [line, rule, severity, message])).toEqual([
      [1, 'full-base-image', 'warning', 'FROM node:latest is the full image, and #0 is built on it.'],
      [
        1,
        'missing-dockerignore',
        'warning',
        'There is no .dockerignore and the build context holds node_modules.'
      ],
      [
        1,
        'unpinned-base',
        'warning',
        'FROM node:latest is not pinned: :latest changes underneath the build.'
      ],
      [
        2,
        'install-after-copy-all',
        'warning',
        'COPY . /app comes before npm install (line 4): every code change reinstalls the dependencies.'
      ],
      [4, 'package-cache-in-layer', 'warning', 'The npm cache stays in this layer.'],
      [5, 'add-remote-url', 'warning', 'ADD downloads https://example.com/config.json without a checksum.'],
      [6, 'secret-in-image', 'error', 'ENV NPM_TOKEN sets a secret-looking value in the image.'],
      [7, 'root-user', 'warning', 'Stage #0 runs as root: USER root is the last USER of its chain.'],
      [
        8,
        'shell-form-cmd',
        'warning',
        'CMD npm start is in shell form: /bin/sh is PID 1 and the process does not get SIGTERM.'
      ]
    ])
    expect(findings[0].fix).toBe('Use node:<version>-slim.')
  })
})

/** The Dockerfile the demo and the e2e tests build (offline, from busybox:local). */
describe('examples/django/Dockerfile', () => {
  const dockerfile = readFileSync('examples/django/Dockerfile', 'utf8')
  const context = {
    entries: ['.dockerignore', 'Dockerfile', 'README.md', 'app', 'requirements.txt'],
    dockerignore: readFileSync('examples/django/.dockerignore', 'utf8')
  }
  const rows = (target: string) =>
    checkNamed({ dockerfile, file: 'examples/django/Dockerfile', target, context }).map(
      ({ line, rule, severity, message }) => [line, rule, severity, message]
    )

  it('production: only the missing HEALTHCHECK of its EXPOSEd stage', () => {
    expect(rows('production')).toEqual([
      [15, 'healthcheck-missing', 'notice', 'Stage production exposes 8000 but has no HEALTHCHECK.']
    ])
  })

  it('development and testing: root as a notice, at the USER root they inherit', () => {
    expect(rows('development')).toEqual([
      [22, 'healthcheck-missing', 'notice', 'Stage development exposes 8000 but has no HEALTHCHECK.'],
      [23, 'root-user', 'notice', 'Stage development runs as root: USER root is the last USER of its chain.']
    ])
    expect(rows('testing')).toEqual([
      [23, 'root-user', 'notice', 'Stage testing runs as root: USER root is the last USER of its chain.'],
      [27, 'healthcheck-missing', 'notice', 'Stage testing exposes 8000 but has no HEALTHCHECK.']
    ])
  })
})
