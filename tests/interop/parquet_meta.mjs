// Prints what DuckDB reads from a Parquet file's footer, as one JSON object:
//
//   node parquet_meta.mjs [--pages] FILE
//
//   {
//     "file":     parquet_file_metadata() row: created_by, num_rows,
//                 num_row_groups, format_version, ...
//     "schema":   parquet_schema() rows, root first, depth-first: name, type,
//                 type_length, repetition_type, num_children, converted_type,
//                 scale, precision, field_id, logical_type, duckdb_type
//     "columns":  parquet_metadata() rows, one per column chunk, in row group
//                 then column order: row_group_id, row_group_num_rows,
//                 path_in_schema, type, num_values, compression, encodings,
//                 stats_min, stats_max, stats_min_value, stats_max_value,
//                 stats_null_count, data_page_offset, dictionary_page_offset,
//                 total_compressed_size, total_uncompressed_size, ...
//     "kv":       parquet_kv_metadata() rows (key, value as text)
//   }
//
// With --pages, every "columns" row also gets "pages": the headers of the
// chunk's pages in file order, {type, num_values, encoding,
// compressed_page_size, uncompressed_page_size}, read by walking the chunk
// with the small Thrift compact decoder below (DuckDB does not list pages).
//
// Values are DuckDB's JSON rendering: integers of 64 bits and more as strings,
// missing fields as null; the file_name column is left out. Exit status: 0 on
// success, 1 when DuckDB cannot read the file, 2 on bad usage.
import { DuckDBInstance } from '@duckdb/node-api';

import { openSync, readSync, closeSync } from 'node:fs';

const args = process.argv.slice(2);
const withPages = args[0] === '--pages';
if (withPages) args.shift();
const file = args[0];
if (!file || args.length > 1) {
  console.error('usage: node parquet_meta.mjs [--pages] FILE');
  process.exit(2);
}

// ---- just enough Thrift compact protocol to read page headers ----

const PAGE_TYPES = ['DATA_PAGE', 'INDEX_PAGE', 'DICTIONARY_PAGE', 'DATA_PAGE_V2'];
const ENCODINGS = ['PLAIN', 'GROUP_VAR_INT', 'PLAIN_DICTIONARY', 'RLE', 'BIT_PACKED',
  'DELTA_BINARY_PACKED', 'DELTA_LENGTH_BYTE_ARRAY', 'DELTA_BYTE_ARRAY', 'RLE_DICTIONARY',
  'BYTE_STREAM_SPLIT'];

class Cursor {
  constructor(bytes) { this.bytes = bytes; this.pos = 0; }
  byte() {
    if (this.pos >= this.bytes.length) throw new Error('page header runs past the column chunk');
    return this.bytes[this.pos++];
  }
  varint() {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = this.byte();
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  }
  zigzag() {
    const v = this.varint();
    return Number((v >> 1n) ^ -(v & 1n));
  }
}

// Reads one value of a compact-protocol type into plain JS (structs keyed by field id).
function readValue(c, type) {
  switch (type) {
    case 1: return true;
    case 2: return false;
    case 3: return c.byte();
    case 4: case 5: case 6: return c.zigzag();
    case 7: c.pos += 8; return null;
    case 8: { const n = Number(c.varint()); const v = c.bytes.subarray(c.pos, c.pos + n); c.pos += n; return v; }
    case 9: case 10: {
      const h = c.byte();
      const n = (h >> 4) === 15 ? Number(c.varint()) : h >> 4;
      const et = h & 15;
      const out = [];
      for (let i = 0; i < n; i++) out.push(et === 1 || et === 2 ? c.byte() === 1 : readValue(c, et));
      return out;
    }
    case 11: {
      const n = Number(c.varint());
      if (!n) return [];
      const kv = c.byte();
      const out = [];
      for (let i = 0; i < n; i++) out.push([readValue(c, kv >> 4), readValue(c, kv & 15)]);
      return out;
    }
    case 12: {
      const out = {};
      let last = 0;
      for (;;) {
        const h = c.byte();
        if (h === 0) return out;
        const delta = h >> 4;
        const id = delta ? last + delta : c.zigzag();
        out[id] = readValue(c, h & 15);
        last = id;
      }
    }
    default: throw new Error(`unknown Thrift compact type ${type}`);
  }
}

function readPages(fd, row) {
  const start = Number(row.dictionary_page_offset ?? row.data_page_offset);
  const size = Number(row.total_compressed_size);
  const bytes = Buffer.alloc(size);
  readSync(fd, bytes, 0, size, start);
  const c = new Cursor(bytes);
  const pages = [];
  while (c.pos < size) {
    const h = readValue(c, 12);
    const sub = h[5] ?? h[7] ?? h[8] ?? {};
    pages.push({
      type: PAGE_TYPES[h[1]] ?? String(h[1]),
      num_values: sub[1],
      encoding: ENCODINGS[h[8] ? sub[4] : sub[2]] ?? String(sub[2]),
      compressed_page_size: h[3],
      uncompressed_page_size: h[2],
    });
    c.pos += h[3];
  }
  return pages;
}

function withoutFileName(rows) {
  return rows.map((row) => {
    const { file_name: _ignored, ...rest } = row;
    return rest;
  });
}

try {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const quoted = `'${file.replaceAll("'", "''")}'`;
  const read = async (fn) =>
    withoutFileName((await connection.runAndReadAll(`SELECT * FROM ${fn}(${quoted})`)).getRowObjectsJson());
  const out = {
    file: (await read('parquet_file_metadata'))[0] ?? null,
    schema: await read('parquet_schema'),
    columns: await read('parquet_metadata'),
    kv: (await read('parquet_kv_metadata')).map((r) => ({ key: String(r.key), value: String(r.value) })),
  };
  if (withPages) {
    const fd = openSync(file, 'r');
    try {
      for (const row of out.columns) row.pages = readPages(fd, row);
    } finally {
      closeSync(fd);
    }
  }
  process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
} catch (e) {
  console.error(`duckdb: ${e.message}`);
  process.exit(1);
}
