import { describe, expect, it } from '@jest/globals'
import { authorizationsOf, decodeAuthorization, planLogin, planLogout } from '../../../src/ecr/login.js'

const token = Buffer.from('AWS:s3cr3t:with:colons').toString('base64')

describe('authorizationsOf', () => {
  it('decodes every registry GetAuthorizationToken answered for', () => {
    const expiresAt = new Date('2024-05-03T20:41:27Z')
    expect(
      authorizationsOf({
        $metadata: {},
        authorizationData: [
          {
            authorizationToken: token,
            proxyEndpoint: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com',
            expiresAt
          },
          { authorizationToken: token, proxyEndpoint: 'https://210987654321.dkr.ecr.us-east-1.amazonaws.com' }
        ]
      })
    ).toEqual([
      {
        registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
        username: 'AWS',
        password: 's3cr3t:with:colons',
        expiresAt
      },
      {
        registry: '210987654321.dkr.ecr.us-east-1.amazonaws.com',
        username: 'AWS',
        password: 's3cr3t:with:colons'
      }
    ])
  })

  it('refuses an answer without authorization data', () => {
    expect(() => authorizationsOf({ $metadata: {}, authorizationData: [] })).toThrow(
      'GetAuthorizationToken returned no authorization data'
    )
    expect(() => authorizationsOf({ $metadata: {} })).toThrow(
      'GetAuthorizationToken returned no authorization data'
    )
  })
})

describe('decodeAuthorization', () => {
  it.each([
    [
      { authorizationToken: Buffer.from('nocolon').toString('base64'), proxyEndpoint: 'https://x' },
      'not user:password'
    ],
    [
      { authorizationToken: Buffer.from(':pw').toString('base64'), proxyEndpoint: 'https://x' },
      'not user:password'
    ],
    [{ proxyEndpoint: 'https://x' }, 'GetAuthorizationToken returned no token or no proxy endpoint'],
    [{ authorizationToken: token }, 'GetAuthorizationToken returned no token or no proxy endpoint']
  ])('refuses %j', (data, message) => {
    expect(() => decodeAuthorization(data)).toThrow(message)
  })

  it('keeps a port in the registry host', () => {
    expect(
      decodeAuthorization({ authorizationToken: token, proxyEndpoint: 'http://127.0.0.1:5000' }).registry
    ).toBe('127.0.0.1:5000')
  })
})

describe('planLogin / planLogout', () => {
  it('sends the password on stdin, never in argv', () => {
    expect(
      planLogin({ registry: '1.dkr.ecr.us-east-1.amazonaws.com', username: 'AWS', password: 'pw' })
    ).toEqual({
      tool: 'docker',
      args: ['login', '--username', 'AWS', '--password-stdin', '1.dkr.ecr.us-east-1.amazonaws.com'],
      stdin: { text: 'pw', secret: true }
    })
    expect(planLogout('a.example')).toEqual({ tool: 'docker', args: ['logout', 'a.example'] })
  })
})
