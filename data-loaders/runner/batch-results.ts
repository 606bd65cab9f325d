/**
 * Reading a batch's result files (OpenAI's Batch API format, which Azure OpenAI, Groq, Together,
 * Fireworks, Mistral and others copy). Each line of the output and error files is
 *
 *     {"id": ..., "custom_id": ..., "response": {"status_code": 200, "body": <chat completion>} | null, "error": {"code", "message"} | null}
 *
 * A line becomes an answer (status 200 with a choice) or a failure with the provider's words. A
 * line that is not JSON, lacks a `custom_id`, or names a `custom_id` the batch never sent is an
 * anomaly: reported, never silently dropped, and never attributed to a request.
 */
import {generationOf} from "../models/openai.ts";
import type {Generation} from "../benchmark/types.ts";

/** What a result line says about one request. */
export type LineResult = {ok: true; generation: Generation} | {ok: false; error: string};

/** The results of a batch by `custom_id`, and what was wrong with its files. */
export interface BatchResults {
  results: Map<string, LineResult>;
  anomalies: string[];
}

/** Shortened JSON of a value for a message. */
const brief = (value: unknown) => {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 200 ? `${text.slice(0, 200)}...` : text;
};

/** The result a parsed line states, or an anomaly text when it states none. */
function lineResult(line: Record<string, unknown>): LineResult | string {
  const error = line.error as {code?: unknown; message?: unknown} | null | undefined;
  if (error) return {ok: false, error: `${error.code ? `${String(error.code)}: ` : ""}${brief(error.message ?? error)}`};
  const response = line.response as {status_code?: unknown; body?: unknown} | null | undefined;
  if (!response || typeof response !== "object") return "neither a response nor an error";
  const status = Number(response.status_code);
  const body = response.body as Record<string, unknown> | undefined;
  if (status !== 200) {
    const message = (body?.error as {message?: unknown} | undefined)?.message;
    return {ok: false, error: `HTTP ${Number.isFinite(status) ? status : "?"}: ${brief(message ?? body ?? "no body")}`};
  }
  const generation = body && typeof body === "object" ? generationOf(body as never, 0) : null;
  return generation ? {ok: true, generation} : {ok: false, error: "malformed response: no choices in the batch's answer"};
}

/**
 * Reads one result file (`kind` names it in messages) into `into`. `known` holds the batch's
 * `custom_id`s; a line for any other id is an anomaly. An answer is never replaced by a failure
 * for the same id (an output file and an error file can both mention a request that was retried).
 */
export function readResultFile(text: string, kind: "output" | "error", known: ReadonlySet<string>, into: BatchResults = {results: new Map(), anomalies: []}): BatchResults {
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    if (!raw.trim()) return;
    const where = `${kind} file line ${i + 1}`;
    let line: unknown;
    try {
      line = JSON.parse(raw);
    } catch {
      into.anomalies.push(`${where}: not JSON (${brief(raw)})`);
      return;
    }
    if (!line || typeof line !== "object" || Array.isArray(line)) {
      into.anomalies.push(`${where}: not a JSON object`);
      return;
    }
    const id = (line as {custom_id?: unknown}).custom_id;
    if (typeof id !== "string" || !id) {
      into.anomalies.push(`${where}: no custom_id`);
      return;
    }
    if (!known.has(id)) {
      into.anomalies.push(`${where}: unknown custom_id ${brief(id)} (not a request of this batch)`);
      return;
    }
    const result = lineResult(line as Record<string, unknown>);
    if (typeof result === "string") {
      into.anomalies.push(`${where}: ${result}`);
      return;
    }
    if (into.results.get(id)?.ok) return;
    into.results.set(id, result);
  });
  return into;
}
