/**
 * Synthetic result folders in the six-table format of a real run, written with `parquetSink`:
 *
 * - `npx tsx scripts/synthetic-results.ts <dir>` writes a result set shaped like a full suite run
 *   (37 benchmarks x 12 models; 100-700 instances per closed benchmark, 40-102 per jury-scored
 *   one; about 300,000 score rows, 100,000 judgment rows and text for every completion), the
 *   input of `npm run bench:pages`.
 * - `npx tsx scripts/synthetic-results.ts --fixtures` rewrites the small committed fixture folders
 *   under `test/fixtures/site-include/` that the shared test site build includes: a native run
 *   with an LLM jury on ACI-Bench and on the gated MIMIC-RRS (whose text carries a canary the
 *   governance test looks for), and an imported HELM run on PubMedQA.
 *
 * Every value is drawn from seeded generators, so the same arguments write the same rows.
 */
import {rmSync} from "node:fs";
import {join, resolve} from "node:path";
import {parquetSink, type TableSink} from "../data-loaders/formats/parquet.ts";
import {seededFor, type Random} from "../data-loaders/stats/random.ts";
import {catalogue, subcategory} from "../data-loaders/benchmark/taxonomy.ts";

/** The canary written into every text field of the gated fixture benchmark. */
export const CANARY = "CANARY-GATED-TEXT-7731";

/** One synthetic benchmark: which catalogue entry and how many instances. */
interface BenchmarkPlan {
  id: string;
  instances: number;
  /** Text of the instance, output, gold and explanations (a function so fixtures can plant a canary). */
  text?: (kind: "input" | "gold" | "output" | "explanation", k: number) => string;
}

/** A synthetic run: its models (ability on a logit scale), judges and benchmarks. */
export interface SyntheticPlan {
  runId: string;
  source: string;
  startedAt: string;
  seed: number;
  models: Array<{id: string; kind: "llm" | "baseline"; ability: number}>;
  judges: string[];
  benchmarks: BenchmarkPlan[];
  /** Share of judge replies that fail to parse (their verdict is rejected with a reason). */
  invalidVerdictRate: number;
}

const WORDS = (
  "patient reports chest pain shortness breath fever cough history hypertension diabetes medication dose daily " +
  "exam normal abdomen tender lungs clear heart regular rhythm plan follow up weeks labs ordered imaging shows " +
  "mild moderate severe acute chronic left right lower upper extremity swelling nausea vomiting headache fatigue " +
  "started stopped increased decreased allergy penicillin aspirin insulin metformin lisinopril discharge stable"
).split(" ");

/** A sentence-like string of roughly `chars` characters. */
function prose(random: Random, chars: number): string {
  const out: string[] = [];
  let length = 0;
  while (length < chars) {
    const n = 6 + random.int(10);
    const words = Array.from({length: n}, () => WORDS[random.int(WORDS.length)]);
    const sentence = `${words[0][0].toUpperCase()}${words[0].slice(1)} ${words.slice(1).join(" ")}.`;
    out.push(sentence);
    length += sentence.length + 1;
  }
  return out.join(" ");
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Writes one synthetic run into `sink` (the caller closes it). Returns row counts per table. */
export function writeSyntheticRun(plan: SyntheticPlan, sink: TableSink): Record<string, number> {
  const counts: Record<string, number> = {runs: 0, benchmarks: 0, instances: 0, completions: 0, scores: 0, judgments: 0};
  const write = (table: Parameters<TableSink["write"]>[0], row: Parameters<TableSink["write"]>[1]) => {
    sink.write(table, row);
    counts[table]++;
  };
  const criteria = ["accuracy", "completeness", "clarity"];
  for (const b of plan.benchmarks) {
    const entry = catalogue.find((e) => e.id === b.id);
    if (!entry) throw new Error(`unknown benchmark: ${b.id}`);
    const sub = subcategory(entry.subcategory);
    const random = seededFor(plan.seed, `${plan.runId}/${b.id}`);
    const jury = entry.openEnded;
    write("benchmarks", {
      run_id: plan.runId, benchmark: b.id, name: entry.name, version: 1, category: sub.category, subcategory: sub.id, access: entry.access,
      open_ended: jury, main_metric: entry.mainMetric, main_metric_min: jury ? 1 : 0, main_metric_max: jury ? 5 : 1, max_tokens: jury ? 1024 : 1,
      data_available: true, n_instances: b.instances, prompt_hash: `synthetic-${b.id}-prompt`, instances_hash: `synthetic-${b.id}-${b.instances}`
    });
    for (let k = 0; k < b.instances; k++) {
      const instanceId = `${b.id}-${String(k).padStart(4, "0")}`;
      const difficulty = random.next() * 4 - 2;
      const input = b.text?.("input", k) ?? prose(random, jury ? 600 + random.int(900) : 200 + random.int(400));
      const gold = b.text?.("gold", k) ?? (jury ? prose(random, 300 + random.int(400)) : "ABCD"[random.int(4)]);
      const choices = jury ? null : JSON.stringify(["A", "B", "C", "D"].map((l) => `${l}. ${prose(random, 30)}`));
      const prompt = `Answer the following question.\n\n${input}`;
      write("instances", {
        run_id: plan.runId, benchmark: b.id, instance_id: instanceId, subset: null, split: "test", input_text: input,
        choices_json: choices, gold_text: gold, prompt_text: prompt, input_chars: prompt.length
      });
      for (const model of plan.models) {
        const key = {run_id: plan.runId, benchmark: b.id, instance_id: instanceId, model: model.id};
        const quality = sigmoid(model.ability - difficulty + (random.next() - 0.5));
        const output = b.text?.("output", k) ?? (jury ? prose(random, 400 + random.int(1200)) : `The answer is ${"ABCD"[random.int(4)]}.`);
        const baseline = model.kind === "baseline";
        write("completions", {
          ...key, model_kind: model.kind, endpoint: baseline ? null : "https://synthetic.invalid/v1", output_text: output,
          answer_text: jury ? output : output.slice(14, 15), error: null, finish_reason: "stop",
          input_tokens: baseline ? null : Math.round(prompt.length / 4), output_tokens: baseline ? null : Math.round(output.length / 4),
          latency_ms: 200 + random.int(3000), cached: false, request_hash: `synthetic-${b.id}-${k}-${model.id}`
        });
        const score = (metric: string, isMain: boolean, value: number | null, range: [number, number], reason: string | null = null) =>
          write("scores", {...key, metric, is_main: isMain, value, value_normalized: value === null ? null : (value - range[0]) / (range[1] - range[0]), unscored_reason: value === null ? reason : null});
        if (!jury) {
          const correct = random.next() < quality ? 1 : 0;
          score(entry.mainMetric, true, correct, [0, 1]);
          score(entry.mainMetric === "exact_match" ? "quasi_exact_match" : "exact_match", false, correct || (random.next() < 0.05 ? 1 : 0), [0, 1]);
          continue;
        }
        const verdicts: number[][] = [];
        const reasons: string[] = [];
        for (const judge of plan.judges) {
          const invalid = random.next() < plan.invalidVerdictRate;
          const bias = (judge.length % 3) * 0.15 - 0.15;
          const marks = criteria.map(() => clamp(Math.round(1 + 4 * quality + bias + (random.next() - 0.5) * 1.6), 1, 5));
          if (!invalid) verdicts.push(marks);
          else reasons.push(`${judge}: no JSON object in judge reply: "${(b.text?.("explanation", k) ?? "I cannot rate this").slice(0, 60)}"`);
          criteria.forEach((criterion, c) =>
            write("judgments", {
              ...key, judge, criterion, score: invalid ? null : marks[c], explanation: invalid ? null : b.text?.("explanation", k) ?? prose(random, 80),
              parse_status: invalid ? "invalid_json" : "ok", reason: invalid ? reasons.at(-1)! : null, self_judging: judge === model.id,
              same_vendor: judge.split("/")[0] === model.id.split("/")[0], input_tokens: Math.round((prompt.length + output.length) / 4) + 300,
              output_tokens: 120, latency_ms: 500 + random.int(2000), cached: false
            })
          );
        }
        const all = verdicts.flat();
        const juryScore = all.length ? all.reduce((a, x) => a + x, 0) / all.length : null;
        const unscored = `no valid verdict (${reasons.join("; ")})`;
        score(entry.mainMetric, true, juryScore, [1, 5], unscored);
        criteria.forEach((criterion, c) => {
          const per = verdicts.map((v) => v[c]);
          score(`jury_${criterion}`, false, per.length ? per.reduce((a, x) => a + x, 0) / per.length : null, [1, 5], unscored);
        });
        const rouge = clamp(0.1 + 0.5 * quality + (random.next() - 0.5) * 0.2, 0, 1);
        score("rouge_l", false, rouge, [0, 1]);
        score("rouge_1", false, clamp(rouge + 0.08 + (random.next() - 0.5) * 0.1, 0, 1), [0, 1]);
      }
    }
  }
  write("runs", {
    run_id: plan.runId, source: plan.source, started_at: plan.startedAt, finished_at: plan.startedAt, tool_version: "synthetic",
    seed: plan.seed, models: plan.models.map((m) => m.id).join(","), judges: plan.judges.join(","),
    config_json: JSON.stringify({synthetic: true, seed: plan.seed, models: plan.models.map((m) => m.id), judges: plan.judges, benchmarks: plan.benchmarks.map((b) => b.id)}),
    n_calls: counts.completions, n_cached: 0, n_errors: 0
  });
  return counts;
}

/**
 * The full-suite plan: 37 benchmarks x `models` models (12 by default: nine from the paper, two
 * more, one baseline). Larger suites repeat the eleven LLMs as further versions (`-v2`, `-v3`, ...),
 * each copy's ability shifted by a small step, so a leaderboard of any size has distinct entries.
 */
export function fullSuitePlan(seed = 0, modelCount = 12): SyntheticPlan {
  if (!Number.isInteger(modelCount) || modelCount < 2) throw new Error(`model count must be an integer of at least 2 (one LLM and the baseline), got ${modelCount}`);
  const random = seededFor(seed, "synthetic-plan");
  const llms = [
    ["deepseek-ai/deepseek-r1", 1.2], ["openai/o3-mini-2025-01-31", 1.1], ["anthropic/claude-3-7-sonnet-20250219", 1.0],
    ["anthropic/claude-3-5-sonnet-20241022", 0.9], ["openai/gpt-4o-2024-05-13", 0.85], ["google/gemini-2.0-flash-001", 0.8],
    ["openai/gpt-4o-mini-2024-07-18", 0.6], ["meta/llama-3.3-70b-instruct", 0.6], ["google/gemini-1.5-pro-001", 0.7],
    ["synthetic/model-a", 0.3], ["synthetic/model-b", 0.0]
  ] as const;
  const models: SyntheticPlan["models"] = Array.from({length: modelCount - 1}, (_, i) => {
    const [id, ability] = llms[i % llms.length];
    const copy = Math.floor(i / llms.length);
    return copy ? {id: `${id}-v${copy + 1}`, kind: "llm" as const, ability: ability + 0.13 * copy * (copy % 2 ? -1 : 1)} : {id, kind: "llm" as const, ability};
  });
  models.push({id: "baseline/random-choice", kind: "baseline", ability: -1.5});
  return {
    runId: `synthetic-${seed}`, source: "synthetic", startedAt: "2025-06-01T00:00:00.000Z", seed, models,
    judges: ["openai/gpt-4o-2024-05-13", "meta/llama-3.3-70b-instruct", "anthropic/claude-3-7-sonnet-20250219"],
    // Closed benchmarks carry up to 1000 instances; jury benchmarks fewer, as nine judgment rows come with each answer.
    benchmarks: catalogue.map((e) => ({id: e.id, instances: e.openEnded ? 40 + random.int(63) : 100 + random.int(601)})),
    invalidVerdictRate: 0.02
  };
}

/** The committed fixture runs of the test site build, by folder name. */
export function fixturePlans(): Record<string, SyntheticPlan> {
  const gated = (kind: string, k: number) => `${kind} of gated instance ${k}: ${CANARY} ${kind === "gold" ? "impression unchanged" : "findings reviewed"}.`;
  return {
    "jury-run": {
      runId: "fixture-jury-run", source: "native", startedAt: "2025-07-01T00:00:00.000Z", seed: 7,
      models: [{id: "fixture/alpha", kind: "llm", ability: 1.5}, {id: "fixture/beta", kind: "llm", ability: -0.5}],
      // fixture/alpha also sits on the jury, so its own answers are self-judged.
      judges: ["fixture/judge-a", "fixture/judge-b", "fixture/alpha"],
      benchmarks: [{id: "aci_bench", instances: 6}, {id: "mimic_rrs", instances: 2, text: gated}],
      invalidVerdictRate: 0.1
    },
    "helm-import": {
      runId: "fixture-helm-import", source: "helm-import", startedAt: "2025-05-12T00:00:00.000Z", seed: 11,
      models: [{id: "openai/gpt-4o-2024-05-13", kind: "llm", ability: 1}],
      judges: [],
      benchmarks: [{id: "pubmed_qa", instances: 5}],
      invalidVerdictRate: 0
    }
  };
}

/** Writes a plan's six tables into `dir` (replacing it). */
export async function writePlan(plan: SyntheticPlan, dir: string): Promise<Record<string, number>> {
  rmSync(dir, {recursive: true, force: true});
  const sink = await parquetSink(dir);
  const counts = writeSyntheticRun(plan, sink);
  await sink.close();
  return counts;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  if (args[0] === "--fixtures") {
    const root = resolve(import.meta.dirname, "..", "test", "fixtures", "site-include");
    for (const [name, plan] of Object.entries(fixturePlans())) console.log(name, JSON.stringify(await writePlan(plan, join(root, name))));
  } else if (args[0] && !args[0].startsWith("-")) {
    const started = Date.now();
    const i = args.indexOf("--models");
    const counts = await writePlan(fullSuitePlan(0, i >= 0 ? Number(args[i + 1]) : 12), resolve(args[0]));
    console.log(JSON.stringify({...counts, seconds: (Date.now() - started) / 1000}));
  } else {
    console.error("usage: tsx scripts/synthetic-results.ts <dir> [--models N] | --fixtures");
    process.exit(2);
  }
}
