// A fault-injecting HTTP proxy in front of the test registry. It forwards every request (bodies streamed both
// ways, so chunked blob uploads pass as they are), rewrites `Location` headers that point at the registry so
// clients keep talking to the proxy, records each request, and fails the requests a test chooses: with an
// HTTP status (registry-style error bodies, `Retry-After` on 429) or by destroying the connection.
//
// Two things ECR's registry does that distribution 2.8 does not, switchable per test: the OCI 1.1 referrers API
// (a manifest PUT with a `subject` is answered with `OCI-Subject` and listed by `GET /v2/<name>/referrers/<digest>`,
// as the distribution spec says; off, those requests reach distribution 2.8, which has no such route), and
// IMMUTABLE tags (a manifest PUT that would move an existing tag is refused with ECR's TAG_INVALID error).
//
// The server runs in a worker thread and the test talks to it synchronously, so a test may block its own
// thread (execFileSync('docker', ['push', ...]), stack.login()) while the proxy keeps serving.
import { createHash } from 'node:crypto'
import { Agent, createServer, request as forward } from 'node:http'
import { URLSearchParams } from 'node:url'
import { MessageChannel, Worker, isMainThread, receiveMessageOnPort, workerData } from 'node:worker_threads'
import { scratchRegistryHost } from '../scratch.mjs'

/**
 * @typedef {{ method?: string, path: RegExp, nth?: number, times?: number, status?: number,
 *   retryAfter?: number, reset?: 'request' | 'response' }} FaultSpec
 *   Matches requests by method (any when unset) and a regex on the path with its query. Counting matches from
 *   when the fault is added, it fires on matches nth .. nth + times - 1 (nth and times default to 1: the next
 *   match). It answers `status` (one of status or reset), or resets the connection: `request` before the
 *   registry sees the request (after the first body chunk when there is a body), `response` after the
 *   registry handled it (after half the response body, or before any header when the body is empty).
 * @typedef {{ readonly seen: number, readonly fired: number, readonly done: boolean }} Fault
 *   Live counters: matches seen since the fault was added, and how many it failed.
 * @typedef {{ method: string, path: string, status?: number, fault?: 'status' | 'reset', bytesIn: number,
 *   bytesOut: number, authorized: boolean }} ProxiedRequest
 *   `status` is what the client got (unset when the connection was reset before any answer); `authorized`
 *   says whether it sent credentials (which are never recorded).
 * @typedef {{ mediaType: string, digest: string, size: number, artifactType?: string,
 *   annotations?: Record<string, string> }} ReferrerDescriptor
 *   One entry of a referrers listing: the referring manifest as the distribution spec describes it.
 * @typedef {{ host: string, url: string, upstream: string, readonly requests: ProxiedRequest[],
 *   fail: (spec: FaultSpec) => Fault, clear: () => void, referrers: (on: boolean) => void,
 *   tagMutability: (repository: string, mutability: 'MUTABLE' | 'IMMUTABLE') => void,
 *   close: () => Promise<void> }} RegistryProxy
 *   `referrers(true)` answers the referrers API like ECR (from the manifests with a `subject` pushed through the
 *   proxy while it is on); `referrers(false)` (the default) forwards those requests like any other.
 */

const callTimeoutMs = 10_000

/**
 * Starts the proxy on 127.0.0.1 (a free port) in front of `upstream` (the registry's `host:port`).
 * `referrers: true` starts with the referrers API on; `immutable` lists repositories with IMMUTABLE tags.
 * @param {{ upstream: string, referrers?: boolean, immutable?: string[] }} options
 * @returns {Promise<RegistryProxy>}
 */
export async function startRegistryProxy(options) {
  const { port1: port, port2 } = new MessageChannel()
  const signal = new Int32Array(new SharedArrayBuffer(4))
  const worker = new Worker(new URL(import.meta.url), {
    workerData: {
      registryProxy: {
        upstream: options.upstream,
        referrers: options.referrers ?? false,
        immutable: options.immutable ?? [],
        port: port2,
        signal
      }
    },
    transferList: [port2]
  })
  const host = await new Promise((resolve, reject) => {
    worker.once('message', (message) => resolve(message.host))
    worker.once('error', reject)
  })
  worker.unref()
  // Images named after the proxy's host are the test's: they go after its file.
  scratchRegistryHost(host)

  /** One synchronous round trip to the worker: it answers on the port, then bumps the signal. */
  function call(message) {
    const before = Atomics.load(signal, 0)
    port.postMessage(message)
    const deadline = Date.now() + callTimeoutMs
    while (Atomics.load(signal, 0) === before) {
      if (Date.now() > deadline) throw new Error('The registry proxy worker did not answer.')
      Atomics.wait(signal, 0, before, 100)
    }
    return receiveMessageOnPort(port)?.message
  }

  return {
    host,
    url: `http://${host}`,
    upstream: options.upstream,
    get requests() {
      return call({ type: 'requests' })
    },
    fail(spec) {
      if (!spec.status === !spec.reset)
        throw new Error('A registry proxy fault needs a status or a reset, not both.')
      const { path, ...rest } = spec
      const id = call({ type: 'fail', spec: { ...rest, path: { source: path.source, flags: path.flags } } })
      const counters = () => call({ type: 'fault', id })
      return {
        get seen() {
          return counters().seen
        },
        get fired() {
          return counters().fired
        },
        get done() {
          return counters().fired >= (spec.times ?? 1)
        }
      }
    },
    /** Removes every fault: everything is forwarded again. */
    clear() {
      call({ type: 'clear' })
    },
    /** On: the referrers API as ECR has it. Off: as distribution 2.8 (no `OCI-Subject`, no referrers route). */
    referrers(on) {
      call({ type: 'referrers', on })
    },
    /** As ECR's PutImageTagMutability: with IMMUTABLE, a manifest PUT may not move an existing tag. */
    tagMutability(repository, mutability) {
      call({ type: 'mutability', repository, mutability })
    },
    async close() {
      port.close()
      await worker.terminate()
    }
  }
}

/** @param {number} status */
function errorBody(status) {
  const code = { 429: 'TOOMANYREQUESTS', 503: 'UNAVAILABLE', 401: 'UNAUTHORIZED' }[status] ?? 'UNKNOWN'
  const message = { 429: 'too many requests', 503: 'service unavailable' }[status] ?? 'unknown error'
  return JSON.stringify({ errors: [{ code, message, detail: 'injected by the test registry proxy' }] }) + '\n'
}

/** Headers that belong to one connection, not to the message. */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer'])

const indexType = 'application/vnd.oci.image.index.v1+json'
const manifestTypes = [
  indexType,
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
]
const digestPattern = /^sha256:[0-9a-f]{64}$/
const manifestPut = /^\/v2\/(.+)\/manifests\/([^/?]+)$/
const referrersGet = /^\/v2\/(.+)\/referrers\/([^/?]+)(?:\?(.*))?$/

/** A registry-style error answer. @param {number} status @param {string} code @param {string} message */
function registryError(status, code, message) {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ errors: [{ code, message }] }) + '\n'
  }
}

/**
 * The descriptor a referrers listing gives for a manifest (distribution spec, "Listing Referrers"): its
 * `artifactType`, or for an image manifest without one its config's media type, and its annotations.
 * @param {Buffer} bytes @param {any} manifest @param {string} contentType @returns {ReferrerDescriptor}
 */
function referrerDescriptor(bytes, manifest, contentType) {
  const mediaType = manifest.mediaType ?? contentType
  const artifactType = manifest.artifactType ?? (manifest.manifests ? undefined : manifest.config?.mediaType)
  return {
    mediaType,
    digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    size: bytes.length,
    ...(artifactType ? { artifactType } : {}),
    ...(manifest.annotations ? { annotations: manifest.annotations } : {})
  }
}

/**
 * The proxy server itself, inside the worker.
 * @param {{ upstream: string, referrers: boolean, immutable: string[],
 *   port: import('node:worker_threads').MessagePort, signal: Int32Array }} setup
 */
async function serve(setup) {
  const { upstream, port, signal } = setup
  const [upstreamHost, upstreamPort] = upstream.split(':')
  const agent = new Agent({ keepAlive: true })
  /** @type {ProxiedRequest[]} */
  const requests = []
  /**
   * Faults by id, in the order added; cleared ones stay, inactive, so their counters can still be read.
   * @type {Map<number, { spec: Omit<FaultSpec, 'path'> & { path: RegExp }, seen: number, fired: number, active: boolean }>}
   */
  const faults = new Map()
  let nextId = 0
  let host = ''
  let referrersApi = setup.referrers
  const immutable = new Set(setup.immutable)
  /**
   * Manifests with a `subject` pushed while the referrers API was on, by `repository@subject`, then by digest.
   * @type {Map<string, Map<string, ReferrerDescriptor>>}
   */
  const referrers = new Map()

  port.on('message', (message) => {
    let reply
    if (message.type === 'requests') reply = requests
    if (message.type === 'fail') {
      const { source, flags } = message.spec.path
      reply = nextId++
      faults.set(reply, {
        spec: { ...message.spec, path: new RegExp(source, flags.replace(/[gy]/g, '')) },
        seen: 0,
        fired: 0,
        active: true
      })
    }
    if (message.type === 'fault') {
      const fault = faults.get(message.id)
      reply = { seen: fault?.seen ?? 0, fired: fault?.fired ?? 0 }
    }
    if (message.type === 'clear') for (const fault of faults.values()) fault.active = false
    if (message.type === 'referrers') referrersApi = message.on
    if (message.type === 'mutability') {
      if (message.mutability === 'IMMUTABLE') immutable.add(message.repository)
      else immutable.delete(message.repository)
    }
    port.postMessage(reply)
    Atomics.add(signal, 0, 1)
    Atomics.notify(signal, 0)
  })

  /** Every fault matching the request counts it; the first whose window it falls in fires. */
  function faultFor(method, path) {
    let chosen
    for (const fault of faults.values()) {
      const { spec } = fault
      if (!fault.active) continue
      if ((spec.method && spec.method.toUpperCase() !== method) || !spec.path.test(path)) continue
      fault.seen++
      const first = spec.nth ?? 1
      if (!chosen && fault.seen >= first && fault.seen < first + (spec.times ?? 1)) chosen = fault
    }
    if (chosen) chosen.fired++
    return chosen?.spec
  }

  /** @param {string} value */
  function rewriteLocation(value) {
    for (const prefix of [`http://${upstream}`, `https://${upstream}`]) {
      if (value.startsWith(prefix)) return `http://${host}${value.slice(prefix.length)}`
    }
    return value
  }

  /**
   * A request of the proxy's own to the registry, with the client's credentials (never others').
   * @param {string} method @param {string} path @param {string | undefined} authorization
   * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, body: Buffer }>}
   */
  function upstreamCall(method, path, authorization) {
    return new Promise((resolve, reject) => {
      const outgoing = forward({
        host: upstreamHost,
        port: Number(upstreamPort),
        method,
        path,
        agent,
        headers: {
          host: upstream,
          // Every manifest type, or distribution 2.8 would answer a Docker manifest converted to schema 1.
          accept: manifestTypes.join(', '),
          ...(authorization ? { authorization } : {})
        }
      })
      outgoing.on('response', (incoming) => {
        const chunks = []
        incoming.on('data', (chunk) => chunks.push(chunk))
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 502,
            headers: incoming.headers,
            body: Buffer.concat(chunks)
          })
        )
      })
      outgoing.on('error', reject)
      outgoing.end()
    })
  }

  /**
   * `GET /v2/<name>/referrers/<digest>` as the distribution spec has it: an image index of the manifests whose
   * `subject` is the digest (still in the registry), filtered by `artifactType` when asked. The registry decides
   * whether the client may read the repository.
   */
  async function listReferrers(request, name, digest, query) {
    if (!digestPattern.test(digest))
      return registryError(400, 'DIGEST_INVALID', `invalid digest '${digest}' for the referrers API`)
    const authorization = request.headers.authorization
    const access = await upstreamCall('GET', `/v2/${name}/tags/list`, authorization)
    if (access.status === 401 || access.status === 403) {
      return {
        status: access.status,
        headers: {
          'content-type': String(access.headers['content-type'] ?? 'application/json'),
          ...(access.headers['www-authenticate']
            ? { 'www-authenticate': String(access.headers['www-authenticate']) }
            : {})
        },
        body: access.body
      }
    }
    const recorded = referrers.get(`${name}@${digest}`) ?? new Map()
    // A referrer deleted from the registry (by whatever path) is no longer listed.
    for (const entry of [...recorded.values()]) {
      const head = await upstreamCall('HEAD', `/v2/${name}/manifests/${entry.digest}`, authorization)
      if (head.status === 404) recorded.delete(entry.digest)
    }
    const artifactType = new URLSearchParams(query ?? '').get('artifactType')
    const manifests = [...recorded.values()].filter(
      (entry) => !artifactType || entry.artifactType === artifactType
    )
    return {
      status: 200,
      headers: {
        'content-type': indexType,
        ...(artifactType ? { 'oci-filters-applied': 'artifactType' } : {})
      },
      body: JSON.stringify({ schemaVersion: 2, mediaType: indexType, manifests })
    }
  }

  /**
   * What ECR does before storing a manifest under a tag of an IMMUTABLE repository: the tag may be new, or
   * already name these very bytes; moving it is TAG_INVALID. Undefined lets the PUT through.
   */
  async function refuseImmutable(request, name, reference, bytes) {
    if (!immutable.has(name) || digestPattern.test(reference)) return undefined
    const current = await upstreamCall(
      'HEAD',
      `/v2/${name}/manifests/${reference}`,
      request.headers.authorization
    )
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`
    if (current.status !== 200 || current.headers['docker-content-digest'] === digest) return undefined
    return registryError(
      400,
      'TAG_INVALID',
      `The image tag '${reference}' already exists in the '${name}' repository and cannot be overwritten because the repository is immutable.`
    )
  }

  /** @param {import('node:http').ServerResponse} response @param {ProxiedRequest} record */
  function answer(response, record, reply) {
    record.status = reply.status
    record.bytesOut += Buffer.byteLength(reply.body)
    response.writeHead(reply.status, { 'docker-distribution-api-version': 'registry/2.0', ...reply.headers })
    response.end(reply.body)
  }

  /**
   * Forwards the request (its body streamed, or `bytes` when already read) and streams the answer back;
   * `onCreated` may add headers to a 2xx answer.
   */
  function forwardRequest(request, response, record, fault, bytes, onCreated) {
    const method = request.method ?? 'GET'
    const path = request.url ?? '/'
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => !hopByHop.has(name.toLowerCase()))
    )
    const outgoing = forward({
      host: upstreamHost,
      port: Number(upstreamPort),
      method,
      path,
      agent,
      headers: { ...headers, host: upstream }
    })
    outgoing.on('response', (incoming) => {
      const raw = []
      for (let index = 0; index < incoming.rawHeaders.length; index += 2) {
        const name = incoming.rawHeaders[index]
        if (hopByHop.has(name.toLowerCase())) continue
        const value = incoming.rawHeaders[index + 1]
        raw.push(name, name.toLowerCase() === 'location' ? rewriteLocation(value) : value)
      }
      const status = incoming.statusCode ?? 502
      if (status >= 200 && status < 300 && onCreated) raw.push(...onCreated())
      if (fault?.reset === 'response') {
        record.fault = 'reset'
        const length = Number(incoming.headers['content-length'] ?? 0)
        if (length === 0 && !('transfer-encoding' in incoming.headers)) {
          incoming.resume()
          request.socket.destroy()
          return
        }
        record.status = incoming.statusCode
        response.writeHead(status, raw)
        const half = Math.max(1, Math.floor(length / 2))
        let sent = 0
        incoming.on('data', (chunk) => {
          if (sent >= half) return
          const part = chunk.subarray(0, half - sent)
          sent += part.length
          record.bytesOut += part.length
          response.write(part)
          if (sent >= half) {
            incoming.destroy()
            // Let the written part leave before the connection goes.
            setTimeout(() => request.socket.destroy(), 20)
          }
        })
        return
      }
      record.status = incoming.statusCode
      response.writeHead(status, raw)
      incoming.on('data', (chunk) => (record.bytesOut += chunk.length))
      incoming.pipe(response)
    })
    outgoing.on('error', (error) => {
      if (response.headersSent || request.socket.destroyed) {
        request.socket.destroy()
        return
      }
      record.status = 502
      response.writeHead(502, { 'content-type': 'text/plain' })
      response.end(`registry proxy: upstream ${upstream} failed: ${error.message}\n`)
    })
    if (bytes) {
      outgoing.end(bytes)
      return
    }
    // A client that gives up mid-upload takes the forwarded request down with it.
    request.on('close', () => {
      if (!request.complete) outgoing.destroy()
    })
    request.pipe(outgoing)
  }

  /** A manifest PUT, read whole: checked against IMMUTABLE tags, and recorded as a referrer when it has a subject. */
  async function putManifest(request, response, record, fault, name, reference) {
    const bytes = await new Promise((resolve, reject) => {
      const chunks = []
      request.on('data', (chunk) => chunks.push(chunk))
      request.on('end', () => resolve(Buffer.concat(chunks)))
      request.on('error', reject)
    })
    const refused = await refuseImmutable(request, name, reference, bytes)
    if (refused) return answer(response, record, refused)
    let manifest
    try {
      manifest = JSON.parse(bytes.toString('utf8'))
    } catch {
      manifest = undefined
    }
    const subject = manifest?.subject?.digest
    forwardRequest(request, response, record, fault, bytes, () => {
      if (!referrersApi || typeof subject !== 'string') return []
      const key = `${name}@${subject}`
      const entry = referrerDescriptor(bytes, manifest, String(request.headers['content-type'] ?? ''))
      if (!referrers.has(key)) referrers.set(key, new Map())
      referrers.get(key)?.set(entry.digest, entry)
      // OCI 1.1: the registry says it processed the subject, so the client writes no fallback tag.
      return ['OCI-Subject', subject]
    })
  }

  const server = createServer((request, response) => {
    const method = request.method ?? 'GET'
    const path = request.url ?? '/'
    /** @type {ProxiedRequest} */
    const record = {
      method,
      path,
      bytesIn: 0,
      bytesOut: 0,
      authorized: Boolean(request.headers.authorization)
    }
    requests.push(record)
    request.on('data', (chunk) => (record.bytesIn += chunk.length))
    const fault = faultFor(method, path)
    const hasBody =
      Number(request.headers['content-length'] ?? 0) > 0 || 'transfer-encoding' in request.headers

    if (fault?.status) {
      const { status, retryAfter } = fault
      record.fault = 'status'
      // Read the body first, so the client sees the answer rather than a broken pipe.
      request.resume()
      request.on('end', () => {
        record.status = status
        response.writeHead(status, {
          'content-type': status === 502 ? 'text/html' : 'application/json; charset=utf-8',
          'docker-distribution-api-version': 'registry/2.0',
          ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {})
        })
        response.end(
          status === 502 ? '<html><body><h1>502 Bad Gateway</h1></body></html>\n' : errorBody(status)
        )
      })
      return
    }
    if (fault?.reset === 'request') {
      record.fault = 'reset'
      if (hasBody) request.once('data', () => request.socket.destroy())
      else request.socket.destroy()
      return
    }

    const failed = (error) => {
      if (response.headersSent) request.socket.destroy()
      else answer(response, record, registryError(502, 'UNKNOWN', `registry proxy: ${error.message}`))
    }
    const listing = referrersGet.exec(path)
    if (referrersApi && method === 'GET' && listing) {
      listReferrers(request, listing[1], listing[2], listing[3]).then(
        (reply) => answer(response, record, reply),
        failed
      )
      return
    }
    const put = manifestPut.exec(path)
    if (method === 'PUT' && put) {
      putManifest(request, response, record, fault, put[1], put[2]).catch(failed)
      return
    }
    forwardRequest(request, response, record, fault)
  })
  // Bytes that are not HTTP (a TLS hello: clients try https first) get a plain 400, as the registry answers:
  // that is what makes docker and BuildKit fall back to http. A reset connection is just closed.
  server.on('clientError', (error, socket) => {
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'ECONNRESET' && socket.writable) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    }
    socket.destroy()
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  host = `127.0.0.1:${address.port}`
  return host
}

if (!isMainThread && workerData?.registryProxy) {
  const { parentPort } = await import('node:worker_threads')
  parentPort?.postMessage({ host: await serve(workerData.registryProxy) })
}
