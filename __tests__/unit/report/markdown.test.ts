import { describe, expect, it } from '@jest/globals'
import {
  cell,
  code,
  formatDuration,
  limitMarkdown,
  link,
  markdownCell
} from '../../../src/report/markdown.js'

describe('cell', () => {
  it.each([
    ['plain-package_name', 'plain-package\\_name'],
    ['a|b', 'a\\|b'],
    ['@octocat please look', '@\u200boctocat please look'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert\\(1\\)&lt;/script&gt;'],
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert\\(1\\)&gt;'],
    ['[click](javascript:alert(1))', '\\[click\\]\\(javascript:alert\\(1\\)\\)'],
    ['![img](https://x/y.png)', '\\!\\[img\\]\\(https://x/y.png\\)'],
    ['**bold** _it_ ~~gone~~ `code`', '\\*\\*bold\\*\\* \\_it\\_ \\~\\~gone\\~\\~ \\`code\\`'],
    ['fixes #123', 'fixes \\#123'],
    ['back\\slash', 'back\\\\slash'],
    ['one\nline\r\n\t two  ', 'one line two'],
    ['| --- |\n| x |', '\\| --- \\| \\| x \\|']
  ])('%j → %j', (text, expected) => {
    expect(cell(text)).toBe(expected)
  })

  it('never lets text end the table row or the cell', () => {
    const hostile = 'x |\n| injected | row |\n<details open>'
    const escaped = cell(hostile)
    expect(escaped).not.toMatch(/(^|[^\\])\|/)
    expect(escaped).not.toMatch(/[\n<>]/)
  })
})

describe('markdownCell', () => {
  it.each([
    ['Use `USER app` (see [docs](https://x.example))', 'Use `USER app` (see [docs](https://x.example))'],
    ['a | b\nnext line', 'a \\| b next line'],
    ['<script>x</script>', '&lt;script&gt;x&lt;/script&gt;']
  ])('keeps our own formatting in %j, one line, pipes and HTML escaped', (text, expected) => {
    expect(markdownCell(text)).toBe(expected)
  })
})

describe('code', () => {
  it.each([
    ['RUN echo `a|b`  \n x', "`RUN echo 'a\\|b' x`"],
    ['FROM ${BASE_IMAGE} AS base', '`FROM ${BASE_IMAGE} AS base`'],
    ['<b>@team</b>', '`<b>@team</b>`']
  ])('%j → %s', (text, expected) => {
    expect(code(text)).toBe(expected)
  })
})

describe('link', () => {
  it.each<[string, string | undefined, string]>([
    [
      'CVE-2019-14697',
      'https://avd.aquasec.com/nvd/cve-2019-14697',
      '[CVE-2019-14697](https://avd.aquasec.com/nvd/cve-2019-14697)'
    ],
    ['CVE-1', undefined, 'CVE-1'],
    ['CVE-1', '', 'CVE-1'],
    ['CVE-1', 'http://avd.aquasec.com/x', 'CVE-1'],
    ['CVE-1', 'javascript:alert(1)', 'CVE-1'],
    ['CVE-1', 'data:text/html,<script>', 'CVE-1'],
    ['CVE-1', 'not a url', 'CVE-1'],
    ['CVE-1', '//evil.example/x', 'CVE-1'],
    ['CVE-1', 'https://x.example/a)b(c', '[CVE-1](https://x.example/a%29b%28c)'],
    ['CVE-1', 'https://x.example/a b"c\'d', '[CVE-1](https://x.example/a%20b%22c%27d)'],
    ['CVE-1', 'https://x.example/[a]<b>?q=x|y', '[CVE-1](https://x.example/%5Ba%5D%3Cb%3E?q=x%7Cy)'],
    ['[x](y) @me', 'https://x.example/', '[\\[x\\]\\(y\\) @\u200bme](https://x.example/)']
  ])('%j to %j', (text, url, expected) => {
    expect(link(text, url)).toBe(expected)
  })

  it('keeps the target inside the parentheses whatever the URL holds', () => {
    const rendered = link('x', 'https://x.example/path)](javascript:alert(1))')
    expect(rendered).toBe('[x](https://x.example/path%29%5D%28javascript:alert%281%29%29)')
    expect(rendered.indexOf(')')).toBe(rendered.length - 1)
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [4.6, '5s'],
    [59.6, '1m 0s'],
    [83.4, '1m 23s'],
    [7322, '2h 2m']
  ])('%d s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text)
  })
})

describe('limitMarkdown', () => {
  const note = '\n\n_Truncated to stay within GitHub’s size limit; the full list is in the Trivy report._\n'
  it.each([
    ['short', 100, 'short'],
    ['a\nb\nc\n'.repeat(40), 120, 'a\nb\nc\n'.repeat(4) + 'a\nb\nc' + note]
  ])('%j within %d bytes', (markdown, maxBytes, expected) => {
    expect(limitMarkdown(markdown, maxBytes)).toBe(expected)
  })

  it('cuts multi-byte text at a line, never inside a character', () => {
    const text = '日本語のテキスト\n'.repeat(200)
    const limited = limitMarkdown(text, 500)
    expect(Buffer.byteLength(limited)).toBeLessThanOrEqual(500)
    expect(limited).not.toContain('\uFFFD')
    expect(limited.endsWith(note)).toBe(true)
    expect(
      limited
        .slice(0, -note.length)
        .split('\n')
        .every((line) => line === '日本語のテキスト')
    ).toBe(true)
  })
})
