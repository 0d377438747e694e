import { fieldsOf, meaningfulLines, problem, splitField, tagTemplate } from './rule-fields.js'
import { globalExpressions, type Template } from './tag-template.js'

/** The `flavor` input: how `latest` is decided and what every tag is wrapped in. */
export interface Flavor {
  latest: 'auto' | 'true' | 'false'
  prefix: Template
  prefixOnLatest: boolean
  suffix: Template
  suffixOnLatest: boolean
}

const accepted =
  'latest=auto|true|false, prefix=<text>[,onlatest=true|false], suffix=<text>[,onlatest=true|false]'

/** Parses the `flavor` input (`latest=`, `prefix=`, `suffix=`, each with `,onlatest=`). */
export function parseFlavor(lines: string[]): Flavor {
  const flavor: Flavor = {
    latest: 'auto',
    prefix: [],
    prefixOnLatest: false,
    suffix: [],
    suffixOnLatest: false
  }
  for (const text of meaningfulLines(lines)) {
    let onLatestFor: 'prefix' | 'suffix' | undefined
    for (const field of fieldsOf('flavor', text)) {
      const [key, value] = splitField(field)
      if (key === 'latest') {
        const latest = value.toLowerCase()
        if (latest !== 'auto' && latest !== 'true' && latest !== 'false') {
          throw problem('flavor', text, `latest=${value} is not known`, accepted)
        }
        flavor.latest = latest
      } else if (key === 'prefix' || key === 'suffix') {
        flavor[key] = tagTemplate('flavor', text, key, value, globalExpressions)
        onLatestFor = key
      } else if (key === 'onlatest') {
        const onLatest = value.toLowerCase()
        if (onLatestFor === undefined || (onLatest !== 'true' && onLatest !== 'false')) {
          throw problem(
            'flavor',
            text,
            `onlatest=${value} must be true or false and follow prefix= or suffix=`,
            accepted
          )
        }
        flavor[onLatestFor === 'prefix' ? 'prefixOnLatest' : 'suffixOnLatest'] = onLatest === 'true'
      } else {
        throw problem(
          'flavor',
          text,
          key === undefined ? `'${value}' is not key=value` : `unknown key '${key}'`,
          accepted
        )
      }
    }
  }
  return flavor
}
