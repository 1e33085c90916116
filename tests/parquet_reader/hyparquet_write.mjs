// Writes a Parquet file with hyparquet-writer, whose data pages are v2
// pages (levels uncompressed ahead of the values, RLE booleans), for the
// reader's tests:
//
//   node hyparquet_write.mjs FILE compressed|uncompressed
//
// The module comes from tests/interop/node_modules ($LL_INTEROP_DIR).
import { pathToFileURL } from 'node:url';

const [file, mode] = process.argv.slice(2);
if (!file || (mode !== 'compressed' && mode !== 'uncompressed')) {
  console.error('usage: node hyparquet_write.mjs FILE compressed|uncompressed');
  process.exit(2);
}
const dir = process.env.LL_INTEROP_DIR;
const { parquetWriteFile } = await import(pathToFileURL(`${dir}/node_modules/hyparquet-writer/src/node.js`));

const n = 1000;
const rows = Array.from({ length: n }, (_, i) => i);
const maybe = (i, every, v) => (i % every === 0 ? null : v);
parquetWriteFile({
  filename: file,
  compressed: mode === 'compressed',
  rowGroupSize: 300,
  columnData: [
    { name: 'flag', data: rows.map((i) => maybe(i, 7, i % 3 === 0)), type: 'BOOLEAN' },
    { name: 'i32', data: rows.map((i) => maybe(i, 5, i * 7 - 3000)), type: 'INT32' },
    { name: 'i64', data: rows.map((i) => BigInt(i) * 10000000007n - 5n), type: 'INT64' },
    { name: 'dbl', data: rows.map((i) => maybe(i, 4, i / 8)), type: 'DOUBLE' },
    { name: 'flt', data: rows.map((i) => i / 4), type: 'FLOAT' },
    { name: 'txt', data: rows.map((i) => maybe(i, 6, `s${i % 13}`)), type: 'STRING' },
    { name: 'js', data: rows.map((i) => maybe(i, 9, { k: i, v: [i, 'x'] })), type: 'JSON' },
    { name: 'ts', data: rows.map((i) => maybe(i, 11, new Date(Date.UTC(1969, 11, 31) + i * 3600123))), type: 'TIMESTAMP' },
  ],
});
