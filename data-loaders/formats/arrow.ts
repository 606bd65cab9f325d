/**
 * Query results as Arrow IPC streams, the format DuckDB-WASM reads without extensions (its
 * Parquet reader is an extension that cannot be loaded offline; see README, "Offline build").
 * The type mapping is deliberately narrow: counts arrive as Int32 or Float64, never BigInt.
 * String columns that repeat a few values (model labels, benchmark ids, metric names) are
 * dictionary-encoded, which shrinks the files pages download severalfold.
 *
 * The columns come from DuckDB as typed arrays (`duckdb-columns.ts`, which also does the
 * dictionary coding) and are encoded by flechette without a JavaScript value per cell: building
 * them with apache-arrow's `vectorFromArray` from the node-api's values took about half a minute
 * of the site's loader at 48 models. Pages read the result with apache-arrow as before.
 */
import {Batch, Column, batchType, bool, dictionary, float64, int32, tableFromColumns, tableToIPC, utf8, type DataType} from "@uwdata/flechette";
import type {DuckDBConnection} from "@duckdb/node-api";
import {readColumns, readTableColumns, recode, sliceRows, splitByKey, UnsupportedColumnType, type ColumnarResult, type ResultColumn, type Utf8Column} from "./duckdb-columns.ts";

/**
 * Whether a string column of `rows` rows with `distinct` distinct values (null counting as one) is
 * worth a dictionary: long enough, and at most one distinct value per four rows (below that the
 * index array costs more than it saves).
 */
export function worthDictionary(distinct: number, rows: number): boolean {
  return rows >= 32 && distinct * 4 <= rows;
}

/** `worthDictionary` for a column given by its values. */
export function dictionaryWorthy(values: ReadonlyArray<unknown>): boolean {
  return worthDictionary(new Set(values).size, values.length);
}

/** A flechette batch of `type` from Arrow buffers. */
function batch(type: DataType, length: number, parts: {nullCount: number; validity: Uint8Array; values?: ArrayLike<number>; offsets?: Int32Array}): Batch<unknown> {
  const Type = batchType(type) as unknown as new (options: object) => Batch<unknown>;
  return new Type({length, type, ...parts});
}

/** The Arrow column of a result column. */
function arrowColumn(column: ResultColumn, length: number): Column<unknown> {
  const {nullCount, validity} = column;
  switch (column.kind) {
    case "int32": return new Column([batch(int32(), length, {nullCount, validity, values: column.values})]);
    case "float64": return new Column([batch(float64(), length, {nullCount, validity, values: column.values})]);
    case "bool": return new Column([batch(bool(), length, {nullCount, validity, values: column.values})]);
    case "utf8": return new Column([utf8Batch(column, length)]);
    case "dictionary": {
      // flechette finds a dictionary's id by the identity of its value type, so the values'
      // batch must carry the very type object the dictionary type holds.
      const values = utf8();
      const type = dictionary(values, int32());
      const codes = batch(type, length, {nullCount, validity, values: column.codes}) as Batch<unknown> & {setDictionary(values: Column<unknown>): void};
      codes.setDictionary(new Column([utf8Batch(column.dictionary, column.dictionary.offsets.length - 1, values)]));
      return new Column([codes]);
    }
  }
}

function utf8Batch(column: Utf8Column, length: number, type: DataType = utf8()): Batch<unknown> {
  return batch(type, length, {nullCount: column.nullCount, validity: column.validity, values: column.bytes, offsets: column.offsets});
}

/**
 * Runs `sql` and returns its rows as an Arrow IPC stream (one record batch). Dictionary ids are
 * numbered in column order by flechette, so the same table always encodes to the same bytes.
 */
export async function queryToArrowIPC(connection: DuckDBConnection, sql: string): Promise<Uint8Array> {
  return arrowIPC(() => readColumns(connection, sql, {dictionary: worthDictionary}));
}

/** `queryToArrowIPC` of a whole table (e.g. a temporary one holding a query's result), in its insertion order. */
export async function tableToArrowIPC(connection: DuckDBConnection, table: string): Promise<Uint8Array> {
  return arrowIPC(() => readTableColumns(connection, table, {dictionary: worthDictionary}));
}

/**
 * One Arrow IPC stream for each of `values` of the string column `key`, in a table sorted by
 * `key` first: the rows with that value, encoded as `tableToArrowIPC` of a table holding only
 * them would encode them (dictionaries chosen and built for those rows; no rows for a value the
 * table lacks). The table is read once, which for many small files (each benchmark's
 * instance-level scores) saves most of DuckDB's work.
 */
export async function tableToArrowIPCByKey(connection: DuckDBConnection, table: string, key: string, values: readonly string[]): Promise<Map<string, Uint8Array>> {
  // Strings that repeat are coded once for the whole table; each part then keeps the values it uses.
  const whole = await read(() => readTableColumns(connection, table, {dictionary: (distinct, rows) => distinct * 2 <= rows}));
  const parts = splitByKey(whole, key);
  return new Map(values.map((value) => {
    const part = parts.get(value) ?? sliceRows(whole, 0, 0);
    return [value, encode({length: part.length, columns: part.columns.map((c) => recode(c, part.length, worthDictionary))})];
  }));
}

async function read(columns: () => Promise<ColumnarResult>): Promise<ColumnarResult> {
  return columns().catch((error: unknown) => {
    if (error instanceof UnsupportedColumnType) throw new Error(`no Arrow mapping: ${error.message}`);
    throw error;
  });
}

function encode({length, columns}: ColumnarResult): Uint8Array {
  const table = tableFromColumns(columns.map((c) => [c.name, arrowColumn(c, length)] as [string, Column<unknown>]));
  return tableToIPC(table, {format: "stream"})!;
}

async function arrowIPC(columns: () => Promise<ColumnarResult>): Promise<Uint8Array> {
  return encode(await read(columns));
}
