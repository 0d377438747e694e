// Signing a two-platform image the way hosted runners build one (containerd image store, docker driver, arm64
// under QEMU) into a registry with the OCI 1.1 referrers API, as ECR has it: the index and each platform are
// signed and attested (provenance, SBOM, the gate's result), every signature and attestation is a referrer of
// its digest, the outputs name exactly what the referrers API lists, and the real cosign verifies each one.
// Signing again past ECR's 100 referrers per image is refused before anything is pushed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { root } from '../support/run-action.mjs'
import { scratchDir } from '../support/scratch.mjs'
import { exampleWorkspace, pushToMain, runAction, startStack, type Stack } from '../support/stack.js'
import {
  cosignIn,
  generateKeys,
  pushWithCommitTime,
  putReferrers,
  referrersOf,
  statements,
  summaryVerifyCommands,
  type Keys,
  type Referrer
} from '../support/signing.js'

const standIns = path.join(root, '__tests__/support/stand-ins')
const platforms = ['linux/amd64', 'linux/arm64']
const indexType = 'application/vnd.oci.image.index.v1+json'
const signatureType = 'application/vnd.dev.cosign.artifact.sig.v1+json'
const bundleType = 'application/vnd.dev.sigstore.bundle.v0.3+json'
const predicate = {
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  provenance: 'https://slsa.dev/provenance/v1',
  sbom: 'https://cyclonedx.org/bom'
}
const workflow = {
  GITHUB_WORKFLOW_REF: 'octo-org/shop/.github/workflows/images.yml@refs/heads/main',
  GITHUB_REPOSITORY_ID: '1296269',
  GITHUB_REPOSITORY_OWNER_ID: '9919',
  RUNNER_ENVIRONMENT: 'github-hosted'
}

let stack: Stack
let keys: Keys

beforeAll(async () => {
  ;[stack, keys] = await Promise.all([
    startStack([{ name: 'shop/multi' }], { store: 'containerd', referrers: true }),
    generateKeys()
  ])
}, 180_000)

afterAll(async () => {
  await stack?.stop()
})

interface TrivyCall {
  argv: string[]
}

/** What one run left behind: its result and the gate's own reports by platform (read before the post step). */
async function signedRun(repository: string) {
  const trivyLog = path.join(scratchDir('trivy-log-'), 'calls.jsonl')
  const reports = new Map<
    string,
    { Results: Array<{ Packages?: Array<{ Identifier: { PURL: string } }> }> }
  >()
  // The commit's time in the event makes the build reproducible: the budget test below builds the same digest again.
  const result = await runAction({
    ...pushWithCommitTime,
    github: { ...pushToMain.github, ...workflow },
    workspace: exampleWorkspace(),
    inputs: {
      repository,
      target: 'production',
      driver: 'docker',
      platforms: platforms.join(','),
      attest: 'provenance,sbom,vuln',
      'skip-setup-trivy': 'true',
      'skip-setup-cosign': 'true',
      'github-token': '',
      'sign-key': keys.privateKey,
      'sign-key-password': keys.password,
      'transparency-log': 'false'
    },
    env: {
      ...stack.env,
      PATH: `${standIns}:${stack.env.PATH}`,
      // Each platform its own findings, none blocking: 4 MEDIUM on amd64, 2 LOW and 1 MEDIUM on arm64.
      STANDIN_TRIVY_REPORT: 'alpine-310,linux/arm64=centos-7',
      STANDIN_TRIVY_LOG: trivyLog
    },
    beforePost: () => {
      if (!existsSync(trivyLog)) return
      for (const line of readFileSync(trivyLog, 'utf8').split('\n').filter(Boolean)) {
        const { argv } = JSON.parse(line) as TrivyCall
        const at = (flag: string) => argv[argv.indexOf(flag) + 1]
        if (argv[0] === 'image' && argv.includes('--output'))
          reports.set(at('--platform'), JSON.parse(readFileSync(at('--output'), 'utf8')))
      }
    }
  })
  return { result, reports }
}

describe('linux/amd64 and linux/arm64, signed into a registry with the referrers API', () => {
  let result: Awaited<ReturnType<typeof runAction>>
  let reports: Awaited<ReturnType<typeof signedRun>>['reports']
  let index: string
  /** Each platform's manifest digest in the pushed index. */
  let platformDigests: Record<string, string>
  /** What the referrers API lists for each signed digest, after the run. */
  let listed: Record<string, Referrer[]>

  beforeAll(async () => {
    ;({ result, reports } = await signedRun('shop/multi'))
    index = result.outputs.digest
    const pushed = await stack.client.manifest('shop/multi', index)
    platformDigests = Object.fromEntries(
      (
        pushed?.body.manifests as Array<{ digest: string; platform: { os: string; architecture: string } }>
      ).map((entry) => [`${entry.platform.os}/${entry.platform.architecture}`, entry.digest])
    )
    listed = Object.fromEntries(
      await Promise.all(
        [index, ...Object.values(platformDigests)].map(
          async (digest) => [digest, await referrersOf(stack, 'shop/multi', digest)] as const
        )
      )
    )
  }, 420_000)

  const reference = (digest: string) => `${stack.host}/shop/multi@${digest}`
  const cosign = (args: string[]) => cosignIn(stack, keys, args)

  it('passes, pushes an index of exactly the two platforms, and adds no tag for signatures', async () => {
    expect(result.main.stdout.split('\n').filter((line) => line.startsWith('::error'))).toEqual([])
    expect(result.main.code).toBe(0)
    expect((await stack.client.manifest('shop/multi', 'main'))?.mediaType).toBe(indexType)
    expect(Object.keys(platformDigests)).toEqual(platforms)
    expect((await stack.client.tags('shop/multi')).filter((tag) => tag.startsWith('sha256-'))).toEqual([])
  })

  it('stores a signature and each attestation as referrers: three on the index, four on each platform', () => {
    const kinds = (entries: Referrer[]) =>
      entries
        .map((entry) =>
          entry.artifactType === signatureType
            ? 'signature'
            : `${entry.artifactType === bundleType ? 'bundle' : entry.artifactType} ${entry.annotations?.['dev.sigstore.bundle.predicateType']}`
        )
        .sort()
    expect(kinds(listed[index])).toEqual([
      `bundle ${predicate.vuln}`,
      `bundle ${predicate.provenance}`,
      'signature'
    ])
    for (const platform of platforms) {
      expect(kinds(listed[platformDigests[platform]])).toEqual([
        `bundle ${predicate.vuln}`,
        `bundle ${predicate.sbom}`,
        `bundle ${predicate.provenance}`,
        'signature'
      ])
    }
  })

  it('gives as outputs exactly the signature and attestations the referrers API lists for the index', () => {
    const byPredicate = (type: string) =>
      listed[index].find((entry) => entry.annotations?.['dev.sigstore.bundle.predicateType'] === type)?.digest
    expect(result.outputs.signature).toBe(
      listed[index].find((entry) => entry.artifactType === signatureType)?.digest
    )
    expect(JSON.parse(result.outputs.attestations)).toEqual({
      provenance: byPredicate(predicate.provenance),
      vuln: byPredicate(predicate.vuln)
    })
  })

  it('prints verify commands for the index and each platform, and each one verifies with the public key', async () => {
    const commands = summaryVerifyCommands(result.summary)
    const verified = commands.filter((args) => args[0] === 'verify').map((args) => args.at(-1))
    expect(verified).toEqual(
      [index, platformDigests['linux/amd64'], platformDigests['linux/arm64']].map(reference)
    )
    for (const args of commands) {
      const { stdout } = await cosign(args)
      if (args[0] === 'verify') {
        const [claim] = JSON.parse(stdout)
        expect(`${stack.host}/shop/multi@${claim.critical.image['docker-manifest-digest']}`).toBe(args.at(-1))
      } else {
        expect(statements(stdout)).toHaveLength(1)
      }
    }
  }, 180_000)

  it('attests the gate’s result per platform, and every platform’s on the index', async () => {
    const vuln = async (digest: string) =>
      statements(
        (await cosign(['verify-attestation', '--new-bundle-format', '--type', 'vuln', reference(digest)]))
          .stdout
      )[0]
    const amd64 = await vuln(platformDigests['linux/amd64'])
    const arm64 = await vuln(platformDigests['linux/arm64'])
    const all = await vuln(index)
    expect(amd64.subject).toEqual([
      { name: `${stack.host}/shop/multi`, digest: { sha256: platformDigests['linux/amd64'].slice(7) } }
    ])
    const policy = {
      FailOn: 'CRITICAL',
      Severities: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'],
      IgnoreUnfixed: false,
      Scanners: ['vuln'],
      PkgTypes: ['os', 'library']
    }
    expect(amd64.predicate.scanner.result.Gate).toEqual({
      Tool: 'ecr-build-push',
      Passed: true,
      Policy: policy,
      Counts: { critical: 0, high: 0, medium: 4, low: 0, unknown: 0 }
    })
    expect(arm64.predicate.scanner.result.Gate.Counts).toEqual({
      critical: 0,
      high: 0,
      medium: 1,
      low: 2,
      unknown: 0
    })
    expect(all.predicate.scanner.result.Gate).toEqual({
      Tool: 'ecr-build-push',
      Passed: true,
      Policy: policy,
      Counts: JSON.parse(result.outputs.vulnerabilities),
      Platforms: {
        'linux/amd64': amd64.predicate.scanner.result.Gate.Counts,
        'linux/arm64': arm64.predicate.scanner.result.Gate.Counts
      }
    })
    expect(JSON.parse(result.outputs.vulnerabilities)).toEqual({
      critical: 0,
      high: 0,
      medium: 5,
      low: 2,
      unknown: 0
    })
    // The rest of the result is the gate's own Trivy report, unchanged.
    expect(amd64.predicate.scanner.result).toEqual({
      ...reports.get('linux/amd64'),
      Gate: amd64.predicate.scanner.result.Gate
    })
  }, 120_000)

  it('attests SLSA provenance v1 written from the run’s facts', async () => {
    const [statement] = statements(
      (
        await cosign([
          'verify-attestation',
          '--new-bundle-format',
          '--type',
          'slsaprovenance1',
          reference(platformDigests['linux/arm64'])
        ])
      ).stdout
    )
    expect(statement.predicateType).toBe(predicate.provenance)
    expect(statement.predicate).toEqual({
      buildDefinition: {
        buildType: 'https://actions.github.io/buildtypes/workflow/v1',
        externalParameters: {
          workflow: {
            ref: 'refs/heads/main',
            repository: 'https://github.com/octo-org/shop',
            path: '.github/workflows/images.yml'
          },
          inputs: { target: 'production', platforms, file: 'Dockerfile' }
        },
        internalParameters: {
          github: {
            event_name: 'push',
            repository_id: '1296269',
            repository_owner_id: '9919',
            runner_environment: 'github-hosted'
          }
        },
        resolvedDependencies: [
          {
            uri: 'git+https://github.com/octo-org/shop@refs/heads/main',
            digest: { gitCommit: pushToMain.github.GITHUB_SHA }
          }
        ]
      },
      runDetails: {
        builder: { id: `https://github.com/${workflow.GITHUB_WORKFLOW_REF}` },
        // cosign re-encodes the predicate through in-toto-golang's SLSA v1 type, which spells it invocationID.
        metadata: { invocationID: 'https://github.com/octo-org/shop/actions/runs/4242/attempts/1' }
      }
    })
  }, 60_000)

  it('attests each platform’s SBOM, made of the packages of that platform’s own scan', async () => {
    for (const platform of platforms) {
      const [statement] = statements(
        (
          await cosign([
            'verify-attestation',
            '--new-bundle-format',
            '--type',
            'cyclonedx',
            reference(platformDigests[platform])
          ])
        ).stdout
      )
      expect(statement.predicateType).toBe(predicate.sbom)
      const purls = (statement.predicate.components as Array<{ type: string; purl?: string }>)
        .filter((component) => component.type === 'library')
        .map((component) => component.purl)
      const scanned = (reports.get(platform)?.Results ?? []).flatMap((entry) =>
        (entry.Packages ?? []).map((pkg) => pkg.Identifier.PURL)
      )
      expect(scanned.length).toBeGreaterThan(0)
      expect(purls).toEqual(scanned)
    }
  }, 60_000)

  it('does not verify a digest of the repository it did not sign', async () => {
    const cache = await stack.client.manifest('shop/multi', 'buildcache-production-linux-amd64_linux-arm64')
    await expect(cosign(['verify', '--experimental-oci11', reference(cache?.digest ?? '')])).rejects.toThrow(
      /no signatures found/
    )
  })

  describe('signed again, with the index near ECR’s 100 referrers', () => {
    let again: Awaited<ReturnType<typeof runAction>>
    let before: Record<string, Referrer[]>

    beforeAll(async () => {
      // 95 more make 98 on the index: this run's signature and two attestations would make 101.
      await putReferrers(stack, 'shop/multi', index, 95)
      before = Object.fromEntries(
        await Promise.all(
          Object.keys(listed).map(
            async (digest) => [digest, await referrersOf(stack, 'shop/multi', digest)] as const
          )
        )
      )
      ;({ result: again } = await signedRun('shop/multi'))
    }, 420_000)

    it('builds the same digest, and refuses to sign it, naming the digest and the limit', () => {
      expect(again.outputs.digest).toBe(index)
      expect(again.main.code).toBe(1)
      expect(again.main.stdout.split('\n').filter((line) => line.startsWith('::error::'))).toEqual([
        `::error::The tags were pushed, but signing failed: ${reference(index)} already has 98 referrers (signatures and attestations); signing adds 3, over the registry's limit of 100 per image. It has been signed many times already: delete old signatures and attestations of this digest, or stop re-signing it.`
      ])
      expect(again.outputs.signature).toBeUndefined()
    })

    it('pushed no signature or attestation of any digest', async () => {
      for (const digest of Object.keys(before))
        expect(await referrersOf(stack, 'shop/multi', digest)).toEqual(before[digest])
      expect(again.main.stdout).not.toMatch(/^\$ cosign (sign|attest) /m)
    })
  })
})
