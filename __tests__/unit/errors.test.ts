// The error classes a user sees as one message: what each says, and which ones print without a stack trace.
import { describe, expect, it } from '@jest/globals'
import {
  CommandError,
  ConfigurationError,
  GateError,
  isExpected,
  ServiceError,
  systemError
} from '../../src/errors.js'

describe('errors', () => {
  it("a command's failure names the command and its exit code, then the tail of its stderr if any", () => {
    expect(new CommandError('$ docker buildx build', 2, 'ERROR: failed to solve').message).toBe(
      '$ docker buildx build failed with exit code 2:\nERROR: failed to solve'
    )
    expect(new CommandError('$ trivy image', 1, '').message).toBe('$ trivy image failed with exit code 1')
  })

  it('a full quota reads like a full disk; a path comes from the call, else the error, else "a file"', () => {
    const quota = Object.assign(new Error('EDQUOT: disk quota exceeded, write'), {
      code: 'EDQUOT',
      syscall: 'write',
      path: '/t/report.json'
    })
    expect([systemError(quota)?.message, systemError(quota)?.code]).toEqual([
      "Could not write /t/report.json: the runner's disk is full (EDQUOT): free space before this step (on a self-hosted runner, e.g. remove unused images), or use a larger runner.",
      'EDQUOT'
    ])
    expect(systemError(quota, '/t/other.json')?.message).toMatch(/^Could not write \/t\/other\.json: /)
    const unnamed = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', syscall: 'read' })
    expect(systemError(unnamed)?.message).toBe('Could not read a file: EIO: i/o error, read.')
  })

  it('prints the four kinds a user can act on as a message alone, and anything else with its stack', () => {
    expect(
      [
        new ConfigurationError('x'),
        new CommandError('$ x', 1, ''),
        new GateError('x'),
        new ServiceError('x'),
        new Error('x'),
        new TypeError('x'),
        'x'
      ].map(isExpected)
    ).toEqual([true, true, true, true, false, false, false])
  })
})
