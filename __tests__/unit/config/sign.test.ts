import { describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../../src/errors.js'
import { parseSignInputs } from '../../../src/config/sign.js'

const oidc = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/x?api-version=2.0' }
const key = [
  '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----',
  'eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjo2NTUzNiwiciI6',
  '-----END ENCRYPTED SIGSTORE PRIVATE KEY-----'
].join('\n')

describe('parseSignInputs', () => {
  it.each([
    ['auto with an OIDC token permission signs keyless', {}, oidc, { sign: true, method: 'keyless' }],
    ['auto without one signs nothing', {}, {}, { sign: false }],
    ['auto with sign-key signs with the key', { 'sign-key': key }, {}, { sign: true, method: 'key' }],
    ['sign-key wins over keyless', { 'sign-key': key }, oidc, { sign: true, method: 'key' }],
    ['true with OIDC', { sign: 'TRUE' }, oidc, { sign: true, method: 'keyless' }],
    ['false', { sign: 'false' }, oidc, { sign: false }]
  ])('%s', (_, raw, env, expected) => {
    const inputs = parseSignInputs(raw, env)
    expect({ sign: inputs.sign, ...(inputs.method ? { method: inputs.method } : {}) }).toEqual(expected)
  })

  it('defaults attest to provenance and vuln when signing, and attests nothing otherwise', () => {
    expect(parseSignInputs({}, oidc)).toEqual({
      sign: true,
      method: 'keyless',
      'sign-key': '',
      'sign-key-password': '',
      attest: ['provenance', 'vuln'],
      sbomFormat: 'cyclonedx',
      'skip-setup-cosign': false,
      'transparency-log': true
    })
    expect(parseSignInputs({}, {}).attest).toEqual([])
  })

  it.each([
    ['vuln, provenance, sbom', ['provenance', 'sbom', 'vuln'], 'cyclonedx'],
    ['sbom=spdx', ['sbom'], 'spdxjson'],
    ['VULN\nsbom=cyclonedx', ['sbom', 'vuln'], 'cyclonedx'],
    ['none', [], 'cyclonedx']
  ])('attest: %j', (attest, kinds, format) => {
    const inputs = parseSignInputs({ attest }, oidc)
    expect(inputs.attest).toEqual(kinds)
    expect(inputs.sbomFormat).toBe(format)
  })

  it('keeps the key as PEM text with a final newline, and the password as given', () => {
    const inputs = parseSignInputs(
      { 'sign-key': `  ${key.replace(/\n/g, '\r\n')}  `, 'sign-key-password': ' p w ' },
      {}
    )
    expect(inputs['sign-key']).toBe(`${key}\n`)
    expect(inputs['sign-key-password']).toBe(' p w ')
  })

  it.each([
    [
      'sign: true without OIDC and without sign-key',
      { sign: 'true' },
      "Input 'sign' is 'true', but this job has no way to sign: it cannot mint an OIDC token for keyless signing (add 'permissions: id-token: write' to the job; forks and Dependabot never get one) and 'sign-key' is empty (a cosign private key, from a secret, for runners without OIDC)."
    ],
    ['an unknown sign value', { sign: 'yes' }, "Input 'sign' is 'yes': expected 'auto', 'true' or 'false'."],
    [
      'a password without a key',
      { 'sign-key-password': 'secret' },
      "Input 'sign-key-password' is set without 'sign-key': it is the password of that key."
    ],
    [
      'a key with sign: false',
      { sign: 'false', 'sign-key': key },
      "Input 'sign-key' is set, but 'sign' is 'false': remove one of them."
    ],
    [
      'attest when nothing is signed',
      { attest: 'vuln' },
      "Input 'attest' is 'vuln', but nothing is signed ('sign: auto' found neither an OIDC token permission nor 'sign-key'): attestations are signed the same way as the image, so they need signing."
    ],
    [
      'an unknown attestation',
      { sign: 'true', 'sign-key': key, attest: 'vuln,slsa' },
      "Input 'attest' has 'slsa': expected a comma-separated list of 'provenance', 'sbom' (or 'sbom=cyclonedx', 'sbom=spdx') and 'vuln', or 'none'."
    ],
    [
      'a format on something other than sbom',
      { 'sign-key': key, attest: 'vuln=json' },
      "Input 'attest' has 'vuln=json': expected a comma-separated list of 'provenance', 'sbom' (or 'sbom=cyclonedx', 'sbom=spdx') and 'vuln', or 'none'."
    ],
    [
      'a bad skip-setup-cosign',
      { 'skip-setup-cosign': 'maybe' },
      "Input 'skip-setup-cosign' is 'maybe': expected 'true' or 'false'."
    ]
  ])('refuses %s', (_, raw, message) => {
    expect(() => parseSignInputs(raw, {})).toThrow(new ConfigurationError(message))
  })

  it('refuses a sign-key that is not a PEM private key without quoting it', () => {
    const secret = 'my-very-secret-key-material'
    let error: unknown
    try {
      parseSignInputs({ 'sign-key': secret }, {})
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as Error).message).toContain("Input 'sign-key' is not a PEM private key")
    expect((error as Error).message).not.toContain(secret)
  })

  it('reads skip-setup-cosign', () => {
    expect(parseSignInputs({ 'skip-setup-cosign': 'true' }, oidc)['skip-setup-cosign']).toBe(true)
  })
})
