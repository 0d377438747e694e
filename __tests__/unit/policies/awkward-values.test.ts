// The new inputs given each value a careless or hostile workflow could pass: the default, or a
// ConfigurationError that names the input (as config/every-input.test.ts does for the others).
import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { parseConfig, type Config } from '../../../src/config/config.js'
import { ConfigurationError } from '../../../src/errors.js'
import { contextFor } from '../../fixtures/events/runs.js'

const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'policies-awkward-')))
const workspace = path.join(root, 'workspace')
mkdirSync(workspace)
writeFileSync(path.join(workspace, 'Dockerfile'), 'FROM busybox AS production\n')

const values = {
  empty: '',
  whitespace: ' \t  ',
  wrong: 'wrong value',
  long: 'x'.repeat(100_000),
  unicode: 'ünïcødé-日本-🚀',
  newline: '\n::error::x',
  secondLine: 'x\n::error::x',
  flag: '--x',
  traversal: '../../../../etc',
  unclosedQuote: '"x'
}

const inputs: Record<string, { read: (config: Config) => unknown; fallback: unknown }> = {
  'fail-on-new': { read: (config) => config.scan?.failOnNew, fallback: undefined },
  vex: { read: (config) => config.scan?.vex, fallback: undefined },
  'vex-url': { read: (config) => config.scan?.vex, fallback: undefined },
  created: { read: (config) => config.build.created, fallback: 'commit' }
}

const parse = (name: string, value: string) =>
  parseConfig(
    { repository: 'shop/web', [name]: value },
    { env: { AWS_REGION: 'eu-west-1' }, context: contextFor('push_branch', { workspace }) }
  )

describe.each(Object.entries(inputs))('%s', (name, { read, fallback }) => {
  it.each(Object.entries(values))('%s', (kind, value) => {
    if (kind === 'empty' || kind === 'whitespace') {
      expect(read(parse(name, value))).toEqual(fallback)
      return
    }
    let error: unknown
    try {
      parse(name, value)
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as Error).message).toContain(`'${name}'`)
    expect((error as Error).message).not.toContain('\n')
  })
})
