import { describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../../src/errors.js'
import {
  planAttest,
  planPublicKey,
  planSign,
  planSigning,
  planVerify,
  planVerifyAttestation,
  signatureStorage,
  type AttestationType,
  type CosignOptions,
  type SignatureStorage
} from '../../../src/sign/cosign.js'
import type { SigningCredentials } from '../../../src/sign/credentials.js'
import {
  attestationDigests,
  checkReferrerBudget,
  checkTagScheme,
  explainCosignFailure,
  plannedReferrers,
  signatureDigest,
  signatureDigestFromLog,
  signatureTags,
  type ReferrerEntry
} from '../../../src/sign/referrers.js'
import { planSbom, sbomAttestationType } from '../../../src/sign/sbom.js'
import { plannedSubjects, signingSubjects } from '../../../src/sign/subjects.js'
import { signingSummary, verifyCommands } from '../../../src/sign/summary.js'

const image = '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web'
const digest = `sha256:${'1'.repeat(64)}`
const amd64 = `sha256:${'2'.repeat(64)}`
const arm64 = `sha256:${'3'.repeat(64)}`
const attestationManifest = `sha256:${'4'.repeat(64)}`
const subject = { reference: `${image}@${digest}`, digest }

const keyless: SigningCredentials = {
  method: 'keyless',
  env: { SIGSTORE_ID_TOKEN: 'the-token' },
  identity: {
    subject: 'https://github.com/octo-org/shop/.github/workflows/ci.yml@refs/heads/main',
    issuer: 'https://token.actions.githubusercontent.com'
  }
}
const key: SigningCredentials = {
  method: 'key',
  env: { COSIGN_PRIVATE_KEY: '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n…', COSIGN_PASSWORD: 'pw' }
}
const keylessReferrers: CosignOptions = { cosign: '/opt/cosign', credentials: keyless, storage: 'referrers' }

describe('signingSubjects', () => {
  const index = {
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { digest: amd64, platform: { os: 'linux', architecture: 'amd64' } },
      { digest: arm64, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      {
        digest: attestationManifest,
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: {
          'vnd.docker.reference.type': 'attestation-manifest',
          'vnd.docker.reference.digest': amd64
        }
      }
    ]
  }

  it('signs the index and each platform, never buildx’s unknown/unknown attestation manifests', () => {
    expect(signingSubjects(image, digest, index)).toEqual([
      { reference: `${image}@${digest}`, digest },
      { reference: `${image}@${amd64}`, digest: amd64, platform: 'linux/amd64' },
      { reference: `${image}@${arm64}`, digest: arm64, platform: 'linux/arm64/v8' }
    ])
  })

  it('signs a single manifest once', () => {
    expect(signingSubjects(image, digest)).toEqual([{ reference: `${image}@${digest}`, digest }])
  })

  it('plans placeholders in a dry run, where nothing was pushed: the digest, and each platform’s', () => {
    expect(plannedSubjects(image, ['linux/amd64'])).toEqual([
      { reference: `${image}@<digest>`, digest: '<digest>' }
    ])
    expect(plannedSubjects(image, ['linux/amd64', 'linux/arm64'])).toEqual([
      { reference: `${image}@<digest>`, digest: '<digest>' },
      { reference: `${image}@<linux/amd64 digest>`, digest: '<linux/amd64 digest>', platform: 'linux/amd64' },
      { reference: `${image}@<linux/arm64 digest>`, digest: '<linux/arm64 digest>', platform: 'linux/arm64' }
    ])
  })

  it('refuses anything but a digest', () => {
    expect(() => signingSubjects(image, 'latest')).toThrow(
      "'latest' is not a sha256 digest: only digests are signed."
    )
  })
})

describe('signatureStorage', () => {
  it.each([
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com', undefined, 'referrers'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', undefined, 'referrers'],
    ['123456789012.dkr.ecr-fips.us-east-1.amazonaws.com', undefined, 'referrers'],
    ['127.0.0.1:5000', true, 'referrers'],
    ['127.0.0.1:5000', false, 'tags'],
    ['ghcr.io', undefined, 'tags']
  ])('%s (referrers API: %s) → %s', (registry, api, expected) => {
    expect(signatureStorage(registry, api)).toBe(expected)
  })
})

describe('cosign sign', () => {
  it('keyless, as OCI 1.1 referrers: the token only in env, the digest reference, --yes', () => {
    expect(planSign(subject, keylessReferrers)).toEqual({
      tool: '/opt/cosign',
      args: ['sign', '--yes', '--registry-referrers-mode=oci-1-1', `${image}@${digest}`],
      env: { SIGSTORE_ID_TOKEN: 'the-token', COSIGN_EXPERIMENTAL: '1' }
    })
  })

  it('with a key, from env://COSIGN_PRIVATE_KEY and COSIGN_PASSWORD, in cosign’s tag scheme', () => {
    expect(planSign(subject, { cosign: 'cosign', credentials: key, storage: 'tags' })).toEqual({
      tool: 'cosign',
      args: ['sign', '--yes', '--key', 'env://COSIGN_PRIVATE_KEY', `${image}@${digest}`],
      env: { COSIGN_PRIVATE_KEY: key.env.COSIGN_PRIVATE_KEY, COSIGN_PASSWORD: 'pw' }
    })
  })

  it('with a key and no transparency log, against a plain-HTTP test registry', () => {
    expect(
      planSign(subject, {
        cosign: 'cosign',
        credentials: key,
        storage: 'referrers',
        transparencyLog: false,
        allowInsecureRegistry: true
      }).args
    ).toEqual([
      'sign',
      '--yes',
      '--key',
      'env://COSIGN_PRIVATE_KEY',
      '--tlog-upload=false',
      '--allow-insecure-registry',
      '--registry-referrers-mode=oci-1-1',
      `${image}@${digest}`
    ])
  })

  it('keyless always uploads to the transparency log', () => {
    expect(planSign(subject, { ...keylessReferrers, transparencyLog: false }).args).not.toContain(
      '--tlog-upload=false'
    )
  })
})

describe('cosign attest', () => {
  it.each<[AttestationType, SignatureStorage, string[]]>([
    ['vuln', 'referrers', ['--new-bundle-format']],
    ['cyclonedx', 'referrers', ['--new-bundle-format']],
    ['spdxjson', 'tags', []],
    ['slsaprovenance1', 'tags', []]
  ])('--type %s stored as %s', (type, storage, bundle) => {
    expect(
      planAttest(subject, { type, predicateFile: `/tmp/run/${type}.json` }, { ...keylessReferrers, storage })
    ).toEqual({
      tool: '/opt/cosign',
      args: [
        'attest',
        '--yes',
        ...bundle,
        '--type',
        type,
        '--predicate',
        `/tmp/run/${type}.json`,
        `${image}@${digest}`
      ],
      env: { SIGSTORE_ID_TOKEN: 'the-token' }
    })
  })

  it('plans every subject’s signature, then its attestations', () => {
    const platform = { reference: `${image}@${amd64}`, digest: amd64, platform: 'linux/amd64' }
    const commands = planSigning({
      ...keylessReferrers,
      subjects: [
        {
          subject,
          attestations: [
            { type: 'slsaprovenance1', predicateFile: '/p.json' },
            { type: 'vuln', predicateFile: '/v.json' }
          ]
        },
        { subject: platform, attestations: [{ type: 'vuln', predicateFile: '/v-amd64.json' }] }
      ]
    })
    expect(
      commands.map((command) => [command.args[0], command.args.at(-1), command.args.includes('vuln')])
    ).toEqual([
      ['sign', `${image}@${digest}`, false],
      ['attest', `${image}@${digest}`, false],
      ['attest', `${image}@${digest}`, true],
      ['sign', `${image}@${amd64}`, false],
      ['attest', `${image}@${amd64}`, true]
    ])
    expect(commands.every((command) => command.env?.SIGSTORE_ID_TOKEN === 'the-token')).toBe(true)
    expect(commands.every((command) => !command.args.some((arg) => arg.includes('the-token')))).toBe(true)
  })

  it('reads the public key of sign-key without putting the key in argv', () => {
    expect(planPublicKey({ cosign: 'cosign', credentials: key })).toEqual({
      tool: 'cosign',
      args: ['public-key', '--key', 'env://COSIGN_PRIVATE_KEY'],
      env: key.env
    })
  })
})

describe('verification commands', () => {
  const keylessVerifier = { subject: keyless.identity.subject, issuer: keyless.identity.issuer }

  it('keyless, for referrers', () => {
    expect(planVerify(`${image}@${digest}`, { verifier: keylessVerifier, storage: 'referrers' })).toEqual({
      tool: 'cosign',
      args: [
        'verify',
        '--certificate-identity',
        'https://github.com/octo-org/shop/.github/workflows/ci.yml@refs/heads/main',
        '--certificate-oidc-issuer',
        'https://token.actions.githubusercontent.com',
        '--experimental-oci11',
        `${image}@${digest}`
      ]
    })
    expect(
      planVerifyAttestation(`${image}@${digest}`, 'vuln', { verifier: keylessVerifier, storage: 'referrers' })
        .args
    ).toEqual([
      'verify-attestation',
      '--certificate-identity',
      'https://github.com/octo-org/shop/.github/workflows/ci.yml@refs/heads/main',
      '--certificate-oidc-issuer',
      'https://token.actions.githubusercontent.com',
      '--new-bundle-format',
      '--type',
      'vuln',
      `${image}@${digest}`
    ])
  })

  it('with a public key, no transparency log, a trusted root and a test registry', () => {
    const options = {
      cosign: '/usr/bin/cosign',
      verifier: { publicKeyFile: '/tmp/cosign.pub' },
      storage: 'referrers' as const,
      transparencyLog: false,
      trustedRoot: '/tmp/root.json',
      allowInsecureRegistry: true
    }
    expect(planVerifyAttestation(`${image}@${digest}`, 'slsaprovenance1', options).args).toEqual([
      'verify-attestation',
      '--key',
      '/tmp/cosign.pub',
      '--insecure-ignore-tlog=true',
      '--allow-insecure-registry',
      '--new-bundle-format',
      '--trusted-root',
      '/tmp/root.json',
      '--type',
      'slsaprovenance1',
      `${image}@${digest}`
    ])
    expect(planVerify(`${image}@${digest}`, { ...options, storage: 'tags' }).args).toEqual([
      'verify',
      '--key',
      '/tmp/cosign.pub',
      '--insecure-ignore-tlog=true',
      '--allow-insecure-registry',
      `${image}@${digest}`
    ])
  })
})

describe('the job summary', () => {
  const subjects = [
    { subject, attestations: ['slsaprovenance1' as const, 'vuln' as const] },
    {
      subject: { reference: `${image}@${arm64}`, digest: arm64, platform: 'linux/arm64' },
      attestations: ['vuln' as const]
    }
  ]

  it('says who signed keyless, what, and how to verify it', () => {
    expect(
      signingSummary({
        signer: { method: 'keyless', identity: keyless.identity },
        subjects,
        storage: 'referrers',
        transparencyLog: true
      })
    ).toBe(
      [
        '### Signature and attestations',
        '',
        'Signed keyless by `https://github.com/octo-org/shop/.github/workflows/ci.yml@refs/heads/main` (OIDC issuer `https://token.actions.githubusercontent.com`), certificate from Fulcio, recorded in the Rekor transparency log.',
        '',
        '| Digest | Platform | Signed |',
        '| --- | --- | --- |',
        `| \`${image}@${digest}\` | all (the digest the tags point at) | signature, slsaprovenance1, vuln |`,
        `| \`${image}@${arm64}\` | linux/arm64 | signature, vuln |`,
        '',
        'Verify:',
        '',
        '```sh',
        `cosign verify --certificate-identity https://github.com/octo-org/shop/.github/workflows/ci.yml@refs/heads/main --certificate-oidc-issuer https://token.actions.githubusercontent.com --experimental-oci11 ${image}@${digest}`,
        `cosign verify-attestation --certificate-identity https://github.com/octo-org/shop/.github/workflows/ci.yml@refs/heads/main --certificate-oidc-issuer https://token.actions.githubusercontent.com --new-bundle-format --type slsaprovenance1 ${image}@${digest}`,
        `cosign verify-attestation --certificate-identity https://github.com/octo-org/shop/.github/workflows/ci.yml@refs/heads/main --certificate-oidc-issuer https://token.actions.githubusercontent.com --new-bundle-format --type vuln ${image}@${digest}`,
        `cosign verify --certificate-identity https://github.com/octo-org/shop/.github/workflows/ci.yml@refs/heads/main --certificate-oidc-issuer https://token.actions.githubusercontent.com --experimental-oci11 ${image}@${arm64}`,
        `cosign verify-attestation --certificate-identity https://github.com/octo-org/shop/.github/workflows/ci.yml@refs/heads/main --certificate-oidc-issuer https://token.actions.githubusercontent.com --new-bundle-format --type vuln ${image}@${arm64}`,
        '```',
        ''
      ].join('\n')
    )
  })

  it('with a key: the public key to save and --key commands', () => {
    const request = {
      signer: {
        method: 'key' as const,
        publicKey: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n'
      },
      subjects: [subjects[0]],
      storage: 'tags' as const,
      transparencyLog: false
    }
    const summary = signingSummary(request)
    expect(summary).toContain(
      'Signed with `sign-key`. Its public key (save it as `cosign.pub`):\n\n```\n-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n```'
    )
    expect(verifyCommands(request).map((command) => command.args)).toEqual([
      ['verify', '--key', 'cosign.pub', '--insecure-ignore-tlog=true', `${image}@${digest}`],
      [
        'verify-attestation',
        '--key',
        'cosign.pub',
        '--insecure-ignore-tlog=true',
        '--type',
        'slsaprovenance1',
        `${image}@${digest}`
      ],
      [
        'verify-attestation',
        '--key',
        'cosign.pub',
        '--insecure-ignore-tlog=true',
        '--type',
        'vuln',
        `${image}@${digest}`
      ]
    ])
  })
})

describe('referrers', () => {
  it('counts what signing adds per digest and refuses to pass ECR’s 100 referrers', () => {
    const planned = plannedReferrers({
      subjects: [
        {
          subject,
          attestations: [
            { type: 'vuln', predicateFile: 'v' },
            { type: 'slsaprovenance1', predicateFile: 'p' }
          ]
        },
        { subject: { reference: `${image}@${amd64}`, digest: amd64 }, attestations: [] }
      ]
    })
    expect(planned).toEqual([
      { reference: `${image}@${digest}`, digest, count: 3 },
      { reference: `${image}@${amd64}`, digest: amd64, count: 1 }
    ])
    expect(() => checkReferrerBudget(planned, { [digest]: 97, [amd64]: 99 })).not.toThrow()
    expect(() => checkReferrerBudget(planned, { [digest]: 98 })).toThrow(
      new ConfigurationError(
        `${image}@${digest} already has 98 referrers (signatures and attestations); signing adds 3, over the registry's limit of 100 per image. It has been signed many times already: delete old signatures and attestations of this digest, or stop re-signing it.`
      )
    )
  })

  const entries: ReferrerEntry[] = [
    {
      digest: 'sha256:sig-old',
      artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' }
    },
    {
      digest: 'sha256:sig-new',
      artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      annotations: { 'org.opencontainers.image.created': '2026-02-01T00:00:00Z' }
    },
    {
      digest: 'sha256:vuln',
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      annotations: { 'dev.sigstore.bundle.predicateType': 'https://cosign.sigstore.dev/attestation/vuln/v1' }
    },
    {
      digest: 'sha256:slsa',
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      annotations: { 'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1' }
    },
    {
      digest: 'sha256:sbom',
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      annotations: { 'dev.sigstore.bundle.predicateType': 'https://cyclonedx.org/bom' }
    },
    { digest: 'sha256:other', artifactType: 'application/vnd.cncf.notary.signature' }
  ]

  it('finds the signature and each attestation for the outputs', () => {
    expect(signatureDigest(entries)).toBe('sha256:sig-new')
    expect(attestationDigests(entries)).toEqual({
      vuln: 'sha256:vuln',
      provenance: 'sha256:slsa',
      sbom: 'sha256:sbom'
    })
    expect(signatureDigest([])).toBeUndefined()
  })

  it('reads the signature digest from cosign’s log in referrers mode', () => {
    const log = `Pushing signature to: ${image}\nUploading signature for [${image}@${digest}] to [${image}@${amd64}] with config.mediaType [application/vnd.dev.cosign.artifact.sig.v1+json] layers[0].mediaType [application/vnd.dev.cosign.simplesigning.v1+json].\n`
    expect(signatureDigestFromLog(log)).toBe(amd64)
    expect(signatureDigestFromLog(`Pushing signature to: ${image}\n`)).toBeUndefined()
  })

  const hex = '1'.repeat(64)
  const advice =
    "Verify the existing signature instead of signing again, make the repository's tags MUTABLE (or exclude 'sha256-*' tags from immutability where the registry allows it), or use a registry with the OCI 1.1 referrers API, where no tag is written."

  it('names cosign’s tags and explains a collision with IMMUTABLE tags, naming the tag the registry refused', () => {
    expect(signatureTags(digest)).toEqual({
      signature: `sha256-${hex}.sig`,
      attestations: `sha256-${hex}.att`
    })
    const error = explainCosignFailure(
      `Error: signing [${image}@${digest}]: PUT https://${image.split('/')[0]}/v2/shop/web/manifests/sha256-${hex}.att: TAG_INVALID: The image tag 'sha256-${hex}.att' already exists in the 'shop/web' repository and cannot be overwritten because the repository is immutable.`,
      { reference: `${image}@${digest}`, repository: 'shop/web' }
    )
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error?.message).toBe(
      `cosign could not store the signature or attestations of ${image}@${digest}: the attestations tag sha256-${hex}.att already exists in repository 'shop/web', whose tags are IMMUTABLE, from an earlier signing of this digest. ${advice}`
    )
    expect(
      explainCosignFailure('ImageTagAlreadyExistsException: tag exists', {
        reference: `${image}@${digest}`,
        repository: 'shop/web'
      })?.message
    ).toBe(
      `cosign could not store the signature or attestations of ${image}@${digest}: a tag cosign stores them under (sha256-${hex}.sig, sha256-${hex}.att or sha256-${hex}) already exists in repository 'shop/web', whose tags are IMMUTABLE, from an earlier signing of this digest. ${advice}`
    )
    expect(
      explainCosignFailure('Error: no matching credentials', {
        reference: subject.reference,
        repository: 'shop/web'
      })
    ).toBeUndefined()
  })

  it('refuses, before signing, what cosign’s tag scheme cannot write into IMMUTABLE tags', () => {
    const one = [{ reference: `${image}@${digest}`, digest, attestations: ['vuln'] as AttestationType[] }]
    expect(() => checkTagScheme(one, [], 'shop/web')).not.toThrow()
    expect(() => checkTagScheme(one, ['main', `sha256-${hex}`], 'shop/web')).not.toThrow()
    expect(() => checkTagScheme(one, [`sha256-${hex}.sig`], 'shop/web')).toThrow(
      new ConfigurationError(
        `${image}@${digest} was signed before: its signature tag sha256-${hex}.sig already exists in repository 'shop/web', whose tags are IMMUTABLE, and cosign's tag scheme (used where the registry has no OCI 1.1 referrers API) would have to rewrite it. Nothing was signed. ${advice}`
      )
    )
    expect(() => checkTagScheme(one, [`sha256-${hex}.att`], 'shop/web')).toThrow(
      `its attestations tag sha256-${hex}.att already exists`
    )
    // Signing alone writes no .att: an earlier attestation is no collision.
    expect(() =>
      checkTagScheme([{ ...one[0], attestations: [] }], [`sha256-${hex}.att`], 'shop/web')
    ).not.toThrow()
    expect(() =>
      checkTagScheme([{ ...one[0], attestations: ['slsaprovenance1', 'vuln'] }], [], 'shop/web')
    ).toThrow(
      new ConfigurationError(
        `Repository 'shop/web' has IMMUTABLE tags, and cosign's tag scheme (used where the registry has no OCI 1.1 referrers API) keeps every attestation of ${image}@${digest} under one tag, sha256-${hex}.att, rewritten for each: 'attest' asks for 2 (slsaprovenance1, vuln) and only one fits. Nothing was signed. Attest one kind, make the repository's tags MUTABLE, or use a registry with the referrers API.`
      )
    )
  })
})

describe('the SBOM', () => {
  it('is converted from the gate’s own report, not scanned again, by the same isolated Trivy', () => {
    const workspace = {
      trivy: '/t/trivy',
      dir: '/r/trivy',
      configFile: '/r/trivy/trivy.yaml',
      ignoreFile: '/r/trivy/trivyignore',
      cacheDir: '/home/runner/.cache/trivy',
      dbDockerConfig: '/r/trivy/db-docker-config'
    }
    expect(
      planSbom({ workspace, report: '/r/report.json', format: 'spdxjson', output: '/r/sbom.json' })
    ).toEqual({
      tool: '/t/trivy',
      args: [
        'convert',
        '--config',
        '/r/trivy/trivy.yaml',
        '--cache-dir',
        '/home/runner/.cache/trivy',
        '--format',
        'spdx-json',
        '--output',
        '/r/sbom.json',
        '/r/report.json'
      ],
      cwd: '/r/trivy',
      dropEnvPrefixes: ['TRIVY_']
    })
    expect(planSbom({ workspace, report: 'r.json', format: 'cyclonedx', output: 's.json' }).args[6]).toBe(
      'cyclonedx'
    )
    expect(sbomAttestationType('cyclonedx')).toBe('cyclonedx')
    expect(sbomAttestationType('spdxjson')).toBe('spdxjson')
  })
})
