/**
 * The runner: benchmark x model -> completions -> scores, plus the jury for open-ended
 * benchmarks. Models, cache, table sink and logging are passed in, so tests drive it with a
 * loopback server and an in-memory sink. Rows stream to the sink as they are produced; what the
 * runner holds is the benchmarks' instances and a bounded pool of items in progress, never the
 * run's answers. Every failure becomes a row with a reason.
 *
 * Resuming is the cache's job: every answer and verdict is stored the moment it arrives, so
 * rerunning a killed run replays what was done and calls only what was not.
 */
import * as crypto from "node:crypto";
import {batchedSink} from "./batch-sink.ts";
import {canonicalJson, keyWithText, replay, sha256, type CacheKeyFields, type CacheLabel, type ResponseCache} from "../cache/cache.ts";
import {JUDGE_MAX_TOKENS} from "../cost/costs.ts";
import {aggregateJury, failedVerdict, judgeMessages, parseVerdict, verdictSchema, type Verdict} from "./jury.ts";
import {scoreAnswer} from "../metrics/metrics.ts";
import type {TableSink} from "../formats/parquet.ts";
import {batchRates, costUsd, type Price, type Rates} from "../cost/prices.ts";
import {extractAnswer, promptMessages, promptText, stripThinking} from "../benchmark/prompt.ts";
import {dataAvailable, dataDirOf} from "../benchmark/registry.ts";
import {instancesOfShard, shardLabel, type Shard} from "./shard.ts";
import {sampleInstances} from "../benchmark/sampling.ts";
import type {Answer, Benchmark, GenerateContext, GenerateRequest, Generation, Instance, Metric, MetricValue, Model, Rubric, ScoringOptions} from "../benchmark/types.ts";

/** What to run. */
export interface RunPlan {
  runId: string;
  benchmarks: Benchmark[];
  models: Model[];
  judges: Model[];
  /** A benchmark's own jury by benchmark id (a MedHELM-format benchmark names its judges); others use `judges`. */
  judgePanels?: Record<string, Model[]>;
  seed: number;
  limit: number | null;
  maxEvalInstances: number;
  /**
   * Items (instance x model, with their judge calls) in progress at once. Endpoints cap their own
   * requests, so this only needs to be large enough to keep them busy.
   */
  concurrency: number;
  scoring: ScoringOptions;
  dataDir: string;
  excludeSelfJudging: boolean;
  excludeSameVendorJudging: boolean;
  /** Normalized configuration recorded in the runs table (must hold no secrets). */
  manifest: Record<string, unknown>;
  toolVersion: string;
  /** The list price of a model id, null when unknown; prices rows and progress. */
  priceOf?: (modelId: string) => Price | null;
  /**
   * Whether an item may make calls the cache cannot answer (`--retry-errors` allows only the
   * items that failed before). Absent: every item may.
   */
  mayCall?: (item: ItemRef) => boolean;
  /** Evaluate only this shard of the sample (`--shard i/n`, see runner/shard.ts); absent: all of it. */
  shard?: Shard | null;
  /**
   * Answers that arrived before the runner asks for them (batch mode: the providers' batch APIs,
   * runner/batch.ts). Consulted before the cache, so that an answer delivered to this run counts
   * as one of its calls, at the price it was charged. Absent: every answer is the runner's own call.
   */
  delivered?: Deliveries;
}

/** An answer delivered to the runner: the generation with what it cost, or the provider's error. */
export type Delivered = {generation: Generation; costUsd: number | null} | {error: string};

/** Where the runner takes answers it did not call for itself (see `RunPlan.delivered`). */
export interface Deliveries {
  /**
   * The answer delivered for a request, by cache key, or undefined. A success is handed out once
   * (it is also in the cache, which serves its duplicates); an error every time it is asked for.
   */
  take(key: string): Delivered | undefined;
}

/** One evaluated item: an instance of a benchmark answered by a model. */
export interface ItemRef {
  benchmark: string;
  instance: string;
  model: string;
}

/** Progress of one benchmark, reported once at the start and after every finished answer. */
export interface Progress {
  benchmark: string;
  done: number;
  total: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** Calls made (cache misses) and answered from the cache. */
  calls: number;
  cached: number;
  /** USD spent on calls at the prices charged, list or batch (cached replays cost nothing). */
  costUsd: number;
  /** Calls made to models without a known price, so `costUsd` leaves them out. */
  unpricedCalls: number;
}

/** Side effects the runner needs. */
export interface RunEffects {
  cache: ResponseCache;
  sink: TableSink;
  log: (message: string) => void;
  progress?: (p: Progress) => void;
  now?: () => Date;
}

/** Totals of a finished run. */
export interface RunSummary {
  runId: string;
  benchmarks: {id: string; dataAvailable: boolean; instances: number; answers: number}[];
  calls: number;
  cached: number;
  errors: number;
  /** Calls not made because `mayCall` forbade them (recorded as rows with that reason). */
  skipped: number;
  /** USD spent on this run's calls; null when a call was made to a model without a known price. */
  costUsd: number | null;
}

/** The metric name of a benchmark's jury score (HELM's `<benchmark>_accuracy`). */
export function juryMetricName(benchmarkId: string): string {
  return `${benchmarkId}_accuracy`;
}

/** The metric a benchmark's jury score is written under: its `juryMetric`, else its main metric. */
export function juryMetricOf(benchmark: Pick<Benchmark, "juryMetric" | "mainMetric">): string {
  return benchmark.juryMetric ?? benchmark.mainMetric;
}

/** The judges of a benchmark in a plan: its own panel when it has one, else the run's. */
export function panelOf(plan: Pick<RunPlan, "judges" | "judgePanels">, benchmark: Pick<Benchmark, "id">): Model[] {
  return plan.judgePanels?.[benchmark.id] ?? plan.judges;
}

/** A hash of what defines a benchmark's prompts and judging, for the manifest. */
export function promptHash(benchmark: Benchmark): string {
  return sha256(canonicalJson({prompt: benchmark.prompt, maxTokens: benchmark.maxTokens, stop: benchmark.stop ?? [], rubric: benchmark.rubric ?? null, version: benchmark.version}));
}

/** A short description of an error for a row. */
export function describeError(error: unknown): string {
  const e = error as {status?: number; message?: string; name?: string};
  const status = typeof e?.status === "number" ? `HTTP ${e.status}: ` : "";
  return `${status}${e?.message ?? String(error)}`.slice(0, 500);
}

/** Runs async jobs from an iterator with at most `limit` in flight. */
export async function pool<T>(jobs: Iterable<T>, limit: number, work: (job: T) => Promise<void>): Promise<void> {
  const iterator = jobs[Symbol.iterator]();
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) await work(next.value);
  };
  await Promise.all(Array.from({length: Math.max(1, limit)}, worker));
}

/** The request a model answers for an instance (with the model's own `maxTokens` when it has one). */
export function answerRequest(benchmark: Benchmark, instance: Instance, model?: Pick<Model, "maxTokens">): GenerateRequest {
  return {messages: promptMessages(benchmark, instance), maxTokens: model?.maxTokens ?? benchmark.maxTokens, temperature: 0, stop: benchmark.stop};
}

/** The instance's shared request as `model` sends it: the same object unless the model overrides `maxTokens`. */
export function requestFor(request: GenerateRequest, model: Pick<Model, "maxTokens">): GenerateRequest {
  return model.maxTokens === undefined || model.maxTokens === request.maxTokens ? request : {...request, maxTokens: model.maxTokens};
}

/** The request a judge answers for a model's output. */
export function judgeRequest(rubric: Rubric, instance: Instance, output: string): GenerateRequest {
  return {messages: judgeMessages(rubric, instance, output), maxTokens: JUDGE_MAX_TOKENS, temperature: 0, json: true, schema: verdictSchema(rubric)};
}

/** The judge prompt version that enters judge cache keys. */
export const juryPurpose = (rubric: Rubric) => `jury-v${rubric.version}`;

/** The cache key fields of a request to a model. */
export function keyFields(model: Pick<Model, "id" | "endpoint">, request: GenerateRequest, purpose: string | null): CacheKeyFields {
  return {
    endpoint: model.endpoint ?? "",
    model: model.id,
    messages: request.messages,
    maxTokens: request.maxTokens,
    temperature: request.temperature,
    stop: request.stop ?? [],
    json: Boolean(request.json),
    purpose
  };
}

/** Thrown instead of calling when the plan forbids new calls for an item. */
export class NotCalledError extends Error {
  constructor() {
    super("not called: only items that failed in the previous run may call models (--retry-errors), and this request is not in the cache");
    this.name = "NotCalledError";
  }
}

interface Counters {
  /** Calls in progress by cache key, so that identical requests in flight are made once. */
  inflight: Map<string, Promise<Generation>>;
  calls: number;
  cached: number;
  errors: number;
  skipped: number;
  costUsd: number;
  unpricedCalls: number;
}

/** One call's outcome with what it cost. */
interface Called {
  generation: Generation;
  key: string | null;
  /** USD of the answer at list price (also for cached answers), null when unknown. */
  costUsd: number | null;
}

/** USD of a generation's recorded tokens at a price; null without a price or token counts. */
function generationCost(g: Generation, price: Rates | null): number | null {
  return price && g.inputTokens !== null && g.outputTokens !== null ? costUsd({inputTokens: g.inputTokens, outputTokens: g.outputTokens}, price) : null;
}

/** Calls a model through the cache. Baselines are cheap and deterministic, so they bypass it. */
async function generate(
  plan: RunPlan, model: Model, request: GenerateRequest, context: GenerateContext, purpose: string | null, label: CacheLabel,
  cache: ResponseCache, counters: Counters, progress: Progress
): Promise<Called> {
  if (model.kind === "baseline") return {generation: await model.generate(request, context), key: null, costUsd: 0};
  const fields = keyFields(model, request, purpose);
  const {key, text} = keyWithText(fields);
  const price = plan.priceOf?.(model.id) ?? null;
  const priced = (g: Generation) => generationCost(g, price);
  const delivered = plan.delivered?.take(key);
  if (delivered) {
    // Delivered by a batch (and already stored in the cache): a call of this run, at its batch price.
    counters.calls++;
    progress.calls++;
    if ("error" in delivered) throw new Error(delivered.error);
    account(delivered.costUsd, counters, progress);
    return {generation: delivered.generation, key, costUsd: delivered.costUsd};
  }
  const hit = cache.get(key);
  if (hit) {
    counters.cached++;
    progress.cached++;
    const generation = replay(hit);
    // An answer that came through a batch was charged the batch price, replayed or not.
    return {generation, key, costUsd: hit.billing === "batch" && price ? generationCost(generation, batchRates(price)) : priced(generation)};
  }
  const pending = counters.inflight.get(key);
  if (pending) {
    // The same request is already on its way (a duplicated prompt): share its answer.
    const shared = replay(await pending);
    counters.cached++;
    progress.cached++;
    return {generation: shared, key, costUsd: priced(shared)};
  }
  if (plan.mayCall && !plan.mayCall({benchmark: label.benchmark, instance: label.instance, model: label.model})) {
    counters.skipped++;
    throw new NotCalledError();
  }
  counters.calls++;
  progress.calls++;
  const call = model.generate(request, context);
  counters.inflight.set(key, call);
  let generation: Generation;
  try {
    generation = await call;
  } finally {
    counters.inflight.delete(key);
  }
  cache.put({key, fields, keyText: text, label, text: generation.text, inputTokens: generation.inputTokens, outputTokens: generation.outputTokens, finishReason: generation.finishReason, latencyMs: generation.latencyMs, storedAt: new Date().toISOString()});
  const cost = priced(generation);
  account(cost, counters, progress);
  return {generation, key, costUsd: cost};
}

/** Adds a call's cost to the run's and the benchmark's spend (or counts it as unpriced). */
function account(cost: number | null, counters: Counters, progress: Progress): void {
  if (cost === null) {
    counters.unpricedCalls++;
    progress.unpricedCalls++;
  } else {
    counters.costUsd += cost;
    progress.costUsd += cost;
  }
}

/**
 * The instances a run evaluates of a benchmark (seeded sample, then `limit`, then the plan's
 * shard of those, so that the shards of a run partition exactly the unsharded sample); null when
 * its data is missing.
 */
export async function evaluatedInstances(benchmark: Benchmark, plan: Pick<RunPlan, "dataDir" | "seed" | "maxEvalInstances" | "limit" | "shard">): Promise<Instance[] | null> {
  if (!dataAvailable(benchmark, plan.dataDir)) return null;
  const sample = sampleInstances(await benchmark.load(dataDirOf(benchmark, plan.dataDir)), {
    benchmark: benchmark.id,
    seed: plan.seed,
    max: benchmark.maxEvalInstances ?? plan.maxEvalInstances,
    limit: plan.limit
  });
  return plan.shard ? instancesOfShard(benchmark.id, sample, plan.shard) : sample;
}

interface Loaded {
  benchmark: Benchmark;
  available: boolean;
  instances: Instance[];
  models: Model[];
  progress: Progress;
}

/** Runs the plan, streaming rows to the sink. */
export async function runSuite(plan: RunPlan, effects: RunEffects): Promise<RunSummary> {
  const now = effects.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const counters: Counters = {inflight: new Map(), calls: 0, cached: 0, errors: 0, skipped: 0, costUsd: 0, unpricedCalls: 0};
  const {log} = effects;
  // Rows are appended in batches (see batch-sink.ts); everything is flushed before returning.
  const sink = batchedSink(effects.sink);
  effects = {...effects, sink};
  const runId = plan.runId;

  // Every benchmark is loaded first so that progress knows the run's total from the start.
  const loaded: Loaded[] = [];
  for (const benchmark of plan.benchmarks) {
    const instances = await evaluatedInstances(benchmark, plan);
    const available = instances !== null;
    if (!available) log(`${benchmark.id}: data not available (see README, "Bring your own data")`);
    const models = plan.models.filter((m) => m.supports(benchmark));
    const progress: Progress = {benchmark: benchmark.id, done: 0, total: (instances?.length ?? 0) * models.length, errors: 0, inputTokens: 0, outputTokens: 0, calls: 0, cached: 0, costUsd: 0, unpricedCalls: 0};
    loaded.push({benchmark, available, instances: instances ?? [], models, progress});
  }
  for (const l of loaded) effects.progress?.({...l.progress});

  // One pool over all benchmarks, so a slow tail of one benchmark overlaps the next one's start.
  // Instance-major order lets the models of an instance share one request object, built only
  // when the instance comes up, so the pool holds a bounded number of prompts; the instance's
  // row is written from the same prompt, and the benchmark's row once all its instances are seen.
  const jobs = function* () {
    for (const l of loaded) {
      const {benchmark} = l;
      // The hash of the JSON array of [id, input] pairs, fed piece by piece.
      const instancesHash = crypto.createHash("sha256").update("[");
      for (const [i, instance] of l.instances.entries()) {
        instancesHash.update(`${i ? "," : ""}${JSON.stringify([instance.id, instance.input])}`);
        const request = answerRequest(benchmark, instance);
        const prompt = request.messages.length === 1 ? request.messages[0].content : promptText(benchmark.prompt, instance);
        sink.write("instances", {
          run_id: runId, benchmark: benchmark.id, instance_id: instance.id, subset: instance.subset ?? null, split: instance.split ?? "test",
          input_text: instance.input, choices_json: instance.choices ? JSON.stringify(instance.choices) : null,
          gold_text: instance.gold[0] ?? null, prompt_text: prompt, input_chars: prompt.length
        });
        for (const model of l.models) yield {l, model, instance, request: requestFor(request, model)};
      }
      const main = benchmark.metrics.find((m) => m.name === benchmark.mainMetric);
      const mainRange = benchmark.rubric && juryMetricOf(benchmark) === benchmark.mainMetric ? benchmark.rubric.scale : main!.range;
      sink.write("benchmarks", {
        run_id: runId, benchmark: benchmark.id, name: benchmark.name, version: benchmark.version, category: benchmark.category,
        subcategory: benchmark.subcategory, access: benchmark.access, open_ended: benchmark.openEnded, main_metric: benchmark.mainMetric,
        main_metric_min: mainRange[0], main_metric_max: mainRange[1], max_tokens: benchmark.maxTokens, data_available: l.available,
        n_instances: l.instances.length, prompt_hash: promptHash(benchmark), instances_hash: instancesHash.update("]").digest("hex")
      });
    }
  };
  await pool(jobs(), plan.concurrency, async ({l, model, instance, request}) => {
    const result = await answerOne(plan, effects, counters, l.benchmark, model, instance, request, l.progress);
    const p = l.progress;
    p.done++;
    p.errors += result.failed ? 1 : 0;
    p.inputTokens += result.inputTokens;
    p.outputTokens += result.outputTokens;
    effects.progress?.({...p});
  });

  const summary: RunSummary = {
    runId,
    benchmarks: loaded.map((l) => ({id: l.benchmark.id, dataAvailable: l.available, instances: l.instances.length, answers: l.progress.total})),
    calls: counters.calls,
    cached: counters.cached,
    errors: counters.errors,
    skipped: counters.skipped,
    costUsd: counters.unpricedCalls ? null : counters.costUsd
  };
  sink.write("runs", {
    run_id: runId, source: "native", started_at: startedAt, finished_at: now().toISOString(), tool_version: plan.toolVersion,
    seed: plan.seed, models: plan.models.map((m) => m.id).join(","), judges: plan.judges.map((m) => m.id).join(","),
    config_json: canonicalJson(plan.manifest), n_calls: counters.calls, n_cached: counters.cached, n_errors: counters.errors,
    cost_usd: summary.costUsd, shard: plan.shard ? shardLabel(plan.shard) : null
  });
  sink.flush();
  return summary;
}

/**
 * `scoreAnswer` without a promise for metrics that score synchronously (almost all), which saves
 * two microtask hops per metric on large runs; asynchronous metrics go through `scoreAnswer`.
 */
function scoreNow(metric: Metric, answer: Answer, options: ScoringOptions): MetricValue | Promise<MetricValue> {
  let result;
  try {
    result = metric.score(answer, options);
  } catch {
    return scoreAnswer(metric, answer, options);
  }
  if (result instanceof Promise) return scoreAnswer({...metric, score: () => result}, answer, options);
  if (typeof result === "number") return Number.isFinite(result) ? {value: result} : {value: null, reason: `${metric.name} produced ${result}`};
  return result;
}

/** Answers, scores and judges one instance for one model; returns accounting for progress. */
async function answerOne(plan: RunPlan, effects: RunEffects, counters: Counters, benchmark: Benchmark, model: Model, instance: Instance, request: GenerateRequest, progress: Progress) {
  const {sink, cache} = effects;
  const runId = plan.runId;
  const context: GenerateContext = {benchmark, instance, seed: plan.seed};
  const label: CacheLabel = {benchmark: benchmark.id, instance: instance.id, model: model.id};
  let called: Called | null = null;
  let error: string | null = null;
  try {
    called = await generate(plan, model, request, context, null, label, cache, counters, progress);
  } catch (e) {
    error = describeError(e);
    if (!(e instanceof NotCalledError)) counters.errors++;
  }
  const generation = called?.generation ?? null;
  const output = generation ? stripThinking(generation.text) : null;
  const answer = output === null ? null : extractAnswer(benchmark, output, instance);
  sink.write("completions", {
    run_id: runId, benchmark: benchmark.id, instance_id: instance.id, model: model.id, model_kind: model.kind, endpoint: model.endpoint, output_text: generation?.text ?? null, answer_text: answer, error,
    finish_reason: generation?.finishReason ?? null, input_tokens: generation?.inputTokens ?? null, output_tokens: generation?.outputTokens ?? null,
    latency_ms: generation?.latencyMs ?? null, cached: generation?.cached ?? false, request_hash: called?.key ?? null, cost_usd: called?.costUsd ?? null
  });
  const writeScore = (metric: string, range: [number, number], value: number | null, reason: string | null, note: string | null = null) =>
    sink.write("scores", {
      run_id: runId, benchmark: benchmark.id, instance_id: instance.id, model: model.id, metric, is_main: metric === benchmark.mainMetric, value,
      value_normalized: value === null ? null : (value - range[0]) / (range[1] - range[0]), unscored_reason: value === null ? reason : null,
      note: value === null ? null : note
    });
  const scored = output === null ? null : {output, answer, instance};
  for (const metric of benchmark.metrics) {
    if (scored === null) writeScore(metric.name, metric.range, null, `model call failed: ${error}`);
    else {
      let result = scoreNow(metric, scored, plan.scoring);
      if (result instanceof Promise) result = await result;
      writeScore(metric.name, metric.range, result.value, result.reason ?? null, result.note ?? null);
    }
  }
  let judgeTokens = 0;
  let judgeOutputTokens = 0;
  if (benchmark.rubric) {
    const rubric = benchmark.rubric;
    // Judges answer independently, so their calls run concurrently; rows keep the panel's order.
    const verdicts = await Promise.all(panelOf(plan, benchmark).map(async (judge) => {
      const selfJudging = judge.id === model.id;
      const sameVendor = judge.vendor === model.vendor;
      let verdict: Verdict;
      let judged: Called | null = null;
      if (output === null) verdict = failedVerdict(rubric, "no_output", `model call failed: ${error}`);
      else if (!output.trim()) verdict = failedVerdict(rubric, "no_output", "empty model output");
      else if ((selfJudging && plan.excludeSelfJudging) || (sameVendor && plan.excludeSameVendorJudging)) {
        verdict = failedVerdict(rubric, "excluded", selfJudging ? "self-judging excluded by configuration" : "same-vendor judging excluded by configuration");
      } else {
        try {
          judged = await generate(plan, judge, judgeRequest(rubric, instance, output), context, juryPurpose(rubric), {...label, judge: judge.id}, cache, counters, progress);
          verdict = parseVerdict(judged.generation.text, rubric);
        } catch (e) {
          if (!(e instanceof NotCalledError)) counters.errors++;
          verdict = failedVerdict(rubric, "call_failed", `judge call failed: ${describeError(e)}`);
        }
      }
      return {judge, selfJudging, sameVendor, verdict, judged};
    }));
    for (const {judge, selfJudging, sameVendor, verdict, judged} of verdicts) {
      const g = judged?.generation;
      judgeTokens += g?.inputTokens ?? 0;
      judgeOutputTokens += g?.outputTokens ?? 0;
      for (const c of verdict.criteria) {
        sink.write("judgments", {
          run_id: runId, benchmark: benchmark.id, instance_id: instance.id, model: model.id, judge: judge.id, criterion: c.criterion, score: c.score, explanation: c.explanation, parse_status: c.status, reason: c.reason,
          self_judging: selfJudging, same_vendor: sameVendor, input_tokens: g?.inputTokens ?? null, output_tokens: g?.outputTokens ?? null,
          latency_ms: g?.latencyMs ?? null, cached: g?.cached ?? false, cost_usd: judged?.costUsd ?? null
        });
      }
    }
    const jury = aggregateJury(verdicts.map((v) => ({judge: v.judge.id, verdict: v.verdict})), rubric, {helmCompat: plan.scoring.helmCompat});
    const reason = output === null ? `model call failed: ${error}` : jury.reason;
    writeScore(juryMetricOf(benchmark), rubric.scale, jury.score, reason);
    for (const [criterion, value] of Object.entries(jury.perCriterion)) writeScore(`jury_${criterion}`, rubric.scale, value, value === null ? reason : null);
  }
  return {failed: error !== null, inputTokens: (generation?.inputTokens ?? 0) + judgeTokens, outputTokens: (generation?.outputTokens ?? 0) + judgeOutputTokens};
}
