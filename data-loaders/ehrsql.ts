/**
 * EHRSQL's metrics: text-to-SQL over the eICU schema, where some questions cannot be answered
 * from the database and the right answer is no query at all. Following MedHELM (HELM
 * `annotation/ehr_sql_annotator.py` and `metrics/ehr_sql_metrics.py`), the gold and predicted
 * queries are executed on `eicu.sqlite` and their result sets compared. SQLite runs in-process
 * through sql.js (SQLite compiled to WebAssembly, no native build).
 *
 * The database is derived from eICU (PhysioNet credentialed access) and is not shipped. Users who
 * have it name it in the config file: `"resources": {"ehr_sql.sqlite": "/path/to/eicu.sqlite"}`
 * (a relative path is resolved against the working directory). Without it, execution accuracy is
 * unscored ("eicu.sqlite not configured") and query validity falls back to "compiles against the
 * schema": the CREATE TABLE statements of the shipped `eicu.sql` are loaded into an empty
 * database and the predicted query is run through `EXPLAIN`, which checks syntax and every table
 * and column name without reading data.
 *
 * Divergences from HELM, each deliberate: statements run read-only (`PRAGMA query_only`), so a
 * predicted DELETE or DROP is invalid rather than executed; a gold query that fails leaves the
 * answer unscored instead of scoring 0; an empty answer to an answerable question always scores
 * 0; and unanswerable questions are not executed (their dataset query is the text "null"). There
 * is no time limit on a query, as in HELM: sql.js runs synchronously.
 */
import {readFile} from "node:fs/promises";
import {createRequire} from "node:module";
import {resolve} from "node:path";
import type {Answer, Instance, Metric, MetricValue, ScoringOptions} from "./types.ts";

/** The `resources` key naming the eICU SQLite file. */
export const EHRSQL_DATABASE_RESOURCE = "ehr_sql.sqlite";

/** Why execution accuracy is unscored when no database is configured. */
export const NO_DATABASE_REASON = "eicu.sqlite not configured";

/** One SQLite value as sql.js returns it. */
export type SqlValue = number | string | Uint8Array | null;

/** A query result: rows of values. */
export type Rows = SqlValue[][];

/** The outcome of running one query: its rows, or the engine's error message. */
export type QueryOutcome = {rows: Rows} | {error: string};

/** What the metrics need of a database; the sql.js implementation is `openSqliteFile`/`openSchemaDatabase`. */
export interface SqlDatabase {
  /** Runs exactly one read-only statement and returns its rows; throws on any error. */
  query: (sql: string) => Rows;
  /** Compiles one statement through `EXPLAIN` without reading data; throws when it does not compile or would write. */
  explain: (sql: string) => void;
}

/** The fields an EHRSQL instance carries in `extra`. */
export interface EhrSqlExtra {
  /** False for the questions the database cannot answer (the dataset's `is_impossible`). */
  answerable: boolean;
  /** The question's template slot values (HELM's fallback result when the gold query returns no rows). */
  value: Record<string, unknown>;
  /** Absolute path of `eicu.sql`, for validity checks without the database. */
  schemaFile: string;
}

/**
 * The SQL in a model answer, as HELM extracts it: the content of `<sql>...</sql>` when present,
 * otherwise the whole text; backticks removed; a leading `sql` line (left over from a Markdown
 * code fence) removed. Returns "" when the model gave no query.
 */
export function extractSql(output: string): string {
  const tagged = /<\s*sql\s*>([\s\S]*?)<\/\s*sql\s*>/i.exec(output);
  const text = (tagged ? tagged[1] : output).replaceAll("`", "").trim();
  return text.replace(/^sql[ \t]*\r?\n/i, "").trim();
}

/** The CREATE TABLE statements of a schema file (its DROP statements are left out), each ending with ";". */
export function createTableStatements(schemaSql: string): string[] {
  return (schemaSql.match(/CREATE\s+TABLE\b[^;]*;/gi) ?? []).map((s) => s.trim());
}

/** A row's identity for set comparison: numbers equal numbers (1 and 1.0 alike), strings equal strings, blobs by bytes. */
function rowKey(row: SqlValue[]): string {
  return JSON.stringify(row.map((v) => (v instanceof Uint8Array ? {blob: Array.from(v)} : v)));
}

/** HELM's comparison: both results have rows and the same set of rows (order and duplicates ignored). */
export function resultsMatch(predicted: Rows, gold: Rows): boolean {
  if (!predicted.length || !gold.length) return false;
  const a = new Set(predicted.map(rowKey));
  const b = new Set(gold.map(rowKey));
  return a.size === b.size && [...a].every((k) => b.has(k));
}

/**
 * HELM's fallback when the gold query returns no rows: the question's slot values, here one
 * single-column row per value. It makes an empty predicted result count as wrong for such questions.
 */
export function fallbackRows(value: Record<string, unknown> | undefined): Rows {
  return Object.values(value ?? {}).map((v) => [typeof v === "number" || typeof v === "string" ? v : JSON.stringify(v)]);
}

/**
 * Execution accuracy of one answer from the query outcomes (pure; the outcomes are computed on
 * demand by the caller, which is why they are functions).
 * - No predicted SQL: 1 for an unanswerable question, 0 for an answerable one. (HELM also gives 1
 *   to an empty answer for an answerable question whose template has no slot values; we do not.)
 * - SQL for an unanswerable question: 0.
 * - Otherwise the gold result (or, if it has no rows, `fallback`) must have rows and equal the
 *   predicted result as a set. A predicted query that fails scores 0; a gold query that fails
 *   leaves the answer unscored, since that is a problem of the data, not of the model.
 */
export function executionAccuracy(input: {answerable: boolean; predictedSql: string; gold: () => QueryOutcome; predicted: () => QueryOutcome; fallback: Rows}): MetricValue {
  if (!input.predictedSql) return {value: input.answerable ? 0 : 1};
  if (!input.answerable) return {value: 0};
  const gold = input.gold();
  if ("error" in gold) return {value: null, reason: `gold query failed: ${gold.error}`};
  const predicted = input.predicted();
  if ("error" in predicted) return {value: 0};
  return {value: Number(resultsMatch(predicted.rows, gold.rows.length ? gold.rows : input.fallback))};
}

interface SqlJsStatement {
  step(): boolean;
  get(): SqlValue[];
  free(): boolean;
}
interface SqlJsDatabase {
  run(sql: string): void;
  iterateStatements(sql: string): Iterator<SqlJsStatement> & {getRemainingSQL(): string};
}
interface SqlJsStatic {
  Database: new (data?: Uint8Array) => SqlJsDatabase;
}

let engine: Promise<SqlJsStatic> | null = null;

/** Loads sql.js once per process. It ships without type declarations, hence the local interfaces above. */
function sqlJs(): Promise<SqlJsStatic> {
  engine ??= (createRequire(import.meta.url)("sql.js") as () => Promise<SqlJsStatic>)();
  return engine;
}

/** Whether SQL text holds nothing but whitespace, semicolons and comments. */
const isBlankSql = (sql: string) => !sql.replace(/--[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "").replace(/[\s;]+/g, "");

/** Runs exactly one statement; Python's sqlite3, which HELM uses, also refuses several at once. */
function runOne(db: SqlJsDatabase, sql: string, read: boolean): Rows {
  const statements = db.iterateStatements(sql);
  const first = statements.next();
  if (first.done) throw new Error("no SQL statement");
  const rows: Rows = [];
  try {
    // Asking the iterator for a second statement would finalize the first, so the rest of the text is inspected instead.
    if (!isBlankSql(statements.getRemainingSQL())) throw new Error("more than one SQL statement");
    while (first.value.step()) if (read) rows.push(first.value.get());
  } finally {
    first.value.free();
  }
  return rows;
}

/**
 * Wraps a sql.js database. Queries run with `PRAGMA query_only` set before each one, so a
 * predicted DELETE or DROP fails instead of changing the cached database that later answers use.
 */
function wrap(db: SqlJsDatabase): SqlDatabase {
  return {
    query(sql) {
      db.run("PRAGMA query_only = ON");
      return runOne(db, sql, true);
    },
    explain(sql) {
      db.run("PRAGMA query_only = ON");
      // EXPLAIN lists the compiled program: a Transaction opcode with a non-zero P2 opens a write
      // transaction, which `query_only` would refuse when the statement runs.
      const program = runOne(db, `EXPLAIN ${sql}`, true);
      if (program.some((op) => op[1] === "Transaction" && op[3] !== 0)) throw new Error("statement writes to the database");
    }
  };
}

const databases = new Map<string, Promise<SqlDatabase>>();

/** Opens an SQLite file once per path (loading it into memory is the expensive part) and checks that it is a database. */
export function openSqliteFile(path: string): Promise<SqlDatabase> {
  const key = `file:${resolve(path)}`;
  let db = databases.get(key);
  if (!db) {
    db = (async () => {
      const bytes = await readFile(path).catch((error: Error) => {
        throw new Error(`cannot read ${path}: ${error.message}`);
      });
      const SQL = await sqlJs();
      const database = new SQL.Database(bytes);
      try {
        runOne(database, "SELECT count(*) FROM sqlite_master", true);
      } catch (error) {
        throw new Error(`${path} is not an SQLite database: ${(error as Error).message}`);
      }
      return wrap(database);
    })();
    // A failed open is not cached, so a corrected file is picked up by the next run in the same process.
    db.catch(() => databases.delete(key));
    databases.set(key, db);
  }
  return db;
}

/** An empty database holding only the CREATE TABLE statements of a schema file, once per path. */
export function openSchemaDatabase(schemaFile: string): Promise<SqlDatabase> {
  const key = `schema:${resolve(schemaFile)}`;
  let db = databases.get(key);
  if (!db) {
    db = (async () => {
      const statements = createTableStatements(await readFile(schemaFile, "utf8"));
      if (!statements.length) throw new Error(`${schemaFile}: no CREATE TABLE statements`);
      const database = new (await sqlJs()).Database();
      for (const statement of statements) database.run(statement);
      return wrap(database);
    })();
    db.catch(() => databases.delete(key));
    databases.set(key, db);
  }
  return db;
}

const outcome = (db: SqlDatabase, sql: string): QueryOutcome => {
  try {
    return {rows: db.query(sql)};
  } catch (error) {
    return {error: (error as Error).message};
  }
};

/** The configured database path, or null. */
export function databasePath(options: ScoringOptions): string | null {
  const path = options.resources?.[EHRSQL_DATABASE_RESOURCE]?.trim();
  return path ? resolve(path) : null;
}

function extraOf(instance: Instance): EhrSqlExtra {
  const extra = instance.extra as Partial<EhrSqlExtra> | undefined;
  if (typeof extra?.answerable !== "boolean" || typeof extra.schemaFile !== "string") throw new Error(`instance ${instance.id} lacks extra.answerable or extra.schemaFile`);
  return {answerable: extra.answerable, value: extra.value ?? {}, schemaFile: extra.schemaFile};
}

/**
 * Executed query results are memoized per database and SQL text: the four metrics and every
 * model share gold queries, and a result never changes because the database is read-only.
 * The memo is bounded so that a long run does not keep every result set in memory.
 */
const results = new Map<string, QueryOutcome>();
const RESULT_MEMO_SIZE = 256;

function memoOutcome(path: string, db: SqlDatabase, sql: string): QueryOutcome {
  const key = `${path}\u0000${sql}`;
  let found = results.get(key);
  if (!found) {
    found = outcome(db, sql);
    if (results.size >= RESULT_MEMO_SIZE) results.delete(results.keys().next().value!);
    results.set(key, found);
  }
  return found;
}

/** `ehr_sql_execution_accuracy`, the main metric; needs the eICU database. */
export function ehrSqlExecutionAccuracy(): Metric {
  return {
    name: "ehr_sql_execution_accuracy",
    range: [0, 1],
    async score({output, instance}: Answer, options: ScoringOptions): Promise<MetricValue> {
      const path = databasePath(options);
      if (!path) return {value: null, reason: NO_DATABASE_REASON};
      const extra = extraOf(instance);
      const predictedSql = extractSql(output);
      let db: SqlDatabase;
      try {
        db = await openSqliteFile(path);
      } catch (error) {
        return {value: null, reason: (error as Error).message};
      }
      return executionAccuracy({
        answerable: extra.answerable,
        predictedSql,
        gold: () => memoOutcome(path, db, instance.gold[0] ?? ""),
        predicted: () => memoOutcome(path, db, predictedSql),
        fallback: fallbackRows(extra.value)
      });
    }
  };
}

/**
 * `ehr_sql_query_validity`: 1 when the answer holds SQL that runs without error (HELM), 0 when it
 * is empty or fails. With the database configured the query is executed on it; without, it must
 * compile (`EXPLAIN`) against the shipped schema.
 */
export function ehrSqlQueryValidity(): Metric {
  return {
    name: "ehr_sql_query_validity",
    range: [0, 1],
    async score({output, instance}: Answer, options: ScoringOptions): Promise<MetricValue> {
      const predictedSql = extractSql(output);
      if (!predictedSql) return {value: 0};
      const path = databasePath(options);
      // Failing to open the database or the schema is a configuration problem (unscored); a query that fails is the model's (0).
      let db: SqlDatabase;
      try {
        db = path ? await openSqliteFile(path) : await openSchemaDatabase(extraOf(instance).schemaFile);
      } catch (error) {
        return {value: null, reason: (error as Error).message};
      }
      if (path) return {value: Number(!("error" in memoOutcome(path, db, predictedSql)))};
      try {
        db.explain(predictedSql);
        return {value: 1};
      } catch {
        return {value: 0};
      }
    }
  };
}

/**
 * `ehr_sql_precision_answerable`: of the questions the model attempted (gave SQL for), the share
 * that are answerable. Per answer: 1 when it attempted an answerable question, 0 when it attempted
 * an unanswerable one, unscored when it abstained, so that the mean over scored answers is the
 * precision of the model's decision to answer.
 */
export function ehrSqlPrecisionAnswerable(): Metric {
  return {
    name: "ehr_sql_precision_answerable",
    range: [0, 1],
    score({output, instance}: Answer): MetricValue {
      if (!extractSql(output)) return {value: null, reason: "no SQL given; precision counts only attempted answers"};
      return {value: Number(extraOf(instance).answerable)};
    }
  };
}

/**
 * `ehr_sql_recall_answerable`: of the answerable questions, the share the model attempted. Per
 * answer: 1 when it gave SQL, 0 when it abstained, unscored for unanswerable questions, so that
 * the mean over scored answers is the recall of answerable questions.
 */
export function ehrSqlRecallAnswerable(): Metric {
  return {
    name: "ehr_sql_recall_answerable",
    range: [0, 1],
    score({output, instance}: Answer): MetricValue {
      if (!extraOf(instance).answerable) return {value: null, reason: "unanswerable question; recall counts only answerable questions"};
      return {value: Number(Boolean(extractSql(output)))};
    }
  };
}
