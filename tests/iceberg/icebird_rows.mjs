// Reads an Iceberg table through a given metadata file with icebird (an
// independent JavaScript reader) and prints the current snapshot's rows as
// JSON, in the form of testdata/iceberg-foreign/*.expected.json's "data":
//
//   node icebird_rows.mjs BUCKET_DIR METADATA_FILE
//
// The reference tables name their files as s3://hyperparam-iceberg/...;
// icebird turns those into https://hyperparam-iceberg.s3.amazonaws.com/...
// URLs, which this script serves from BUCKET_DIR (HEAD and ranged GET), so
// nothing leaves the machine. Tables lakeload writes into a local lake have
// file:// locations; those are served from the file system as they are. Integers beyond JSON numbers print as decimal
// strings and dates as ISO strings, as the expected files have them.
// Exit status: 0 on success, 1 when reading fails, 2 on bad usage.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [bucketDir, metadataFile] = process.argv.slice(2);
if (!bucketDir || !metadataFile || !process.env.LL_INTEROP_DIR) {
  console.error('usage: LL_INTEROP_DIR=... node icebird_rows.mjs BUCKET_DIR METADATA_FILE');
  process.exit(2);
}

const BUCKET_URL = 'https://hyperparam-iceberg.s3.amazonaws.com/';

async function serveLocal(input, init = {}) {
  const url = typeof input === 'string' ? input : input.url;
  let path;
  if (url.startsWith('file://')) {
    path = fileURLToPath(url);
  } else if (url.startsWith(BUCKET_URL)) {
    path = join(bucketDir, decodeURIComponent(url.slice(BUCKET_URL.length)));
  } else {
    return new Response(null, { status: 404 });
  }
  const size = (await stat(path)).size;
  if (init.method === 'HEAD') {
    return new Response(null, { status: 200, headers: { 'content-length': String(size) } });
  }
  const bytes = await readFile(path);
  const range = new Headers(init.headers).get('Range');
  const m = range && range.match(/^bytes=(\d+)-(\d*)$/);
  if (!m) {
    return new Response(bytes, { status: 200, headers: { 'content-length': String(size) } });
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return new Response(bytes.subarray(start, end + 1), {
    status: 206,
    headers: { 'content-range': `bytes ${start}-${end}/${size}` },
  });
}
globalThis.fetch = serveLocal;

try {
  const icebird = join(process.env.LL_INTEROP_DIR, 'node_modules/icebird/src/index.js');
  const { icebergRead } = await import(pathToFileURL(icebird).href);
  const metadata = JSON.parse(await readFile(metadataFile, 'utf8'));
  const rows = await icebergRead({ tableUrl: metadata.location, metadata });
  process.stdout.write(JSON.stringify(rows, (k, v) => (typeof v === 'bigint' ? v.toString() : v)));
  process.stdout.write('\n');
} catch (e) {
  console.error(`icebird failed: ${e.message}`);
  process.exit(1);
}
