import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { parse } from 'yaml'
import { syncReadme } from '../../../scripts/readme-tables.mjs'

const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../../..')
const read = (file: string) => readFileSync(path.join(root, file), 'utf8')

describe('README and action.yml', () => {
  it('README tables equal action.yml (run `node scripts/readme-tables.mjs` after changing inputs)', () => {
    const readme = read('README.md')
    expect(syncReadme(readme, read('action.yml'))).toBe(readme)
  })

  it('every input and output is described, the runtime is node24 and the post step (its own bundle) always runs', () => {
    const action = parse(read('action.yml'))
    expect(action.runs).toMatchObject({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/post/index.js',
      'post-if': 'always()'
    })
    for (const spec of [...Object.values(action.inputs), ...Object.values(action.outputs)] as Array<{
      description?: string
    }>) {
      expect(spec.description?.length).toBeGreaterThan(10)
    }
  })
})
