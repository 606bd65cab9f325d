/**
 * Query results read as typed columns (data-loaders/formats/duckdb-columns.ts) and what is built
 * on them: the site's Arrow IPC (arrow.ts, read back with apache-arrow as pages read it) and
 * `rowsOf`. Each is compared with the node-api's own value reader on the same query, over every
 * supported type, nulls in and across DuckDB's 2048-row chunks, long and non-ASCII strings, and
 * tables on both sides of the size below which dictionaries are built in JavaScript.
 */
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {DataType, tableFromIPC} from "apache-arrow";
import type {DuckDBConnection} from "@duckdb/node-api";
import {memoryConnection} from "../data-loaders/formats/parquet.ts";
import {queryToArrowIPC, tableToArrowIPC, tableToArrowIPCByKey, worthDictionary} from "../data-loaders/formats/arrow.ts";
import {readColumns, readQuery, type ResultColumn} from "../data-loaders/formats/duckdb-columns.ts";
import {rowsOf} from "../data-loaders/formats/duckdb-rows.ts";

let connection: DuckDBConnection;
let close: () => void;
beforeAll(async () => ({connection, close} = await memoryConnection()));
afterAll(() => close());

/**
 * `n` rows of every supported type. Nulls fall on a few rows of every chunk and on whole runs
 * (rows 3000-3100 cross a chunk boundary); strings are short (inline in DuckDB), long, non-ASCII
 * and repetitive or unique.
 */
const sample = (n: number) => `
  SELECT i::INTEGER AS id,
    CASE WHEN i % 7 = 3 OR i BETWEEN 3000 AND 3100 THEN NULL ELSE (i * 37 % 1000 - 500)::INTEGER END AS int32,
    (i % 100 - 50)::SMALLINT AS small, (i % 9)::TINYINT AS tiny,
    CASE WHEN i % 11 = 0 THEN NULL ELSE i::BIGINT * 1000003 - 5000000 END AS big,
    (i::HUGEINT * 12345678901) AS huge,
    CASE WHEN i % 13 = 0 THEN NULL WHEN i % 17 = 0 THEN -0.0 ELSE i / 7.0 - 30 END::DOUBLE AS float64,
    (i / 3.0)::FLOAT AS float32, (i / 8)::DECIMAL(10, 3) AS dec,
    CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 0 END AS flag,
    CASE WHEN i % 19 = 0 THEN NULL ELSE 'model-' || (i % 3) END AS short_label,
    'openai/gpt-4o-2024-05-13 with a long name ' || (i % 4) AS long_label,
    CASE WHEN i % 23 = 0 THEN NULL ELSE 'instance-' || i || ' ' || repeat('é😀', i % 5) END AS unique_text,
    CASE WHEN i % 2 = 0 THEN 'Ünïcödé label ' || (i % 5) ELSE 'x' END AS unicode_label,
    NULL::VARCHAR AS all_null
  FROM range(${n}) t(i) ORDER BY i DESC`;

/** The node-api's rows of `sql`, BIGINT and HUGEINT as numbers (as the site always converted them). */
async function nodeApiRows(sql: string): Promise<Array<Record<string, unknown>>> {
  const rows = (await connection.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])));
}

/** Row `i` of a result column as a JavaScript value. */
function valueAt(column: ResultColumn, i: number): unknown {
  if (column.nullCount && !((column.validity[i >> 3] >> (i & 7)) & 1)) return null;
  const text = (bytes: Uint8Array, offsets: Int32Array, k: number) => new TextDecoder().decode(bytes.subarray(offsets[k], offsets[k + 1]));
  switch (column.kind) {
    case "int32":
    case "float64": return column.values[i];
    case "bool": return ((column.values[i >> 3] >> (i & 7)) & 1) === 1;
    case "utf8": return text(column.bytes, column.offsets, i);
    case "dictionary": return text(column.dictionary.bytes, column.dictionary.offsets, column.codes[i]);
  }
}

/** Values compare with Object.is (so -0 and 0 differ); Float32 columns come as DuckDB's float value. */
const same = (a: unknown, b: unknown) => Object.is(a, b);

describe("readColumns", () => {
  for (const n of [5000, 20000]) {
    it(`reads ${n} rows of every supported type as the node-api does, with and without dictionaries`, async () => {
      const expected = await nodeApiRows(sample(n));
      for (const dictionary of [() => true, () => false]) {
        const {length, columns} = await readColumns(connection, sample(n), {dictionary});
        expect(length).toBe(n);
        expect(columns.map((c) => c.name)).toEqual(Object.keys(expected[0]));
        for (const column of columns) {
          const wrong = expected.map((row, i) => [i, row[column.name], valueAt(column, i)]).filter(([, a, b]) => !same(a, b));
          expect(wrong.slice(0, 3), column.name).toEqual([]);
          if (column.kind === "dictionary") {
            // Sorted bytewise, so the same values always get the same codes.
            const values = Array.from({length: column.dictionary.offsets.length - 1}, (_, k) => valueAt(column.dictionary, k) as string);
            expect(values.map((v) => Buffer.from(v))).toEqual(values.map((v) => Buffer.from(v)).sort(Buffer.compare));
          }
        }
        const kinds = Object.fromEntries(columns.map((c) => [c.name, c.kind]));
        expect(kinds.short_label).toBe(dictionary() ? "dictionary" : "utf8");
        expect([kinds.int32, kinds.small, kinds.tiny, kinds.big, kinds.huge, kinds.float64, kinds.float32, kinds.dec, kinds.flag])
          .toEqual(["int32", "int32", "int32", "float64", "float64", "float64", "float64", "float64", "bool"]);
      }
    });
  }

  it("reads an empty result, and rejects a type without a columnar form by name", async () => {
    const empty = await readColumns(connection, "SELECT 1::INTEGER AS a, 'x' AS b WHERE false", {dictionary: () => true});
    expect(empty.length).toBe(0);
    expect(empty.columns.map((c) => c.kind)).toEqual(["int32", "dictionary"]);
    await expect(readColumns(connection, "SELECT [1, 2] AS xs", {dictionary: () => true})).rejects.toThrow("column xs has type INTEGER[]");
    await expect(readQuery(connection, "SELECT 1::SMALLINT AS s")).rejects.toThrow("column s has type SMALLINT");
  });
});

describe("queryToArrowIPC", () => {
  for (const n of [5000, 20000]) {
    it(`gives apache-arrow the node-api's values of ${n} rows in Int32, Float64, Utf8 and Bool columns, the same bytes every time`, async () => {
      const expected = await nodeApiRows(sample(n));
      const ipc = await queryToArrowIPC(connection, sample(n));
      expect(Buffer.compare(Buffer.from(ipc), Buffer.from(await queryToArrowIPC(connection, sample(n))))).toBe(0);
      const table = tableFromIPC(ipc);
      expect(table.numRows).toBe(n);
      const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
      expect(types).toEqual({
        id: "Int32", int32: "Int32", small: "Int32", tiny: "Int32", big: "Float64", huge: "Float64", float64: "Float64", float32: "Float64", dec: "Float64",
        flag: "Bool", short_label: "Dictionary<Int32, Utf8>", long_label: "Dictionary<Int32, Utf8>", unique_text: "Utf8",
        unicode_label: "Dictionary<Int32, Utf8>", all_null: "Dictionary<Int32, Utf8>"
      });
      for (const field of table.schema.fields) {
        expect(field.nullable).toBe(true);
        const values = [...table.getChild(field.name)!];
        const wrong = expected.map((row, i) => [i, row[field.name], values[i]]).filter(([, a, b]) => !same(a, b));
        expect(wrong.slice(0, 3), field.name).toEqual([]);
      }
      // Dictionary ids are the dictionary columns' positions among themselves.
      expect(table.schema.fields.filter((f) => DataType.isDictionary(f.type)).map((f) => (f.type as {id: number}).id)).toEqual([0, 1, 2, 3]);
    });
  }

  for (const n of [3000, 40000]) {
    it(`cuts a sorted ${n}-row table into per-key streams byte-identical to encoding each key's rows alone`, async () => {
      // Keys of very different sizes; in some parts a column is repetitive, in others not.
      await connection.run(`CREATE OR REPLACE TABLE keyed AS SELECT * EXCLUDE (short_label), CASE WHEN id < ${n / 2} THEN 'big' WHEN id % 3 = 0 THEN 'k' || (id % 7) ELSE 'other' END AS key,
          CASE WHEN id < ${n / 2} THEN short_label ELSE 'u' || id END AS mixed
        FROM (${sample(n)}) ORDER BY key, id`);
      const keys = ["big", "k0", "k3", "k6", "other", "absent"];
      const parts = await tableToArrowIPCByKey(connection, "keyed", "key", keys);
      expect([...parts.keys()]).toEqual(keys);
      for (const key of keys) {
        await connection.run(`CREATE OR REPLACE TEMP TABLE alone AS SELECT * FROM keyed WHERE key = '${key}'`);
        const alone = await tableToArrowIPC(connection, "alone");
        expect(Buffer.compare(Buffer.from(parts.get(key)!), Buffer.from(alone)), key).toBe(0);
      }
      const types = (key: string) => tableFromIPC(parts.get(key)!).schema.fields.map((f) => `${f.name}:${f.type}`);
      expect(types("big")).toContain("mixed:Dictionary<Int32, Utf8>");
      expect(types("other")).toContain("mixed:Utf8");
      expect(tableFromIPC(parts.get("absent")!).numRows).toBe(0);
    });
  }

  it("dictionary-encodes a string column from 32 rows with at most one value per four rows", () => {
    expect([worthDictionary(8, 32), worthDictionary(9, 32), worthDictionary(1, 31)]).toEqual([true, false, false]);
  });
});

describe("rowsOf", () => {
  it("gives the node-api's row objects, keys in column order, for SELECTs read as columns and for other statements", async () => {
    for (const n of [300, 20000]) expect(await rowsOf(connection, sample(n))).toEqual(await nodeApiRows(sample(n)));
    await connection.run("CREATE TABLE rows_of AS SELECT 1 AS a, 'x' AS b");
    expect(await rowsOf(connection, "DESCRIBE rows_of")).toEqual(await nodeApiRows("DESCRIBE rows_of"));
    // A list column has no columnar form: the node-api reads the query.
    expect(await rowsOf(connection, "SELECT ['a', 'b'] AS xs, 2::BIGINT AS n")).toEqual([{xs: ["a", "b"], n: 2}]);
  });
});
