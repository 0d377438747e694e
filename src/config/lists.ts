import { CsvError, parse } from 'csv-parse/sync'
import { ConfigurationError } from '../errors.js'

/**
 * A list input the way docker's actions read them: one item per line, and on each line
 * comma-separated items unless `perLine`; quotes protect commas and `#` starts a comment line.
 * `where` names the input (or its line) in the error for a stray quote; the text itself is not shown.
 */
export function parseList(
  text: string,
  where: string,
  { perLine = false }: { perLine?: boolean } = {}
): string[] {
  if (text.trim() === '') return []
  let records: string[][]
  try {
    records = parse(text, {
      columns: false,
      relaxQuotes: true,
      relaxColumnCount: true,
      comment: '#',
      comment_no_infix: true,
      skipEmptyLines: true,
      // A per-line item keeps its inner spacing (`MSG=a , b` stays as written), as build-push-action reads it.
      trim: !perLine
    })
  } catch (error) {
    if (!(error instanceof CsvError)) throw error
    throw new ConfigurationError(
      `${where} has a '"' that does not close a quoted item: quotes go around a whole item (e.g. "a,b") to protect its commas.`
    )
  }
  const items = records.flatMap((record) => (perLine ? [record.join(',')] : record))
  return items.map((item) => item.trim()).filter((item) => item.length > 0)
}
