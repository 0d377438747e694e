import { CommandError } from '../errors.js'
import type { Log } from './log.js'

/** What a registry says when it is having a bad moment rather than refusing: worth another try. */
const transientText =
  /\b(?:50[0234]|429)\b|internal server error|bad gateway|service unavailable|gateway time-?out|toomanyrequests|too many requests|connection reset|broken pipe|unexpected eof|i\/o timeout|tls handshake timeout|connection refused/i

export function isTransient(error: unknown): boolean {
  return error instanceof CommandError && transientText.test(error.stderrTail)
}

export interface RetryOptions {
  /** Waits between attempts; one more attempt than waits. */
  delaysMs: number[]
}

export const registryRetries: RetryOptions = { delaysMs: [1000, 3000] }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs `attempt` again after a transient failure, saying so; other failures and the last one are thrown. */
export async function withRetries<T>(
  log: Log,
  what: string,
  attempt: () => Promise<T>,
  options: RetryOptions = registryRetries
): Promise<T> {
  for (let index = 0; ; index++) {
    try {
      return await attempt()
    } catch (error) {
      const delay = options.delaysMs[index]
      if (delay === undefined || !isTransient(error)) throw error
      log.info(
        `${what} failed with a transient registry error; trying again in ${delay / 1000}s (attempt ${index + 2} of ${options.delaysMs.length + 1}).`
      )
      await sleep(delay)
    }
  }
}
