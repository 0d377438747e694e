import { describe, expect, it } from '@jest/globals'
import { CommandError, ServiceError } from '../../../src/errors.js'
import { isTransient, registryRetries, withRetries } from '../../../src/run/retry.js'
import { RecordingLog } from '../doubles.js'

const failure = (stderrTail: string) => new CommandError('$ docker push r/shop/web:1', 1, stderrTail)
const fast = { delaysMs: [1, 2] }

describe('isTransient', () => {
  it.each([
    'received unexpected HTTP status: 500 Internal Server Error',
    'error parsing HTTP 502 response body',
    'toomanyrequests: Rate exceeded',
    'unexpected status from PUT request: 503 Service Unavailable',
    'net/http: TLS handshake timeout',
    'read tcp 10.0.0.1:443: read: connection reset by peer',
    'dial tcp: i/o timeout',
    'write: broken pipe',
    'unexpected EOF',
    '429 Too Many Requests',
    'Gateway Time-out'
  ])('%s is worth another try', (stderr) => {
    expect(isTransient(failure(stderr))).toBe(true)
  })

  it.each<[string, unknown]>([
    ['a denied push', failure('denied: User is not authorized to perform: ecr:PutImage')],
    ['an unknown tag', failure('tag does not exist: r/shop/web:1')],
    ['a digest that merely contains 500', failure('sha256:5003a2 not found')],
    ['an API error, whatever it says', new ServiceError('503 Service Unavailable')],
    ['a plain Error', new Error('connection reset')],
    ['not an error', 'toomanyrequests']
  ])('%s is not', (_name, error) => {
    expect(isTransient(error)).toBe(false)
  })
})

describe('withRetries', () => {
  it('returns the first success without waiting', async () => {
    const log = new RecordingLog()
    await expect(withRetries(log, 'docker push', async () => 'ok', fast)).resolves.toBe('ok')
    expect(log.entries).toEqual([])
  })

  it('tries again after transient failures, saying so, and returns the later success', async () => {
    const log = new RecordingLog()
    const answers: Array<Error | string> = [
      failure('503 Service Unavailable'),
      failure('toomanyrequests'),
      'pushed'
    ]
    let attempts = 0
    const result = await withRetries(
      log,
      'docker push r/shop/web:1',
      async () => {
        const answer = answers[attempts++]
        if (answer instanceof Error) throw answer
        return answer
      },
      { delaysMs: [1, 1000 * 0.002] }
    )
    expect([result, attempts]).toEqual(['pushed', 3])
    expect(log.of('info')).toEqual([
      'docker push r/shop/web:1 failed with a transient registry error; trying again in 0.001s (attempt 2 of 3).',
      'docker push r/shop/web:1 failed with a transient registry error; trying again in 0.002s (attempt 3 of 3).'
    ])
  })

  it('throws the last transient failure once the waits are used up', async () => {
    let attempts = 0
    const last = failure('502 Bad Gateway (attempt 3)')
    const attempt = withRetries(
      new RecordingLog(),
      'docker pull',
      async () => {
        attempts += 1
        throw attempts === 3 ? last : failure('502 Bad Gateway')
      },
      fast
    )
    await expect(attempt).rejects.toBe(last)
    expect(attempts).toBe(3)
  })

  it('throws anything else at once', async () => {
    let attempts = 0
    const denied = failure('denied: not authorized')
    await expect(
      withRetries(
        new RecordingLog(),
        'docker push',
        async () => {
          attempts += 1
          throw denied
        },
        fast
      )
    ).rejects.toBe(denied)
    expect(attempts).toBe(1)
  })

  it('waits 1s and 3s by default for registries', () => {
    expect(registryRetries).toEqual({ delaysMs: [1000, 3000] })
  })
})
