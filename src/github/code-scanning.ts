import { gzipSync } from 'node:zlib'
import type { Log as SarifLog } from 'sarif'
import { ServiceError } from '../errors.js'
import type { Runner } from '../run/command.js'
import type { GitHubRequest } from '../run/github-request.js'
import type { Log } from '../run/log.js'
import type { RunContext } from './context.js'
import { isRateLimited } from './errors.js'

/** The `sarif` field of the upload: gzip, then base64. */
export function encodeSarif(log: SarifLog): string {
  return gzipSync(JSON.stringify(log)).toString('base64')
}

export interface SarifUpload {
  category: string
  sarif: SarifLog
}

/** POST /repos/{owner}/{repo}/code-scanning/sarifs for one category, against GITHUB_SHA and GITHUB_REF. */
export function planSarifUpload(context: RunContext, upload: SarifUpload): GitHubRequest {
  const [owner, repo] = context.repository.split('/')
  const results = upload.sarif.runs.reduce((sum, run) => sum + (run.results?.length ?? 0), 0)
  return {
    route: 'POST /repos/{owner}/{repo}/code-scanning/sarifs',
    parameters: {
      owner,
      repo,
      commit_sha: context.sha,
      ref: context.ref,
      sarif: encodeSarif(upload.sarif),
      checkout_uri: `file://${context.workspace}`,
      tool_name: upload.sarif.runs[0]?.tool.driver.name ?? 'Trivy'
    },
    summary: `code scanning, category ${upload.category}, ${results} results`
  }
}

export interface SarifUploadResult {
  category: string
  /** `forbidden` and `not-found` are warnings: the findings stay in the scan report. */
  status: 'complete' | 'pending' | 'failed' | 'forbidden' | 'not-found' | 'error'
  id?: string
  message?: string
}

function refusal(error: ServiceError): { status: SarifUploadResult['status']; message: string } {
  if (isRateLimited(error)) {
    return {
      status: 'error',
      message: `Code scanning kept answering with a rate limit (HTTP ${error.status}) after the retries: ${error.message}. The findings are still in the scan report.`
    }
  }
  if (error.status === 403) {
    return {
      status: 'forbidden',
      message: `Code scanning refused the SARIF upload (403: ${error.message}). The token needs 'security-events: write' (add it to the job's permissions); pull requests from forks and Dependabot get a read-only token, and private repositories need GitHub Advanced Security. The findings are still in the scan report.`
    }
  }
  if (error.status === 404) {
    return {
      status: 'not-found',
      message: `Code scanning is not enabled for this repository (or the token cannot see it) (404: ${error.message}). Enable it under Settings → Code security, or set 'sarif-upload: false'. The findings are still in the scan report.`
    }
  }
  return { status: 'error', message: `Could not upload SARIF to code scanning: ${error.message}` }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export interface UploadOptions {
  /** How long the whole step waits for code scanning to process its uploads, all of them together. */
  waitMs?: number
  pollIntervalMs?: number
}

/**
 * Uploads every SARIF of the step at once, then waits for each one's processing, up to `waitMs` after it was
 * accepted (the throttling plugin spaces writes, so a later upload must not lose its wait to the queue). Never
 * throws: a failed upload must not hide the gate's verdict, so every problem is a warning and a status.
 */
export async function uploadSarifs(
  runner: Runner,
  log: Log,
  context: RunContext,
  uploads: SarifUpload[],
  options: UploadOptions = {}
): Promise<SarifUploadResult[]> {
  const [owner, repo] = context.repository.split('/')
  return Promise.all(
    uploads.map(async (upload): Promise<SarifUploadResult> => {
      let id: string
      try {
        const response = await runner.github<{ id?: string }>(planSarifUpload(context, upload))
        if (runner.dryRun) return { category: upload.category, status: 'pending' }
        id = response.data.id ?? ''
      } catch (error) {
        const { status, message } = refusal(error as ServiceError)
        log.warning(message)
        return { category: upload.category, status, message }
      }
      log.info(`SARIF uploaded to code scanning as category ${upload.category} (id ${id})`)
      const deadline = Date.now() + (options.waitMs ?? 20_000)
      while (Date.now() < deadline) {
        try {
          const { data } = await runner.github<{ processing_status?: string; errors?: string[] }>({
            route: 'GET /repos/{owner}/{repo}/code-scanning/sarifs/{sarif_id}',
            parameters: { owner, repo, sarif_id: id }
          })
          if (data.processing_status === 'complete')
            return { category: upload.category, status: 'complete', id }
          if (data.processing_status === 'failed') {
            const message = `Code scanning could not process the SARIF upload ${id}: ${(data.errors ?? []).join('; ') || 'no reason given'}`
            log.warning(message)
            return { category: upload.category, status: 'failed', id, message }
          }
        } catch (error) {
          log.debug(`Polling SARIF upload ${id}: ${(error as Error).message}`)
        }
        await sleep(Math.min(options.pollIntervalMs ?? 2000, Math.max(0, deadline - Date.now())))
      }
      const message = `Code scanning is still processing SARIF upload ${id}; the results will appear when it finishes.`
      log.info(message)
      return { category: upload.category, status: 'pending', id, message }
    })
  )
}
