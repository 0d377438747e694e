import { describe, expect, it } from '@jest/globals'
import { mockClient } from 'aws-sdk-client-mock'
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr'
import { decodeAuthorization, ecrAuthorization, planLogin, planLogout } from '../../src/ecr/login.js'

const token = Buffer.from('AWS:s3cr3t:with:colons').toString('base64')

describe('ecrAuthorization', () => {
  it('decodes every registry the account ids name', async () => {
    const ecr = mockClient(ECRClient)
    ecr.on(GetAuthorizationTokenCommand, { registryIds: ['123456789012', '210987654321'] }).resolves({
      authorizationData: [
        { authorizationToken: token, proxyEndpoint: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com' },
        { authorizationToken: token, proxyEndpoint: 'https://210987654321.dkr.ecr.us-east-1.amazonaws.com' }
      ]
    })
    const authorizations = await ecrAuthorization(new ECRClient({ region: 'us-east-1' }), [
      '123456789012',
      '210987654321'
    ])
    expect(authorizations).toEqual([
      {
        registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
        username: 'AWS',
        password: 's3cr3t:with:colons',
        expiresAt: undefined
      },
      {
        registry: '210987654321.dkr.ecr.us-east-1.amazonaws.com',
        username: 'AWS',
        password: 's3cr3t:with:colons',
        expiresAt: undefined
      }
    ])
    ecr.restore()
  })

  it('asks for the caller account when no ids are given', async () => {
    const ecr = mockClient(ECRClient)
    ecr.on(GetAuthorizationTokenCommand).resolves({ authorizationData: [] })
    await expect(ecrAuthorization(new ECRClient({ region: 'us-east-1' }), [])).rejects.toThrow(
      'GetAuthorizationToken returned no authorization data'
    )
    expect(ecr.commandCalls(GetAuthorizationTokenCommand)[0].args[0].input).toEqual({})
    ecr.restore()
  })
})

describe('decodeAuthorization', () => {
  it('rejects a token without a user', () => {
    expect(() =>
      decodeAuthorization({
        authorizationToken: Buffer.from('nocolon').toString('base64'),
        proxyEndpoint: 'https://x'
      })
    ).toThrow('not user:password')
  })
})

describe('planLogin / planLogout', () => {
  it('sends the password on stdin, never in argv', () => {
    expect(
      planLogin([{ registry: '1.dkr.ecr.us-east-1.amazonaws.com', username: 'AWS', password: 'pw' }])
    ).toEqual([
      {
        tool: 'docker',
        args: ['login', '--username', 'AWS', '--password-stdin', '1.dkr.ecr.us-east-1.amazonaws.com'],
        stdin: { text: 'pw', secret: true }
      }
    ])
    expect(planLogout(['a.example', 'b.example'])).toEqual([
      { tool: 'docker', args: ['logout', 'a.example'] },
      { tool: 'docker', args: ['logout', 'b.example'] }
    ])
  })
})
