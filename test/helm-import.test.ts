/**
 * `medhelm import-helm` on synthetic HELM output written by the test in HELM's own JSON shapes
 * (dataclasses through `asdict_without_nones`: null fields absent, indent 2): a multiple-choice
 * run, a jury-scored run with a failed judge, a benchmark split over sub-runs and suites, a
 * summarize-only release, and malformed runs next to good ones.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {CommandIO} from "../data-loaders/cli/command.ts";
import command from "../data-loaders/cli/commands/import-helm.ts";
import {benchmarkOfRun, modelFromRunArg, parseRunName, subsetOfRun} from "../data-loaders/helm/names.ts";
import {meanWinRates} from "../data-loaders/stats/winrate.ts";
import {query} from "./parquet-read.ts";

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "medhelm-helm-"));
});
afterAll(() => rmSync(tmp, {recursive: true, force: true}));

// ---- HELM-shaped fixture builders ----------------------------------------------------------

const GPT = "openai/gpt-4o-2024-05-13";
const GPT_DEPLOYMENT = "stanfordhealthcare/gpt-4o-2024-05-13";
const sanitize = (id: string) => id.replaceAll("/", "_");
const runName = (base: string, model = GPT, deployment = GPT_DEPLOYMENT) =>
  `${base}${base.includes(":") ? "," : ":"}model=${sanitize(model)},model_deployment=${sanitize(deployment)}`;

function writeJson(path: string, value: unknown): void {
  mkdirSync(join(path, ".."), {recursive: true});
  writeFileSync(path, JSON.stringify(value, null, 2));
}

/** A `Stat` with count 1, as HELM writes per-instance stats and run-level means. */
function stat(name: string, value: number, extra: {split?: string; perturbation?: Record<string, unknown>} = {}) {
  const statName: Record<string, unknown> = {name, split: extra.split ?? "test"};
  if (extra.perturbation) statName.perturbation = extra.perturbation;
  return {name: statName, count: 1, sum: value, sum_squared: value * value, min: value, max: value, mean: value, variance: 0, stddev: 0};
}
const robustness = {name: "robustness", robustness: true, fairness: false, computed_on: "worst"};
const fairness = {name: "fairness", robustness: false, fairness: true, computed_on: "worst"};

function adapterSpec(method: string, maxTokens: number, model = GPT, deployment = GPT_DEPLOYMENT) {
  return {
    method, global_prefix: "", global_suffix: "", instructions: "Answer the question.", input_prefix: "", input_suffix: "\n",
    reference_prefix: "A. ", reference_suffix: "\n", chain_of_thought_prefix: "", chain_of_thought_suffix: "\n", output_prefix: "Answer: ",
    output_suffix: "\n", instance_prefix: "\n", substitutions: [], max_train_instances: 0, max_eval_instances: 1000, num_outputs: 1,
    num_train_trials: 1, num_trials: 1, sample_train: true, model_deployment: deployment, model, temperature: 0, max_tokens: maxTokens,
    stop_sequences: method === "generation" ? [] : ["\n"], multi_label: false
  };
}

function runSpec(name: string, group: string, method: string, maxTokens: number, extra: Record<string, unknown> = {}, model = GPT, deployment = GPT_DEPLOYMENT) {
  return {
    name,
    scenario_spec: {class_name: `helm.benchmark.scenarios.${group}_scenario.Scenario`, args: {}},
    adapter_spec: adapterSpec(method, maxTokens, model, deployment),
    metric_specs: [{class_name: "helm.benchmark.metrics.basic_metrics.BasicGenerationMetric", args: {names: ["exact_match", "quasi_exact_match"]}}],
    data_augmenter_spec: {perturbation_specs: [], should_augment_train_instances: false, should_include_original_train: false, should_skip_unchanged_train: false, should_augment_eval_instances: false, should_include_original_eval: false, should_skip_unchanged_eval: false, seeds_per_instance: 1},
    groups: [group],
    ...extra
  };
}

interface StateInput {
  id: string;
  input: string;
  references: {text: string; correct?: boolean}[];
  output: string;
  outputMapping?: Record<string, string>;
  annotations?: unknown;
  split?: string;
}

function requestState(s: StateInput, model = GPT, deployment = GPT_DEPLOYMENT, maxTokens = 1) {
  const state: Record<string, unknown> = {
    instance: {
      input: {text: s.input},
      references: s.references.map((r) => ({output: {text: r.text}, tags: r.correct ? ["correct"] : []})),
      split: s.split ?? "test",
      id: s.id
    },
    train_trial_index: 0,
    request: {
      model_deployment: deployment, model, embedding: false, prompt: `Answer the question.\n\n${s.input}\nAnswer:`, temperature: 0, num_completions: 1,
      top_k_per_token: 1, max_tokens: maxTokens, stop_sequences: ["\n"], echo_prompt: false, top_p: 1, presence_penalty: 0, frequency_penalty: 0
    },
    result: {
      success: true, embedding: [], completions: [{text: s.output, logprob: 0, tokens: [], finish_reason: {reason: "stop"}}],
      cached: true, request_time: 0.5, request_datetime: 1717000000
    },
    num_train_instances: 0, prompt_truncated: false, num_conditioning_tokens: 0
  };
  if (s.outputMapping) state.output_mapping = s.outputMapping;
  if (s.annotations) state.annotations = s.annotations;
  return state;
}

/** Writes one run directory with HELM's four files. */
function writeRun(root: string, suite: string, spec: ReturnType<typeof runSpec>, states: Record<string, unknown>[], perInstance: unknown[], stats: unknown[]): string {
  const dir = join(root, "runs", suite, spec.name);
  writeJson(join(dir, "run_spec.json"), spec);
  writeJson(join(dir, "scenario_state.json"), {adapter_spec: spec.adapter_spec, request_states: states});
  writeJson(join(dir, "per_instance_stats.json"), perInstance);
  writeJson(join(dir, "stats.json"), stats);
  return dir;
}

const perInstance = (id: string, stats: unknown[], extra: Record<string, unknown> = {}) => ({instance_id: id, train_trial_index: 0, stats, ...extra});
const bookkeeping = (promptTokens: number) => [stat("num_prompt_tokens", promptTokens), stat("num_output_tokens", 1), stat("inference_runtime", 0.5), stat("num_references", 3), stat("finish_reason_stop", 1)];

// PubMedQA: three instances; the model answers right, wrong, and with a letter outside the mapping.
const pubmedMapping = {A: "yes", B: "no", C: "maybe"};
const pubmedRefs = (gold: string) => ["yes", "no", "maybe"].map((text) => ({text, correct: text === gold}));
function writePubmed(root: string, suite: string): string {
  const name = runName("pubmed_qa");
  const states = [
    requestState({id: "id11", input: "Context: ...\n\nDoes aspirin help?", references: pubmedRefs("yes"), output: "A", outputMapping: pubmedMapping}),
    requestState({id: "id12", input: "Context: ...\n\nIs X linked to Y?", references: pubmedRefs("maybe"), output: " B", outputMapping: pubmedMapping}),
    requestState({id: "id13", input: "Context: ...\n\nDoes Z work?", references: pubmedRefs("no"), output: "D", outputMapping: pubmedMapping})
  ];
  const values = {id11: 1, id12: 0, id13: 0};
  const per = Object.entries(values).map(([id, v], i) => perInstance(id, [stat("exact_match", v), stat("quasi_exact_match", v), ...bookkeeping(100 + i)]));
  // A perturbed copy of id11 that scores differently: it must be ignored.
  per.push(perInstance("id11", [stat("exact_match", 0, {perturbation: robustness})], {perturbation: robustness}));
  const stats = [
    stat("exact_match", 1 / 3), stat("exact_match", 0, {perturbation: robustness}), stat("exact_match", 0, {perturbation: fairness}),
    stat("quasi_exact_match", 1 / 3), stat("num_instances", 3)
  ];
  return writeRun(root, suite, runSpec(name, "pubmed_qa", "multiple_choice_joint", 1), states, per, stats);
}

function fakeIO() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIO = {stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), cwd: tmp, env: {}, isTTY: false};
  return {io, out, err};
}

async function importHelm(root: string, out: string, extra: string[] = []) {
  const {io, out: stdout, err} = fakeIO();
  const code = await command.run([root, "--out", out, "--format", "json", ...extra], io);
  return {code, report: JSON.parse(stdout.join("")), stderr: err.join("")};
}

const table = (dir: string, name: string) => `'${join(dir, `${name}.parquet`)}'`;

// ---- tests ---------------------------------------------------------------------------------

describe("HELM run names", () => {
  it("parse MedHELM's quirks: comma-joined sub-runs, expander arguments, aliases and sanitized model ids", () => {
    expect(parseRunName("med_dialog,subset=icliniq:model=openai_gpt-4o-2024-05-13,model_deployment=stanfordhealthcare_gpt-4o-2024-05-13")).toEqual({
      fn: "med_dialog", args: {subset: "icliniq", model: "openai_gpt-4o-2024-05-13", model_deployment: "stanfordhealthcare_gpt-4o-2024-05-13"}
    });
    expect(subsetOfRun("med_dialog,subset=icliniq:model=openai_gpt-4o")).toBe("icliniq");
    expect(subsetOfRun("medcalc_bench:num_output_tokens=4000,model=deepseek-ai_deepseek-r1,model_deployment=stanfordhealthcare_deepseek-r1")).toBeNull();
    expect(subsetOfRun("ehrshot:subject=guo_readmission,data_path=/share/ehrshot,max_length=100000,model=x_y")).toBe("guo_readmission");
    expect(benchmarkOfRun("medhelm_med_qa:model=openai_gpt-4o", [])).toBe("med_qa");
    expect(benchmarkOfRun("anything:model=x_y", ["clinical", "med_mcqa"])).toBe("med_mcqa");
    expect(benchmarkOfRun("mmlu:subject=anatomy,model=x_y", ["mmlu"])).toBeUndefined();
    expect(modelFromRunArg("deepseek-ai_deepseek-r1")).toBe("deepseek-ai/deepseek-r1");
  });
});

describe("importing a multiple-choice run", () => {
  let out: string;
  let result: Awaited<ReturnType<typeof importHelm>>;
  beforeAll(async () => {
    const root = join(tmp, "mc");
    writePubmed(root, "v1");
    out = join(tmp, "mc-out");
    result = await importHelm(root, out);
  });

  it("writes one instance, completion and main score per instance with HELM's model and deployment", async () => {
    expect(result.code).toBe(0);
    const [instances, completions, runs] = await query(
      `SELECT instance_id, split, choices_json, gold_text, input_chars > 0 AS has_prompt FROM ${table(out, "instances")} ORDER BY instance_id`,
      `SELECT instance_id, model, model_kind, endpoint, output_text, answer_text, input_tokens, output_tokens, latency_ms, cached FROM ${table(out, "completions")} ORDER BY instance_id`,
      `SELECT run_id, source, models FROM ${table(out, "runs")}`
    );
    expect(instances).toEqual([
      {instance_id: "id11", split: "test", choices_json: '["yes","no","maybe"]', gold_text: "yes", has_prompt: true},
      {instance_id: "id12", split: "test", choices_json: '["yes","no","maybe"]', gold_text: "maybe", has_prompt: true},
      {instance_id: "id13", split: "test", choices_json: '["yes","no","maybe"]', gold_text: "no", has_prompt: true}
    ]);
    expect(completions.map((c) => [c.output_text, c.answer_text])).toEqual([["A", "yes"], [" B", "no"], ["D", null]]);
    expect(completions[0]).toMatchObject({model: GPT, model_kind: "llm", endpoint: GPT_DEPLOYMENT, input_tokens: 100, output_tokens: 1, latency_ms: 500, cached: true});
    expect(runs).toEqual([{run_id: "helm-v1", source: "helm-import", models: GPT}]);
  });

  it("takes exact match from the unperturbed stats and keeps quality metrics only", async () => {
    const [scores] = await query(`SELECT instance_id, metric, is_main, value, value_normalized FROM ${table(out, "scores")} ORDER BY metric, instance_id`);
    expect(scores).toEqual([
      {instance_id: "id11", metric: "exact_match", is_main: true, value: 1, value_normalized: 1},
      {instance_id: "id12", metric: "exact_match", is_main: true, value: 0, value_normalized: 0},
      {instance_id: "id13", metric: "exact_match", is_main: true, value: 0, value_normalized: 0},
      {instance_id: "id11", metric: "quasi_exact_match", is_main: false, value: 1, value_normalized: 1},
      {instance_id: "id12", metric: "quasi_exact_match", is_main: false, value: 0, value_normalized: 0},
      {instance_id: "id13", metric: "quasi_exact_match", is_main: false, value: 0, value_normalized: 0}
    ]);
    // The run-level value reported is the unperturbed mean, not the robustness copy's 0.
    expect(result.report.imported[0].value).toBeCloseTo(1 / 3, 12);
    expect(result.report.warnings).toEqual([]);
  });
});

describe("importing a jury-scored run", () => {
  // Judges gpt/llama/claude; claude failed on id2 (its key is absent), llama wrote a fractional score.
  const verdict = (accuracy: number | string, completeness: number, clarity: number) => ({
    accuracy: {score: accuracy, explanation: `accuracy ${accuracy}`}, completeness: {score: completeness, explanation: "ok"}, clarity: {score: clarity, explanation: "ok"}
  });
  const annotations = {
    id1: {aci_bench: {prompt_text: "You are a medical expert ...", gpt: verdict(4, 5, 4), llama: verdict(4.5, 4, 3), claude: verdict(5, 4, 4)}},
    id2: {aci_bench: {prompt_text: "You are a medical expert ...", gpt: verdict(3, 3, 4), llama: verdict(2, 3, 3)}},
    id3: {aci_bench: {prompt_text: "You are a medical expert ...", gpt: verdict("5", 5, 5), llama: verdict(4, 4, 5), claude: verdict(3.9, 4, 4)}}
  };
  // HELM's own per-instance values: mean of int(score) over every criterion of every judge present.
  const helmValue = {id1: (4 + 5 + 4 + 4 + 4 + 3 + 5 + 4 + 4) / 9, id2: (3 + 3 + 4 + 2 + 3 + 3) / 6, id3: (5 + 5 + 5 + 4 + 4 + 5 + 3 + 4 + 4) / 9};
  const judges = {
    gpt: {model_name: GPT, model_deployment: GPT_DEPLOYMENT},
    llama: {model_name: "meta/llama-3.3-70b-instruct", model_deployment: "stanfordhealthcare/llama-3.3-70b-instruct"},
    claude: {model_name: "anthropic/claude-3-7-sonnet-20250219", model_deployment: "stanfordhealthcare/claude-3-7-sonnet-20250219"}
  };
  let out: string;
  let result: Awaited<ReturnType<typeof importHelm>>;

  beforeAll(async () => {
    const root = join(tmp, "jury");
    const name = runName("aci_bench");
    const states = (Object.keys(annotations) as (keyof typeof annotations)[]).map((id) =>
      requestState({id, input: `Doctor: hello (${id})`, references: [{text: `Clinical note ${id}`, correct: true}], output: `HPI: note for ${id}`, annotations: annotations[id]}, GPT, GPT_DEPLOYMENT, 768)
    );
    const per = (Object.keys(helmValue) as (keyof typeof helmValue)[]).map((id) =>
      perInstance(id, [stat("aci_bench_accuracy", helmValue[id]), stat("rouge_l", 0.25), stat("BERTScore-F", 0.625), stat("summarization_density", 3.5), ...bookkeeping(2000)])
    );
    const runMean = (helmValue.id1 + helmValue.id2 + helmValue.id3) / 3;
    const spec = runSpec(name, "aci_bench", "generation", 768, {
      annotators: [{class_name: "helm.benchmark.annotation.aci_bench_annotator.ACIBenchAnnotator", args: {annotator_models: judges}}]
    });
    writeRun(root, "v1", spec, states, per, [stat("aci_bench_accuracy", runMean), stat("aci_bench_accuracy", 1, {perturbation: robustness}), stat("rouge_l", 0.25)]);
    out = join(tmp, "jury-out");
    result = await importHelm(root, out);
  });

  it("stores every judge x criterion verdict untruncated, with the failed judge as a missing row", async () => {
    expect(result.code).toBe(0);
    const [rows, failed] = await query(
      `SELECT judge, parse_status, count(*)::INT AS n FROM ${table(out, "judgments")} GROUP BY ALL ORDER BY ALL`,
      `SELECT instance_id, criterion, score, reason FROM ${table(out, "judgments")} WHERE parse_status <> 'ok' ORDER BY criterion`
    );
    expect(rows).toEqual([
      {judge: "anthropic/claude-3-7-sonnet-20250219", parse_status: "missing", n: 3},
      {judge: "anthropic/claude-3-7-sonnet-20250219", parse_status: "ok", n: 6},
      {judge: "meta/llama-3.3-70b-instruct", parse_status: "ok", n: 9},
      {judge: GPT, parse_status: "ok", n: 9}
    ]);
    expect(failed.map((f) => [f.instance_id, f.criterion, f.score])).toEqual([["id2", "accuracy", null], ["id2", "clarity", null], ["id2", "completeness", null]]);
    expect(String(failed[0].reason)).toContain("judge claude left no verdict");
    const [kept] = await query(`SELECT score, explanation, self_judging, same_vendor FROM ${table(out, "judgments")} WHERE instance_id = 'id1' AND judge LIKE 'meta/%' AND criterion = 'accuracy'`);
    expect(kept).toEqual([{score: 4.5, explanation: "accuracy 4.5", self_judging: false, same_vendor: false}]);
    const [self] = await query(`SELECT DISTINCT self_judging, same_vendor FROM ${table(out, "judgments")} WHERE judge = '${GPT}'`);
    expect(self).toEqual([{self_judging: true, same_vendor: true}]);
  });

  it("gives each answer HELM's jury score, which equals the mean of the truncated imported verdicts", async () => {
    const [check] = await query(`
      SELECT s.instance_id, s.value, s.value_normalized, s.is_main, avg(trunc(j.score)) AS verdict_mean
      FROM ${table(out, "scores")} s JOIN ${table(out, "judgments")} j USING (instance_id, model)
      WHERE s.metric = 'aci_bench_accuracy' AND j.parse_status = 'ok'
      GROUP BY ALL ORDER BY s.instance_id`);
    expect(check.map((r) => r.instance_id)).toEqual(["id1", "id2", "id3"]);
    for (const row of check) {
      const id = row.instance_id as keyof typeof helmValue;
      expect(row.value).toBe(helmValue[id]);
      expect(row.verdict_mean as number).toBeCloseTo(row.value as number, 12);
      expect(row.value_normalized as number).toBeCloseTo(((row.value as number) - 1) / 4, 12);
      expect(row.is_main).toBe(true);
    }
    // The untruncated mean would differ on id1 (llama's 4.5) and id3 (claude's 3.9): truncation matters.
    const [raw] = await query(`SELECT instance_id, avg(score) AS m FROM ${table(out, "judgments")} WHERE parse_status = 'ok' GROUP BY ALL ORDER BY ALL`);
    expect(raw[0].m).not.toBeCloseTo(helmValue.id1, 6);
    expect(result.report.warnings.filter((w: string) => w.includes("differs"))).toEqual([]);
  });

  it("adds per-criterion jury scores and secondary metrics on their own scales, BERTScore under the workbench's name", async () => {
    const [scores] = await query(`SELECT metric, is_main, value, value_normalized FROM ${table(out, "scores")} WHERE instance_id = 'id2' ORDER BY metric`);
    expect(scores).toEqual([
      {metric: "aci_bench_accuracy", is_main: true, value: helmValue.id2, value_normalized: (helmValue.id2 - 1) / 4},
      {metric: "bertscore_f1", is_main: false, value: 0.625, value_normalized: 0.625},
      {metric: "jury_accuracy", is_main: false, value: 2.5, value_normalized: 0.375},
      {metric: "jury_clarity", is_main: false, value: 3.5, value_normalized: 0.625},
      {metric: "jury_completeness", is_main: false, value: 3, value_normalized: 0.5},
      {metric: "rouge_l", is_main: false, value: 0.25, value_normalized: 0.25},
      {metric: "summarization_density", is_main: false, value: 3.5, value_normalized: null}
    ]);
    const [benchmarks] = await query(`SELECT benchmark, main_metric, main_metric_min, main_metric_max, max_tokens, n_instances, open_ended FROM ${table(out, "benchmarks")}`);
    expect(benchmarks).toEqual([{benchmark: "aci_bench", main_metric: "aci_bench_accuracy", main_metric_min: 1, main_metric_max: 5, max_tokens: 768, n_instances: 3, open_ended: true}]);
  });
});

describe("importing a paper-era jury run kept without its scenario state", () => {
  const CLAUDE = "anthropic/claude-3-7-sonnet-20250219";
  let out: string;
  let result: Awaited<ReturnType<typeof importHelm>>;

  beforeAll(async () => {
    const root = join(tmp, "paper-era");
    const name = runName("medication_qa", CLAUDE, "stanfordhealthcare/claude-3-7-sonnet-20250219");
    const dir = join(root, "runs", "v1", name);
    // Paper-era annotators recorded no annotator_models; only the judge keys tell who judged.
    writeJson(join(dir, "run_spec.json"), runSpec(name, "medication_qa", "generation", 512, {annotators: [{class_name: "helm.benchmark.annotation.medication_qa_annotator.MedicationQAAnnotator"}]}, CLAUDE, "stanfordhealthcare/claude-3-7-sonnet-20250219"));
    const crit = (x: number) => ({accuracy: {score: x, explanation: "e"}, completeness: {score: x, explanation: "e"}, clarity: {score: x, explanation: "e"}});
    writeJson(join(dir, "instances.json"), ["id1", "id2"].map((id) => ({input: {text: `What is ${id}?`}, references: [{output: {text: "An answer."}, tags: ["correct"]}], split: "test", id})));
    writeJson(join(dir, "display_predictions.json"), [
      {instance_id: "id1", train_trial_index: 0, predicted_text: "Take it with food.", stats: {medication_qa_accuracy: 4}, annotations: {medication_qa: {prompt_text: "...", gpt: crit(4), llama: crit(4), claude: crit(4)}}},
      {instance_id: "id2", train_trial_index: 0, predicted_text: "", stats: {medication_qa_accuracy: 1}, annotations: {medication_qa: {prompt_text: null, empty_output_equivalence_judgement: false}}}
    ]);
    writeJson(join(dir, "per_instance_stats.json"), [perInstance("id1", [stat("medication_qa_accuracy", 4)]), perInstance("id2", [stat("medication_qa_accuracy", 1)])]);
    writeJson(join(dir, "stats.json"), [stat("medication_qa_accuracy", 2.5)]);
    out = join(tmp, "paper-era-out");
    result = await importHelm(root, out);
  });

  it("names the paper's three judges, flags self-judging and records the empty answer as unjudged", async () => {
    expect(result.code).toBe(0);
    const [judgments] = await query(`SELECT instance_id, judge, parse_status, self_judging, count(*)::INT AS n FROM ${table(out, "judgments")} GROUP BY ALL ORDER BY ALL`);
    expect(judgments).toEqual([
      {instance_id: "id1", judge: CLAUDE, parse_status: "ok", self_judging: true, n: 3},
      {instance_id: "id1", judge: "meta/llama-3.3-70b-instruct", parse_status: "ok", self_judging: false, n: 3},
      {instance_id: "id1", judge: GPT, parse_status: "ok", self_judging: false, n: 3},
      {instance_id: "id2", judge: CLAUDE, parse_status: "no_output", self_judging: true, n: 3},
      {instance_id: "id2", judge: "meta/llama-3.3-70b-instruct", parse_status: "no_output", self_judging: false, n: 3},
      {instance_id: "id2", judge: GPT, parse_status: "no_output", self_judging: false, n: 3}
    ]);
    // HELM's default of 1 for the unjudged answer is kept as HELM's number, and said so.
    const [main] = await query(`SELECT instance_id, value FROM ${table(out, "scores")} WHERE is_main ORDER BY instance_id`);
    expect(main).toEqual([{instance_id: "id1", value: 4}, {instance_id: "id2", value: 1}]);
    expect(result.report.warnings).toEqual(expect.arrayContaining([expect.stringContaining("1 answers have no counted verdict")]));
  });

  it("reads answers from display_predictions.json when scenario_state.json is absent", async () => {
    const [completions] = await query(`SELECT instance_id, output_text, answer_text, endpoint FROM ${table(out, "completions")} ORDER BY instance_id`);
    expect(completions).toEqual([
      {instance_id: "id1", output_text: "Take it with food.", answer_text: "Take it with food.", endpoint: "stanfordhealthcare/claude-3-7-sonnet-20250219"},
      {instance_id: "id2", output_text: "", answer_text: null, endpoint: "stanfordhealthcare/claude-3-7-sonnet-20250219"}
    ]);
  });
});

describe("importing a benchmark split over sub-runs and suites", () => {
  let out: string;
  let result: Awaited<ReturnType<typeof importHelm>>;
  // HELM's run-level means (stats.json) of the two MedDialog sub-runs in the winning suite.
  const healthcaremagic = {id0: 4, id1: 3, id2: 2};
  const icliniq = {id0: 5};

  beforeAll(async () => {
    const root = join(tmp, "subruns");
    const write = (suite: string, subset: string, values: Record<string, number>) => {
      const name = runName(`med_dialog,subset=${subset}`);
      const states = Object.keys(values).map((id) => requestState({id, input: `Patient: question ${id} (${subset})`, references: [{text: "Summary", correct: true}], output: "A summary."}, GPT, GPT_DEPLOYMENT, 80));
      const per = Object.entries(values).map(([id, v]) => perInstance(id, [stat("med_dialog_accuracy", v)]));
      const mean = Object.values(values).reduce((a, b) => a + b, 0) / Object.values(values).length;
      writeRun(root, suite, runSpec(name, "med_dialog", "generation", 80), states, per, [stat("med_dialog_accuracy", mean)]);
    };
    write("v1", "icliniq", {id0: 1});
    write("v2", "healthcaremagic", healthcaremagic);
    write("v2", "icliniq", icliniq);
    out = join(tmp, "subruns-out");
    result = await importHelm(root, out);
  });

  it("keeps instance ids unique by prefixing the sub-run and records the subset", async () => {
    expect(result.code).toBe(0);
    const [instances] = await query(`SELECT instance_id, subset FROM ${table(out, "instances")} ORDER BY instance_id`);
    expect(instances).toEqual([
      {instance_id: "healthcaremagic/id0", subset: "healthcaremagic"},
      {instance_id: "healthcaremagic/id1", subset: "healthcaremagic"},
      {instance_id: "healthcaremagic/id2", subset: "healthcaremagic"},
      {instance_id: "icliniq/id0", subset: "icliniq"}
    ]);
  });

  it("lets the later suite win and macro-averages sub-run means like HELM's leaderboard cell", async () => {
    expect(result.report.superseded).toEqual([{run: expect.stringContaining("runs/v1/med_dialog,subset=icliniq"), by: expect.stringContaining("runs/v2/med_dialog,subset=icliniq")}]);
    const [[cell]] = await query(`
      SELECT avg(subset_mean) AS macro, (SELECT avg(value) FROM ${table(out, "scores")} WHERE is_main) AS micro FROM (
        SELECT i.subset, avg(s.value) AS subset_mean FROM ${table(out, "scores")} s JOIN ${table(out, "instances")} i USING (run_id, benchmark, instance_id)
        WHERE s.is_main GROUP BY i.subset)`);
    // HELM's cell merges the two run-level stats (count 1 each): the unweighted mean of the runs' means.
    const helmCell = (result.report.imported as {value: number}[]).reduce((a, r) => a + r.value, 0) / 2;
    expect(helmCell).toBe((3 + 5) / 2);
    expect(cell.macro).toBeCloseTo(helmCell, 12);
    expect(cell.micro).toBeCloseTo((4 + 3 + 2 + 5) / 4, 12);
  });
});

describe("importing a helm-summarize leaderboard without run directories", () => {
  const models = [
    {name: GPT, display: "GPT-4o (2024-05-13)"},
    {name: "anthropic/claude-3-7-sonnet-20250219", display: "Claude 3.7 Sonnet (20250219)"},
    {name: "meta/llama-3.3-70b-instruct", display: "Llama 3.3 Instruct (70B)"},
    {name: "deepseek-ai/deepseek-r1", display: "DeepSeek R1"}
  ];
  // Columns ACI-Bench, PubMedQA, MedDialog; DeepSeek R1 has no PubMedQA cell; ties on ACI-Bench and MedDialog.
  const values: (number | null)[][] = [[4.5, 0.8, 4.0], [4.6, 0.7, 4.1], [4.2, 0.6, 4.1], [4.5, null, 3.9]];
  // HELM's mean win rates worked out by hand (ties count one half, missing cells are skipped):
  // ACI-Bench 0.5, 1, 0, 0.5; PubMedQA 1, 0.5, 0, -; MedDialog 1/3, 5/6, 5/6, 0.
  const helmWinRates = [(0.5 + 1 + 1 / 3) / 3, (1 + 0.5 + 5 / 6) / 3, (0 + 0 + 5 / 6) / 3, (0.5 + 0) / 2];
  const columns = ["ACI-Bench - Jury Score", "PubMedQA - EM", "MedDialog - Jury Score"];
  const runs = ["aci_bench", "pubmed_qa", "med_dialog,subset=icliniq"];
  let out: string;
  let result: Awaited<ReturnType<typeof importHelm>>;

  beforeAll(async () => {
    const release = join(tmp, "summary", "releases", "v2.0.0");
    const header = (value: string, lowerIsBetter?: boolean) => ({value, description: `${value} column`, markdown: false, ...(lowerIsBetter === undefined ? {} : {lower_is_better: lowerIsBetter}), metadata: {}});
    const accuracy = {
      title: "Accuracy",
      header: [header("Model"), header("Mean win rate", false), ...columns.map((c) => header(c, false))],
      rows: models.map((m, r) => [
        {value: m.display, description: "", markdown: false},
        {value: helmWinRates[r], description: "", markdown: false},
        ...values[r].map((v, c) => (v === null
          ? {description: "No matching runs", markdown: false}
          : {value: v, description: `min=${v}, mean=${v}, max=${v}`, style: {}, markdown: false, run_spec_names: [runName(runs[c], m.name, `stanfordhealthcare/${m.name.split("/")[1]}`)]}))
      ]),
      links: [{text: "LaTeX", href: "groups/latex/medhelm_scenarios_accuracy.tex"}],
      name: "accuracy"
    };
    // Efficiency columns name the same benchmarks but are runtimes (lower is better): they must not become scores.
    const efficiency = {
      title: "Efficiency",
      header: [header("Model"), header("Mean win rate", false), header("ACI-Bench - Observed inference time (s)", true), header("PubMedQA - Observed inference time (s)", true)],
      rows: models.map((m, r) => [{value: m.display, markdown: false}, {value: (3 - r) / 3, markdown: false}, {value: 10 + r, markdown: false}, {value: 1 + r, markdown: false}]),
      links: [],
      name: "efficiency"
    };
    writeJson(join(release, "groups", "medhelm_scenarios.json"), [accuracy, efficiency]);
    // schema.json names three of the four models; DeepSeek R1's id comes from its cells' run names.
    writeJson(join(release, "schema.json"), {models: models.slice(0, 3).map((m) => ({name: m.name, display_name: m.display, creator_organization: "x", access: "limited", todo: false}))});
    writeJson(join(release, "summary.json"), {release: "v2.0.0", suites: ["v1", "v2"], date: "2025-06-01"});
    out = join(tmp, "summary-out");
    result = await importHelm(join(tmp, "summary"), out);
  });

  it("writes one score per model and benchmark cell against the leaderboard pseudo-instance", async () => {
    expect(result.code).toBe(0);
    expect(result.report.mode).toBe("summary");
    const [scores, instances] = await query(
      `SELECT model, benchmark, instance_id, value, value_normalized, unscored_reason FROM ${table(out, "scores")} ORDER BY model, benchmark`,
      `SELECT benchmark, instance_id FROM ${table(out, "instances")} ORDER BY benchmark`
    );
    expect(scores).toHaveLength(12);
    expect(new Set(scores.map((s) => s.instance_id))).toEqual(new Set(["__leaderboard__"]));
    expect(scores.find((s) => s.model === "deepseek-ai/deepseek-r1" && s.benchmark === "pubmed_qa")).toMatchObject({value: null, unscored_reason: expect.stringContaining("empty")});
    expect(scores.find((s) => s.model === GPT && s.benchmark === "aci_bench")).toMatchObject({value: 4.5, value_normalized: 0.875});
    expect(instances).toEqual([
      {benchmark: "aci_bench", instance_id: "__leaderboard__"}, {benchmark: "med_dialog", instance_id: "__leaderboard__"}, {benchmark: "pubmed_qa", instance_id: "__leaderboard__"}
    ]);
  });

  it("yields win rates equal to HELM's Mean win rate column", async () => {
    const [cells] = await query(`SELECT model, benchmark, value FROM ${table(out, "scores")} WHERE is_main`);
    const benchmarks = ["aci_bench", "pubmed_qa", "med_dialog"];
    const grid = models.map((m) => benchmarks.map((b) => (cells.find((c) => c.model === m.name && c.benchmark === b)?.value as number | null) ?? null));
    const ours = meanWinRates({values: grid, lowerIsBetter: benchmarks.map(() => false)});
    ours.forEach((rate, i) => expect(rate).toBeCloseTo(helmWinRates[i], 12));
    expect(result.report.warnings.filter((w: string) => w.includes("win rate"))).toEqual([]);
  });
});

describe("importing malformed runs", () => {
  let out: string;
  let result: Awaited<ReturnType<typeof importHelm>>;

  beforeAll(async () => {
    const root = join(tmp, "bad");
    writePubmed(root, "v1");
    // Bad JSON in a jury run's scenario state.
    const aci = writeRun(root, "v1", runSpec(runName("aci_bench"), "aci_bench", "generation", 768), [], [], []);
    writeFileSync(join(aci, "scenario_state.json"), '{"adapter_spec": {}, "request_states": [');
    // A per-instance record without its instance id.
    writeRun(root, "v1", runSpec(runName("medhallu"), "medhallu", "generation", 5),
      [requestState({id: "id1", input: "Is this answer hallucinated?", references: [{text: "0", correct: true}], output: "0"})],
      [{train_trial_index: 0, stats: [stat("exact_match", 1)]}], [stat("exact_match", 1)]);
    // A run spec without an adapter spec.
    const spec: Record<string, unknown> = runSpec(runName("head_qa"), "head_qa", "multiple_choice_joint", 1);
    delete spec.adapter_spec;
    writeJson(join(root, "runs", "v1", String(spec.name), "run_spec.json"), spec);
    writeJson(join(root, "runs", "v1", String(spec.name), "stats.json"), []);
    out = join(tmp, "bad-out");
    result = await importHelm(root, out);
  });

  it("names the file and field of each failure and exits with 1", () => {
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/aci_bench:model=openai_gpt-4o-2024-05-13,model_deployment=stanfordhealthcare_gpt-4o-2024-05-13\/scenario_state\.json: invalid JSON/);
    expect(result.stderr).toMatch(/medhallu:model=[^\n]*\/per_instance_stats\.json: \[0\]\.instance_id: expected a string, got nothing/);
    expect(result.stderr).toMatch(/head_qa:model=[^\n]*\/run_spec\.json: adapter_spec: expected an object, got nothing/);
    expect(result.report.errors).toHaveLength(3);
  });

  it("still imports the good run", async () => {
    expect(result.report.imported.map((r: {benchmark: string}) => r.benchmark)).toEqual(["pubmed_qa"]);
    const [[counts]] = await query(`SELECT (SELECT count(*) FROM ${table(out, "completions")})::INT AS completions, (SELECT count(DISTINCT benchmark) FROM ${table(out, "scores")})::INT AS benchmarks`);
    expect(counts).toEqual({completions: 3, benchmarks: 1});
  });
});
