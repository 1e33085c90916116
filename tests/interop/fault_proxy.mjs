// An HTTP proxy that puts faults between an S3 client and an S3 server, so
// tests can check that the client retries what it should and stays correct.
//
//   node fault_proxy.mjs <upstream port>
//
// Listens on 127.0.0.1 on a free port and prints {"port": N} on stdout.
// Requests go to 127.0.0.1:<upstream port> unchanged (the Host header too,
// so SigV4 signatures stay valid), unless a rule injects a fault. It runs
// until its stdin closes or it gets SIGTERM.
//
// Control requests, answered by the proxy itself:
//   PUT /__proxy/rules    {"rules": [{"match": "<regex>", "faults": [...],
//                          "repeat": false}]}
//       The first rule whose regex matches "<METHOD> <url>" applies. Each
//       distinct request (method, url and Range header) meets the faults in
//       order on its first attempts and passes afterwards; with "repeat"
//       the faults cycle forever. Setting rules clears the log.
//   GET /__proxy/log      [{"method", "url", "fault"}] of every request
//   GET /__proxy/uploads  {"started": [...], "completed": [...],
//                          "aborted": [...]} multipart upload ids
//   GET /__proxy/stats    {"max_in_flight": N}, the most requests open at
//                          once since the rules were set
//
// Faults: "500", "503", "slowdown" (503 SlowDown), "429", "timeout400"
// (400 RequestTimeout), "error200" (200 carrying an InternalError, as S3
// does for a failed CompleteMultipartUpload), "400" (InvalidArgument),
// "403" (AccessDenied), "412" (PreconditionFailed), "wrong-region" (301
// PermanentRedirect naming the bucket's region), "reset" (connection
// closed before any reply), "reset-mid" (the upstream reply cut off halfway
// through its body), "stall" (no reply at all until the client gives up),
// "delay" (forwarded 300 ms late, so concurrent requests overlap) and
// "partial-delete" (a DeleteObjects reply refusing the first two keys with
// AccessDenied, nothing deleted) and "bad-last-modified" (the upstream
// ListObjectsV2 reply with every object's LastModified in turn dropped or
// made unreadable).
//
// s3rver has no AbortMultipartUpload, so the proxy answers that request
// itself with 204 and records the upload as aborted.
import http from 'node:http'

const upstreamPort = Number(process.argv[2])
if (!upstreamPort) {
  console.error('usage: node fault_proxy.mjs <upstream port>')
  process.exit(2)
}

const agent = new http.Agent({ keepAlive: true })
let rules = []
let attempts = new Map()
let log = []
let inFlight = 0
let maxInFlight = 0
const uploads = { started: [], completed: [], aborted: [] }

const errors = {
  500: [500, 'InternalError', 'We encountered an internal error. Please try again.'],
  503: [503, 'ServiceUnavailable', 'Service is unable to handle request.'],
  slowdown: [503, 'SlowDown', 'Please reduce your request rate.'],
  429: [429, 'TooManyRequests', 'Too many requests.'],
  timeout400: [
    400,
    'RequestTimeout',
    'Your socket connection to the server was not read from or written to within the timeout period.',
  ],
  error200: [200, 'InternalError', 'We encountered an internal error. Please try again.'],
  400: [400, 'InvalidArgument', 'Injected invalid argument.'],
  403: [403, 'AccessDenied', 'Access Denied'],
  412: [412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold'],
  'wrong-region': [
    301,
    'PermanentRedirect',
    'The bucket you are attempting to access must be addressed using the specified endpoint.',
  ],
}

function faultFor(req) {
  const line = `${req.method} ${req.url}`
  const rule = rules.find((r) => new RegExp(r.match).test(line))
  if (!rule || !rule.faults.length) return null
  const id = `${rules.indexOf(rule)} ${line} ${req.headers.range ?? ''}`
  const n = attempts.get(id) ?? 0
  attempts.set(id, n + 1)
  if (rule.repeat) return rule.faults[n % rule.faults.length]
  return n < rule.faults.length ? rule.faults[n] : null
}

function sendError(res, fault) {
  const [status, code, message] = errors[fault]
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>proxy-fault</RequestId></Error>`
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    'x-amz-request-id': 'proxy-fault',
    ...(fault === 'wrong-region' ? { 'x-amz-bucket-region': 'eu-north-1' } : {}),
  })
  res.end(body)
}

// Answers a DeleteObjects request as if the first two keys were refused.
function refuseSome(res, body) {
  const keys = [...body.toString().matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1])
  const entry = (key, i) =>
    i < 2
      ? `<Error><Key>${key}</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`
      : `<Deleted><Key>${key}</Key></Deleted>`
  const text =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    keys.map(entry).join('') +
    '</DeleteResult>'
  res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

// Drops the LastModified of every other listed object and garbles the rest.
function spoilLastModified(reply) {
  let n = 0
  const text = reply
    .toString()
    .replace(/<LastModified>[^<]*<\/LastModified>/g, () => (n++ % 2 ? '<LastModified>yesterday</LastModified>' : ''))
  return Buffer.from(text)
}

function readBody(stream) {
  return new Promise((resolve, reject) => {
    const chunks = []
    stream.on('data', (c) => chunks.push(c))
    stream.on('end', () => resolve(Buffer.concat(chunks)))
    stream.on('error', reject)
  })
}

function control(req, res, body) {
  const reply = (value) => {
    const text = JSON.stringify(value)
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(text)
  }
  if (req.method === 'PUT' && req.url === '/__proxy/rules') {
    rules = JSON.parse(body.toString()).rules ?? []
    attempts = new Map()
    log = []
    maxInFlight = inFlight
    return reply({ ok: true })
  }
  if (req.url === '/__proxy/log') return reply(log)
  if (req.url === '/__proxy/uploads') return reply(uploads)
  if (req.url === '/__proxy/stats') return reply({ max_in_flight: maxInFlight })
  res.writeHead(404)
  res.end()
}

// Notes multipart upload ids as they start and complete.
function track(req, status, body) {
  const url = new URL(req.url, 'http://proxy')
  if (req.method === 'POST' && url.searchParams.has('uploads') && status === 200) {
    const id = /<UploadId>([^<]*)<\/UploadId>/.exec(body.toString())?.[1]
    if (id) uploads.started.push(id)
  }
  const id = url.searchParams.get('uploadId')
  if (req.method === 'POST' && id && status === 200 && !/<Error>/.test(body.toString())) {
    uploads.completed.push(id)
  }
}

function forward(req, res, body, fault) {
  const headers = { ...req.headers }
  delete headers.expect
  const up = http.request(
    { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers, agent },
    async (ures) => {
      const reply = await readBody(ures)
      track(req, ures.statusCode, reply)
      if (fault === 'reset-mid') {
        res.writeHead(ures.statusCode, ures.headers)
        res.write(reply.subarray(0, Math.floor(reply.length / 2)))
        setTimeout(() => res.socket?.destroy(), 50)
        return
      }
      if (fault === 'bad-last-modified') {
        const spoiled = spoilLastModified(reply)
        const headers = { ...ures.headers, 'content-length': String(spoiled.length) }
        delete headers['transfer-encoding']
        res.writeHead(ures.statusCode, headers)
        return res.end(spoiled)
      }
      res.writeHead(ures.statusCode, ures.headers)
      res.end(reply)
    }
  )
  up.on('error', () => res.socket?.destroy())
  up.end(body)
}

async function handle(req, res) {
  if (req.url.startsWith('/__proxy/')) return control(req, res, await readBody(req))
  const fault = faultFor(req)
  log.push({ method: req.method, url: req.url, fault })
  inFlight++
  maxInFlight = Math.max(maxInFlight, inFlight)
  res.on('close', () => inFlight--)
  if (fault === 'reset') return req.socket.destroy()
  if (fault === 'stall') {
    req.resume()
    return
  }
  if (errors[fault]) {
    req.resume()
    return sendError(res, fault)
  }
  const body = await readBody(req)
  if (fault === 'delay') await new Promise((resolve) => setTimeout(resolve, 300))
  if (fault === 'partial-delete') return refuseSome(res, body)
  const url = new URL(req.url, 'http://proxy')
  if (req.method === 'DELETE' && url.searchParams.has('uploadId')) {
    uploads.aborted.push(url.searchParams.get('uploadId'))
    res.writeHead(204, { 'x-amz-request-id': 'proxy-abort' })
    return res.end()
  }
  forward(req, res, body, fault)
}

const server = http.createServer((req, res) => {
  handle(req, res).catch(() => res.socket?.destroy())
})
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`)
})

let stopping = false
function stop() {
  if (stopping) return
  stopping = true
  server.closeAllConnections()
  server.close(() => process.exit(0))
  setTimeout(() => process.exit(0), 1000).unref()
}
process.stdin.on('end', stop)
process.stdin.on('close', stop)
process.stdin.resume()
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
