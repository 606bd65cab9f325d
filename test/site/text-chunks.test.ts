/**
 * The instance-text chunk files, whose JSON DuckDB writes (data-loaders/site/text.ts), against
 * the definition they replace: the rows read into JavaScript, `promptAroundInput` and the
 * `answer_is_output` rule applied there, and `JSON.stringify`. Edge cases: prompts that wrap the
 * input (with non-ASCII text and emoji before it) or not, an empty input, answers equal to the
 * output or null, -0 and NaN numbers, quotes and control characters, and empty chunks.
 */
import {gunzipSync} from "fflate";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {DuckDBConnection} from "@duckdb/node-api";
import {memoryConnection} from "../../data-loaders/formats/parquet.ts";
import {insertRows, rowsOf, type ColumnType} from "../../data-loaders/formats/duckdb-rows.ts";
import {schemas} from "../../data-loaders/formats/tables.ts";
import {TEXT_CHUNKS, promptAroundInput, textChunks, textRowTables} from "../../data-loaders/site/text.ts";
import {compressor} from "../../data-loaders/site/compress.ts";

let connection: DuckDBConnection;
let close: () => void;

const instance = (id: string, input: string | null, prompt: string | null) => ({run_id: "r1", benchmark: "b", instance_id: id, split: "test", input_text: input, prompt_text: prompt, gold_text: "g \"quoted\"\n"});
const completion = (id: string, label: string, output: string | null, answer: string | null, latency: number) =>
  ({run_id: "r1", benchmark: "b", instance_id: id, model: label, output_text: output, answer_text: answer, finish_reason: "stop", input_tokens: 10, output_tokens: 3, latency_ms: latency, cached: false});
const verdict = (id: string, label: string, judge: string, score: number | null) =>
  ({run_id: "r1", benchmark: "b", instance_id: id, model: label, judge, criterion: "accuracy", score, explanation: `${judge} says \u0001 "ok"`, parse_status: "ok", self_judging: false, same_vendor: judge === "j2"});

beforeAll(async () => {
  ({connection, close} = await memoryConnection());
  const columns = (table: "instances" | "completions" | "judgments") => Object.fromEntries(schemas[table].columns.map((c) => [c.name, c.type])) as Record<string, ColumnType>;
  await insertRows(connection, "instances", columns("instances"), [
    instance("i01", "hello wörld", "Q: 😀 é̃ hello wörld 😀 x"), instance("i02", "abc", "no match here"), instance("i03", "", "prompt"),
    instance("i04", null, "prompt"), instance("i05", "same", "same"), ...Array.from({length: 12}, (_, k) => instance(`i${10 + k}`, `input ${k}`, `Before\n\ninput ${k}\nafter`))
  ]);
  await insertRows(connection, "completions", columns("completions"), [
    completion("i01", "m1", "out", "out", 12.5), completion("i01", "m2", "out", "B", -0), completion("i02", "m1", null, null, NaN),
    completion("i03", "m2", "x\u2028y", null, 1e21), ...Array.from({length: 12}, (_, k) => completion(`i${10 + k}`, `m${k % 3}`, `answer ${k}`, k % 2 ? `answer ${k}` : "A", k * 0.1))
  ]);
  await insertRows(connection, "judgments", columns("judgments"), [
    verdict("i01", "m1", "j1", 4), verdict("i01", "m1", "j2", null), verdict("i03", "m2", "j1", 2.5), ...Array.from({length: 12}, (_, k) => verdict(`i${10 + k}`, `m${k % 3}`, "j1", k % 5))
  ]);
  await connection.run(`CREATE TABLE entries AS SELECT DISTINCT run_id, model, model || ' label' AS label FROM completions`);
  await connection.run(`CREATE TABLE catalogue AS SELECT 'b' AS benchmark, 'public' AS access`);
  await connection.run(`CREATE TABLE public_benchmarks AS SELECT 'b' AS benchmark`);
  await connection.run(`CREATE TABLE chunks AS
    SELECT benchmark, run_id, instance_id,
      ((row_number() OVER (PARTITION BY benchmark ORDER BY instance_id, run_id) - 1) * ${TEXT_CHUNKS} // count(*) OVER (PARTITION BY benchmark))::INTEGER AS chunk
    FROM (SELECT benchmark, run_id, instance_id FROM instances UNION SELECT benchmark, run_id, instance_id FROM completions)`);
});
afterAll(() => close());

/** The chunk files as JavaScript once built them: rows read one by one, shaped, and stringified. */
async function reference(benchmark: string, allow: boolean): Promise<string[]> {
  const where = `benchmark = '${benchmark}'`;
  const [info] = await rowsOf(connection, `
    SELECT (SELECT any_value(access) FROM catalogue WHERE ${where}) AS access, NOT EXISTS (SELECT 1 FROM public_benchmarks WHERE ${where}) AS restricted`);
  const byChunk = (rows: Array<Record<string, unknown>>) => Array.from({length: TEXT_CHUNKS}, (_, k) => rows.filter((r) => r.chunk === k).map(({chunk, ...rest}) => rest));
  const instances = byChunk((await rowsOf(connection, `
    SELECT ch.chunk, i.run_id, i.instance_id, i.subset, i.split, i.input_text, i.choices_json, i.gold_text, i.prompt_text
    FROM instances i JOIN chunks ch USING (benchmark, run_id, instance_id) WHERE i.${where} ORDER BY i.instance_id, i.run_id`)).map(promptAroundInput));
  const completions = byChunk((await rowsOf(connection, `
    SELECT ch.chunk, c.run_id, c.instance_id, e.label, c.output_text, c.answer_text, c.error, c.finish_reason, c.input_tokens, c.output_tokens, c.latency_ms, c.cached
    FROM completions c JOIN entries e USING (run_id, model) JOIN chunks ch USING (benchmark, run_id, instance_id)
    WHERE c.${where} ORDER BY c.instance_id, c.run_id, e.label`)).map((c) => (c.answer_text !== null && c.answer_text === c.output_text ? {...c, answer_text: null, answer_is_output: true} : c)));
  const verdicts = byChunk(await rowsOf(connection, `
    SELECT ch.chunk, j.run_id, j.instance_id, e.label, j.judge, j.criterion, j.score, j.parse_status, j.reason, j.explanation, j.self_judging, j.same_vendor
    FROM judgments j JOIN entries e USING (run_id, model) JOIN chunks ch USING (benchmark, run_id, instance_id)
    WHERE j.${where} ORDER BY j.instance_id, j.run_id, e.label, j.judge, j.criterion`));
  return Array.from({length: TEXT_CHUNKS}, (_, k) => JSON.stringify({
    benchmark, access: info.access ?? null, restricted: info.restricted, text_published: allow || !info.restricted, instances: instances[k], completions: completions[k], verdicts: verdicts[k]
  }));
}

describe("textChunks", () => {
  const text = async (files: Record<string, Promise<Uint8Array>>, benchmark: string) =>
    Promise.all(Array.from({length: TEXT_CHUNKS}, async (_, k) => new TextDecoder().decode(gunzipSync(await files[`text/${benchmark}-${k}.json.gz`]))));

  it("parse to the rows JavaScript once stringified, key order included, in this thread and in a worker alike", async () => {
    const expected = await reference("b", false);
    const drop = await textRowTables(connection);
    const here = await text(await textChunks(connection, "b", false), "b");
    const compression = compressor();
    const worker = await text(await textChunks(connection, "b", false, (json) => compression.gzip(json)), "b");
    await compression.close();
    await drop();
    expect(worker).toEqual(here);
    expect(here.map((json) => JSON.stringify(JSON.parse(json)))).toEqual(expected);
    // The cases the SQL treats apart are all there.
    const rows = here.map((json) => JSON.parse(json) as {instances: Array<Record<string, unknown>>; completions: Array<Record<string, unknown>>});
    expect(rows.flatMap((r) => r.instances).filter((r) => "prompt_before" in r).length).toBeGreaterThan(10);
    expect(rows.flatMap((r) => r.completions).filter((r) => r.answer_is_output).length).toBeGreaterThan(5);
  });

  it("writes every chunk file of a benchmark without text, empty", async () => {
    const drop = await textRowTables(connection);
    const files = await text(await textChunks(connection, "unknown", true), "unknown");
    await drop();
    expect(files.map((json) => JSON.stringify(JSON.parse(json)))).toEqual(await reference("unknown", true));
    expect(JSON.parse(files[0])).toEqual({benchmark: "unknown", access: null, restricted: true, text_published: true, instances: [], completions: [], verdicts: []});
  });
});
