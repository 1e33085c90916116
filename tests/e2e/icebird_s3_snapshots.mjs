// Reads every snapshot of an Iceberg table on an S3 emulator with icebird
// (an independent JavaScript reader) and prints one line per snapshot:
//
//   node icebird_s3_snapshots.mjs ENDPOINT s3://BUCKET/KEY/OF/N.metadata.json
//   -> "<sequence number> <rows> <sha256 of the rows, sorted, as JSON>"
//
// icebird turns s3://bucket/key into https://bucket.s3.amazonaws.com/key;
// this script sends those requests to ENDPOINT/bucket/key instead (path
// style, unsigned, which s3rver serves), so nothing leaves the machine. A
// snapshot is read by giving icebird the metadata with that snapshot as the
// current one. Snapshots are named by sequence number: their ids need 64
// bits, more than a JSON number here keeps. Exit status: 0 on success, 1 when reading fails, 2 on bad usage.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [endpoint, metadataLocation] = process.argv.slice(2);
if (!endpoint || !metadataLocation?.startsWith('s3://') || !process.env.LL_INTEROP_DIR) {
  console.error('usage: LL_INTEROP_DIR=... node icebird_s3_snapshots.mjs ENDPOINT s3://BUCKET/KEY');
  process.exit(2);
}

const realFetch = globalThis.fetch;
const AWS_HOST = /^https:\/\/([^/]+)\.s3\.amazonaws\.com\//;
globalThis.fetch = (input, init) => {
  const url = typeof input === 'string' ? input : input.url;
  const m = url.match(AWS_HOST);
  return realFetch(m ? `${endpoint}/${m[1]}/${url.slice(m[0].length)}` : url, init);
};

const stringify = (v) => JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? x.toString() : x));

try {
  const icebird = join(process.env.LL_INTEROP_DIR, 'node_modules/icebird/src/index.js');
  const { icebergRead } = await import(pathToFileURL(icebird).href);
  const reply = await globalThis.fetch(`${endpoint}/${metadataLocation.slice('s3://'.length)}`);
  if (!reply.ok) throw new Error(`${metadataLocation}: HTTP ${reply.status}`);
  const metadata = await reply.json();
  for (const snapshot of metadata.snapshots ?? []) {
    const id = snapshot['snapshot-id'];
    const rows = await icebergRead({
      tableUrl: metadata.location,
      metadata: { ...metadata, 'current-snapshot-id': id },
    });
    const text = rows.map(stringify).sort().join('\n');
    const digest = createHash('sha256').update(text).digest('hex');
    process.stdout.write(`${snapshot['sequence-number']} ${rows.length} ${digest}\n`);
  }
} catch (e) {
  console.error(`icebird failed: ${e.message}`);
  process.exit(1);
}
