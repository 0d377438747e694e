import { ConfigurationError } from '../errors.js'
import { parseList } from './lists.js'
import { bool, text, type RawInputs } from './values.js'

export type AttestationKind = 'provenance' | 'sbom' | 'vuln'
export type SbomFormat = 'cyclonedx' | 'spdxjson'

/** The signing inputs of action.yml, typed; keys are the action.yml names. */
export interface SignInputs {
  /** `sign` resolved: `auto` is on when the job can mint an OIDC token or has `sign-key`. */
  sign: boolean
  /** How the signature is made; undefined when `sign` is off. `sign-key` wins over keyless when both are possible. */
  method?: 'keyless' | 'key'
  'sign-key': string
  'sign-key-password': string
  /** In the order provenance, sbom, vuln; empty when `sign` is off. */
  attest: AttestationKind[]
  sbomFormat: SbomFormat
  'skip-setup-cosign': boolean
  /** Record signatures in the Rekor transparency log; only a key signature may go without (air-gapped runners). */
  'transparency-log': boolean
}

const attestationKinds: readonly AttestationKind[] = ['provenance', 'sbom', 'vuln']
const sbomFormats: Record<string, SbomFormat> = {
  cyclonedx: 'cyclonedx',
  spdx: 'spdxjson',
  spdxjson: 'spdxjson'
}

function signMode(raw: RawInputs): 'auto' | 'true' | 'false' {
  const value = text(raw, 'sign').toLowerCase()
  if (value === '' || value === 'auto') return 'auto'
  if (value === 'true' || value === 'false') return value
  throw new ConfigurationError(`Input 'sign' is '${value}': expected 'auto', 'true' or 'false'.`)
}

function signKey(raw: RawInputs): string {
  const key = (raw['sign-key'] ?? '').trim()
  if (key === '') return ''
  // Never quote the value: it is a secret.
  if (
    !/^-----BEGIN [A-Z ]*PRIVATE KEY-----\n[\s\S]+\n-----END [A-Z ]*PRIVATE KEY-----$/.test(
      key.replace(/\r\n/g, '\n')
    )
  ) {
    throw new ConfigurationError(
      "Input 'sign-key' is not a PEM private key: expected the contents of the cosign.key file that 'cosign generate-key-pair' writes (-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY----- ...), e.g. from a secret."
    )
  }
  return `${key.replace(/\r\n/g, '\n')}\n`
}

function attest(raw: RawInputs): { kinds: AttestationKind[]; sbomFormat: SbomFormat } {
  const items = parseList(raw.attest ?? '', `Input 'attest'`)
  if (items.length === 0) return { kinds: ['provenance', 'vuln'], sbomFormat: 'cyclonedx' }
  if (items.length === 1 && items[0].toLowerCase() === 'none') return { kinds: [], sbomFormat: 'cyclonedx' }
  let sbomFormat: SbomFormat = 'cyclonedx'
  const chosen = items.map((item) => {
    const [name, format] = item.toLowerCase().split('=', 2)
    const kind = attestationKinds.find((option) => option === name)
    if (!kind || (format !== undefined && (kind !== 'sbom' || !sbomFormats[format]))) {
      throw new ConfigurationError(
        `Input 'attest' has '${item}': expected a comma-separated list of 'provenance', 'sbom' (or 'sbom=cyclonedx', 'sbom=spdx') and 'vuln', or 'none'.`
      )
    }
    if (format !== undefined) sbomFormat = sbomFormats[format]
    return kind
  })
  return { kinds: attestationKinds.filter((kind) => chosen.includes(kind)), sbomFormat }
}

/**
 * Parses the signing inputs once, before anything is built: a `sign: true` that cannot sign, a password without a
 * key or attestations without signing are configuration errors here, not failures after the push.
 * `env` tells whether the job can mint an OIDC token (the runner sets ACTIONS_ID_TOKEN_REQUEST_URL only with
 * `permissions: id-token: write`).
 */
export function parseSignInputs(raw: RawInputs, env: NodeJS.ProcessEnv = process.env): SignInputs {
  const mode = signMode(raw)
  const key = signKey(raw)
  const password = raw['sign-key-password'] ?? ''
  const canMintToken = Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL)
  const attestations = attest(raw)
  const skipSetup = bool(raw, 'skip-setup-cosign', false)
  const transparencyLog = bool(raw, 'transparency-log', true)
  if (password !== '' && key === '') {
    throw new ConfigurationError(
      "Input 'sign-key-password' is set without 'sign-key': it is the password of that key."
    )
  }
  if (mode === 'true' && key === '' && !canMintToken) {
    throw new ConfigurationError(
      "Input 'sign' is 'true', but this job has no way to sign: it cannot mint an OIDC token for keyless signing (add 'permissions: id-token: write' to the job; forks and Dependabot never get one) and 'sign-key' is empty (a cosign private key, from a secret, for runners without OIDC)."
    )
  }
  if (mode === 'false' && key !== '') {
    throw new ConfigurationError("Input 'sign-key' is set, but 'sign' is 'false': remove one of them.")
  }
  const sign = mode === 'true' || (mode === 'auto' && (key !== '' || canMintToken))
  if (sign && !transparencyLog && key === '') {
    throw new ConfigurationError(
      "Input 'transparency-log' is 'false', but the image is signed keyless: a keyless signature is only trustworthy with its transparency log entry. Sign with 'sign-key' to go without the log."
    )
  }
  if (!sign && (raw.attest ?? '').trim() !== '' && attestations.kinds.length > 0) {
    throw new ConfigurationError(
      `Input 'attest' is '${text(raw, 'attest')}', but nothing is signed (${mode === 'false' ? "'sign' is 'false'" : "'sign: auto' found neither an OIDC token permission nor 'sign-key'"}): attestations are signed the same way as the image, so they need signing.`
    )
  }
  return {
    sign,
    ...(sign ? { method: key !== '' ? ('key' as const) : ('keyless' as const) } : {}),
    'sign-key': key,
    'sign-key-password': password,
    attest: sign ? attestations.kinds : [],
    sbomFormat: attestations.sbomFormat,
    'skip-setup-cosign': skipSetup,
    'transparency-log': transparencyLog
  }
}
