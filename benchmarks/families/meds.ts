/**
 * Patient timelines from a MEDS dataset (Medical Event Data Standard, the format EHRSHOT is
 * released in): event shards `data/**\/*.parquet` (`subject_id`, `time`, `code`,
 * `numeric_value`), code descriptions in `metadata/codes.parquet` (`code`, `description`) and
 * label files (`subject_id`, `prediction_time`, `boolean_value`, or `integer_value` for
 * multi-class labels). Parquet is read with DuckDB. A timeline is serialised as one line per day
 * of event descriptions, up to the prediction time; the layout is ours (MedHELM's EHRSHOT
 * serialisation is not part of its public documentation).
 */
import type {DuckDBConnection} from "@duckdb/node-api";
import {memoryConnection, queryRows, sqlString} from "../../data-loaders/formats/parquet.ts";

/** One prediction point: whose, when, and the binary outcome. */
export interface MedsLabel {
  subject: string;
  /** Prediction time in milliseconds since the epoch (UTC, as stored). */
  time: number;
  /** Prediction time as text, for ids and prompts. */
  at: string;
  value: boolean;
}

/** One event of a timeline; `time` is null for static facts (e.g. sex). */
export interface MedsEvent {
  time: number | null;
  day: string | null;
  what: string;
  value: number | null;
}

async function columnsOf(connection: DuckDBConnection, file: string): Promise<string[]> {
  const rows = await queryRows(connection, `DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`);
  return rows.map((r) => String(r.column_name));
}

/** Runs `work` with a fresh in-memory DuckDB connection and closes it afterwards. */
export async function withDuckDB<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const {connection, close} = await memoryConnection();
  try {
    return await work(connection);
  } finally {
    close();
  }
}

/** Reads a MEDS label file; a label is positive when `boolean_value` is true or `integer_value` is above 0. */
export async function readMedsLabels(connection: DuckDBConnection, file: string): Promise<MedsLabel[]> {
  let columns: string[];
  try {
    columns = await columnsOf(connection, file);
  } catch (error) {
    throw new Error(`${file}: not a readable Parquet file: ${(error as Error).message}`);
  }
  for (const c of ["subject_id", "prediction_time"]) if (!columns.includes(c)) throw new Error(`${file}: missing column ${c}`);
  const value = columns.includes("boolean_value") ? "boolean_value" : columns.includes("integer_value") ? "integer_value > 0" : null;
  if (!value) throw new Error(`${file}: missing column boolean_value (or integer_value)`);
  const rows = await queryRows(connection, `SELECT subject_id::VARCHAR AS s, epoch_ms(prediction_time::TIMESTAMP)::DOUBLE AS t, strftime(prediction_time::TIMESTAMP, '%Y-%m-%d %H:%M') AS at, (${value}) AS v FROM read_parquet(${sqlString(file)}) ORDER BY s, t`);
  return rows.map((r, i) => {
    if (r.s === null || r.t === null || r.v === null) throw new Error(`${file} row ${i}: subject_id, prediction_time and the label must not be null`);
    return {subject: r.s as string, time: r.t as number, at: r.at as string, value: Boolean(r.v)};
  });
}

/**
 * Loads the events of the given subjects into a temporary table `timeline_events`, sorted by
 * subject so that per-subject reads skip the rest; descriptions come from the codes file (the
 * code itself when it has none).
 */
export async function stageEvents(connection: DuckDBConnection, {dataGlob, codesFile, subjects}: {dataGlob: string; codesFile: string; subjects: string[]}): Promise<void> {
  const codeColumns = await columnsOf(connection, codesFile).catch((error: Error) => {
    throw new Error(`${codesFile}: not a readable Parquet file: ${error.message}`);
  });
  if (!codeColumns.includes("code")) throw new Error(`${codesFile}: missing column code`);
  const description = codeColumns.includes("description") ? "c.description" : "NULL";
  const list = subjects.length ? subjects.map(sqlString).join(", ") : "NULL";
  try {
    await connection.run(`CREATE OR REPLACE TEMP TABLE timeline_events AS
      SELECT e.subject_id::VARCHAR AS s, epoch_ms(e.time::TIMESTAMP)::DOUBLE AS t, strftime(e.time::TIMESTAMP, '%Y-%m-%d') AS day,
             COALESCE(NULLIF(trim(${description}), ''), e.code) AS what, e.numeric_value::DOUBLE AS v
      FROM read_parquet(${sqlString(dataGlob)}) e LEFT JOIN (SELECT DISTINCT ON (code) * FROM read_parquet(${sqlString(codesFile)})) c ON c.code = e.code
      WHERE e.subject_id::VARCHAR IN (${list})
      ORDER BY s, t NULLS FIRST`);
  } catch (error) {
    throw new Error(`${dataGlob}: cannot read MEDS events: ${(error as Error).message}`);
  }
}

/** The staged events of one subject in time order (static facts first). */
export async function subjectEvents(connection: DuckDBConnection, subject: string): Promise<MedsEvent[]> {
  const rows = await queryRows(connection, `SELECT t, day, what, v FROM timeline_events WHERE s = ${sqlString(subject)} ORDER BY t NULLS FIRST`);
  return rows.map((r) => ({time: r.t as number | null, day: r.day as string | null, what: String(r.what), value: r.v as number | null}));
}

function describe(event: MedsEvent): string {
  if (event.value === null || !Number.isFinite(event.value)) return event.what;
  return `${event.what} = ${Number(event.value.toPrecision(6))}`;
}

/**
 * The timeline text up to and including `cutoff`: static facts, then one line per day with that
 * day's distinct event descriptions. Null when it would exceed `maxChars` (MedHELM drops such
 * instances instead of truncating them).
 */
export function serializeTimeline(events: MedsEvent[], cutoff: number, maxChars: number): string | null {
  const lines: string[] = [];
  const statics = [...new Set(events.filter((e) => e.time === null).map(describe))];
  if (statics.length) lines.push(`Static: ${statics.join("; ")}`);
  let day: string | null = null;
  let items: string[] = [];
  const flush = () => {
    if (day !== null && items.length) lines.push(`${day}: ${[...new Set(items)].join("; ")}`);
  };
  for (const event of events) {
    if (event.time === null || event.time > cutoff) continue;
    if (event.day !== day) {
      flush();
      day = event.day;
      items = [];
    }
    items.push(describe(event));
  }
  flush();
  const text = lines.join("\n");
  return text.length > maxChars ? null : text;
}
