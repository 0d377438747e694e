import { describe, expect, it } from '@jest/globals'
import { parseCacheConfig, type CacheConfig } from '../../../src/config/cache.js'
import { ConfigurationError } from '../../../src/errors.js'

const registry = '123456789012.dkr.ecr.us-east-1.amazonaws.com'

describe('parseCacheConfig', () => {
  it.each<[Record<string, string>, Partial<CacheConfig>]>([
    [{}, { backends: [], from: [], to: [], mode: 'max', ref: '', repository: '' }],
    [{ cache: 'none' }, { backends: 'none' }],
    [{ cache: 'NONE,none' }, { backends: 'none' }],
    [{ cache: 'GHA, registry,gha' }, { backends: ['gha', 'registry'] }],
    [{ cache: 'local\ninline' }, { backends: ['local', 'inline'] }],
    [{ 'cache-mode': 'MIN' }, { mode: 'min' }],
    [{ 'cache-ref': 'buildcache-web' }, { ref: 'buildcache-web' }],
    [{ 'cache-ref': `${registry}/cache:web` }, { ref: `${registry}/cache:web` }],
    [{ 'cache-ref': 'localhost:5000/cache:web' }, { ref: 'localhost:5000/cache:web' }],
    [{ 'cache-repository': 'shop/web-cache' }, { repository: 'shop/web-cache' }],
    [
      {
        'cache-from': 'type=registry,ref=a/b:c\n# comment\ntype=gha,scope=x\nuser/app:cache',
        'cache-to': 'type=gha,scope=x,mode=max\n"type=local,dest=/tmp/a,b"'
      },
      {
        from: ['type=registry,ref=a/b:c', 'type=gha,scope=x', 'user/app:cache'],
        to: ['type=gha,scope=x,mode=max', 'type=local,dest=/tmp/a,b']
      }
    ]
  ])('%j', (raw, expected) => {
    expect(parseCacheConfig(raw)).toMatchObject(expected)
  })

  it.each([
    [
      { cache: 'gha,redis' },
      `Input 'cache' has 'redis': expected a comma list of gha, registry, inline, local, none.`
    ],
    [{ cache: 'none,gha' }, `Input 'cache' is 'none,gha': 'none' cannot be combined with other backends.`],
    [{ 'cache-mode': 'all' }, `Input 'cache-mode' is 'all': expected 'max' or 'min'.`],
    [{ 'cache-ref': 'build cache' }, `Input 'cache-ref' is 'build cache': expected a tag`],
    [{ 'cache-ref': 'a,b' }, `Input 'cache-ref' is 'a,b': expected a tag`],
    [{ 'cache-ref': '.hidden' }, `Input 'cache-ref' is '.hidden': expected a tag`],
    [{ 'cache-ref': 'a'.repeat(129) }, `Input 'cache-ref' is '${'a'.repeat(129)}': expected a tag`],
    [{ 'cache-ref': 'r.example/../x:tag' }, `Input 'cache-ref' is 'r.example/../x:tag': expected a tag`],
    [{ 'cache-ref': 'r.example/cache' }, `Input 'cache-ref' is 'r.example/cache': expected a tag`],
    [
      { 'cache-repository': 'Shop/Web' },
      `Input 'cache-repository' is 'Shop/Web': expected an ECR repository name with mutable tags, 2 to 256 characters, lowercase letters, digits and '._-/' separators (e.g. 'shop/web-cache').`
    ],
    [
      { 'cache-repository': 'a'.repeat(300) },
      `Input 'cache-repository' is '${'a'.repeat(80)}…': expected an ECR repository name with mutable tags`
    ],
    [
      { 'cache-to': 'type=gha,token=abc' },
      `Line 1 of 'cache-to' has a 'token=' attribute: credentials must not be in build arguments, which are printed. Leave it out: buildx reads ACTIONS_RUNTIME_TOKEN and AWS credentials from the environment.`
    ],
    [
      { 'cache-from': 'type=gha\ntype=s3,region=us-east-1,bucket=b,SECRET_ACCESS_KEY=abc' },
      `Line 2 of 'cache-from' has a 'secret_access_key=' attribute`
    ],
    [
      { 'cache-to': 'type=redis,host=x' },
      `Line 1 of 'cache-to' is 'type=redis,host=x': expected buildx's form 'type=<registry|gha|local|inline|s3|azblob>,<key>=<value>,...' (e.g. 'type=registry,ref=<registry>/<repository>:buildcache') or a bare image reference.`
    ],
    [
      { 'cache-from': '--cache-to=type=local,dest=/' },
      `Line 1 of 'cache-from' is '--cache-to=type=local,dest=/': expected buildx's form`
    ],
    [{ 'cache-from': 'buildcache' }, `Line 1 of 'cache-from' is 'buildcache': expected buildx's form`],
    [
      { 'cache-from': 'type=gha\nnot a reference' },
      `Line 2 of 'cache-from' is 'not a reference': expected buildx's form`
    ],
    [{ 'cache-to': '../../../../etc' }, `Line 1 of 'cache-to' is '../../../../etc': expected buildx's form`]
  ])('%j is refused', (raw, message) => {
    expect(() => parseCacheConfig(raw)).toThrow(ConfigurationError)
    expect(() => parseCacheConfig(raw)).toThrow(message)
  })
})
