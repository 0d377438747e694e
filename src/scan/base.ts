import * as path from 'node:path'
import type { ScanConfig } from '../config/scan.js'
import { storedLayers } from '../ecr/images.js'
import type { ImageRef } from '../release/manifests.js'
import type { Runner } from '../run/command.js'
import type { Finding } from './findings.js'
import { planScan, type TrivyWorkspace } from './trivy.js'
import { findingsOf, readTrivyReport } from './trivy-report.js'

/** What the base branch's image looks like, for the pull request comment's "compared with" section. */
export interface BaseComparison {
  /** The pull request's base branch, e.g. `main`. */
  ref: string
  /** The scanned image, e.g. `…/shop/web:main`; absent when the registry has no image for the base branch. */
  image?: string
  /** The base image's findings; absent when it was not scanned. */
  findings?: Finding[]
  /** The base image's compressed size. */
  size?: number
}

export interface BaseRequest extends ImageRef {
  workspace: TrivyWorkspace
  scan: ScanConfig
  /** `registry/repository`. */
  image: string
  baseRef: string
  /** The base branch's tag under the step's own rules. */
  baseTag: string
  /** The platform to compare, the first one this run scanned. */
  platform: string
  dir: string
}

/** The pull request's base image, scanned the same way, so the comment can say what this pull request changes. */
export async function scanBase(probe: Runner, request: BaseRequest): Promise<BaseComparison> {
  const layers = await storedLayers(probe, request, { imageTag: request.baseTag }, request.platform).catch(
    () => undefined
  )
  const size = layers?.reduce((sum, layer) => sum + layer.size, 0)
  if (size === undefined) return { ref: request.baseRef }
  const reference = `${request.image}:${request.baseTag}`
  const files = {
    reportPath: path.join(request.dir, 'trivy-base.json'),
    sarifPath: path.join(request.dir, 'trivy-base.sarif')
  }
  const [scan] = planScan(
    request.workspace,
    request.scan,
    { reference, source: 'remote', platform: request.platform },
    files
  )
  await probe.run(scan, { stream: true })
  return {
    ref: request.baseRef,
    image: reference,
    findings: findingsOf(await readTrivyReport(files.reportPath)),
    size
  }
}
