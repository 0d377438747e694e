import { afterAll, beforeAll, it } from '@jest/globals'
import * as path from 'node:path'
import { root } from '../support/run-action.mjs'
import { exampleWorkspace, pushToMain, runAction, startStack, type Stack } from '../support/stack.js'

let stack: Stack
beforeAll(async () => {
  stack = await startStack([{ name: 'shop/x' }], { store: 'containerd', proxy: true })
}, 120_000)
afterAll(async () => {
  await stack?.stop()
})
it('scratch', async () => {
  if (process.env.SCRATCH_FAULT)
    stack.proxy!.fail({ method: 'PUT', path: new RegExp(process.env.SCRATCH_FAULT), status: 503 })
  const before = stack.proxy!.requests.length
  const result = await runAction({
    ...pushToMain,
    workspace: exampleWorkspace(),
    inputs: {
      repository: 'shop/x',
      target: 'production',
      driver: 'docker',
      'skip-setup-trivy': 'true',
      'github-token': '',
      ...JSON.parse(process.env.SCRATCH_INPUTS ?? '{}')
    },
    env: {
      ...stack.env,
      PATH: `${path.join(root, '__tests__/support/stand-ins')}:${stack.env.PATH}`,
      STANDIN_TRIVY_REPORT: process.env.SCRATCH_REPORT ?? 'alpine-310',
      STANDIN_TRIVY_VERIFY: '1'
    },
    beforePost: () => {
      if (process.env.SCRATCH_HOLD) require('node:child_process').execSync('sleep 0')
    }
  })
  console.log(
    result.main.stdout
      .split('\n')
      .filter((l) => !l.startsWith('#') && !l.startsWith('::stop') && !/^::[0-9a-f]{32}::$/.test(l))
      .join('\n')
      .slice(-7000)
  )
  console.log(
    JSON.stringify(
      stack
        .proxy!.requests.slice(before)
        .filter((r) => r.method !== 'GET' && r.method !== 'HEAD')
        .map((r) => [r.method, r.path, r.status])
    )
  )
}, 300_000)
