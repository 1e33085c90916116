// Starts the s3rver S3 emulator for a test and prints where it listens.
//
//   node s3_server.mjs <directory> [bucket...]
//
// Binds 127.0.0.1 on a free port, creates the named buckets, then prints one
// line of JSON, {"port": N}, on stdout. The credentials it accepts are
// access key "S3RVER" with secret "S3RVER"; signatures are verified.
//
// The server runs until its stdin closes or it gets SIGTERM, so a test that
// dies without cleaning up still takes the server down with it.
//
// s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3
// keeps in its legacy provider; without it every paginated listing fails with
// InternalError. When this node cannot use DES, the script runs itself again
// with the legacy provider enabled.
import { spawn } from 'node:child_process'
import { createCipheriv } from 'node:crypto'
import { createRequire } from 'node:module'

function desAvailable() {
  try {
    createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8))
    return true
  } catch {
    return false
  }
}

if (!desAvailable() && !process.execArgv.includes('--openssl-legacy-provider')) {
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', ...process.execArgv, ...process.argv.slice(1)],
    { stdio: 'inherit' }
  )
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
} else {
  await serve()
}

async function serve() {
  const require = createRequire(import.meta.url)
  const S3rver = require('@20minutes/s3rver')

  const [directory, ...buckets] = process.argv.slice(2)
  if (!directory) {
    console.error('usage: node s3_server.mjs <directory> [bucket...]')
    process.exit(2)
  }

  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name })),
  })

  const { port } = await server.run()
  process.stdout.write(`${JSON.stringify({ port })}\n`)

  let stopping = false
  async function stop() {
    if (stopping) return
    stopping = true
    server.httpServer.closeAllConnections?.()
    await server.close().catch(() => {})
    process.exit(0)
  }
  process.stdin.on('end', stop)
  process.stdin.on('close', stop)
  process.stdin.resume()
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}
