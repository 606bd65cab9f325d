/**
 * Query results read column by column into typed arrays, for loaders that move large results out
 * of DuckDB: the site's Arrow files (`arrow.ts`) and the rows its statistics are computed from
 * (`duckdb-rows.ts`).
 *
 * The node-api's value readers build one JavaScript value per cell, and every string longer than
 * twelve bytes costs a native call and a UTF-8 decode; at 48 models the site's loader spent most
 * of a minute there. Here numbers, booleans and null masks are copied from DuckDB's vectors in
 * bulk (through `@duckdb/node-bindings`, the node-api's own binding, which exposes a chunk's
 * memory), and in a large result a string column that repeats few values is cast by DuckDB to an
 * ENUM of its distinct values, so that only those strings cross into JavaScript and every row
 * arrives as an integer code.
 *
 * Rows keep the query's order: the query is materialised once into a temporary table (DuckDB
 * keeps insertion order, `preserve_insertion_order` being on by default), which is then read by
 * plain scans.
 */
import duckdb from "@duckdb/node-bindings";
import type {DuckDBConnection, DuckDBResult} from "@duckdb/node-api";

/** What every column carries besides its values. */
interface ColumnBase {
  /** The column's name in the result. */
  name: string;
  /** The DuckDB type the query gave the column (e.g. `BIGINT` for a Float64 column). */
  duckdbType: string;
  /**
   * Arrow's validity bitmap: bit i (least significant first) is set when row i has a value. Empty
   * when no row is null. The bits past the last row are zero.
   */
  validity: Uint8Array;
  /** How many rows are null. */
  nullCount: number;
}

/** A 32-bit integer column (DuckDB INTEGER, SMALLINT or TINYINT); null rows hold 0. */
export interface Int32Column extends ColumnBase {
  kind: "int32";
  values: Int32Array;
}

/** A float column (DuckDB DOUBLE, FLOAT, BIGINT, HUGEINT or DECIMAL); null rows hold 0. */
export interface Float64Column extends ColumnBase {
  kind: "float64";
  values: Float64Array;
}

/** A boolean column, bit-packed like its validity; null rows hold false. */
export interface BoolColumn extends ColumnBase {
  kind: "bool";
  values: Uint8Array;
}

/** UTF-8 strings laid out as Arrow does: row i is `bytes[offsets[i], offsets[i + 1])`; null rows are empty. */
export interface Utf8Column extends ColumnBase {
  kind: "utf8";
  offsets: Int32Array;
  bytes: Uint8Array;
}

/**
 * A string column as codes into its distinct values. The dictionary is sorted bytewise (DuckDB's
 * order of VARCHAR), so the same values always get the same codes; null rows hold code 0.
 */
export interface DictionaryColumn extends ColumnBase {
  kind: "dictionary";
  codes: Int32Array;
  /** The distinct non-null values, as UTF-8 (no nulls). */
  dictionary: Utf8Column;
}

/** One column of a result read by `readColumns`. */
export type ResultColumn = Int32Column | Float64Column | BoolColumn | Utf8Column | DictionaryColumn;

/** A query's result as columns of equal length. */
export interface ColumnarResult {
  /** The number of rows. */
  length: number;
  /** The columns in the result's order. */
  columns: ResultColumn[];
}

/** Thrown for a column whose DuckDB type has no columnar form (lists, dates, ...): the message names it. */
export class UnsupportedColumnType extends Error {}

/** Which string columns to read dictionary-coded. */
export interface ReadColumnsOptions {
  /**
   * Whether a string column of `rows` rows with `distinct` distinct values (null counted as one
   * value) is read as a dictionary. It changes only how the column arrives, never its values.
   */
  dictionary: (distinct: number, rows: number) => boolean;
  /**
   * Count distinct values with DuckDB's HyperLogLog estimate rather than exactly, which is
   * cheaper on long unique text. For readers whose choice only affects speed.
   */
  approximate?: boolean;
}

/** How each supported DuckDB type is read: the SQL that reads it and the column kind it becomes. */
function plan(duckdbType: string, column: string): {kind: ResultColumn["kind"]; read: (sql: string) => string} {
  const as = (type: string) => (sql: string) => `CAST(${sql} AS ${type})`;
  const same = (sql: string) => sql;
  if (duckdbType === "INTEGER") return {kind: "int32", read: same};
  if (duckdbType === "SMALLINT" || duckdbType === "TINYINT") return {kind: "int32", read: as("INTEGER")};
  if (duckdbType === "DOUBLE") return {kind: "float64", read: same};
  // Read as integers and converted in JavaScript, exactly as the node-api converts them (through
  // a BigInt, rounding once), where DuckDB's cast of a HUGEINT may round twice.
  if (duckdbType === "BIGINT" || duckdbType === "HUGEINT") return {kind: "float64", read: same};
  // Exact: every FLOAT is a DOUBLE.
  if (duckdbType === "FLOAT") return {kind: "float64", read: as("DOUBLE")};
  // The node-api converts a DECIMAL with DuckDB's own cast (duckdb_decimal_to_double), as here.
  if (duckdbType.startsWith("DECIMAL")) return {kind: "float64", read: as("DOUBLE")};
  if (duckdbType === "VARCHAR") return {kind: "utf8", read: same};
  if (duckdbType === "BOOLEAN") return {kind: "bool", read: same};
  throw new UnsupportedColumnType(`column ${column} has type ${duckdbType}, which has no columnar form; cast it in the query`);
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Every read gets its own temporary tables, so that reads on one connection may interleave. */
let temporaries = 0;

/**
 * Runs `sql` (a SELECT) once and returns its result as typed columns in the query's row order.
 * A column of an unsupported type throws `UnsupportedColumnType` before anything is read.
 */
export async function readColumns(connection: DuckDBConnection, sql: string, options: ReadColumnsOptions): Promise<ColumnarResult> {
  const table = `columnar_${++temporaries}`;
  await connection.run(`CREATE TEMP TABLE ${table} AS ${sql}`);
  try {
    return await readTableColumns(connection, table, options);
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${table}`);
  }
}

/**
 * Reads table `table` (a name, e.g. a temporary table holding a query's result) as typed columns
 * in its insertion order. A column of an unsupported type throws `UnsupportedColumnType` before
 * anything is read.
 */
export async function readTableColumns(connection: DuckDBConnection, table: string, options: ReadColumnsOptions): Promise<ColumnarResult> {
  const described = (await connection.runAndReadAll(`DESCRIBE ${table}`)).getRowObjectsJS();
  const names = described.map((r) => String(r.column_name));
  const types = described.map((r) => String(r.column_type));
  const plans = names.map((name, i) => plan(types[i], name));
  const strings = names.map((_, i) => i).filter((i) => plans[i].kind === "utf8");
  // One pass counts the rows and the distinct values of every string column (null is a value).
  const distinct = (column: string) => (options.approximate ? `approx_count_distinct(${column})` : `count(DISTINCT ${column})`);
  const counts = (await connection.runAndReadAll(`SELECT count(*)::DOUBLE${strings.map((i) =>
    `, (${distinct(quote(names[i]))} + (count(${quote(names[i])}) < count(*))::INTEGER)::DOUBLE`).join("")} FROM ${table}`)).getRowsJS()[0] as number[];
  const length = counts[0];
  const coded = new Set(strings.filter((i, k) => options.dictionary(counts[k + 1], length)));

  // A small table is read as it is and its dictionaries are built here: the few statements of
  // coding in DuckDB would cost more than its strings.
  if (length <= SMALL_TABLE || !coded.size) {
    const read = await readPlain(await connection.run(`SELECT ${names.map((name, i) => `${plans[i].read(quote(name))} AS ${quote(name)}`).join(", ")} FROM ${table}`), names, types, plans.map((p) => p.kind), length);
    return {length: read.length, columns: read.columns.map((column, i) => (coded.has(i) ? dictionaryOf(column as Utf8Column, read.length) : column))};
  }

  // Each coded column is cast to an ENUM of its sorted distinct values and read as the ENUM's
  // codes: a projection of a plain scan, so the rows keep their order. The statements of all
  // columns go to DuckDB together, each statement costing a few milliseconds.
  const enums = new Map([...coded].map((i) => [i, `columnar_${++temporaries}`]));
  await connection.run([...enums].map(([i, type]) =>
    `CREATE TYPE ${type} AS ENUM (SELECT DISTINCT ${quote(names[i])} FROM ${table} WHERE ${quote(names[i])} IS NOT NULL ORDER BY 1);`).join("\n"));
  try {
    const select = names.map((name, i) => {
      const type = enums.get(i);
      return `${type ? `enum_code(${quote(name)}::${type})::INTEGER` : plans[i].read(quote(name))} AS ${quote(name)}`;
    });
    const kinds = plans.map((p, i) => (coded.has(i) ? "int32" : p.kind));
    const result = await readPlain(await connection.run(`SELECT ${select.join(", ")} FROM ${table}`), names, types, kinds, length);
    // Each ENUM's own list of values, in the order of its codes (few strings, so the node-api's reader will do).
    const lists = (await connection.runAndReadAll(`SELECT ${[...enums.values()].map((type) => `enum_range(NULL::${type})::VARCHAR[]`).join(", ")}`)).getRowsJS()[0] as string[][];
    const dictionaries = new Map([...enums.keys()].map((i, k) => [i, utf8Column(names[i], lists[k])]));
    return {
      length: result.length,
      columns: result.columns.map((column, i) => {
        const dictionary = dictionaries.get(i);
        if (!dictionary) return column;
        const codes = column as Int32Column;
        return {name: codes.name, duckdbType: types[i], validity: codes.validity, nullCount: codes.nullCount, kind: "dictionary", codes: codes.values, dictionary};
      })
    };
  } finally {
    await connection.run([...enums.values()].map((type) => `DROP TYPE IF EXISTS ${type};`).join("\n"));
  }
}

/** Tables of at most this many rows are dictionary-coded in JavaScript rather than by DuckDB. */
const SMALL_TABLE = 16384;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Orders UTF-8 byte strings as DuckDB orders VARCHAR (bytewise). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** A string column as codes into its sorted distinct values, like the columns DuckDB codes. */
export function dictionaryOf(column: Utf8Column, length: number): DictionaryColumn {
  const {offsets, bytes, validity, nullCount} = column;
  const present = (i: number) => nullCount === 0 || ((validity[i >> 3] >> (i & 7)) & 1) === 1;
  const text = Array.from({length}, (_, i) => (present(i) ? decoder.decode(bytes.subarray(offsets[i], offsets[i + 1])) : null));
  const values = [...new Set(text.filter((t): t is string => t !== null))].map((t) => ({t, utf8: encoder.encode(t)}));
  values.sort((a, b) => compareBytes(a.utf8, b.utf8));
  const code = new Map(values.map((v, k) => [v.t, k]));
  return {
    name: column.name, duckdbType: column.duckdbType, validity, nullCount, kind: "dictionary",
    codes: Int32Array.from(text, (t) => (t === null ? 0 : code.get(t)!)),
    dictionary: utf8Column(column.name, values.map((v) => v.utf8))
  };
}

/** A string column without nulls holding `values` (strings, or their UTF-8 bytes). */
function utf8Column(name: string, values: ReadonlyArray<string | Uint8Array>): Utf8Column {
  const utf8 = values.map((v) => (typeof v === "string" ? encoder.encode(v) : v));
  const offsets = new Int32Array(utf8.length + 1);
  utf8.forEach((v, k) => (offsets[k + 1] = offsets[k] + v.length));
  const bytes = new Uint8Array(offsets[utf8.length]);
  utf8.forEach((v, k) => bytes.set(v, offsets[k]));
  return {name, duckdbType: "VARCHAR", validity: new Uint8Array(0), nullCount: 0, kind: "utf8", offsets, bytes};
}

/** Whether row `i` of a column has a value. */
const present = (column: ResultColumn, i: number) => column.nullCount === 0 || ((column.validity[i >> 3] >> (i & 7)) & 1) === 1;

/** Bits `start` to `end` (exclusive) of a bitmap, from bit 0 of a new one. */
function sliceBits(bits: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array((end - start + 7) >> 3);
  for (let i = start; i < end; i++) if ((bits[i >> 3] >> (i & 7)) & 1) out[(i - start) >> 3] |= 1 << ((i - start) & 7);
  return out;
}

/** Rows `start` to `end` (exclusive) of a result column; a dictionary column keeps its whole dictionary. */
function sliceColumn(column: ResultColumn, start: number, end: number): ResultColumn {
  let nullCount = 0;
  if (column.nullCount) for (let i = start; i < end; i++) if (!present(column, i)) nullCount++;
  const base = {name: column.name, duckdbType: column.duckdbType, nullCount, validity: nullCount ? sliceBits(column.validity, start, end) : new Uint8Array(0)};
  switch (column.kind) {
    case "int32": return {...base, kind: "int32", values: column.values.subarray(start, end)};
    case "float64": return {...base, kind: "float64", values: column.values.subarray(start, end)};
    case "bool": return {...base, kind: "bool", values: sliceBits(column.values, start, end)};
    case "utf8": {
      const first = column.offsets[start];
      return {...base, kind: "utf8", offsets: column.offsets.slice(start, end + 1).map((o) => o - first), bytes: column.bytes.subarray(first, column.offsets[end])};
    }
    case "dictionary": return {...base, kind: "dictionary", codes: column.codes.subarray(start, end), dictionary: column.dictionary};
  }
}

/** Rows `start` to `end` (exclusive) of a result. */
export function sliceRows(result: ColumnarResult, start: number, end: number): ColumnarResult {
  return {length: end - start, columns: result.columns.map((c) => sliceColumn(c, start, end))};
}

/**
 * Splits a result whose rows are sorted by the string column `key` into the rows of each value of
 * `key`, which are consecutive. A null key is not a value: its rows are left out.
 */
export function splitByKey(result: ColumnarResult, key: string): Map<string, ColumnarResult> {
  const column = result.columns.find((c) => c.name === key);
  if (!column || (column.kind !== "utf8" && column.kind !== "dictionary")) throw new Error(`splitByKey: no string column ${key}`);
  const text = (i: number) => {
    if (column.kind === "utf8") return decoder.decode(column.bytes.subarray(column.offsets[i], column.offsets[i + 1]));
    const {offsets, bytes} = column.dictionary;
    return decoder.decode(bytes.subarray(offsets[column.codes[i]], offsets[column.codes[i] + 1]));
  };
  const parts = new Map<string, ColumnarResult>();
  for (let start = 0; start < result.length; ) {
    const value = present(column, start) ? text(start) : null;
    let end = start + 1;
    while (end < result.length && present(column, end) === (value !== null) && (value === null || text(end) === value)) end++;
    if (value !== null) {
      if (parts.has(value)) throw new Error(`splitByKey: rows of ${key} = ${value} are not consecutive`);
      parts.set(value, sliceRows(result, start, end));
    }
    start = end;
  }
  return parts;
}

/**
 * A string column re-coded by `dictionary` (as `ReadColumnsOptions.dictionary` decides): a
 * dictionary column keeps only the values its rows use (still sorted) or is written out as
 * strings; a plain one is coded when the rule asks for it.
 */
export function recode(column: ResultColumn, length: number, dictionary: (distinct: number, rows: number) => boolean): ResultColumn {
  if (column.kind === "utf8") {
    const distinct = new Set<string>();
    let hasNull = false;
    for (let i = 0; i < length; i++) {
      if (present(column, i)) distinct.add(decoder.decode(column.bytes.subarray(column.offsets[i], column.offsets[i + 1])));
      else hasNull = true;
    }
    return dictionary(distinct.size + (hasNull ? 1 : 0), length) ? dictionaryOf(column, length) : column;
  }
  if (column.kind !== "dictionary") return column;
  const entries = column.dictionary.offsets.length - 1;
  const used = new Uint8Array(entries);
  let hasNull = false;
  let kept = 0;
  for (let i = 0; i < length; i++) {
    if (!present(column, i)) hasNull = true;
    else if (!used[column.codes[i]]) {
      used[column.codes[i]] = 1;
      kept++;
    }
  }
  const {offsets, bytes} = column.dictionary;
  if (dictionary(kept + (hasNull ? 1 : 0), length)) {
    if (kept === entries) return column;
    const code = new Int32Array(entries);
    const values: Uint8Array[] = [];
    for (let k = 0; k < entries; k++) if (used[k]) {
      code[k] = values.length;
      values.push(bytes.subarray(offsets[k], offsets[k + 1]));
    }
    // Null rows keep code 0, as everywhere.
    const codes = new Int32Array(length);
    for (let i = 0; i < length; i++) if (present(column, i)) codes[i] = code[column.codes[i]];
    return {...column, codes, dictionary: utf8Column(column.name, values)};
  }
  // Written out: each row's bytes from the dictionary (null rows empty).
  const rowOffsets = new Int32Array(length + 1);
  for (let i = 0; i < length; i++) rowOffsets[i + 1] = rowOffsets[i] + (present(column, i) ? offsets[column.codes[i] + 1] - offsets[column.codes[i]] : 0);
  const rowBytes = new Uint8Array(rowOffsets[length]);
  for (let i = 0; i < length; i++) if (present(column, i)) rowBytes.set(bytes.subarray(offsets[column.codes[i]], offsets[column.codes[i] + 1]), rowOffsets[i]);
  return {name: column.name, duckdbType: column.duckdbType, validity: column.validity, nullCount: column.nullCount, kind: "utf8", offsets: rowOffsets, bytes: rowBytes};
}

/**
 * Runs `sql` and reads its result as it arrives: no temporary table and no dictionaries, for
 * results of a few rows or of long unique strings. Its columns must already be INTEGER, DOUBLE,
 * BIGINT, HUGEINT, VARCHAR or BOOLEAN; another type throws `UnsupportedColumnType`.
 */
export async function readQuery(connection: DuckDBConnection, sql: string): Promise<ColumnarResult> {
  const result = await connection.run(sql);
  const names = result.columnNames();
  const types = result.columnTypes().map(String);
  const kinds = types.map((type, i) => {
    const {kind, read} = plan(type, names[i]);
    if (read("x") !== "x") throw new UnsupportedColumnType(`column ${names[i]} has type ${type}; cast it in the query`);
    return kind;
  });
  return readPlain(result, names, types, kinds);
}

/** Builds one column from the chunks of a result, growing its arrays as rows arrive. */
interface ColumnBuilder {
  /** Appends `rows` rows of `vector` (a DuckDB vector), whose validity bitmap is `valid` (null: all present). */
  append(vector: duckdb.Vector, rows: number, valid: Uint8Array | null): void;
  finish(): ResultColumn;
}

/**
 * Reads every chunk of `result`, whose columns are already of the kinds given (`int32` columns
 * INTEGER, `float64` DOUBLE, BIGINT or HUGEINT, `utf8` VARCHAR, `bool` BOOLEAN). `expected` sizes the
 * arrays up front when the row count is known.
 */
async function readPlain(result: DuckDBResult, names: string[], types: string[], kinds: Array<ResultColumn["kind"]>, expected = 1024): Promise<ColumnarResult> {
  const resultTypes = result.columnTypes().map(String);
  const builders = kinds.map((kind, i) => builderFor(kind, names[i], types[i], resultTypes[i], expected));
  let length = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const rows = chunk.rowCount;
    for (let c = 0; c < builders.length; c++) {
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, c);
      // An absent (or empty) validity mask means every row of the chunk has a value.
      const valid = duckdb.vector_get_validity(vector, Math.ceil(rows / 64) * 8) as Uint8Array | null;
      builders[c].append(vector, rows, valid && valid.byteLength ? valid : null);
    }
    length += rows;
  }
  return {length, columns: builders.map((b) => b.finish())};
}

/** Tracks nulls as Arrow's validity bitmap, starting with every row present. */
class Validity {
  private bits = new Uint8Array(0);
  nullCount = 0;

  /**
   * Takes the validity of `rows` rows appended at row `at` from DuckDB's mask (its bits are in
   * Arrow's order) and sets the value of each null row in `values` to 0: DuckDB leaves anything
   * there, and zero keeps two builds byte-identical.
   */
  append(valid: Uint8Array | null, at: number, rows: number, values?: Int32Array | Float64Array): void {
    if (!valid) return;
    this.ensure(at + rows);
    for (let i = 0; i < rows; i++) {
      const byte = valid[i >> 3];
      // Whole bytes of present rows, by far the most common, are passed over at once.
      if ((i & 7) === 0 && byte === 0xff && i + 8 <= rows) {
        i += 7;
        continue;
      }
      if ((byte >> (i & 7)) & 1) continue;
      const row = at + i;
      this.bits[row >> 3] &= ~(1 << (row & 7));
      this.nullCount++;
      if (values) values[row] = 0;
    }
  }

  private ensure(rows: number): void {
    const bytes = (rows + 7) >> 3;
    if (bytes <= this.bits.length) return;
    const grown = new Uint8Array(Math.max(bytes, this.bits.length * 2, 64)).fill(0xff);
    grown.set(this.bits);
    this.bits = grown;
  }

  /** The bitmap for `length` rows: empty without nulls, else with the bits past the last row zero. */
  finish(length: number): Uint8Array {
    if (this.nullCount === 0) return new Uint8Array(0);
    this.ensure(length);
    const bitmap = this.bits.slice(0, (length + 7) >> 3);
    if (length & 7) bitmap[bitmap.length - 1] &= (1 << (length & 7)) - 1;
    return bitmap;
  }
}

/** `array` cut to `length` elements (the array itself when it has exactly that many, the usual case when the row count was known). */
function fit<T extends Int32Array | Float64Array>(array: T, length: number): T {
  return array.length === length ? array : (array.slice(0, length) as T);
}

/** A typed array of the same kind twice as long (or `needed` long), with the old values copied. */
function grow<T extends Int32Array | Float64Array | Uint8Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const grown = new (array.constructor as new (n: number) => T)(Math.max(needed, array.length * 2));
  grown.set(array);
  return grown;
}

function builderFor(kind: ResultColumn["kind"], name: string, duckdbType: string, resultType: string, expected: number): ColumnBuilder {
  const validity = new Validity();
  let length = 0;
  const base = () => ({name, duckdbType, validity: validity.finish(length), nullCount: validity.nullCount});
  // Integer and float columns differ only in how a chunk's values are copied into the array.
  const numeric = <T extends Int32Array | Float64Array>(initial: T, copy: (vector: duckdb.Vector, rows: number, into: T, at: number) => void) => {
    let values = initial;
    return {
      append(vector: duckdb.Vector, rows: number, valid: Uint8Array | null) {
        values = grow(values, length + rows);
        copy(vector, rows, values, length);
        validity.append(valid, length, rows, values);
        length += rows;
      },
      values: () => fit(values, length)
    };
  };
  switch (kind) {
    case "int32": {
      const column = numeric(new Int32Array(expected), (vector, rows, into, at) => {
        const data = duckdb.vector_get_data(vector, rows * 4);
        into.set(new Int32Array(data.buffer, data.byteOffset, rows), at);
      });
      return {append: column.append, finish: () => ({...base(), kind, values: column.values()})};
    }
    case "float64": {
      const column = numeric(new Float64Array(expected), (vector, rows, into, at) => {
        if (resultType === "BIGINT") {
          const data = duckdb.vector_get_data(vector, rows * 8);
          const ints = new BigInt64Array(data.buffer, data.byteOffset, rows);
          for (let i = 0; i < rows; i++) into[at + i] = Number(ints[i]);
        } else if (resultType === "HUGEINT") {
          // Two 64-bit halves, the low one unsigned first.
          const data = duckdb.vector_get_data(vector, rows * 16);
          const halves = new BigUint64Array(data.buffer, data.byteOffset, rows * 2);
          for (let i = 0; i < rows; i++) into[at + i] = Number((BigInt.asIntN(64, halves[2 * i + 1]) << 64n) | halves[2 * i]);
        } else {
          const data = duckdb.vector_get_data(vector, rows * 8);
          into.set(new Float64Array(data.buffer, data.byteOffset, rows), at);
        }
      });
      return {append: column.append, finish: () => ({...base(), kind, values: column.values()})};
    }
    case "bool": {
      let bits = new Uint8Array(expected >> 3);
      return {
        append(vector, rows, valid) {
          bits = grow(bits, (length + rows + 7) >> 3);
          const data = duckdb.vector_get_data(vector, rows);
          validity.append(valid, length, rows);
          for (let i = 0; i < rows; i++) {
            const row = length + i;
            if (data[i] && (!valid || (valid[i >> 3] >> (i & 7)) & 1)) bits[row >> 3] |= 1 << (row & 7);
          }
          length += rows;
        },
        finish: () => ({...base(), kind, values: bits.slice(0, (length + 7) >> 3)})
      };
    }
    case "utf8": {
      let offsets = new Int32Array(expected + 1);
      // Each chunk's bytes in an array of their exact size, joined once at the end: growing one
      // array by doubling copied the text (hundreds of megabytes for the text chunks) twice over.
      const pieces: Uint8Array[] = [];
      let end = 0;
      return {
        append(vector, rows, valid) {
          offsets = grow(offsets, length + rows + 1);
          // DuckDB's string_t: a 4-byte little-endian length, then up to 12 bytes inline, or a
          // 4-byte prefix and a pointer to the bytes elsewhere (read through the binding).
          const data = duckdb.vector_get_data(vector, rows * 16);
          validity.append(valid, length, rows);
          const has = (i: number) => !valid || ((valid[i >> 3] >> (i & 7)) & 1) === 1;
          const size = (i: number) => (data[i * 16] | (data[i * 16 + 1] << 8) | (data[i * 16 + 2] << 16) | (data[i * 16 + 3] << 24)) >>> 0;
          let total = 0;
          for (let i = 0; i < rows; i++) if (has(i)) total += size(i);
          if (end + total > 0x7fffffff) throw new Error(`column ${name} holds more than 2 GiB of text, beyond Arrow's 32-bit offsets`);
          const piece = new Uint8Array(total);
          let at = 0;
          for (let i = 0; i < rows; i++) {
            if (has(i)) {
              const n = size(i);
              if (n <= 12) for (let k = 0; k < n; k++) piece[at + k] = data[i * 16 + 4 + k];
              else piece.set(duckdb.get_data_from_pointer(data.buffer as ArrayBuffer, data.byteOffset + i * 16 + 8, n), at);
              at += n;
            }
            offsets[length + i + 1] = end + at;
          }
          pieces.push(piece);
          end += total;
          length += rows;
        },
        finish() {
          const bytes = new Uint8Array(end);
          let at = 0;
          for (const piece of pieces) {
            bytes.set(piece, at);
            at += piece.length;
          }
          return {...base(), kind, offsets: fit(offsets, length + 1), bytes};
        }
      };
    }
    case "dictionary":
      throw new Error("dictionary columns are assembled from their codes, never read directly");
  }
}
