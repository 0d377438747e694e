import type { Flavor } from './flavor.js'
import { ruleTemplates, type TagRule } from './tag-rules.js'
import { mentions } from './tag-template.js'

type Moment = typeof import('moment-timezone')

/** moment-timezone carries 0.7 MB of zone data: loaded by `loadDates` only for rules that render a date. */
let moment: Moment | undefined

/** True when a rule or the flavor renders `{{date}}` or `{{commit_date}}`. */
function rendersDates({ rules, flavor }: { rules: TagRule[]; flavor: Flavor }): boolean {
  const templates = [flavor.prefix, flavor.suffix, ...rules.flatMap(ruleTemplates)]
  return templates.some((template) => mentions(template, 'date') || mentions(template, 'commit_date'))
}

/** Loads the date formatter `formatDate` needs, once: when the tag rules render a date, or always without rules. */
export async function loadDates(tags?: { rules: TagRule[]; flavor: Flavor }): Promise<void> {
  if (!tags || rendersDates(tags)) moment ??= (await import('moment-timezone')).default
}

/** `{{date 'format' tz='Area/City'}}` with moment's format tokens, in UTC unless `tz` says otherwise. */
export function formatDate(date: Date, format: string, timeZone = 'UTC'): string {
  if (!moment) throw new Error('formatDate before loadDates: the tag rules render a date')
  return moment(date).tz(timeZone).format(format)
}

/** An IANA zone name the runtime knows (`tz=` of a date expression), checked without loading moment. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name })
    return true
  } catch {
    return false
  }
}
