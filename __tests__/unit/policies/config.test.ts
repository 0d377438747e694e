import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { parseConfig, type Config } from '../../../src/config/config.js'
import type { RawInputs } from '../../../src/config/values.js'
import { checkVexDocument, vexFormatOf } from '../../../src/config/vex.js'
import { ConfigurationError } from '../../../src/errors.js'
import { contextFor } from '../../fixtures/events/runs.js'

const openVex = JSON.stringify({
  '@context': 'https://openvex.dev/ns/v0.2.0',
  '@id': 'https://example.com/vex/1',
  statements: []
})
const csafVex = JSON.stringify({ document: { category: 'csaf_vex', title: 'Shop' }, vulnerabilities: [] })

function workspaceWith(files: Record<string, string>): { workspace: string; runnerTemp: string } {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'policies-config-')))
  const workspace = path.join(root, 'workspace')
  const runnerTemp = path.join(root, 'runner-temp')
  mkdirSync(runnerTemp, { recursive: true })
  for (const [name, text] of Object.entries({ Dockerfile: 'FROM busybox AS production\n', ...files })) {
    mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true })
    writeFileSync(path.join(workspace, name), text)
  }
  return { workspace, runnerTemp }
}

const { workspace, runnerTemp } = workspaceWith({
  'security/shop.openvex.json': openVex,
  'security/vendor.csaf.json': csafVex,
  'security/bom.cdx.json': JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5' }),
  'security/notes.txt': 'not json',
  'security/other.json': JSON.stringify({ hello: 'world' })
})
symlinkSync('/etc/hostname', path.join(workspace, 'security/escape.json'))

function parse(raw: RawInputs): Config {
  return parseConfig(
    { repository: 'shop/web', ...raw },
    {
      env: { AWS_REGION: 'eu-west-1', RUNNER_TEMP: runnerTemp },
      context: contextFor('push_branch', { workspace })
    }
  )
}

function refusal(raw: RawInputs): string {
  try {
    parse(raw)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError)
    return (error as Error).message
  }
  throw new Error('expected a ConfigurationError')
}

describe('fail-on-new, vex and created: defaults', () => {
  it('compares nothing, applies no VEX and takes the created time from the commit', () => {
    const config = parse({})
    expect(config.scan?.failOnNew).toBeUndefined()
    expect(config.scan?.vex).toBeUndefined()
    expect(config.build.created).toBe('commit')
  })
})

describe('vex', () => {
  it('reads each line as a document, with its line number and the text it checked, in the order given', () => {
    const at = (file: string) => path.join(workspace, file)
    const read = (file: string) => readFileSync(at(file), 'utf8')
    const config = parse({
      vex: 'security/shop.openvex.json\n\nsecurity/vendor.csaf.json\nhttps://vex.example.com/shop.json',
      'vex-url': 'true'
    })
    expect(config.scan?.vex).toEqual([
      {
        kind: 'file',
        path: at('security/shop.openvex.json'),
        text: read('security/shop.openvex.json'),
        line: 1
      },
      {
        kind: 'file',
        path: at('security/vendor.csaf.json'),
        text: read('security/vendor.csaf.json'),
        line: 3
      },
      { kind: 'url', url: 'https://vex.example.com/shop.json', line: 4 }
    ])
  })

  it.each([
    [
      { vex: 'https://vex.example.com/shop.json' },
      "Line 1 of 'vex' is the URL 'https://vex.example.com/shop.json', but 'vex-url' is false"
    ],
    [
      { vex: 'http://vex.example.com/shop.json', 'vex-url': 'true' },
      "Line 1 of 'vex' is 'http://vex.example.com/shop.json': a VEX document is downloaded over https only."
    ],
    [{ vex: 'ftp://vex.example.com/shop.json', 'vex-url': 'true' }, 'downloaded over https only'],
    [{ vex: 'security/missing.json' }, "Line 1 of 'vex' names 'security/missing.json': no file at"],
    [{ vex: 'security/escape.json' }, 'outside the workspace and RUNNER_TEMP (it leads to /etc/hostname)'],
    [{ vex: 'security/bom.cdx.json' }, "Line 1 of 'vex' (security/bom.cdx.json) is a CycloneDX VEX document"],
    [{ vex: 'security/notes.txt' }, "Line 1 of 'vex' (security/notes.txt) is not JSON"],
    [{ vex: 'security/other.json' }, 'is neither an OpenVEX document'],
    [{ 'vex-url': 'yes' }, "Input 'vex-url' is 'yes': expected 'true' or 'false'."],
    [{ vex: 'security/shop.openvex.json', scan: 'false' }, "Input 'vex' is set but 'scan' is false"],
    [
      {
        vex: 'security/shop.openvex.json\nsecurity/vendor.csaf.json',
        'trivy-version': '0.53.0',
        'trivy-checksum': 'a'.repeat(64)
      },
      "Input 'vex' names 2 documents, but Trivy 0.53.0 reads only the last '--vex'"
    ]
  ])('%j is refused', (raw, message) => {
    expect(refusal(raw)).toContain(message)
  })

  it('takes one document on an older Trivy', () => {
    const config = parse({
      vex: 'security/shop.openvex.json',
      'trivy-version': '0.53.0',
      'trivy-checksum': 'a'.repeat(64)
    })
    expect(config.scan?.vex).toHaveLength(1)
  })
})

describe('vexFormatOf', () => {
  it.each([
    [{ '@context': 'https://openvex.dev/ns/v0.2.0' }, 'OpenVEX'],
    [{ '@context': 'https://openvex.dev/ns' }, 'OpenVEX'],
    [{ document: { category: 'csaf_vex' } }, 'CSAF'],
    [{ document: { category: 'csaf_security_advisory' } }, undefined],
    [{ bomFormat: 'CycloneDX' }, 'CycloneDX'],
    [{ '@context': 'https://example.com/ns' }, undefined],
    [[], undefined],
    [null, undefined]
  ])('%j is %s', (document, format) => {
    expect(vexFormatOf(document)).toBe(format)
  })

  it('names where a bad document came from', () => {
    expect(() => checkVexDocument('{', "Line 2 of 'vex' (https://x.example/v.json)")).toThrow(
      /^Line 2 of 'vex' \(https:\/\/x\.example\/v\.json\) is not JSON/
    )
  })
})

describe('fail-on-new', () => {
  it('is read as a boolean', () => {
    expect(parse({ 'fail-on-new': 'true' }).scan?.failOnNew).toBe(true)
    expect(parse({ 'fail-on-new': 'FALSE' }).scan?.failOnNew).toBeUndefined()
  })

  it.each([
    [{ 'fail-on-new': 'sometimes' }, "Input 'fail-on-new' is 'sometimes': expected 'true' or 'false'."],
    [{ 'fail-on-new': 'true', scan: 'false' }, "Input 'fail-on-new' is true but 'scan' is false"],
    [{ 'fail-on-new': 'true', 'fail-on': 'none' }, "Input 'fail-on-new' is true but 'fail-on' is none"]
  ])('%j is refused', (raw, message) => {
    expect(refusal(raw)).toContain(message)
  })
})

describe('created', () => {
  it.each([
    ['', 'commit'],
    ['commit', 'commit'],
    ['NOW', 'now']
  ])('%j is %s', (value, expected) => {
    expect(parse({ created: value }).build.created).toBe(expected)
  })

  it.each([
    [{ created: 'yesterday' }, "Input 'created' is 'yesterday': expected one of 'commit', 'now'."],
    [
      { 'build-args': 'APP=1\nSOURCE_DATE_EPOCH=1700000000' },
      "Input 'build-args' sets SOURCE_DATE_EPOCH, which 'created: commit' sets from the commit's time"
    ]
  ])('%j is refused', (raw, message) => {
    expect(refusal(raw)).toContain(message)
  })

  it("leaves a SOURCE_DATE_EPOCH build arg alone with 'created: now'", () => {
    const config = parse({ created: 'now', 'build-args': 'SOURCE_DATE_EPOCH=1700000000' })
    expect(config.build.buildArgs).toEqual([{ key: 'SOURCE_DATE_EPOCH', value: '1700000000' }])
  })
})
