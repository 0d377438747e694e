import { describe, expect, it } from '@jest/globals'
import { symlinkSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import {
  allowedPath,
  parseDockerfile,
  readDockerfile,
  relativeToWorkspace,
  resolveStage,
  stagesOf
} from '../../../src/config/dockerfile.js'
import { ConfigurationError } from '../../../src/errors.js'
import { makeWorkspace } from './workspace.js'

describe('stagesOf', () => {
  it('numbers stages, keeps FROM lines and images unexpanded, and knows which have a name', () => {
    const text = [
      'ARG BASE_IMAGE=busybox',
      '# syntax comment',
      'FROM ${BASE_IMAGE} AS base',
      'RUN true',
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS Build',
      'FROM scratch',
      'COPY --from=Build /x /x'
    ].join('\n')
    expect(stagesOf(parseDockerfile(text))).toEqual([
      { name: 'base', index: 0, line: 3, from: '${BASE_IMAGE}', named: true },
      { name: 'Build', index: 1, line: 5, from: 'golang:1.22', named: true },
      { name: '2', index: 2, line: 6, from: 'scratch', named: false }
    ])
  })
})

describe('resolveStage', () => {
  const { workspace } = makeWorkspace({ 'unnamed/Dockerfile': 'FROM busybox\nFROM scratch\n' })
  const facts = readDockerfile('Dockerfile', path.join(workspace, 'Dockerfile'), workspace)
  const unnamed = readDockerfile('unnamed/Dockerfile', path.join(workspace, 'unnamed/Dockerfile'), workspace)
  const where = { input: 'target', file: 'Dockerfile' }

  it.each([
    ['', 'the last stage', 3],
    ['production', 'a named stage', 2],
    ['PRODUCTION', 'a name in other case, as BuildKit compares them', 2],
    ['Base', 'an earlier stage', 0]
  ])('%j picks %s', (name, _what, index) => {
    expect(resolveStage(facts, name, where)).toBe(facts.stages[index])
  })

  it('says a Dockerfile has no named stage at all', () => {
    expect(() => resolveStage(unnamed, '0', { input: 'target', file: 'unnamed/Dockerfile' })).toThrow(
      new ConfigurationError(
        "Input 'target' is '0': unnamed/Dockerfile has no stage of that name. Stages: (none named; add AS <name> to a FROM)."
      )
    )
    expect(resolveStage(unnamed, '', where)).toEqual({
      name: '1',
      index: 1,
      line: 2,
      from: 'scratch',
      named: false
    })
  })
})

describe('readDockerfile', () => {
  it('reads and parses once: path, workspace-relative path, text, stages', () => {
    const { workspace } = makeWorkspace({ 'services/web/Dockerfile': 'FROM busybox AS web\n' })
    const facts = readDockerfile(
      'services/web/Dockerfile',
      path.join(workspace, 'services/web/Dockerfile'),
      workspace
    )
    expect({ ...facts, parsed: undefined }).toEqual({
      path: path.join(workspace, 'services/web/Dockerfile'),
      relativePath: 'services/web/Dockerfile',
      text: 'FROM busybox AS web\n',
      parsed: undefined,
      stages: [{ name: 'web', index: 0, line: 1, from: 'busybox', named: true }]
    })
    expect(facts.parsed.getFROMs()).toHaveLength(1)
  })
})

describe('relativeToWorkspace', () => {
  it.each([
    ['services/web/Dockerfile', '/home/runner/work/shop/shop', 'services/web/Dockerfile'],
    ['./Dockerfile', '/home/runner/work/shop/shop', 'Dockerfile'],
    ['/home/runner/work/shop/shop/docker/Dockerfile', '/home/runner/work/shop/shop', 'docker/Dockerfile']
  ])('%s', (file, workspace, expected) => {
    expect(relativeToWorkspace(file, workspace)).toBe(expected)
  })
})

describe('allowedPath', () => {
  const { workspace, runnerTemp } = makeWorkspace({ 'a.txt': 'a' })
  writeFileSync(path.join(runnerTemp, 'b.txt'), 'b')
  symlinkSync(path.join(runnerTemp, 'b.txt'), path.join(workspace, 'to-temp'))
  symlinkSync('/etc/hostname', path.join(workspace, 'to-etc'))
  const roots = { workspace, runnerTemp }

  it.each([
    ['a workspace file', 'a.txt', path.join(workspace, 'a.txt')],
    ['a RUNNER_TEMP file', path.join(runnerTemp, 'b.txt'), path.join(runnerTemp, 'b.txt')],
    [
      'a symlink into RUNNER_TEMP (the path as given, not its target)',
      'to-temp',
      path.join(workspace, 'to-temp')
    ]
  ])('accepts %s', (_name, value, expected) => {
    expect(allowedPath('trivyignores', value, roots, 'file')).toBe(expected)
  })

  it('accepts the workspace itself as a directory', () => {
    expect(allowedPath('context', '.', roots, 'directory')).toBe(workspace)
  })

  it.each([
    [
      'a symlink out',
      'to-etc',
      roots,
      "Input 'trivyignores' names 'to-etc', which is outside the workspace and RUNNER_TEMP (it leads to /etc/hostname): only files in the checkout or written by earlier steps are accepted."
    ],
    [
      'a RUNNER_TEMP file when RUNNER_TEMP is not set',
      path.join(runnerTemp, 'b.txt'),
      { workspace },
      `Input 'trivyignores' names '${path.join(runnerTemp, 'b.txt')}', which is outside the workspace and RUNNER_TEMP: only files in the checkout or written by earlier steps are accepted.`
    ],
    ['a directory given for a file', '.', roots, `Input 'trivyignores' is '.': no file at ${workspace}.`]
  ])('refuses %s', (_name, value, given, message) => {
    expect(() => allowedPath('trivyignores', value, given, 'file')).toThrow(new ConfigurationError(message))
  })

  it('names the line of a list input', () => {
    expect(() => allowedPath('secret-files', 'nope', roots, 'file', 4)).toThrow(
      new ConfigurationError(
        `Line 4 of 'secret-files' names 'nope': no file at ${path.join(workspace, 'nope')}.`
      )
    )
  })
})
