// A fault-injecting HTTP proxy in front of the test registry. It forwards every request (bodies streamed both
// ways, so chunked blob uploads pass as they are), rewrites `Location` headers that point at the registry so
// clients keep talking to the proxy, records each request, and fails the requests a test chooses: with an
// HTTP status (registry-style error bodies, `Retry-After` on 429) or by destroying the connection.
//
// The server runs in a worker thread and the test talks to it synchronously, so a test may block its own
// thread (execFileSync('docker', ['push', ...]), stack.login()) while the proxy keeps serving.
import { Agent, createServer, request as forward } from 'node:http'
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
 * @typedef {{ host: string, url: string, upstream: string, readonly requests: ProxiedRequest[],
 *   fail: (spec: FaultSpec) => Fault, clear: () => void, close: () => Promise<void> }} RegistryProxy
 */

const callTimeoutMs = 10_000

/**
 * Starts the proxy on 127.0.0.1 (a free port) in front of `upstream` (the registry's `host:port`).
 * @param {{ upstream: string }} options
 * @returns {Promise<RegistryProxy>}
 */
export async function startRegistryProxy(options) {
  const { port1: port, port2 } = new MessageChannel()
  const signal = new Int32Array(new SharedArrayBuffer(4))
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { registryProxy: { upstream: options.upstream, port: port2, signal } },
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

/**
 * The proxy server itself, inside the worker.
 * @param {{ upstream: string, port: import('node:worker_threads').MessagePort, signal: Int32Array }} setup
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
      if (fault?.reset === 'response') {
        record.fault = 'reset'
        const length = Number(incoming.headers['content-length'] ?? 0)
        if (length === 0 && !('transfer-encoding' in incoming.headers)) {
          incoming.resume()
          request.socket.destroy()
          return
        }
        record.status = incoming.statusCode
        response.writeHead(incoming.statusCode ?? 502, raw)
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
      response.writeHead(incoming.statusCode ?? 502, raw)
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
    // A client that gives up mid-upload takes the forwarded request down with it.
    request.on('close', () => {
      if (!request.complete) outgoing.destroy()
    })
    request.pipe(outgoing)
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
