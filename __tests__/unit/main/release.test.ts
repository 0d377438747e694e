// What a whole run publishes: the tags ECR holds afterwards, what it deleted, and the outputs, read from the
// stand-in registry's state rather than from what the run printed.
import { describe, expect, it } from '@jest/globals'
import { GateError } from '../../../src/errors.js'
import { runAction } from '../../../src/main.js'
import { configDigest, critical, ecrPassword, liveRun, manifestDigest, registry } from './live-run.js'

const two = { targets: 'production=shop/web\nbuilder=shop/builder', 'skip-setup-trivy': 'true' }
const web = `${registry}/shop/web`
const putImages = (run: ReturnType<typeof liveRun>) =>
  run.runner.steps.flatMap((step) =>
    'ecr' in step && step.ecr.operation === 'PutImage' ? [step.ecr.input] : []
  )

describe('runAction releases', () => {
  it('one target: every tag onto the manifest digest buildx reported, and the outputs say so', async () => {
    const run = liveRun({ repository: 'shop/web', target: 'production', 'skip-setup-trivy': 'true' })
    await runAction(run.io)
    const digest = manifestDigest(1)
    expect(run.tags()).toEqual({ 'shop/web': { 'feature-login_form': digest, '4f2c9ab': digest } })
    expect(run.deleted).toEqual([])
    const outputs = run.log.outputs()
    expect(outputs.digest).toBe(digest)
    expect(outputs.digest).not.toBe(configDigest(1))
    expect(outputs.imageid).toBe(configDigest(1))
    expect(outputs.tags).toBe(`${web}:feature-login_form\n${web}:4f2c9ab`)
    expect(JSON.parse(outputs.images)).toEqual([
      {
        stage: 'production',
        repository: 'shop/web',
        image: web,
        digest,
        tags: [`${web}:feature-login_form`, `${web}:4f2c9ab`],
        vulnerabilities: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }
      }
    ])
    // The scan read the pushed digest, not a name.
    const scans = run.runner.steps.flatMap((step) =>
      'run' in step &&
      step.run.tool === 'trivy' &&
      step.run.args[0] === 'image' &&
      !step.run.args.includes('--download-db-only')
        ? [step.run.args.at(-1)]
        : []
    )
    expect(scans).toEqual([`${web}@${digest}`])
    // The sequence, phase by phase: nothing is tagged before the scan, and the log reads as its table of contents.
    expect(
      run.runner.steps.map((step) =>
        'run' in step
          ? [step.run.tool, ...step.run.args.slice(0, 2)].join(' ')
          : 'ecr' in step
            ? step.ecr.operation
            : 'github' in step
              ? step.github.route
              : `write ${step.write.path}`
      )
    ).toEqual([
      'docker info --format',
      'GetAuthorizationToken',
      'DescribeRepositories',
      'docker buildx build', // Docker's build checks
      'docker login --username',
      'docker buildx create',
      'docker buildx inspect',
      'docker buildx build',
      'trivy image --config', // the DB
      'BatchGetImage', // the platforms of the pushed digest
      'trivy image --config',
      'trivy convert --config',
      'BatchGetImage', // the manifest the tags go onto
      'BatchGetImage', // each tag as ECR holds it now: one already on this image stays
      'BatchGetImage',
      'PutImage',
      'PutImage',
      'BatchGetImage' // compressed sizes for the summary
    ])
    expect(run.log.entries.filter((entry) => entry.level === 'group' || entry.level === 'info')).toEqual([
      { level: 'group', text: 'Inputs' },
      { level: 'group', text: 'Tags and labels' },
      { level: 'info', text: 'Tags: feature-login_form, 4f2c9ab' },
      { level: 'group', text: 'Docker, buildx and ECR' },
      { level: 'info', text: 'buildx 0.21.1; daemon linux/amd64, classic image store' },
      { level: 'group', text: 'Dockerfile checks' },
      { level: 'info', text: 'production: 2 Dockerfile findings' },
      { level: 'group', text: 'ECR login' },
      { level: 'group', text: 'Builder' },
      { level: 'group', text: 'Build' },
      { level: 'info', text: '0 of 0 build steps from cache' },
      { level: 'group', text: 'Scan gate' },
      { level: 'group', text: 'Code scanning and annotations' },
      { level: 'group', text: 'Release' },
      { level: 'info', text: `production: ${web}:feature-login_form, ${web}:4f2c9ab → ${digest}` },
      { level: 'group', text: 'Sign and attest' },
      { level: 'group', text: 'Report' }
    ])
    expect(run.log.of('summary')).toHaveLength(1)
    expect(run.log.of('summary')[0]).toMatch(
      /^### `production` → `123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/shop\/web`\n/
    )
  })

  it('one target blocked: no tag, the pushed digest deleted, no digest or tags output, the step fails', async () => {
    const run = liveRun(
      { repository: 'shop/web', target: 'production', 'skip-setup-trivy': 'true' },
      { findings: { 'shop/web': [critical] } }
    )
    const failure = await runAction(run.io).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(GateError)
    expect((failure as Error).message).toMatch(
      /^No tag was pushed: The image was not tagged: 1 finding blocks it/
    )
    expect(putImages(run)).toEqual([])
    expect(run.tags()).toEqual({})
    expect(run.deleted).toEqual([`shop/web@${manifestDigest(1)}`])
    const outputs = run.log.outputs()
    expect(outputs.digest).toBeUndefined()
    expect(outputs.tags).toBe('')
  })

  it('gate: atomic (the default): one target blocked releases none; only the blocked digest is deleted', async () => {
    const run = liveRun(two, { findings: { 'shop/builder': [critical] } })
    const failure = await runAction(run.io).catch((error: unknown) => error)
    expect((failure as Error).message).toMatch(/^No tag was pushed for builder: builder \(shop\/builder\): /)
    expect((failure as Error).message).toMatch(/\nHeld back with them \(gate: atomic\): production\.$/)
    expect(putImages(run)).toEqual([])
    expect(run.tags()).toEqual({})
    // The held-back image passed its scan: it stays, untagged; the blocked one is taken out of reach.
    expect(run.deleted).toEqual([`shop/builder@${manifestDigest(2)}`])
    const outputs = run.log.outputs()
    expect(outputs.tags).toBe('')
    expect(outputs.digest).toBeUndefined()
    expect(
      JSON.parse(outputs.images).map((image: Record<string, unknown>) => [
        image.stage,
        image.digest,
        image.tags,
        image.heldBackBy,
        typeof image.blocked
      ])
    ).toEqual([
      ['production', null, [], ['builder'], 'undefined'],
      ['builder', null, [], undefined, 'string']
    ])
  })

  it('gate: per-target: one target blocked, the others are still released', async () => {
    const run = liveRun({ ...two, gate: 'per-target' }, { findings: { 'shop/builder': [critical] } })
    const failure = await runAction(run.io).catch((error: unknown) => error)
    expect((failure as Error).message).toMatch(/^No tag was pushed for builder: builder \(shop\/builder\): /)
    expect((failure as Error).message).toMatch(/\nTagged anyway \(gate: per-target\): production\.$/)
    const digest = manifestDigest(1)
    expect(run.tags()).toEqual({ 'shop/web': { 'feature-login_form': digest, '4f2c9ab': digest } })
    expect(run.deleted).toEqual([`shop/builder@${manifestDigest(2)}`])
    const outputs = run.log.outputs()
    expect(outputs.digest).toBe(digest)
    expect(outputs.tags).toBe(`${web}:feature-login_form\n${web}:4f2c9ab`)
    expect(
      JSON.parse(outputs.images).map((image: Record<string, unknown>) => [
        image.stage,
        image.digest,
        image.tags
      ])
    ).toEqual([
      ['production', digest, [`${web}:feature-login_form`, `${web}:4f2c9ab`]],
      ['builder', null, []]
    ])
  })

  it('an IMMUTABLE repository holding a tag on another image: no tag moves, and the step says which and where', async () => {
    const elsewhere = `sha256:${'e'.repeat(64)}`
    const run = liveRun(
      { repository: 'shop/web', target: 'production', 'skip-setup-trivy': 'true' },
      {
        ecr: (request) => {
          const input = request.input as {
            repositoryNames?: string[]
            imageIds?: Array<{ imageTag?: string }>
          }
          if (request.operation === 'DescribeRepositories')
            return {
              repositories: [
                { repositoryName: 'shop/web', registryId: '123456789012', imageTagMutability: 'IMMUTABLE' }
              ]
            }
          const tag = request.operation === 'BatchGetImage' ? input.imageIds?.[0].imageTag : undefined
          if (tag === '4f2c9ab') return { images: [], failures: [{ failureCode: 'ImageNotFound' }] }
          if (tag === 'feature-login_form')
            return {
              images: [
                {
                  imageId: { imageDigest: elsewhere, imageTag: tag },
                  imageManifest: JSON.stringify({
                    schemaVersion: 2,
                    mediaType: 'application/vnd.oci.image.manifest.v1+json',
                    config: { digest: 'sha256:other-config' },
                    layers: []
                  }),
                  imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json'
                }
              ]
            }
          return undefined
        }
      }
    )
    const failure = await runAction(run.io).catch((error: unknown) => error)
    expect([(failure as Error).name, (failure as Error).message]).toEqual([
      'ServiceError',
      `No tag was moved: in the IMMUTABLE repository shop/web, feature-login_form is on ${elsewhere}, and this run's image is ${manifestDigest(1)}. Tags there cannot move to another image: give this build tags of its own (e.g. type=sha), or rebuild exactly what made that image (see docs/reproducible-builds.md).\n` +
        `2 of 2 tags could not be written: ${web}:feature-login_form (already on ${elsewhere} in an IMMUTABLE repository); ${web}:4f2c9ab (not written: another tag of this image is taken in an IMMUTABLE repository). No tag was written.`
    ])
    // Nothing was put, not even the free tag: the image's tags stay on one digest or on none.
    expect(putImages(run)).toEqual([])
    expect(run.tags()).toEqual({})
    expect(run.log.outputs().tags).toBe('')
    expect(run.log.outputs().digest).toBeUndefined()
  })

  it('keep-blocked: the blocked digest stays in ECR, untagged', async () => {
    const run = liveRun({ ...two, 'keep-blocked': 'true' }, { findings: { 'shop/builder': [critical] } })
    await expect(runAction(run.io)).rejects.toThrow(GateError)
    expect(run.tags()).toEqual({})
    expect(run.deleted).toEqual([])
    expect(run.log.of('info')).toContainEqual(
      `The blocked image stays in ECR untagged for inspection ('keep-blocked: true'): anyone with pull access who knows shop/builder@${manifestDigest(2)} can pull it.`
    )
  })

  it('two targets, both clean: one bake, each tagged with its own digest; the outputs describe the first', async () => {
    const run = liveRun(two)
    await runAction(run.io)
    expect(run.log.of('group')).toEqual([
      'Inputs',
      'Tags and labels',
      'Docker, buildx and ECR',
      'Dockerfile checks',
      'ECR login',
      'Builder',
      'Build (one bake, 2 targets)',
      'Scan gate',
      'Code scanning and annotations',
      'Release',
      'Sign and attest',
      'Report'
    ])
    expect(run.runner.steps.filter((step) => 'run' in step && step.run.args[1] === 'bake')).toHaveLength(1)
    expect(
      run.runner.steps.filter(
        (step) =>
          'run' in step && step.run.args[1] === 'build' && !step.run.args.includes('--call=check,format=json')
      )
    ).toEqual([])
    expect(run.tags()).toEqual({
      'shop/web': { 'feature-login_form': manifestDigest(1), '4f2c9ab': manifestDigest(1) },
      'shop/builder': { 'feature-login_form': manifestDigest(2), '4f2c9ab': manifestDigest(2) }
    })
    expect(run.log.outputs().digest).toBe(manifestDigest(1))
  })
})

describe('runAction stops before the build', () => {
  it('when the Dockerfile checks fail the step: annotations and the findings output, no login, no build', async () => {
    const run = liveRun({
      repository: 'shop/web',
      target: 'production',
      'skip-setup-trivy': 'true',
      'dockerfile-checks-fail-on': 'warning'
    })
    const failure = await runAction(run.io).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(GateError)
    expect(
      run.runner.steps.map((step) =>
        'run' in step
          ? [step.run.tool, ...step.run.args.slice(0, 2)].join(' ')
          : 'ecr' in step
            ? step.ecr.operation
            : 'other'
      )
    ).toEqual([
      'docker info --format',
      'GetAuthorizationToken',
      'DescribeRepositories',
      'docker buildx build'
    ])
    expect(run.log.of('group').at(-1)).toBe('Dockerfile checks')
    expect(
      run.log.entries.flatMap((entry) => (entry.level === 'warning' ? [entry.properties?.title] : []))
    ).toEqual(['unpinned-base (warning)', 'root-user (warning)'])
    expect(
      JSON.parse(run.log.outputs()['dockerfile-findings']).map((finding: { rule: string }) => finding.rule)
    ).toEqual(['unpinned-base', 'root-user'])
    // The password came with the probes: masked although the run stopped before its login.
    expect(run.log.of('mask')).toEqual([ecrPassword])
  })
})
