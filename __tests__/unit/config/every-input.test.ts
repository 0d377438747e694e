// Every input of action.yml, given each value a careless or hostile workflow could pass: parseConfig either
// keeps the default (or accepts the value as given) or throws a ConfigurationError that names the input.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { Config } from '../../../src/config/config.js'
import { ConfigurationError } from '../../../src/errors.js'
import { configOf, makeWorkspace } from './workspace.js'

const { workspace } = makeWorkspace()
const secret = 'hunter2-the-secret-value'
const base = { repository: 'shop/web', secrets: `npm_token=${secret}` }
const secretInputs = ['secrets', 'github-token', 'sign-key', 'sign-key-password']

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
type Kind = keyof typeof values

/** What parseConfig must do with one value: keep the default, accept it as the given value, or refuse it. */
type Outcome = 'default' | 'error' | { accepted: unknown }

interface InputRow {
  read: (config: Config) => unknown
  fallback: unknown
  /** Outcomes that differ from: empty and whitespace keep the default, everything else is refused. */
  except?: Partial<Record<Kind, Outcome>>
}

const last = { name: '3', index: 3, line: 6, from: 'scratch', named: false }
const severities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']
const required = { empty: 'error', whitespace: 'error' } as const
const freeText = (read: InputRow['read']): InputRow => ({
  read,
  fallback: '',
  except: {
    wrong: { accepted: 'wrong value' },
    unicode: { accepted: values.unicode },
    newline: { accepted: '::error::x' },
    flag: { accepted: '--x' },
    traversal: { accepted: '../../../../etc' },
    unclosedQuote: { accepted: '"x' }
  }
})

const inputs: Record<string, InputRow> = {
  repository: { read: (c) => c.images[0].repository, fallback: 'shop/web', except: required },
  targets: { read: (c) => c.images, fallback: [{ stage: last, repository: 'shop/web' }] },
  gate: { read: (c) => c.gate, fallback: 'atomic' },
  'aws-region': { read: (c) => c.aws.region, fallback: 'eu-west-1' },
  'registry-ids': { read: (c) => c.aws.registryIds, fallback: [] },
  'create-repository': { read: (c) => c.aws.createRepository, fallback: false },
  'image-tag-mutability': { read: (c) => c.aws.tagMutability, fallback: 'MUTABLE' },
  context: { read: (c) => c.build.context, fallback: workspace },
  file: { read: (c) => c.build.filePath, fallback: path.join(workspace, 'Dockerfile') },
  target: { read: (c) => c.images[0].stage, fallback: last },
  'build-args': { read: (c) => c.build.buildArgs, fallback: [] },
  secrets: { read: (c) => c.build.secrets, fallback: [] },
  'secret-files': { read: (c) => c.build.secretFiles, fallback: [] },
  labels: { read: (c) => c.build.labels, fallback: [] },
  platforms: { read: (c) => c.build.platforms, fallback: [] },
  push: { read: (c) => c.build.push, fallback: true },
  load: { read: (c) => c.build.load, fallback: false },
  'no-cache': { read: (c) => c.build.noCache, fallback: false },
  pull: { read: (c) => c.build.pull, fallback: false },
  // buildx checks attestation values itself; only a flag or a character outside its grammar is refused here.
  provenance: {
    read: (c) => c.build.provenance,
    fallback: '',
    except: { newline: { accepted: '::error::x' }, traversal: { accepted: '../../../../etc' } }
  },
  sbom: {
    read: (c) => c.build.sbom,
    fallback: '',
    except: { newline: { accepted: '::error::x' }, traversal: { accepted: '../../../../etc' } }
  },
  driver: { read: (c) => c.build.driver, fallback: 'docker-container' },
  builder: { read: (c) => c.build.builder, fallback: '' },
  cache: { read: (c) => c.cache.backends, fallback: [] },
  'cache-mode': { read: (c) => c.cache.mode, fallback: 'max' },
  'cache-ref': { read: (c) => c.cache.ref, fallback: '' },
  'cache-repository': { read: (c) => c.cache.repository, fallback: '' },
  'cache-from': { read: (c) => c.cache.from, fallback: [] },
  'cache-to': { read: (c) => c.cache.to, fallback: [] },
  tags: { read: (c) => c.tags.rules, fallback: [] },
  flavor: {
    read: (c) => c.tags.flavor,
    fallback: { latest: 'auto', prefix: [], prefixOnLatest: false, suffix: [], suffixOnLatest: false }
  },
  'sha-source': { read: (c) => c.tags.shaSource, fallback: 'head' },
  'dry-run': { read: (c) => c.dryRun, fallback: false },
  scan: { read: (c) => c.scan !== undefined, fallback: true },
  'fail-on': { read: (c) => c.scan?.failOn, fallback: 'CRITICAL' },
  'fail-on-new': { read: (c) => c.scan?.failOnNew, fallback: undefined },
  vex: { read: (c) => c.scan?.vex, fallback: undefined },
  // Only says whether 'vex' may name URLs: alone it changes nothing, and only a boolean is accepted.
  'vex-url': { read: (c) => c.scan?.vex, fallback: undefined },
  created: { read: (c) => c.build.created, fallback: 'commit' },
  severity: { read: (c) => c.scan?.severity, fallback: severities },
  'ignore-unfixed': { read: (c) => c.scan?.ignoreUnfixed, fallback: false },
  trivyignores: { read: (c) => c.scan?.ignoreFiles, fallback: [] },
  scanners: { read: (c) => c.scan?.scanners, fallback: ['vuln'] },
  'pkg-types': { read: (c) => c.scan?.pkgTypes, fallback: ['os', 'library'] },
  'trivy-version': { read: (c) => c.scan?.trivyVersion, fallback: '0.75.0' },
  'skip-setup-trivy': { read: (c) => c.scan?.skipSetupTrivy, fallback: false },
  'trivy-db-repository': { read: (c) => c.scan?.dbRepositories, fallback: [] },
  'keep-blocked': { read: (c) => c.scan?.keepBlocked, fallback: false },
  'sarif-upload': { read: (c) => c.scan?.sarifUpload, fallback: true },
  // Free text for the GitHub API, never a command argument: any single line is taken as written.
  'sarif-category': freeText((c) => c.scan?.sarifCategory),
  'annotate-severity': { read: (c) => c.report.annotateSeverity, fallback: 'HIGH' },
  'pr-comment': { read: (c) => c.report.prComment, fallback: true },
  'max-image-size': { read: (c) => c.report.maxImageSize, fallback: undefined },
  'github-token': freeText((c) => c.githubToken),
  'trivy-checksum': { read: (c) => c.scan?.trivyChecksum, fallback: { kind: 'none' } },
  'dockerfile-checks': { read: (c) => c.checks.enabled, fallback: true },
  'dockerfile-checks-fail-on': { read: (c) => c.checks.failOn, fallback: 'none' },
  'dockerfile-checks-ignore': { read: (c) => c.checks.ignore, fallback: [] },
  sign: { read: (c) => c.sign.sign, fallback: false },
  'sign-key': { read: (c) => c.sign['sign-key'], fallback: '' },
  // A password is taken as written; without 'sign-key' any password, even blanks, is a mistake.
  'sign-key-password': {
    read: (c) => c.sign['sign-key-password'],
    fallback: '',
    except: { whitespace: 'error' }
  },
  attest: { read: (c) => c.sign.attest, fallback: [] },
  'transparency-log': { read: (c) => c.sign['transparency-log'], fallback: true },
  'skip-setup-cosign': { read: (c) => c.sign['skip-setup-cosign'], fallback: false }
}

function outcomeOf(row: InputRow, kind: Kind): Outcome {
  return row.except?.[kind] ?? (kind === 'empty' || kind === 'whitespace' ? 'default' : 'error')
}

const actionInputs = Object.keys(
  (parseYaml(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, unknown> }).inputs
)

describe('every input × every awkward value', () => {
  it('covers every input action.yml declares', () => {
    expect(Object.keys(inputs).sort()).toEqual([...actionInputs].sort())
  })

  const cases = Object.entries(inputs).flatMap(([name, row]) =>
    (Object.keys(values) as Kind[]).map((kind) => [name, kind, row, outcomeOf(row, kind)] as const)
  )

  it.each(cases)('%s = %s', (name, kind, row, outcome) => {
    const value = values[kind]
    const raw = name === 'secrets' ? { ...base, secrets: value } : { ...base, [name]: value }
    let config: Config | undefined
    let error: unknown
    try {
      config = configOf(workspace, raw)
    } catch (caught) {
      error = caught
    }
    if (outcome === 'error') {
      expect(error).toBeInstanceOf(ConfigurationError)
      const message = (error as Error).message
      expect(message).toContain(`'${name}'`)
      expect(message).not.toContain(secret)
      // What the secret inputs held is never shown, whatever it was.
      if (secretInputs.includes(name) && value.trim().length > 2) {
        expect(message).not.toContain(value.trim())
      }
      expect(message.length).toBeLessThan(2000)
      return
    }
    expect(error).toBeUndefined()
    expect(row.read(config!)).toEqual(outcome === 'default' ? row.fallback : outcome.accepted)
  })
})
