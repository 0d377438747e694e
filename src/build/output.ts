import semver from 'semver'

/**
 * Where the built image goes, the one place that decides it. Without a scan it goes straight to its final
 * tags. With one, it goes where the gate can read it and nobody can pull it by a final name: the registry
 * by digest alone (docker-container builder pushing), or the daemon under a staging name.
 */
export type Delivery = 'tags' | 'registry-staging' | 'daemon-staging' | 'local' | 'cache-only'

export interface DeliveryInputs {
  scan: boolean
  push: boolean
  load: boolean
  driver: 'docker' | 'docker-container'
}

export function deliveryFor(inputs: DeliveryInputs): Delivery {
  if (!inputs.scan) return inputs.push ? 'tags' : inputs.load ? 'local' : 'cache-only'
  return inputs.push && inputs.driver === 'docker-container' ? 'registry-staging' : 'daemon-staging'
}

/** What the build writes: buildx exporters (bake `output` entries, one `--output` each) and the names it tags. */
export interface BuildOutput {
  delivery: Delivery
  exporters: string[]
  /** `--tag` values: the final references, the staging name, or none. */
  names: string[]
}

export interface OutputNames {
  /** `registry/repository` (or the repository alone without a push). */
  image: string
  /** Final references, `image:tag`. */
  tags: string[]
  /** The daemon name the image is held under until the gate passes. */
  staging: string
  /** Also written as an OCI layout here, so each platform can be scanned exactly (daemon staging). */
  layout?: string
}

/** The exporters and names of one image's build. `load` with a straight push also loads the tags. */
export function planOutput(
  delivery: Delivery,
  names: OutputNames,
  load: boolean,
  options: { rewriteTimestamp?: boolean } = {}
): BuildOutput {
  const output = exportersOf(delivery, names, load)
  if (!options.rewriteTimestamp) return output
  const rewriting = (exporter: string) =>
    exporter === 'type=cacheonly' ? exporter : `${exporter},rewrite-timestamp=true`
  return { ...output, exporters: output.exporters.map(rewriting) }
}

function exportersOf(delivery: Delivery, names: OutputNames, load: boolean): BuildOutput {
  switch (delivery) {
    case 'tags':
      return {
        delivery,
        exporters: load ? ['type=image,push=true', 'type=docker'] : ['type=image,push=true'],
        names: names.tags
      }
    case 'registry-staging':
      return {
        delivery,
        exporters: [`type=image,name=${names.image},push-by-digest=true,name-canonical=true,push=true`],
        names: []
      }
    case 'daemon-staging':
      // With the layout, both exporters write OCI media types: without attestations the docker exporter would
      // write Docker ones, and the pushed manifests would not be the scanned ones (isScannedImage refuses them).
      return {
        delivery,
        exporters: names.layout
          ? ['type=docker,oci-mediatypes=true', `type=oci,dest=${names.layout},tar=false`]
          : ['type=docker'],
        names: [names.staging]
      }
    case 'local':
      return { delivery, exporters: ['type=docker'], names: names.tags }
    case 'cache-only':
      return { delivery, exporters: ['type=cacheonly'], names: [] }
  }
}

/**
 * Whether a daemon-staged image is also written as an OCI layout for the scan: possible wherever the builder
 * has BuildKit's OCI exporter (a builder container, or the daemon's own with the containerd image store).
 * Only then is each platform of an index scanned exactly; the classic store holds one platform anyway.
 */
export function exportsLayout(
  driver: 'docker' | 'docker-container',
  imageStore: 'classic' | 'containerd'
): boolean {
  return driver === 'docker-container' || imageStore === 'containerd'
}

/**
 * Whether the builder clamps the file times in the layers it writes to SOURCE_DATE_EPOCH
 * (`rewrite-timestamp=true`, BuildKit 0.13): a BuildKit container does; the docker driver's exporter refuses it on
 * the containerd store ("conflicts with unpack") and ignores it on the classic one. Unknown versions are assumed
 * current: buildx creates builders from the latest BuildKit release.
 */
export function rewritesTimestamps(builder: { driver?: string; buildkitVersion?: string }): boolean {
  if (builder.driver !== 'docker-container') return false
  const version = builder.buildkitVersion ? semver.coerce(builder.buildkitVersion)?.version : undefined
  return version === undefined || semver.gte(version, '0.13.0')
}
