import { beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import {
  baseImage,
  binfmtHandlers,
  daemons,
  ensureBaseImage,
  ensureDocker,
  ensureEmulation,
  systemCache,
  unemulatedArchitecture,
  type DockerDaemon
} from './local-stack.mjs'
import { scratchDir } from './scratch.mjs'

function docker(daemon: DockerDaemon, args: string[]): string {
  return execFileSync('docker', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOCKER_HOST: daemon.host }
  })
}

let classic: DockerDaemon
let containerd: DockerDaemon

beforeAll(async () => {
  classic = await ensureDocker()
  containerd = await ensureDocker({ store: 'containerd' })
  ensureEmulation()
  ensureBaseImage(classic)
  ensureBaseImage(containerd)
}, 180_000)

describe('ensureDocker', () => {
  it('gives the classic store on docker.sock and the containerd store on its own socket', () => {
    expect(classic).toMatchObject({ store: 'classic', host: 'unix:///var/run/docker.sock' })
    expect(containerd).toMatchObject({
      store: 'containerd',
      host: daemons.containerd.host,
      env: { DOCKER_HOST: 'unix:///var/run/docker-containerd.sock' }
    })
    expect(docker(classic, ['info', '--format', '{{.Driver}}']).trim()).toBe('overlay2')
    expect(docker(containerd, ['info', '--format', '{{json .DriverStatus}}'])).toContain(
      'io.containerd.snapshotter.v1'
    )
  })

  it('reuses a running daemon instead of starting another', async () => {
    const again = await ensureDocker({ store: 'containerd' })
    expect(again.started).toBe(false)
    expect(again.host).toBe(containerd.host)
  })

  it('keeps the two stores apart: an image made under one is not seen by the other', () => {
    const tag = `only-containerd:${randomBytes(4).toString('hex')}`
    docker(containerd, ['tag', baseImage, tag])
    try {
      expect(() => docker(classic, ['image', 'inspect', tag])).toThrow()
      expect(docker(containerd, ['image', 'inspect', '--format', '{{.Id}}', tag])).toMatch(/^sha256:/)
    } finally {
      docker(containerd, ['rmi', tag])
    }
  })
})

describe('ensureEmulation', () => {
  it('has qemu-aarch64 registered with the F flag, and says so without changing anything the second time', () => {
    const status = readFileSync('/proc/sys/fs/binfmt_misc/qemu-aarch64', 'utf8')
    expect(status).toMatch(/^enabled/)
    expect(status).toMatch(/^flags: \S*F/m)
    expect(ensureEmulation()).toEqual({
      handler: 'qemu-aarch64',
      flags: expect.stringContaining('F'),
      changed: false
    })
  })

  it('runs the cached arm64 busybox on this amd64 host', () => {
    const work = scratchDir('arm64-')
    const deb = readdirSync(systemCache).find((name) => /^busybox-static_.*_arm64\.deb$/.test(name))
    execFileSync('dpkg-deb', ['-x', path.join(systemCache, String(deb)), work])
    // ELF e_machine 183 is EM_AARCH64: this binary is not one the host can run natively.
    expect(readFileSync(path.join(work, 'bin/busybox')).readUInt16LE(18)).toBe(183)
    expect(execFileSync(path.join(work, 'bin/busybox'), ['uname', '-m'], { encoding: 'utf8' }).trim()).toBe(
      'aarch64'
    )
  })

  it('names an architecture nothing emulates yet, for tests that need the action to install QEMU', () => {
    const arch = unemulatedArchitecture()
    expect(['s390x', 'ppc64le', 'riscv64', 'mips64le', 'loong64']).toContain(arch)
    expect(binfmtHandlers()).toContain('qemu-aarch64')
    expect(() => unemulatedArchitecture(['arm64'])).toThrow('has a binfmt handler')
  })
})

describe('base images', () => {
  it('is one linux/amd64 image on the classic store', () => {
    expect(
      docker(classic, ['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', baseImage]).trim()
    ).toBe('linux/amd64')
    expect(
      docker(classic, ['run', '--rm', baseImage, 'sh', '-c', 'uname -m; id -un nobody']).split('\n')
    ).toEqual(['x86_64', 'nobody', ''])
  })

  it('is an amd64 + arm64 index on the containerd store; the arm64 one runs under QEMU', () => {
    const run = (platform: string) =>
      docker(containerd, [
        'run',
        '--rm',
        '--pull',
        'never',
        '--platform',
        platform,
        baseImage,
        'uname',
        '-m'
      ]).trim()
    expect(run('linux/amd64')).toBe('x86_64')
    expect(run('linux/arm64')).toBe('aarch64')
    expect(() => run('linux/s390x')).toThrow()
  })
})

describe('a multi-platform build on the containerd daemon', () => {
  it('builds FROM busybox:local for amd64 and arm64 with RUN steps, loads one index and runs each platform', () => {
    const context = scratchDir('multi-platform-')
    const marker = randomBytes(4).toString('hex')
    writeFileSync(
      path.join(context, 'Dockerfile'),
      `FROM ${baseImage}\nRUN uname -m > /arch && echo ${marker} > /marker\nCMD ["cat", "/arch"]\n`
    )
    const tag = `multi-platform:${marker}`
    const metadata = path.join(context, 'metadata.json')
    docker(containerd, [
      'buildx',
      'build',
      '--builder',
      'default',
      '--platform',
      'linux/amd64,linux/arm64',
      '--provenance=false',
      '--metadata-file',
      metadata,
      '--tag',
      tag,
      '--load',
      context
    ])
    try {
      const { 'containerimage.digest': digest, 'containerimage.descriptor': descriptor } = JSON.parse(
        readFileSync(metadata, 'utf8')
      )
      expect([
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.docker.distribution.manifest.list.v2+json'
      ]).toContain(descriptor.mediaType)
      // The containerd store names a loaded multi-platform image by its index digest.
      expect(docker(containerd, ['image', 'inspect', '--format', '{{.Id}}', tag]).trim()).toBe(digest)
      for (const [platform, arch] of [
        ['linux/amd64', 'x86_64'],
        ['linux/arm64', 'aarch64']
      ]) {
        expect(docker(containerd, ['run', '--rm', '--platform', platform, tag]).trim()).toBe(arch)
      }
    } finally {
      docker(containerd, ['rmi', tag])
    }
  }, 180_000)
})
