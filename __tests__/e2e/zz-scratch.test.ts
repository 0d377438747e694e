import { afterAll, beforeAll, it } from '@jest/globals'
import * as path from 'node:path'
import { root } from '../support/run-action.mjs'
import { exampleWorkspace, pushToMain, runAction, startStack, type Stack } from '../support/stack.js'

let stack: Stack
beforeAll(async () => { stack = await startStack([{ name: 'shop/x' }]) }, 120_000)
afterAll(async () => { await stack?.stop() })
it('scratch', async () => {
  const result = await runAction({
    ...pushToMain,
    workspace: exampleWorkspace(),
    inputs: { repository: 'shop/x', target: 'production', driver: 'docker', 'skip-setup-trivy': 'true', 'github-token': '', ...(JSON.parse(process.env.SCRATCH_INPUTS ?? '{}')) },
    env: { ...stack.env, PATH: `${path.join(root, '__tests__/support/stand-ins')}:${stack.env.PATH}`, STANDIN_TRIVY_REPORT: process.env.SCRATCH_REPORT ?? 'alpine-310', STANDIN_TRIVY_VERIFY: '1' }
  })
  console.log(result.main.stdout.slice(-6000), result.main.stderr.slice(-2000), JSON.stringify(result.outputs).slice(0, 1500))
}, 180_000)
