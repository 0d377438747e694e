// Every secret the run learns is masked, each as its own exact value: inputs before anything can print them,
// the ECR password as soon as GetAuthorizationToken returns it, the signing key before cosign sees it.
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../../src/main.js'
import { ecrPassword, liveRun } from './live-run.js'

const signKey = [
  '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----',
  'eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjo2NTUzNiwiciI6',
  'OCwicCI6MX19LCJzYWx0IjoiZ3Q0R0x',
  '-----END ENCRYPTED SIGSTORE PRIVATE KEY-----'
].join('\n')

const single = { repository: 'shop/web', target: 'production', 'skip-setup-trivy': 'true' }

describe('runAction masks', () => {
  it('the build secrets, the GitHub token and the ECR password, each exactly, the password before its login', async () => {
    const run = liveRun({
      ...single,
      secrets: 'npm_token=hunter2\nAPI_KEY = spaced out ',
      'github-token': 'ghs_token'
    })
    await runAction(run.io)
    expect(run.log.of('mask')).toEqual([
      'npm_token=hunter2',
      'hunter2',
      'API_KEY = spaced out',
      'spaced out',
      ' spaced out',
      'ghs_token',
      ecrPassword
    ])
    // Masks for the inputs come before the first line; the password's before the login that sends it.
    expect(run.log.entries.slice(0, 7).map((entry) => entry.level)).toEqual([
      ...Array(6).fill('mask'),
      'group'
    ])
    // The password as soon as the probes return it, before the Dockerfile checks and the login.
    const passwordMask = run.log.entries.findIndex(
      (entry) => entry.level === 'mask' && entry.text === ecrPassword
    )
    const probeGroup = run.log.entries.findIndex(
      (entry) => entry.level === 'group' && entry.text === 'Docker, buildx and ECR'
    )
    expect(passwordMask).toBe(probeGroup + 1)
    const login = run.runner.steps.find((step) => 'run' in step && step.run.args[0] === 'login')
    expect(login).toEqual({
      run: {
        tool: 'docker',
        args: [
          'login',
          '--username',
          'AWS',
          '--password-stdin',
          '123456789012.dkr.ecr.us-east-1.amazonaws.com'
        ],
        stdin: { text: ecrPassword, secret: true }
      }
    })
    // The secrets reach buildx through its environment only.
    const build = run.runner.steps.find(
      (step) =>
        'run' in step && step.run.args[1] === 'build' && !step.run.args.includes('--call=check,format=json')
    )
    expect(build && 'run' in build ? build.run.env : undefined).toEqual({
      ECR_BUILD_PUSH_SECRET_0: 'hunter2',
      ECR_BUILD_PUSH_SECRET_1: ' spaced out'
    })
    const said = JSON.stringify([
      run.log.entries.filter((entry) => entry.level !== 'mask'),
      run.runner.steps.map((step) => ('run' in step ? step.run.args : step))
    ])
    for (const secret of ['hunter2', 'spaced out', 'ghs_token', ecrPassword])
      expect(said).not.toContain(secret)
  })

  it('the ECR password as its own value, also when a build secret starts with it', async () => {
    // A mask of `<password>-build-secret` hides the password inside that text only, not on its own.
    const run = liveRun({ ...single, secrets: `token=${ecrPassword}-build-secret` })
    await runAction(run.io)
    expect(run.log.of('mask')).toEqual([
      `token=${ecrPassword}-build-secret`,
      `${ecrPassword}-build-secret`,
      ecrPassword
    ])
  })

  it('every registry password when the step logs in to several', async () => {
    const second = Buffer.from('AWS:second-password').toString('base64')
    const run = liveRun(
      { ...single, 'registry-ids': '123456789012,210987654321' },
      {
        ecr: (request) =>
          request.operation === 'GetAuthorizationToken'
            ? {
                authorizationData: [
                  {
                    authorizationToken: Buffer.from(`AWS:${ecrPassword}`).toString('base64'),
                    proxyEndpoint: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com'
                  },
                  {
                    authorizationToken: second,
                    proxyEndpoint: 'https://210987654321.dkr.ecr.us-east-1.amazonaws.com'
                  }
                ]
              }
            : undefined
      }
    )
    await runAction(run.io)
    expect(run.log.of('mask')).toEqual([ecrPassword, 'second-password'])
    expect(
      run.runner.steps.flatMap((step) =>
        'run' in step && step.run.args[0] === 'login' ? [step.run.args[4]] : []
      )
    ).toEqual([
      '123456789012.dkr.ecr.us-east-1.amazonaws.com',
      '210987654321.dkr.ecr.us-east-1.amazonaws.com'
    ])
  })

  it('the signing key, each of its lines and its password, again as signing takes them (dry run)', async () => {
    const run = liveRun({
      ...single,
      'dry-run': 'true',
      'sign-key': signKey,
      'sign-key-password': 'key-password',
      'github-token': 'ghs_token'
    })
    await runAction(run.io)
    const [, keyLine1, keyLine2] = signKey.split('\n')
    expect(run.log.of('mask')).toEqual([
      // From the inputs, before anything is said: every line of the key, the token, the key, its password.
      '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----',
      keyLine1,
      keyLine2,
      '-----END ENCRYPTED SIGSTORE PRIVATE KEY-----',
      'ghs_token',
      signKey,
      'key-password',
      ecrPassword,
      // From signing: the key as cosign gets it, its lines of substance (not the armor), its password.
      `${signKey}\n`,
      keyLine1,
      keyLine2,
      'key-password'
    ])
    // The dry run prints the signing it would do (the key by reference, never by value).
    const attestations = `${run.runnerTemp}/ecr-build-push-*/0-production/attestations`
    expect(
      run.log
        .of('info')
        .filter((line) => line.startsWith('$ cosign'))
        .map((line) => line.replace(/ecr-build-push-[^/]+/, 'ecr-build-push-*'))
    ).toEqual([
      "$ cosign sign --yes --key env://COSIGN_PRIVATE_KEY --registry-referrers-mode=oci-1-1 '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web@<digest>'",
      `$ cosign attest --yes --key env://COSIGN_PRIVATE_KEY --new-bundle-format --type slsaprovenance1 --predicate '${attestations}/<digest>.slsaprovenance1.json' '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web@<digest>'`,
      `$ cosign attest --yes --key env://COSIGN_PRIVATE_KEY --new-bundle-format --type vuln --predicate '${attestations}/<digest>.vuln.json' '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web@<digest>'`
    ])
    expect(JSON.stringify(run.log.entries.filter((entry) => entry.level !== 'mask'))).not.toMatch(
      /key-password|eyJrZGYi|OCwicCI6/
    )
  })
})
