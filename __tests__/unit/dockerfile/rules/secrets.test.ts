import { describe, expect, it } from '@jest/globals'
import { buildModel } from '../../../../src/dockerfile/model.js'
import { secretChecks } from '../../../../src/dockerfile/rules/secrets.js'

type Row = [line: number, message: string]

/** [line, message] of each secret-in-image finding the Dockerfile gets, in order. */
function secrets(dockerfile: string, buildArgs: string[] = []): Row[] {
  const findings = secretChecks(
    buildModel({
      dockerfile,
      file: 'Dockerfile',
      buildArgs: buildArgs.map((line) => ({
        key: line.slice(0, line.indexOf('=')),
        value: line.slice(line.indexOf('=') + 1)
      }))
    })
  )
  for (const finding of findings)
    expect([finding.rule, finding.severity]).toEqual(['secret-in-image', 'error'])
  return findings.map((finding) => [finding.line, finding.message])
}

const env = (name: string): string => `ENV ${name} sets a secret-looking value in the image.`
const arg = (name: string): string => `ARG ${name} has a secret-looking default value.`

describe('secretChecks: which names are secrets', () => {
  it.each<[string, string, Row[]]>([
    [
      'a public key of a frontend build is not a secret, even with API_KEY in its name',
      'FROM node:22-slim\nENV NEXT_PUBLIC_API_KEY=pk_live_abc STRIPE_PUBLIC_TOKEN=pk_test_abc',
      []
    ],
    [
      'KEY and TOKEN alone, and ACCESS or API followed by another word, are not secrets',
      'FROM alpine:3.20\nENV CACHE_KEY=v1 ACCESS_LOG=/var/log/access.log API_BASE=https://api.example.com SORT_KEY=name',
      []
    ],
    [
      'API_KEY, PRIVATE_KEY, ACCESS_KEY, SECRET_KEY and AUTH_TOKEN are, in any case and spelling',
      'FROM alpine:3.20\nENV stripeApiKey=sk_abc SSH_PRIVATE_KEY=abc AWS_ACCESS_KEY_ID=AKIAEXAMPLE django-secret-key=abc npmAuthToken=abc',
      [
        [2, env('stripeApiKey')],
        [2, env('SSH_PRIVATE_KEY')],
        [2, env('AWS_ACCESS_KEY_ID')],
        [2, env('django-secret-key')],
        [2, env('npmAuthToken')]
      ]
    ],
    [
      'a separator at the end of a name does not hide its last word',
      'FROM alpine:3.20\nENV DB_PASSWORD_FILE_=/run/secrets/db TOKEN_URL__=https://auth.example.com/token DB_PASSWORD_=hunter2',
      [[2, env('DB_PASSWORD_')]]
    ]
  ])('%s', (_, dockerfile, expected) => {
    expect(secrets(dockerfile)).toEqual(expected)
  })
})

describe('secretChecks: ENV and ARG values that are written out', () => {
  it.each<[string, string, Row[]]>([
    [
      'a variable in braces, with or without a default, is not written out',
      'FROM alpine:3.20\nARG DB_PASSWORD\nENV DB_PASSWORD=${DB_PASSWORD} API_TOKEN=${API_TOKEN:-}',
      []
    ],
    [
      'a variable inside quotes that are part of the value is not written out',
      'FROM alpine:3.20\nARG DB_PASSWORD\nENV DB_PASSWORD="\\"$DB_PASSWORD\\"" API_TOKEN=\'"${API_TOKEN}"\'',
      []
    ],
    [
      'a password inside quotes that are part of the value is written out',
      'FROM alpine:3.20\nENV DB_PASSWORD="\\"hunter2\\"" API_TOKEN=\'"abc123"\'',
      [
        [2, env('DB_PASSWORD')],
        [2, env('API_TOKEN')]
      ]
    ],
    [
      'a blank value, or a variable with spaces around it, is not written out',
      'FROM alpine:3.20\nENV DB_PASSWORD=" " API_TOKEN=" $GITHUB_TOKEN "',
      []
    ],
    [
      'text before or after a variable is written out',
      'FROM alpine:3.20\nENV DB_PASSWORD=hunter2$DB_SUFFIX ADMIN_PASSWORD=$DB_USER-hunter2 API_TOKEN=${API_PREFIX}abc123',
      [
        [2, env('DB_PASSWORD')],
        [2, env('ADMIN_PASSWORD')],
        [2, env('API_TOKEN')]
      ]
    ],
    ['an ENV without a value sets nothing', 'FROM alpine:3.20\nENV DB_PASSWORD', []],
    [
      'an ARG default is checked like an ENV value',
      'FROM alpine:3.20\nARG DB_PASSWORD=${DB_PASSWORD}\nARG API_TOKEN=" "\nARG SECRET_KEY=\'"abc123"\'',
      [[4, arg('SECRET_KEY')]]
    ]
  ])('%s', (_, dockerfile, expected) => {
    expect(secrets(dockerfile)).toEqual(expected)
  })
})

describe('secretChecks: secrets written into files of the image', () => {
  it.each<[string, string, Row[]]>([
    [
      'RUN writes a token variable into .npmrc and keeps the file',
      'FROM node:22-slim\nRUN echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > /root/.npmrc && chmod 600 /root/.npmrc && npm ci',
      [[2, 'RUN writes $NPM_TOKEN into /root/.npmrc, which stays in the layer.']]
    ],
    [
      'RUN writes a token variable in braces',
      'FROM node:22-slim\nRUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" >> /root/.npmrc',
      [[2, 'RUN writes $NPM_TOKEN into /root/.npmrc, which stays in the layer.']]
    ],
    [
      'RUN writes a password written out after a colon and a space',
      'FROM alpine:3.20\nRUN echo "password: hunter2" > /etc/app.yaml',
      [[2, 'RUN writes password into /etc/app.yaml, which stays in the layer.']]
    ],
    [
      'RUN writes a setting that is not a secret, or a secret taken from a variable that is not secret-looking',
      'FROM alpine:3.20\nRUN echo "LOG_LEVEL=debug" > /app/.env && echo "PASSWORD_FILE=$CONFIG_DIR/pw" >> /app/.env',
      []
    ],
    [
      'RUN writes a heredoc with a secret to two files through tee: both are named',
      'FROM alpine:3.20\nRUN cat <<EOF | tee /app/.env /app/.env.production\nSECRET_KEY=abc123\nEOF',
      [[2, 'RUN writes SECRET_KEY into /app/.env, /app/.env.production, which stays in the layer.']]
    ],
    [
      'RUN copies a mounted secret into a file that stays',
      'FROM alpine:3.20\nRUN --mount=type=secret,id=token cp /run/secrets/token /app/token',
      [[2, 'RUN writes a mounted secret into /app/token, which stays in the layer.']]
    ],
    [
      'RUN copies a template while a mounted secret is only in the environment of cp',
      'FROM node:22-slim\nRUN --mount=type=secret,id=npm NPM_TOKEN=$(cat /run/secrets/npm) cp .npmrc.template /root/.npmrc',
      []
    ],
    [
      'CMD writes at container start, not into a layer',
      'FROM alpine:3.20\nCMD echo "$API_TOKEN" > /tmp/token && exec app',
      []
    ],
    [
      'ADD writes a heredoc with a secret',
      'FROM alpine:3.20\nADD <<EOF /app/.env\nSECRET_KEY=abc123\nEOF',
      [[2, 'ADD writes SECRET_KEY into a file of the image.']]
    ],
    [
      'COPY writes a quoted password in a heredoc',
      'FROM alpine:3.20\nCOPY <<EOF /app/.env\nDB_PASSWORD="hunter2"\nEOF',
      [[2, 'COPY writes DB_PASSWORD into a file of the image.']]
    ],
    [
      'COPY writes two heredocs: the second one has the secret',
      'FROM alpine:3.20\nCOPY <<README <<DOTENV /app/\nhello\nREADME\nSECRET_KEY=abc123\nDOTENV',
      [[2, 'COPY writes SECRET_KEY into a file of the image.']]
    ],
    [
      'COPY writes a script that reads a mounted secret when it runs, not the secret',
      'FROM alpine:3.20\nCOPY <<EOF /app/start.sh\n#!/bin/sh\nexec app --token-file /run/secrets/token\nEOF',
      []
    ]
  ])('%s', (_, dockerfile, expected) => {
    expect(secrets(dockerfile)).toEqual(expected)
  })
})
