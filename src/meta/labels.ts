import type { Pair } from '../config/values.js'
import { repositoryUrl, type RunContext } from '../github/context.js'
import type { RepositoryMetadata } from '../github/repository.js'
import { byCodeUnit } from '../words.js'

/**
 * The OCI labels of the image, from the repository metadata (else the payload), the named commit, the version
 * and the created time; `userLabels` override by key and an empty value removes one.
 */
export function computeLabels(
  input: { userLabels: Pair[]; repositoryMetadata?: RepositoryMetadata },
  context: RunContext,
  revision: string,
  version: string,
  created: Date
): Record<string, string> {
  const metadata = input.repositoryMetadata
  const repository = context.payload.repository ?? {}
  const url = metadata?.htmlUrl || repositoryUrl(context)
  const generated: Record<string, string> = {
    'org.opencontainers.image.title':
      metadata?.name || repository.name || context.repository.split('/')[1] || '',
    'org.opencontainers.image.description': metadata?.description || repository.description || '',
    'org.opencontainers.image.url': url,
    'org.opencontainers.image.source': url,
    'org.opencontainers.image.version': version,
    'org.opencontainers.image.created': created.toISOString(),
    'org.opencontainers.image.revision': revision,
    'org.opencontainers.image.licenses': metadata?.license || repository.license?.spdx_id || ''
  }
  for (const label of input.userLabels) generated[label.key] = label.value
  return Object.fromEntries(
    Object.entries(generated)
      .filter(([, value]) => value !== '')
      .sort(([a], [b]) => byCodeUnit(a, b))
  )
}
