// Converts an NDJSON file to one Parquet file with DuckDB, the reference the
// benchmark compares lakeload with:
//
//   node bench/duckdb_convert.mjs [--sample-all] INPUT.ndjson OUTPUT.parquet
//
// runs COPY (SELECT * FROM read_json(INPUT)) TO OUTPUT (FORMAT parquet,
// COMPRESSION snappy) with DuckDB's defaults and prints "rows=N" (the count
// COPY reports) and "seconds=S", the wall time of that statement alone,
// measured inside this process: node's start-up, loading DuckDB and opening
// the in-memory database are not counted, as they are a cost of this runner,
// not of DuckDB. DUCKDB_THREADS, if set, caps DuckDB's worker threads; by
// default it uses every core.
//
// By default read_json infers the schema from its first 20480 records: the
// fair comparison, on input whose keys all appear early (gen_events
// --keys-early 1). --sample-all adds sample_size = -1, which reads the whole
// file to infer the schema: without it a key that first appears later
// (gen_events writes such keys by default) fails the COPY with "unknown key".
// It costs DuckDB an extra pass over the input, and it is what a user has to
// write to keep every column of such input, as lakeload does.
//
// @duckdb/node-api is the copy `make deps` installs for the interop tests,
// resolved from tests/interop so the benchmark needs no install of its own.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const requireInterop = createRequire(path.join(here, '..', 'tests', 'interop', 'package.json'));

function loadDuckDB() {
  try {
    return requireInterop('@duckdb/node-api');
  } catch (e) {
    console.error(`duckdb_convert: cannot load @duckdb/node-api from tests/interop (run 'make deps'): ${e.message}`);
    process.exit(2);
  }
}

// SQL string literal: DuckDB has no parameters in COPY's file names.
const quote = (s) => `'${s.replaceAll("'", "''")}'`;

const args = process.argv.slice(2);
const sampleAll = args[0] === '--sample-all';
const [input, output] = sampleAll ? args.slice(1) : args;
if (!input || !output) {
  console.error('usage: node duckdb_convert.mjs [--sample-all] INPUT.ndjson OUTPUT.parquet');
  process.exit(2);
}

const { DuckDBInstance } = loadDuckDB();
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
try {
  if (process.env.DUCKDB_THREADS)
    await connection.run(`SET threads = ${Number.parseInt(process.env.DUCKDB_THREADS, 10)}`);
  const source = sampleAll ? `read_json(${quote(input)}, sample_size = -1)` : `read_json(${quote(input)})`;
  const started = performance.now();
  const reader = await connection.runAndReadAll(
    `COPY (SELECT * FROM ${source}) TO ${quote(output)} (FORMAT parquet, COMPRESSION snappy)`);
  const seconds = (performance.now() - started) / 1000;
  const rows = reader.getRows()[0]?.[0];
  console.log(`rows=${rows ?? 'unknown'}`);
  console.log(`seconds=${seconds.toFixed(3)}`);
} catch (e) {
  console.error(`duckdb_convert: ${e.message}`);
  process.exit(1);
}
