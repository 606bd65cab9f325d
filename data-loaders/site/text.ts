/**
 * Instance text on the site, and keeping restricted text off it. `withholdRestrictedText` removes
 * the text of gated and private benchmarks from the merged result tables before anything is
 * derived (unless the configuration allows publishing it); `textChunks` packs one benchmark's
 * text into a few compressed JSON files that the instance drill-down fetches when an instance is opened.
 */
import type {DuckDBConnection} from "@duckdb/node-api";
import {readQuery} from "../formats/duckdb-columns.ts";
import {rowsOf} from "../formats/duckdb-rows.ts";
import {sqlString} from "../formats/parquet.ts";
import {gzipHere} from "./compress.ts";

/** Text chunks per benchmark: the drill-down fetches one of them when an instance is opened. */
export const TEXT_CHUNKS = 8;

/** Matches a double-quoted string literal (JSON-escaped), where error and parse reasons quote replies. */
const QUOTED = String.raw`"([^"\\]|\\.)*"`;

/** SQL that replaces every quoted snippet in a text column, keeping the rest of the message. */
export const withoutQuotes = (column: string, replacement: string) => `regexp_replace(${column}, ${sqlString(QUOTED)}, ${sqlString(replacement)}, 'g')`;

/**
 * Removes instance text of every benchmark that is not public both in the results and in the
 * catalogue (either saying gated or private wins; an unknown benchmark counts as private):
 * inputs, prompts, choices, gold answers, outputs, extracted answers and judge explanations are
 * nulled, and quoted reply snippets inside error and parse reasons are replaced.
 */
export async function withholdRestrictedText(connection: DuckDBConnection, allow: boolean): Promise<void> {
  await connection.run(`CREATE TABLE public_benchmarks AS
    SELECT benchmark FROM benchmarks GROUP BY benchmark
    HAVING bool_and(coalesce(access, 'private') = 'public') AND benchmark NOT IN (SELECT benchmark FROM catalogue WHERE access <> 'public')`);
  if (allow) return;
  const restricted = "benchmark NOT IN (SELECT benchmark FROM public_benchmarks)";
  await connection.run(`UPDATE instances SET input_text = NULL, gold_text = NULL, prompt_text = NULL, choices_json = NULL WHERE ${restricted}`);
  await connection.run(`UPDATE completions SET output_text = NULL, answer_text = NULL, error = ${withoutQuotes("error", '"[withheld]"')} WHERE ${restricted}`);
  await connection.run(`UPDATE judgments SET explanation = NULL, reason = ${withoutQuotes("reason", '"[withheld]"')} WHERE ${restricted}`);
  // A note can quote the answer (an SQL error names the predicted query's columns), so it is withheld like reasons.
  await connection.run(`UPDATE scores SET unscored_reason = ${withoutQuotes("unscored_reason", '"[withheld]"')}, note = ${withoutQuotes("note", '"[withheld]"')} WHERE ${restricted}`);
}

/** A JSON number as `JSON.stringify` writes it: null when not finite, and 0 for -0 (adding +0 turns -0 into 0). */
const number = (x: string) => `CASE WHEN isfinite(${x}) THEN ${x} + 0.0 END`;

/** The kinds of text rows a chunk holds, in the order of the chunk's keys. */
const KINDS = ["instances", "completions", "verdicts"] as const;

/**
 * The SQL of every benchmark's text rows of one kind as JSON objects (`benchmark`, `chunk`,
 * `json`), sorted by benchmark and then in the order the page has always received them. The keys
 * are in the order of the rows the chunks were once built from in JavaScript, and the conditional
 * keys (`promptAroundInput`, `answer_is_output`) are written only where they apply.
 */
function textRowsSql(kind: (typeof KINDS)[number]): string {
  if (kind === "instances") {
    const keys = "'run_id', i.run_id, 'instance_id', i.instance_id, 'subset', i.subset, 'split', i.split, 'input_text', i.input_text, 'choices_json', i.choices_json, 'gold_text', i.gold_text";
    // promptAroundInput in SQL: strpos, left and substr count characters alike, so the text
    // around the input is the same as JavaScript's indexOf and slice give.
    const at = "strpos(i.prompt_text, i.input_text)";
    return `SELECT i.benchmark, ch.chunk, CASE
        WHEN i.input_text <> '' AND ${at} > 0 THEN json_object(${keys}, 'prompt_text', NULL,
          'prompt_before', left(i.prompt_text, ${at} - 1), 'prompt_after', substr(i.prompt_text, ${at} + length(i.input_text)))
        ELSE json_object(${keys}, 'prompt_text', i.prompt_text) END::VARCHAR AS json
      FROM instances i JOIN chunks ch USING (benchmark, run_id, instance_id) ORDER BY i.benchmark, i.instance_id, i.run_id`;
  }
  if (kind === "completions") {
    const head = "'run_id', c.run_id, 'instance_id', c.instance_id, 'label', e.label, 'output_text', c.output_text";
    const tail = `'error', c.error, 'finish_reason', c.finish_reason, 'input_tokens', c.input_tokens, 'output_tokens', c.output_tokens, 'latency_ms', ${number("c.latency_ms")}, 'cached', c.cached`;
    // Open-ended answers are the output itself; sending it once halves their chunks.
    return `SELECT c.benchmark, ch.chunk, CASE
        WHEN c.answer_text = c.output_text THEN json_object(${head}, 'answer_text', NULL, ${tail}, 'answer_is_output', true)
        ELSE json_object(${head}, 'answer_text', c.answer_text, ${tail}) END::VARCHAR AS json
      FROM completions c JOIN entries e USING (run_id, model) JOIN chunks ch USING (benchmark, run_id, instance_id)
      ORDER BY c.benchmark, c.instance_id, c.run_id, e.label`;
  }
  return `SELECT j.benchmark, ch.chunk, json_object('run_id', j.run_id, 'instance_id', j.instance_id, 'label', e.label, 'judge', j.judge,
        'criterion', j.criterion, 'score', ${number("j.score")}, 'parse_status', j.parse_status, 'reason', j.reason, 'explanation', j.explanation,
        'self_judging', j.self_judging, 'same_vendor', j.same_vendor)::VARCHAR AS json
      FROM judgments j JOIN entries e USING (run_id, model) JOIN chunks ch USING (benchmark, run_id, instance_id)
      ORDER BY j.benchmark, j.instance_id, j.run_id, e.label, j.judge, j.criterion`;
}

/**
 * Writes every benchmark's text rows as JSON into temporary tables (`text_instances`,
 * `text_completions`, `text_verdicts`) that `textChunks` reads, and returns the function that
 * drops them. Writing them once and sorted, rather than joining and sorting for each benchmark,
 * makes a benchmark's read a short scan.
 */
export async function textRowTables(connection: DuckDBConnection): Promise<() => Promise<void>> {
  for (const kind of KINDS) await connection.run(`CREATE TEMP TABLE text_${kind} AS ${textRowsSql(kind)}`);
  return async () => {
    for (const kind of KINDS) await connection.run(`DROP TABLE IF EXISTS text_${kind}`);
  };
}

/**
 * The text of one benchmark's instances in `TEXT_CHUNKS` gzip-compressed JSON files (`text/<id>-<k>.json.gz`), each
 * holding the instances of its chunk with every entry's output and every judge's verdict. Every
 * chunk file exists, empty or not, because pages reference them by name. Reads the tables of
 * `textRowTables`.
 *
 * DuckDB writes each row's JSON, so the text arrives as UTF-8 bytes that are joined into the
 * chunk files as they are, instead of as a JavaScript object per row; the files parse to the
 * same rows as `JSON.stringify` of the rows read one by one. The files are returned as soon as
 * the text is read, each still being compressed by `gzip` (by default in this thread), so that
 * a caller can read the next benchmark meanwhile.
 */
export async function textChunks(connection: DuckDBConnection, benchmark: string, allow: boolean, gzip: (json: Uint8Array) => Promise<Uint8Array> = async (json) => gzipHere(json)): Promise<Record<string, Promise<Uint8Array>>> {
  const where = `benchmark = ${sqlString(benchmark)}`;
  const [info] = await rowsOf(connection, `
    SELECT (SELECT any_value(access) FROM catalogue WHERE ${where}) AS access,
      NOT EXISTS (SELECT 1 FROM public_benchmarks WHERE ${where}) AS restricted`);
  // Each chunk's parts, starting with the JSON before its first array.
  const parts: Uint8Array[][] = Array.from({length: TEXT_CHUNKS}, () => [encoder.encode(`{"benchmark":${JSON.stringify(benchmark)},"access":${JSON.stringify(info.access ?? null)},` +
    `"restricted":${JSON.stringify(info.restricted)},"text_published":${JSON.stringify(allow || !info.restricted)}`)]);
  for (const kind of KINDS) {
    // A filtered scan keeps the table's order, which is the order within a chunk.
    const {length, columns: [chunk, json]} = await readQuery(connection, `SELECT chunk, json FROM text_${kind} WHERE ${where}`);
    if (chunk.kind !== "int32" || json.kind !== "utf8") throw new Error(`text chunks of ${benchmark}: unexpected column types`);
    const rows = Array.from({length: TEXT_CHUNKS}, () => [] as Uint8Array[]);
    for (let r = 0; r < length; r++) rows[chunk.values[r]].push(json.bytes.subarray(json.offsets[r], json.offsets[r + 1]));
    rows.forEach((chunkRows, k) => {
      parts[k].push(encoder.encode(`,"${kind}":[`));
      chunkRows.forEach((row, i) => {
        if (i) parts[k].push(comma);
        parts[k].push(row);
      });
      parts[k].push(closeArray);
    });
  }
  const files: Record<string, Promise<Uint8Array>> = {};
  for (let k = 0; k < TEXT_CHUNKS; k++) {
    // Compressed (JSON of many similar rows shrinks about tenfold); the page unpacks it with the
    // browser's DecompressionStream. mtime 0 keeps two builds of the same data byte-identical.
    files[`text/${benchmark}-${k}.json.gz`] = gzip(concat([...parts[k], closeObject]));
  }
  return files;
}

const encoder = new TextEncoder();
const comma = encoder.encode(",");
const closeArray = encoder.encode("]");
const closeObject = encoder.encode("}");

/** The bytes of `parts` one after the other. */
function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * The prompt wraps the input, so a chunk stores only the text around it (`prompt_before`,
 * `prompt_after`; the page puts the input back), which keeps long inputs from being sent twice.
 * `textChunks` does the same in SQL; this is the definition its tests compare it with.
 */
export function promptAroundInput(row: Record<string, unknown>): Record<string, unknown> {
  const {prompt_text: prompt, input_text: input} = row;
  if (typeof prompt !== "string" || typeof input !== "string" || !input) return row;
  const at = prompt.indexOf(input);
  if (at < 0) return row;
  return {...row, prompt_text: null, prompt_before: prompt.slice(0, at), prompt_after: prompt.slice(at + input.length)};
}
