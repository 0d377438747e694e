import { parse } from 'csv-parse/sync'

/**
 * A list input the way docker's actions read them: one item per line, and on each line
 * comma-separated items unless `perLine`; quotes protect commas and `#` starts a comment line.
 */
export function parseList(text: string, { perLine = false }: { perLine?: boolean } = {}): string[] {
  if (text.trim() === '') return []
  const records: string[][] = parse(text, {
    columns: false,
    relaxQuotes: true,
    relaxColumnCount: true,
    comment: '#',
    comment_no_infix: true,
    skipEmptyLines: true,
    trim: true
  })
  const items = records.flatMap((record) => (perLine ? [record.join(',')] : record))
  return items.map((item) => item.trim()).filter((item) => item.length > 0)
}
