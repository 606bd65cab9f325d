/**
 * Instance text on the site, and keeping restricted text off it. `withholdRestrictedText` removes
 * the text of gated and private benchmarks from the merged result tables before anything is
 * derived (unless the configuration allows publishing it); `textChunks` packs one benchmark's
 * text into a few compressed JSON files that the instance drill-down fetches when an instance is opened.
 */
import type {DuckDBConnection} from "@duckdb/node-api";
import {gzipSync} from "fflate";
import {rowsOf} from "../formats/duckdb-rows.ts";
import {sqlString} from "../formats/parquet.ts";

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

/**
 * The text of one benchmark's instances in `TEXT_CHUNKS` gzip-compressed JSON files (`text/<id>-<k>.json.gz`), each
 * holding the instances of its chunk with every entry's output and every judge's verdict. Every
 * chunk file exists, empty or not, because pages reference them by name.
 */
export async function textChunks(connection: DuckDBConnection, benchmark: string, allow: boolean): Promise<Record<string, Uint8Array>> {
  const where = `benchmark = ${sqlString(benchmark)}`;
  const [info] = await rowsOf(connection, `
    SELECT (SELECT any_value(access) FROM catalogue WHERE ${where}) AS access,
      NOT EXISTS (SELECT 1 FROM public_benchmarks WHERE ${where}) AS restricted`);
  const byChunk = (rows: Array<Record<string, unknown>>) => Array.from({length: TEXT_CHUNKS}, (_, k) => rows.filter((r) => r.chunk === k).map(({chunk, ...rest}) => rest));
  const instances = byChunk((await rowsOf(connection, `
    SELECT ch.chunk, i.run_id, i.instance_id, i.subset, i.split, i.input_text, i.choices_json, i.gold_text, i.prompt_text
    FROM instances i JOIN chunks ch USING (benchmark, run_id, instance_id) WHERE i.${where} ORDER BY i.instance_id, i.run_id`)).map(promptAroundInput));
  const completions = byChunk((await rowsOf(connection, `
    SELECT ch.chunk, c.run_id, c.instance_id, e.label, c.output_text, c.answer_text, c.error, c.finish_reason,
      c.input_tokens, c.output_tokens, c.latency_ms, c.cached
    FROM completions c JOIN entries e USING (run_id, model) JOIN chunks ch USING (benchmark, run_id, instance_id)
    WHERE c.${where} ORDER BY c.instance_id, c.run_id, e.label`)).map((c) =>
    // Open-ended answers are the output itself; sending it once halves their chunks.
    c.answer_text !== null && c.answer_text === c.output_text ? {...c, answer_text: null, answer_is_output: true} : c));
  const verdicts = byChunk(await rowsOf(connection, `
    SELECT ch.chunk, j.run_id, j.instance_id, e.label, j.judge, j.criterion, j.score, j.parse_status, j.reason, j.explanation, j.self_judging, j.same_vendor
    FROM judgments j JOIN entries e USING (run_id, model) JOIN chunks ch USING (benchmark, run_id, instance_id)
    WHERE j.${where} ORDER BY j.instance_id, j.run_id, e.label, j.judge, j.criterion`));
  const files: Record<string, Uint8Array> = {};
  for (let k = 0; k < TEXT_CHUNKS; k++) {
    const body = {
      benchmark, access: info.access ?? null, restricted: info.restricted, text_published: allow || !info.restricted,
      instances: instances[k], completions: completions[k], verdicts: verdicts[k]
    };
    // Compressed (JSON of many similar rows shrinks about tenfold); the page unpacks it with the
    // browser's DecompressionStream. mtime 0 keeps two builds of the same data byte-identical.
    files[`text/${benchmark}-${k}.json.gz`] = gzipSync(new TextEncoder().encode(JSON.stringify(body)), {level: 6, mtime: 0});
  }
  return files;
}

/**
 * The prompt wraps the input, so a chunk stores only the text around it (`prompt_before`,
 * `prompt_after`; the page puts the input back), which keeps long inputs from being sent twice.
 */
export function promptAroundInput(row: Record<string, unknown>): Record<string, unknown> {
  const {prompt_text: prompt, input_text: input} = row;
  if (typeof prompt !== "string" || typeof input !== "string" || !input) return row;
  const at = prompt.indexOf(input);
  if (at < 0) return row;
  return {...row, prompt_text: null, prompt_before: prompt.slice(0, at), prompt_after: prompt.slice(at + input.length)};
}
