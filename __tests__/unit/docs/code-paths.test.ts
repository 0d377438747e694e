import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'

// The README and docs point newcomers at modules by path; a path that moved is a dead end.
const pages = [
  'README.md',
  ...readdirSync('docs')
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  ...['TESTING.md', 'BENCHMARKS.md', '__tests__/support/README.md'].filter((page) => existsSync(page))
]

function namedPaths(page: string): string[] {
  const text = readFileSync(page, 'utf8')
  return [
    ...new Set([...text.matchAll(/`((?:src|__tests__|scripts|bench)\/[\w./-]+)`/g)].map((match) => match[1]))
  ]
}

describe.each(pages)('%s', (page) => {
  it('names only source paths that exist', () => {
    expect(namedPaths(page).filter((named) => !existsSync(named.replace(/\/$/, '')))).toEqual([])
  })
})
