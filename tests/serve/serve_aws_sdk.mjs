// Drives `lakeload serve` with the AWS SDK for JavaScript v3
// (@aws-sdk/client-glue, @aws-sdk/client-athena from tests/interop): the
// Glue and Athena calls, paging, a stale VersionId, a bad signature, a
// failing query, and results equal to `lakeload query` (expected.csv).
//
// usage: node serve_aws_sdk.mjs URL LAKE RESULTS_DIR EXPECTED_CSV
// Prints failed checks and "N passed, M failed"; exits 1 on failure.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(join(process.env.LL_INTEROP_DIR, 'package.json'));
const glueSdk = require('@aws-sdk/client-glue');
const athenaSdk = require('@aws-sdk/client-athena');

const [url, lake, results, expectedCsv] = process.argv.slice(2);
const credentials = { accessKeyId: 'serve-test-key', secretAccessKey: 'serve-test-secret' };
const config = (creds = credentials) => ({ endpoint: url, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
const glue = new glueSdk.GlueClient(config());
const athena = new athenaSdk.AthenaClient(config());
let passed = 0, failed = 0;

function check(name, got, want) {
  if (JSON.stringify(got) === JSON.stringify(want)) { passed++; return; }
  failed++;
  console.error(`FAIL ${name}\n  got:  ${JSON.stringify(got)}\n  want: ${JSON.stringify(want)}`);
}

async function errorOf(promise) {
  try { await promise; } catch (e) { return [e.name, e.$metadata?.httpStatusCode]; }
  return ['no error', 200];
}

const send = (client, Command, input) => client.send(new Command(input));
const g = (name, input) => send(glue, glueSdk[`${name}Command`], input);
const a = (name, input) => send(athena, athenaSdk[`${name}Command`], input);

// Glue
await g('CreateDatabase', { DatabaseInput: { Name: 'js_db' } });
check('create database twice', await errorOf(g('CreateDatabase', { DatabaseInput: { Name: 'js_db' } })),
  ['AlreadyExistsException', 400]);
check('get database', (await g('GetDatabase', { Name: 'js_db' })).Database.Name, 'js_db');
check('missing database', await errorOf(g('GetDatabase', { Name: 'nope' })), ['EntityNotFoundException', 400]);
const dbs = [];
for await (const page of glueSdk.paginateGetDatabases({ client: glue, pageSize: 1 }, {}))
  dbs.push(...page.DatabaseList.map((d) => d.Name));
const all = (await g('GetDatabases', {})).DatabaseList.map((d) => d.Name);
check('databases over pages', dbs, all);
check('databases listed', ['js_db', 'shop'].every((n) => dbs.includes(n)), true);

const input = (name, extra = []) => ({
  Name: name, TableType: 'EXTERNAL_TABLE', Parameters: { EXTERNAL: 'TRUE' },
  StorageDescriptor: {
    Location: join(lake, 'shop', 'orders'),
    Columns: [{ Name: 'id', Type: 'bigint' }, ...extra.map((c) => ({ Name: c, Type: 'string' }))],
  },
});
for (const name of ['a1', 'a2', 'a3'])
  await g('CreateTable', { DatabaseName: 'js_db', TableInput: input(name) });
check('create table twice', await errorOf(g('CreateTable', { DatabaseName: 'js_db', TableInput: input('a1') })),
  ['AlreadyExistsException', 400]);
const tables = [];
for await (const page of glueSdk.paginateGetTables({ client: glue, pageSize: 2 }, { DatabaseName: 'js_db' }))
  tables.push(...page.TableList.map((t) => t.Name));
check('tables over pages', tables, ['a1', 'a2', 'a3']);
const a1 = (await g('GetTable', { DatabaseName: 'js_db', Name: 'a1' })).Table;
check('get table', [a1.Name, a1.VersionId], ['a1', '1']);
await g('UpdateTable', { DatabaseName: 'js_db', VersionId: '1', TableInput: input('a1', ['note']) });
check('stale VersionId', await errorOf(g('UpdateTable', { DatabaseName: 'js_db', VersionId: '1', TableInput: input('a1') })),
  ['ConcurrentModificationException', 400]);
check('updated', (await g('GetTable', { DatabaseName: 'js_db', Name: 'a1' })).Table.VersionId, '2');
await g('DeleteTable', { DatabaseName: 'js_db', Name: 'a3' });
check('deleted', await errorOf(g('GetTable', { DatabaseName: 'js_db', Name: 'a3' })), ['EntityNotFoundException', 400]);

// a wrong secret
const wrong = new glueSdk.GlueClient(config({ ...credentials, secretAccessKey: 'wrong' }));
check('wrong secret', await errorOf(wrong.send(new glueSdk.GetDatabasesCommand({}))),
  ['InvalidSignatureException', 400]);

// Athena
async function run(sql, database = 'shop') {
  const { QueryExecutionId } = await a('StartQueryExecution', {
    QueryString: sql, QueryExecutionContext: { Database: database },
    ResultConfiguration: { OutputLocation: results },
  });
  for (;;) {
    const { QueryExecution } = await a('GetQueryExecution', { QueryExecutionId });
    if (!['QUEUED', 'RUNNING'].includes(QueryExecution.Status.State)) return [QueryExecutionId, QueryExecution];
    await new Promise((r) => setTimeout(r, 50));
  }
}

const [qid, exec] = await run('SELECT id, name, price, ts FROM orders ORDER BY id');
check('query succeeded', exec.Status.State, 'SUCCEEDED');
const rows = [];
let pages = 0;
for await (const page of athenaSdk.paginateGetQueryResults({ client: athena, pageSize: 7 }, { QueryExecutionId: qid })) {
  pages++;
  rows.push(...page.ResultSet.Rows.map((r) => r.Data.map((d) => d.VarCharValue ?? null)));
}
const want = readFileSync(expectedCsv, 'utf8').trim().split('\n').map((l) => l.split(','));
check('results equal lakeload query', rows, want);
check('result pages', pages, Math.ceil(want.length / 7));

const [, failedExec] = await run('SELECT * FROM no_such_table');
check('failing query', [failedExec.Status.State, failedExec.Status.StateChangeReason.includes('no_such_table')],
  ['FAILED', true]);
const { QueryExecutionId: longId } = await a('StartQueryExecution', {
  QueryString: 'SELECT a.id FROM orders a, orders b, orders c, orders d, orders e',
  QueryExecutionContext: { Database: 'shop' }, ResultConfiguration: { OutputLocation: results },
});
await a('StopQueryExecution', { QueryExecutionId: longId });
check('stopped', (await a('GetQueryExecution', { QueryExecutionId: longId })).QueryExecution.Status.State, 'CANCELLED');
check('work group', (await a('GetWorkGroup', { WorkGroup: 'primary' })).WorkGroup.Name, 'primary');
check('work groups', (await a('ListWorkGroups', {})).WorkGroups.map((w) => w.Name), ['primary', 'team']);

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
