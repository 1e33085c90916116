// Runs one SQL statement in an in-memory DuckDB and prints each result row
// as one line of comma-separated values (NULL prints as an empty field), so
// shell tests can compare what DuckDB reads from lakeload's files with what
// lakeload itself reports.
//
//   node duckdb_query.mjs "SELECT count(*) FROM read_parquet('lake/shop/events/*.parquet')"
import { DuckDBInstance } from '@duckdb/node-api';

const sql = process.argv[2];
if (!sql) {
  console.error('usage: node duckdb_query.mjs SQL');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
try {
  const reader = await connection.runAndReadAll(sql);
  for (const row of reader.getRowsJson()) {
    console.log(row.map((v) => (v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v))).join(','));
  }
} catch (e) {
  console.error(`duckdb: ${e.message}`);
  process.exit(1);
}
