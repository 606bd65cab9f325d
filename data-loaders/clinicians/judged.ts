/**
 * The jury-scored answers of result folders, read back from their Parquet tables with everything
 * a clinician study needs: the texts the judges saw (input, answer, gold), each judge's valid
 * per-criterion scores, what each judge call cost, and the automated metrics (ROUGE-L,
 * BERTScore-F1) that the clinicians are compared with.
 */
import {existsSync} from "node:fs";
import {join, resolve} from "node:path";
import {memoryConnection, queryRows, sqlString} from "../formats/parquet.ts";
import {stripThinking} from "../benchmark/prompt.ts";

/** Where one response comes from: a run, a benchmark instance and the evaluated model. */
export interface ResponseKey {
  run_id: string;
  benchmark: string;
  instance_id: string;
  model: string;
}

/** One jury-scored answer. */
export interface JudgedResponse extends ResponseKey {
  /** The benchmark's access (`public`, `gated` or `private`; `unknown` when not recorded, treated as restricted). */
  access: string;
  /** The benchmark's display name. */
  benchmark_name: string;
  /** The instance input, as the judges saw it. */
  input: string;
  /** The answer, as the judges saw it (reasoning blocks removed). */
  response: string;
  /** The first gold answer, as the judges saw it when the rubric shows it. */
  gold: string;
  /** Valid verdicts only: judge -> criterion -> score. A judge with any invalid criterion is absent. */
  judges: Record<string, Record<string, number>>;
  /** Judge -> USD of its call for this answer (null when the price is unknown), for every judge asked. */
  judge_cost_usd: Record<string, number | null>;
  /** Automated metric values of the answer (`rouge_l`, `bertscore_f1`), when computed. */
  metrics: Record<string, number>;
}

/** Metrics carried into a study for comparison with the clinicians. */
export const COMPARED_METRICS = ["rouge_l", "bertscore_f1"] as const;

const TABLES = ["benchmarks", "instances", "completions", "scores", "judgments"] as const;

/** The stable text key of a response (used by the key file and for joins). */
export function responseId(r: ResponseKey): string {
  return [r.run_id, r.benchmark, r.instance_id, r.model].join("\u0000");
}

/**
 * Reads every answer that at least one judge scored validly from the result folders `dirs`.
 * Fails naming the folder when a table is missing. Rows come sorted by run, benchmark, instance
 * and model, so that seeded sampling over them is reproducible.
 */
export async function readJudgedResponses(dirs: readonly string[]): Promise<JudgedResponse[]> {
  for (const dir of dirs) {
    const missing = TABLES.filter((t) => !existsSync(join(dir, `${t}.parquet`)));
    if (missing.length) throw new Error(`${dir} is not a result folder (no ${missing.join(", ")}.parquet); pass the --out folder of "medhelm run"`);
  }
  const files = (table: string) => `[${dirs.map((d) => sqlString(resolve(d, `${table}.parquet`))).join(", ")}]`;
  const {connection, close} = await memoryConnection();
  try {
    const judgments = await queryRows(connection, `
      SELECT run_id, benchmark, instance_id, model, judge, criterion, score, parse_status, cost_usd
      FROM read_parquet(${files("judgments")}) ORDER BY ALL`);
    const answers = await queryRows(connection, `
      SELECT c.run_id, c.benchmark, c.instance_id, c.model, c.output_text, i.input_text, i.gold_text, b.access, b.name
      FROM read_parquet(${files("completions")}) c
      JOIN read_parquet(${files("instances")}) i USING (run_id, benchmark, instance_id)
      JOIN read_parquet(${files("benchmarks")}) b USING (run_id, benchmark)
      WHERE c.output_text IS NOT NULL
      ORDER BY c.run_id, c.benchmark, c.instance_id, c.model`);
    const metrics = await queryRows(connection, `
      SELECT run_id, benchmark, instance_id, model, metric, value FROM read_parquet(${files("scores")})
      WHERE metric IN (${COMPARED_METRICS.map(sqlString).join(", ")}) AND value IS NOT NULL`);

    const verdicts = new Map<string, {judges: Map<string, {scores: Record<string, number>; valid: boolean}>; cost: Record<string, number | null>}>();
    for (const row of judgments) {
      const id = responseId(row as unknown as ResponseKey);
      const entry = verdicts.get(id) ?? {judges: new Map(), cost: {} as Record<string, number | null>};
      verdicts.set(id, entry);
      const judge = String(row.judge);
      const verdict = entry.judges.get(judge) ?? {scores: {}, valid: true};
      entry.judges.set(judge, verdict);
      // Excluded and unasked judges made no call; their rows carry no cost and no verdict.
      if (row.parse_status !== "excluded" && row.parse_status !== "no_output") entry.cost[judge] = row.cost_usd === null ? null : Number(row.cost_usd);
      if (row.parse_status === "ok" && row.score !== null) verdict.scores[String(row.criterion)] = Number(row.score);
      else verdict.valid = false;
    }
    const metricValues = new Map<string, Record<string, number>>();
    for (const row of metrics) {
      const id = responseId(row as unknown as ResponseKey);
      const values = metricValues.get(id) ?? {};
      values[String(row.metric)] = Number(row.value);
      metricValues.set(id, values);
    }

    const out: JudgedResponse[] = [];
    for (const row of answers) {
      const key = {run_id: String(row.run_id), benchmark: String(row.benchmark), instance_id: String(row.instance_id), model: String(row.model)};
      const entry = verdicts.get(responseId(key));
      if (!entry) continue;
      const judges = Object.fromEntries([...entry.judges].filter(([, v]) => v.valid && Object.keys(v.scores).length > 0).map(([j, v]) => [j, v.scores]));
      if (Object.keys(judges).length === 0) continue;
      out.push({
        ...key, access: String(row.access ?? "unknown"), benchmark_name: String(row.name ?? key.benchmark),
        input: String(row.input_text ?? ""), response: stripThinking(String(row.output_text)), gold: String(row.gold_text ?? ""),
        judges, judge_cost_usd: entry.cost, metrics: metricValues.get(responseId(key)) ?? {}
      });
    }
    return out;
  } finally {
    close();
  }
}
