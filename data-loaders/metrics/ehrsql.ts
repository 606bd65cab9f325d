/**
 * EHRSQL's metrics: text-to-SQL over the eICU schema, where some questions cannot be answered
 * from the database and the right answer is no query at all. Following MedHELM (HELM
 * `annotation/ehr_sql_annotator.py` and `metrics/ehr_sql_metrics.py`), the gold and predicted
 * queries are executed on `eicu.sqlite` and their result sets compared. SQLite runs through
 * sql.js (SQLite compiled to WebAssembly, no native build) in a worker thread (sql-worker.ts).
 *
 * The database is derived from eICU (PhysioNet credentialed access) and is not shipped. Users who
 * have it name it in the config file: `"resources": {"ehr_sql.sqlite": "/path/to/eicu.sqlite"}`
 * (a relative path is resolved against the working directory). Without it, execution accuracy is
 * unscored ("eicu.sqlite not configured") and query validity falls back to "compiles against the
 * schema": the CREATE TABLE statements of the shipped `eicu.sql` are loaded into an empty
 * database and the predicted query is run through `EXPLAIN`, which checks syntax and every table
 * and column name without reading data.
 *
 * Every query on the database has a time limit (`resources["ehr_sql.time_limit_ms"]`, 10 s by
 * default), which HELM does not have: a model's runaway query would otherwise hang the run. A
 * predicted query that is stopped counts as a query that fails (0 on both metrics); either way
 * the score carries a note saying why ("predicted query failed: ..."). A gold query that is
 * stopped leaves the answer unscored with a reason naming the instance.
 *
 * Divergences from HELM, each deliberate: statements run read-only (`PRAGMA query_only`), so a
 * predicted DELETE or DROP is invalid rather than executed; a gold query that fails leaves the
 * answer unscored instead of scoring 0; an empty answer to an answerable question always scores
 * 0; unanswerable questions are not executed (their dataset query is the text "null"); and the
 * time limit above.
 */
import {readFile} from "node:fs/promises";
import {resolve} from "node:path";
import {promiseMemo} from "../concurrency/promise-memo.ts";
import {SqlWorker, type QueryOutcome} from "./sql-worker.ts";
import {sqliteFromStatements, type Rows, type SqlDatabase, type SqlValue} from "./sqljs.ts";
import type {Answer, Instance, Metric, MetricValue, ScoringOptions} from "../benchmark/types.ts";

export type {QueryOutcome, Rows, SqlDatabase, SqlValue};

/** The `resources` key naming the eICU SQLite file. */
export const EHRSQL_DATABASE_RESOURCE = "ehr_sql.sqlite";

/** The `resources` key of the time limit of one query on the database, in milliseconds. */
export const EHRSQL_TIME_LIMIT_RESOURCE = "ehr_sql.time_limit_ms";

/**
 * The time limit when none is configured. EHRSQL's gold queries are point look-ups and small
 * aggregates that finish in well under a second; ten seconds leaves room for a slow machine
 * without letting one runaway query cost more than a few seconds of a run.
 */
export const DEFAULT_TIME_LIMIT_MS = 10_000;

/** Why execution accuracy is unscored when no database is configured. */
export const NO_DATABASE_REASON = "eicu.sqlite not configured";

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
 *   predicted result as a set. A predicted query that fails or is stopped scores 0; a gold query
 *   that fails or is stopped leaves the answer unscored, since that is a problem of the data or
 *   of the time limit, not of the model.
 */
export async function executionAccuracy(input: {
  instanceId: string;
  answerable: boolean;
  predictedSql: string;
  gold: () => QueryOutcome | Promise<QueryOutcome>;
  predicted: () => QueryOutcome | Promise<QueryOutcome>;
  fallback: Rows;
}): Promise<MetricValue> {
  if (!input.predictedSql) return {value: input.answerable ? 0 : 1};
  if (!input.answerable) return {value: 0};
  const gold = await input.gold();
  if ("error" in gold) {
    if (gold.stopped) return {value: null, reason: `gold query of instance ${input.instanceId} ${gold.error} (resources["${EHRSQL_TIME_LIMIT_RESOURCE}"])`};
    return {value: null, reason: `gold query failed: ${gold.error}`};
  }
  const predicted = await input.predicted();
  if ("error" in predicted) return {value: 0, note: failureNote(predicted)};
  return {value: Number(resultsMatch(predicted.rows, gold.rows.length ? gold.rows : input.fallback))};
}

/**
 * The time limit of one query from `resources["ehr_sql.time_limit_ms"]` (a positive number of
 * milliseconds, as a JSON number or a string), or the default. Throws on any other value.
 */
export function timeLimitMs(options: ScoringOptions): number {
  const raw = options.resources?.[EHRSQL_TIME_LIMIT_RESOURCE] as unknown;
  if (raw === undefined || raw === null || raw === "") return DEFAULT_TIME_LIMIT_MS;
  const value = typeof raw === "number" ? raw : typeof raw === "string" && /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : Number.NaN;
  // setTimeout fires at once for delays past 2^31 - 1 ms, so larger limits are refused rather than silently ignored.
  if (!(value > 0 && value <= 2 ** 31 - 1)) throw new Error(`resources["${EHRSQL_TIME_LIMIT_RESOURCE}"] must be a number of milliseconds between 1 and ${2 ** 31 - 1}, got ${JSON.stringify(raw)}`);
  return value;
}

const databases = new Map<string, Promise<SqlWorker>>();
const schemas = new Map<string, Promise<SqlDatabase>>();

/**
 * The worker serving an SQLite file, once per path (loading the file is the expensive part),
 * resolved when the file is loaded and checked to be a database.
 */
export function openSqliteFile(path: string): Promise<SqlWorker> {
  const key = resolve(path);
  let db = databases.get(key);
  if (!db) {
    const worker = new SqlWorker(key);
    db = worker.open().then(() => worker, (error: Error) => {
      void worker.close();
      throw error;
    });
    // A failed open is not cached, so a corrected file is picked up by the next run in the same process.
    db.catch(() => databases.delete(key));
    databases.set(key, db);
  }
  return db;
}

/** An empty database holding only the CREATE TABLE statements of a schema file, once per path. */
export function openSchemaDatabase(schemaFile: string): Promise<SqlDatabase> {
  const key = resolve(schemaFile);
  let db = schemas.get(key);
  if (!db) {
    db = (async () => {
      const statements = createTableStatements(await readFile(schemaFile, "utf8"));
      if (!statements.length) throw new Error(`${schemaFile}: no CREATE TABLE statements`);
      return sqliteFromStatements(statements);
    })();
    db.catch(() => schemas.delete(key));
    schemas.set(key, db);
  }
  return db;
}

/**
 * Ends every database worker and forgets the memoized results. Commands need not call it (an
 * idle worker does not keep the process alive); tests do, so that nothing outlives them.
 */
export async function closeSqlDatabases(): Promise<void> {
  const open = [...databases.values()];
  databases.clear();
  results.clear();
  await Promise.all(open.map((db) => db.then((worker) => worker.close(), () => undefined)));
}

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
 * Query outcomes are memoized per database, time limit and SQL text: the four metrics and every
 * model share gold queries, a result never changes because the database is read-only, and a
 * query that was stopped is not run (and waited for) again. Outcomes in flight are shared too.
 * The memo is bounded so that a long run does not keep every result set in memory.
 */
const results = promiseMemo<QueryOutcome>(256);

/** The outcome of a query on the database at `path`. Rejects when the database cannot be (re)loaded. */
function queryOutcome(path: string, sql: string, limit: number): Promise<QueryOutcome> {
  return results.get(`${path}\u0000${limit}\u0000${sql}`, () => openSqliteFile(path).then((db) => db.query(sql, limit)));
}

/** The note on the 0 of a predicted query that failed or was stopped, e.g. "predicted query failed: no such column: x". */
export function failureNote(outcome: {error: string; stopped?: boolean}): string {
  if (outcome.stopped) return `predicted query ${outcome.error}${outcome.error.startsWith("stopped at") ? ` (resources["${EHRSQL_TIME_LIMIT_RESOURCE}"] sets the limit)` : ""}`;
  return `predicted query failed: ${outcome.error}`;
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
      // Failing to load the database or a bad time limit is a configuration problem (unscored), not the model's.
      try {
        const limit = timeLimitMs(options);
        await openSqliteFile(path);
        return await executionAccuracy({
          instanceId: instance.id,
          answerable: extra.answerable,
          predictedSql,
          gold: () => queryOutcome(path, instance.gold[0] ?? "", limit),
          predicted: () => queryOutcome(path, predictedSql, limit),
          fallback: fallbackRows(extra.value)
        });
      } catch (error) {
        return {value: null, reason: (error as Error).message};
      }
    }
  };
}

/**
 * `ehr_sql_query_validity`: 1 when the answer holds SQL that runs without error (HELM), 0 when it
 * is empty, fails or is stopped at the time limit. With the database configured the query is
 * executed on it; without, it must compile (`EXPLAIN`) against the shipped schema.
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
      if (path) {
        try {
          const outcome = await queryOutcome(path, predictedSql, timeLimitMs(options));
          return "error" in outcome ? {value: 0, note: failureNote(outcome)} : {value: 1};
        } catch (error) {
          return {value: null, reason: (error as Error).message};
        }
      }
      let db: SqlDatabase;
      try {
        db = await openSchemaDatabase(extraOf(instance).schemaFile);
      } catch (error) {
        return {value: null, reason: (error as Error).message};
      }
      try {
        db.explain(predictedSql);
        return {value: 1};
      } catch (error) {
        return {value: 0, note: `predicted query does not compile against the schema: ${(error as Error).message}`};
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
