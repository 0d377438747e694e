import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { parseConfig, type Config } from '../../../src/config/config.js'
import type { RawInputs } from '../../../src/config/values.js'
import { contextFor } from '../../fixtures/events/runs.js'

/** The multi-stage Dockerfile the config tests resolve stages against. */
export const dockerfileText =
  'ARG BASE=busybox\nFROM ${BASE} AS base\nFROM base AS builder\nRUN true\nFROM base AS production\nFROM scratch\n'

/** A checkout with a Dockerfile (and any other files given), plus a RUNNER_TEMP beside it. */
export function makeWorkspace(files: Record<string, string> = {}): { workspace: string; runnerTemp: string } {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'config-')))
  const workspace = path.join(root, 'workspace')
  const runnerTemp = path.join(root, 'runner-temp')
  mkdirSync(workspace)
  mkdirSync(runnerTemp)
  for (const [name, text] of Object.entries({ Dockerfile: dockerfileText, ...files })) {
    mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true })
    writeFileSync(path.join(workspace, name), text)
  }
  return { workspace, runnerTemp }
}

/** parseConfig for a push to a branch in `workspace`, AWS_REGION set unless `env` says otherwise. */
export function configOf(
  workspace: string,
  raw: RawInputs,
  env: NodeJS.ProcessEnv = { AWS_REGION: 'eu-west-1' }
): Config {
  return parseConfig(raw, { env, context: contextFor('push_branch', { workspace }) })
}
