// Converts an NDJSON file to one Parquet file with DuckDB, the reference the
// benchmark compares lakeload with:
//
//   node bench/duckdb_convert.mjs INPUT.ndjson OUTPUT.parquet
//
// Prints "rows=N" (the count COPY reports) on stdout. DUCKDB_THREADS, if set,
// caps DuckDB's worker threads; by default it uses every core.
//
// sample_size=-1 makes DuckDB infer the schema from the whole file rather
// than its first 20480 records: with the default, a key that first appears
// later (gen_events writes such keys on purpose) fails the whole COPY with
// "unknown key". It costs DuckDB an extra pass over the input, and it is what
// a user has to write to keep every column, as lakeload does.
//
// @duckdb/node-api is the copy `make deps` installs for the interop tests,
// resolved from tests/interop so the benchmark needs no install of its own.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
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

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node duckdb_convert.mjs INPUT.ndjson OUTPUT.parquet');
  process.exit(2);
}

const { DuckDBInstance } = loadDuckDB();
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
try {
  if (process.env.DUCKDB_THREADS)
    await connection.run(`SET threads = ${Number.parseInt(process.env.DUCKDB_THREADS, 10)}`);
  const reader = await connection.runAndReadAll(
    `COPY (SELECT * FROM read_json(${quote(input)}, sample_size = -1)) TO ${quote(output)} (FORMAT parquet)`);
  const rows = reader.getRows()[0]?.[0];
  console.log(`rows=${rows ?? 'unknown'}`);
} catch (e) {
  console.error(`duckdb_convert: ${e.message}`);
  process.exit(1);
}
