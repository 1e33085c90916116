// Prints the rows of a Parquet file, as an independent reader sees them, as a
// JSON array of objects (one per row, keys in schema order), with values
// normalized so that the output of two readers, and of a test's expectation,
// compare equal exactly:
//
//   node parquet_rows.mjs [--reader duckdb|hyparquet] FILE
//
// The reader defaults to duckdb. Values print as:
//   null                    null
//   booleans                true / false
//   integers (any width)    JSON numbers within +-2^53, else decimal strings
//   float / double          JSON numbers; "NaN", "Infinity", "-Infinity" as strings
//   text, enum, json        strings (json columns as their text, not parsed)
//   binary, fixed           uppercase hex strings
//   decimal                 strings with the full scale ("-12.340", "0.00")
//   date                    "YYYY-MM-DD"
//   timestamp               "YYYY-MM-DDTHH:MM:SS.fffZ" with 3, 6 or 9 fraction
//                           digits as the file's unit (millis, micros, nanos);
//                           INT96 as nanos
//   time                    "HH:MM:SS.fff" likewise
//   uuid                    the canonical lowercase form
//   list                    arrays; struct: objects; map: [{"key":..,"value":..}]
//
// Output is streamed: "[" on the first line, then one row per line (each but
// the last followed by ","), then "]", so a consumer may parse line by line
// and a file of millions of rows never sits in memory at once.
// Exit status: 0 on success, 1 when the reader fails (message on stderr),
// 2 on bad usage.
import { DuckDBInstance } from '@duckdb/node-api';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const TWO53 = 2n ** 53n;

function usage(msg) {
  if (msg) console.error(msg);
  console.error('usage: node parquet_rows.mjs [--reader duckdb|hyparquet] FILE');
  process.exit(2);
}

function parseArgs(argv) {
  let reader = 'duckdb';
  let file = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--reader') {
      reader = argv[++i];
    } else if (argv[i].startsWith('--reader=')) {
      reader = argv[i].slice('--reader='.length);
    } else if (file === null) {
      file = argv[i];
    } else {
      usage(`unexpected argument ${argv[i]}`);
    }
  }
  if (!file) usage('missing FILE');
  if (reader !== 'duckdb' && reader !== 'hyparquet') usage(`unknown reader ${reader}`);
  return { reader, file };
}

// ---- value formatting shared by both readers ----

const floorDiv = (a, b) => (a >= 0n ? a / b : -((-a + b - 1n) / b));
const pad = (n, w) => String(n).padStart(w, '0');

function civilFromDays(days) {
  // Howard Hinnant's days_from_civil inverse, on plain numbers (|days| < 2^53)
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return [y, m, d];
}

function formatDate(days) {
  const [y, m, d] = civilFromDays(Number(days));
  const year = y < 0 ? `-${pad(-y, 4)}` : pad(y, 4);
  return `${year}-${pad(m, 2)}-${pad(d, 2)}`;
}

const UNIT_PER_SECOND = { 3: 1000n, 6: 1000000n, 9: 1000000000n };

function formatTimeOfDay(secondsOfDay, frac, digits) {
  const h = Math.floor(secondsOfDay / 3600);
  const mi = Math.floor((secondsOfDay % 3600) / 60);
  const s = secondsOfDay % 60;
  return `${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(frac, digits)}`;
}

// value: bigint count of units since the epoch, digits: 3, 6 or 9 for its unit
function formatTimestamp(value, digits) {
  const perSecond = UNIT_PER_SECOND[digits];
  const perDay = perSecond * 86400n;
  const days = floorDiv(value, perDay);
  const rest = value - days * perDay;
  const seconds = Number(rest / perSecond);
  const frac = rest % perSecond;
  return `${formatDate(days)}T${formatTimeOfDay(seconds, frac, digits)}Z`;
}

// Rescales a timestamp from one unit to another (exact for coarser targets
// when the value holds no finer part, which is the case for a file's unit).
function rescale(value, fromDigits, toDigits) {
  if (fromDigits === toDigits) return value;
  const f = 10n ** BigInt(Math.abs(fromDigits - toDigits));
  return fromDigits < toDigits ? value * f : floorDiv(value, f);
}

function formatTime(value, digits) {
  const perSecond = UNIT_PER_SECOND[digits];
  return formatTimeOfDay(Number(value / perSecond), value % perSecond, digits);
}

function formatDecimal(unscaled, scale) {
  const neg = unscaled < 0n;
  let digits = (neg ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return neg ? `-${digits}` : digits;
}

function formatInt(v) {
  const b = BigInt(v);
  return b <= TWO53 && b >= -TWO53 ? Number(b) : b.toString();
}

function formatDouble(v) {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

function hex(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).toUpperCase().padStart(2, '0');
  return s;
}

function bigFromTwosComplement(bytes) {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  if (bytes.length && bytes[0] & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return v;
}

function writeRows(rows, state) {
  let text = '';
  for (const row of rows) {
    text += (state.count++ ? ',\n' : '') + JSON.stringify(row);
  }
  if (text) process.stdout.write(text);
}

// ---- DuckDB ----

// The file's schema as a tree, from parquet_schema()'s depth-first rows.
function schemaTree(rows) {
  let next = 0;
  const build = () => {
    const row = rows[next++];
    const node = { ...row, children: [] };
    const n = Number(row.num_children ?? 0);
    for (let i = 0; i < n && next < rows.length; i++) node.children.push(build());
    return node;
  };
  return rows.length ? build() : { children: [] };
}

function unitDigits(node) {
  const conv = node?.converted_type ?? '';
  const logical = node?.logical_type ?? '';
  if (/MILLIS/.test(conv) || /MILLIS=Milli/.test(logical)) return 3;
  if (/NANOS=Nano/.test(logical) || node?.type === 'INT96') return 9;
  return 6;
}

function listElement(node) {
  if (!node) return undefined;
  if (node.repetition_type === 'REPEATED') return node;
  const rep = node.children[0];
  if (rep && rep.children.length === 1 && rep.converted_type !== 'MAP_KEY_VALUE') return rep.children[0];
  return rep;
}

function duckValue(v, node) {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean': return v;
    case 'bigint': return formatInt(v);
    case 'string': return v;
    case 'number':
      return node && (node.type === 'FLOAT' || node.type === 'DOUBLE') ? formatDouble(v) : formatInt(v);
    default: break;
  }
  const kind = v.constructor?.name;
  switch (kind) {
    case 'DuckDBDateValue': return formatDate(v.days);
    case 'DuckDBTimestampValue':
    case 'DuckDBTimestampTZValue':
      return formatTimestamp(rescale(v.micros, 6, unitDigits(node)), unitDigits(node));
    case 'DuckDBTimestampMillisecondsValue': return formatTimestamp(v.millis, 3);
    case 'DuckDBTimestampSecondsValue': return formatTimestamp(BigInt(v.seconds) * 1000n, 3);
    case 'DuckDBTimestampNanosecondsValue': return formatTimestamp(v.nanos, 9);
    case 'DuckDBTimeValue': return formatTime(rescale(v.micros, 6, unitDigits(node)), unitDigits(node));
    case 'DuckDBDecimalValue': return formatDecimal(v.value, v.scale);
    case 'DuckDBBlobValue': return hex(v.bytes);
    case 'DuckDBUUIDValue': return v.toString();
    case 'DuckDBListValue':
    case 'DuckDBArrayValue': {
      const elem = listElement(node);
      return v.items.map((x) => duckValue(x, elem));
    }
    case 'DuckDBStructValue': {
      const out = {};
      for (const [k, x] of Object.entries(v.entries)) {
        out[k] = duckValue(x, node?.children.find((c) => c.name === k));
      }
      return out;
    }
    case 'DuckDBMapValue': {
      const kv = node?.children[0];
      return v.entries.map((e) => ({ key: duckValue(e.key, kv?.children[0]), value: duckValue(e.value, kv?.children[1]) }));
    }
    default: return v.toString();
  }
}

async function readDuckdb(file) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const quoted = `'${file.replaceAll("'", "''")}'`;
  const schemaRows = (await connection.runAndReadAll(`SELECT * FROM parquet_schema(${quoted})`)).getRowObjects();
  const tree = schemaTree(schemaRows);
  const result = await connection.stream(`SELECT * FROM read_parquet(${quoted})`);
  const names = result.columnNames();
  const nodes = names.map((n, i) => tree.children[i]?.name === n ? tree.children[i] : tree.children.find((c) => c.name === n));
  const state = { count: 0 };
  process.stdout.write('[\n');
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    writeRows(chunk.getRows().map((row) => {
      const obj = {};
      row.forEach((v, i) => { obj[names[i]] = duckValue(v, nodes[i]); });
      return obj;
    }), state);
  }
  process.stdout.write('\n]\n');
}

// ---- hyparquet ----

// Tagged results of hyparquet's parsers, so the unit survives until formatting.
class Instant { constructor(value, digits) { this.value = value; this.digits = digits; } }
class Day { constructor(days) { this.days = days; } }

const parsers = {
  timestampFromMilliseconds: (v) => new Instant(BigInt(v), 3),
  timestampFromMicroseconds: (v) => new Instant(BigInt(v), 6),
  timestampFromNanoseconds: (v) => new Instant(BigInt(v), 9),
  dateFromDays: (v) => new Day(v),
  jsonFromBytes: (b) => b && new TextDecoder().decode(b),
};

// hyparquet turns decimals into doubles, losing digits; read them raw instead.
function stripDecimals(node) {
  const el = node.element;
  if (el.converted_type === 'DECIMAL' || el.logical_type?.type === 'DECIMAL') {
    el.lakeloadScale = el.scale ?? el.logical_type?.scale ?? 0;
    delete el.converted_type;
    delete el.logical_type;
  }
  node.children.forEach(stripDecimals);
}

function timeDigits(el) {
  if (el.converted_type === 'TIME_MILLIS' || el.logical_type?.unit === 'MILLIS') return 3;
  if (el.logical_type?.unit === 'NANOS') return 9;
  return 6;
}

function hypValue(v, node) {
  if (v === null || v === undefined) return null;
  const el = node?.element ?? {};
  if (el.lakeloadScale !== undefined) {
    const unscaled = v instanceof Uint8Array ? bigFromTwosComplement(v) : BigInt(v);
    return formatDecimal(unscaled, el.lakeloadScale);
  }
  if (v instanceof Instant) return formatTimestamp(v.value, v.digits);
  if (v instanceof Day) return formatDate(v.days);
  if (v instanceof Uint8Array) return hex(v);
  if (el.converted_type === 'TIME_MILLIS' || el.converted_type === 'TIME_MICROS' || el.logical_type?.type === 'TIME') {
    return formatTime(BigInt(v), timeDigits(el));
  }
  if (Array.isArray(v)) {
    let elem = node?.children[0];
    if (elem && elem.children.length === 1 && el.converted_type === 'LIST') elem = elem.children[0];
    return v.map((x) => hypValue(x, elem));
  }
  switch (typeof v) {
    case 'boolean': return v;
    case 'bigint': return formatInt(v);
    case 'string': return v;
    case 'number':
      return el.type === 'FLOAT' || el.type === 'DOUBLE' ? formatDouble(v) : formatInt(v);
    default: break;
  }
  if (el.converted_type === 'MAP' || el.logical_type?.type === 'MAP') {
    const kv = node.children[0];
    return Object.entries(v).map(([key, value]) => ({ key: hypValue(key, kv?.children[0]), value: hypValue(value, kv?.children[1]) }));
  }
  const out = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] = hypValue(x, node?.children.find((c) => c.element.name === k));
  }
  return out;
}

async function readHyparquet(file) {
  const buffer = await asyncBufferFromFile(file);
  const metadata = await parquetMetadataAsync(buffer);
  const tree = parquetSchema(metadata);
  stripDecimals(tree);
  const columns = tree.children;
  const state = { count: 0 };
  process.stdout.write('[\n');
  let start = 0;
  for (const rg of metadata.row_groups) {
    const end = start + Number(rg.num_rows);
    if (end > start) {
      const rows = await parquetReadObjects({
        file: buffer, metadata, rowStart: start, rowEnd: end, compressors, parsers, utf8: false,
      });
      writeRows(rows.map((row) => {
        const obj = {};
        for (const c of columns) obj[c.element.name] = hypValue(row[c.element.name], c);
        return obj;
      }), state);
    }
    start = end;
  }
  process.stdout.write('\n]\n');
}

const { reader, file } = parseArgs(process.argv.slice(2));
try {
  if (reader === 'duckdb') await readDuckdb(file);
  else await readHyparquet(file);
} catch (e) {
  console.error(`${reader}: ${e.message}`);
  process.exit(1);
}
