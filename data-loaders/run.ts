/**
 * The runner: benchmark x model -> completions -> scores, plus the jury for open-ended
 * benchmarks. Models, cache, table sink and logging are passed in, so tests drive it with a
 * loopback server and an in-memory sink. Rows stream to the sink as they are produced; nothing
 * holds a whole run in memory. Every failure becomes a row with a reason.
 */
import {cacheKey, replay, sha256, canonicalJson, type CacheKeyFields, type ResponseCache} from "./cache.ts";
import {aggregateJury, failedVerdict, judgeMessages, parseVerdict, type Verdict} from "./jury.ts";
import {scoreAnswer} from "./metrics.ts";
import type {TableSink} from "./parquet.ts";
import {extractAnswer, promptMessages, promptText, stripThinking} from "./prompt.ts";
import {dataAvailable, dataDirOf} from "./registry.ts";
import {sampleInstances} from "./sampling.ts";
import type {Benchmark, GenerateContext, GenerateRequest, Generation, Instance, Model, ScoringOptions} from "./types.ts";

/** What to run. */
export interface RunPlan {
  runId: string;
  benchmarks: Benchmark[];
  models: Model[];
  judges: Model[];
  seed: number;
  limit: number | null;
  maxEvalInstances: number;
  /** Calls in flight at once, over all endpoints. */
  concurrency: number;
  scoring: ScoringOptions;
  dataDir: string;
  excludeSelfJudging: boolean;
  excludeSameVendorJudging: boolean;
  /** Normalized configuration recorded in the runs table (must hold no secrets). */
  manifest: Record<string, unknown>;
  toolVersion: string;
}

/** Progress of one benchmark, reported after every finished answer. */
export interface Progress {
  benchmark: string;
  done: number;
  total: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
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
}

/** The metric name of a benchmark's jury score (HELM's `<benchmark>_accuracy`). */
export function juryMetricName(benchmarkId: string): string {
  return `${benchmarkId}_accuracy`;
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

interface Counters {
  calls: number;
  cached: number;
  errors: number;
}

/** Calls a model through the cache. Baselines are cheap and deterministic, so they bypass it. */
async function generate(model: Model, request: GenerateRequest, context: GenerateContext, purpose: string | null, cache: ResponseCache, counters: Counters): Promise<{generation: Generation; key: string | null}> {
  if (model.kind === "baseline") return {generation: await model.generate(request, context), key: null};
  const fields: CacheKeyFields = {
    endpoint: model.endpoint ?? "",
    model: model.id,
    messages: request.messages,
    maxTokens: request.maxTokens,
    temperature: request.temperature,
    stop: request.stop ?? [],
    json: Boolean(request.json),
    purpose
  };
  const key = cacheKey(fields);
  const hit = cache.get(key);
  if (hit) {
    counters.cached++;
    return {generation: replay(hit), key};
  }
  counters.calls++;
  const generation = await model.generate(request, context);
  cache.put({key, fields, text: generation.text, inputTokens: generation.inputTokens, outputTokens: generation.outputTokens, finishReason: generation.finishReason, latencyMs: generation.latencyMs, storedAt: new Date().toISOString()});
  return {generation, key};
}

/** Runs the plan, streaming rows to the sink. */
export async function runSuite(plan: RunPlan, effects: RunEffects): Promise<RunSummary> {
  const now = effects.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const counters: Counters = {calls: 0, cached: 0, errors: 0};
  const summary: RunSummary = {runId: plan.runId, benchmarks: [], calls: 0, cached: 0, errors: 0};
  const {sink, cache, log} = effects;
  const runId = plan.runId;

  for (const benchmark of plan.benchmarks) {
    const available = dataAvailable(benchmark, plan.dataDir);
    let instances: Instance[] = [];
    if (available) {
      instances = sampleInstances(await benchmark.load(dataDirOf(benchmark, plan.dataDir)), {
        benchmark: benchmark.id,
        seed: plan.seed,
        max: benchmark.maxEvalInstances ?? plan.maxEvalInstances,
        limit: plan.limit
      });
    } else log(`${benchmark.id}: data not available (see README, "Bring your own data")`);
    const main = benchmark.metrics.find((m) => m.name === benchmark.mainMetric);
    const mainRange = benchmark.rubric ? benchmark.rubric.scale : main!.range;
    sink.write("benchmarks", {
      run_id: runId, benchmark: benchmark.id, name: benchmark.name, version: benchmark.version, category: benchmark.category,
      subcategory: benchmark.subcategory, access: benchmark.access, open_ended: benchmark.openEnded, main_metric: benchmark.mainMetric,
      main_metric_min: mainRange[0], main_metric_max: mainRange[1], max_tokens: benchmark.maxTokens, data_available: available,
      n_instances: instances.length, prompt_hash: promptHash(benchmark),
      instances_hash: sha256(canonicalJson(instances.map((i) => [i.id, i.input])))
    });
    for (const instance of instances) {
      const prompt = promptText(benchmark.prompt, instance);
      sink.write("instances", {
        run_id: runId, benchmark: benchmark.id, instance_id: instance.id, subset: instance.subset ?? null, split: instance.split ?? "test",
        input_text: instance.input, choices_json: instance.choices ? JSON.stringify(instance.choices) : null,
        gold_text: instance.gold[0] ?? null, prompt_text: prompt, input_chars: prompt.length
      });
    }
    const models = plan.models.filter((m) => m.supports(benchmark));
    const progress = {benchmark: benchmark.id, done: 0, total: instances.length * models.length, errors: 0, inputTokens: 0, outputTokens: 0};
    effects.progress?.({...progress});
    const jobs = function* () {
      for (const model of models) for (const instance of instances) yield {model, instance};
    };
    await pool(jobs(), plan.concurrency, async ({model, instance}) => {
      const result = await answerOne(plan, effects, counters, benchmark, model, instance);
      progress.done++;
      progress.errors += result.failed ? 1 : 0;
      progress.inputTokens += result.inputTokens;
      progress.outputTokens += result.outputTokens;
      effects.progress?.({...progress});
    });
    summary.benchmarks.push({id: benchmark.id, dataAvailable: available, instances: instances.length, answers: progress.total});
  }

  summary.calls = counters.calls;
  summary.cached = counters.cached;
  summary.errors = counters.errors;
  sink.write("runs", {
    run_id: runId, source: "native", started_at: startedAt, finished_at: now().toISOString(), tool_version: plan.toolVersion,
    seed: plan.seed, models: plan.models.map((m) => m.id).join(","), judges: plan.judges.map((m) => m.id).join(","),
    config_json: canonicalJson(plan.manifest), n_calls: counters.calls, n_cached: counters.cached, n_errors: counters.errors
  });
  return summary;
}

/** Answers, scores and judges one instance for one model; returns accounting for progress. */
async function answerOne(plan: RunPlan, effects: RunEffects, counters: Counters, benchmark: Benchmark, model: Model, instance: Instance) {
  const {sink, cache} = effects;
  const key = {run_id: plan.runId, benchmark: benchmark.id, instance_id: instance.id, model: model.id};
  const context: GenerateContext = {benchmark, instance, seed: plan.seed};
  const request: GenerateRequest = {messages: promptMessages(benchmark, instance), maxTokens: benchmark.maxTokens, temperature: 0, stop: benchmark.stop};
  let generation: Generation | null = null;
  let requestHash: string | null = null;
  let error: string | null = null;
  try {
    const result = await generate(model, request, context, null, cache, counters);
    generation = result.generation;
    requestHash = result.key;
  } catch (e) {
    error = describeError(e);
    counters.errors++;
  }
  const output = generation ? stripThinking(generation.text) : null;
  const answer = output === null ? null : extractAnswer(benchmark, output, instance);
  sink.write("completions", {
    ...key, model_kind: model.kind, endpoint: model.endpoint, output_text: generation?.text ?? null, answer_text: answer, error,
    finish_reason: generation?.finishReason ?? null, input_tokens: generation?.inputTokens ?? null, output_tokens: generation?.outputTokens ?? null,
    latency_ms: generation?.latencyMs ?? null, cached: generation?.cached ?? false, request_hash: requestHash
  });
  const writeScore = (metric: string, range: [number, number], value: number | null, reason: string | null) =>
    sink.write("scores", {
      ...key, metric, is_main: metric === benchmark.mainMetric, value,
      value_normalized: value === null ? null : (value - range[0]) / (range[1] - range[0]), unscored_reason: value === null ? reason : null
    });
  for (const metric of benchmark.metrics) {
    if (output === null) writeScore(metric.name, metric.range, null, `model call failed: ${error}`);
    else {
      const result = await scoreAnswer(metric, {output, answer, instance}, plan.scoring);
      writeScore(metric.name, metric.range, result.value, result.reason ?? null);
    }
  }
  let judgeTokens = 0;
  if (benchmark.rubric) {
    const rubric = benchmark.rubric;
    const verdicts: {judge: string; verdict: Verdict}[] = [];
    for (const judge of plan.judges) {
      const selfJudging = judge.id === model.id;
      const sameVendor = judge.vendor === model.vendor;
      let verdict: Verdict;
      let judged: Generation | null = null;
      if (output === null) verdict = failedVerdict(rubric, "no_output", `model call failed: ${error}`);
      else if (!output.trim()) verdict = failedVerdict(rubric, "no_output", "empty model output");
      else if ((selfJudging && plan.excludeSelfJudging) || (sameVendor && plan.excludeSameVendorJudging)) {
        verdict = failedVerdict(rubric, "excluded", selfJudging ? "self-judging excluded by configuration" : "same-vendor judging excluded by configuration");
      } else {
        const judgeRequest: GenerateRequest = {messages: judgeMessages(rubric, instance, output), maxTokens: 4096, temperature: 0, json: true};
        try {
          judged = (await generate(judge, judgeRequest, context, `jury-v${rubric.version}`, cache, counters)).generation;
          verdict = parseVerdict(judged.text, rubric);
          judgeTokens += (judged.inputTokens ?? 0) + (judged.outputTokens ?? 0);
        } catch (e) {
          counters.errors++;
          verdict = failedVerdict(rubric, "call_failed", `judge call failed: ${describeError(e)}`);
        }
      }
      verdicts.push({judge: judge.id, verdict});
      for (const c of verdict.criteria) {
        sink.write("judgments", {
          ...key, judge: judge.id, criterion: c.criterion, score: c.score, explanation: c.explanation, parse_status: c.status, reason: c.reason,
          self_judging: selfJudging, same_vendor: sameVendor, input_tokens: judged?.inputTokens ?? null, output_tokens: judged?.outputTokens ?? null,
          latency_ms: judged?.latencyMs ?? null, cached: judged?.cached ?? false
        });
      }
    }
    const jury = aggregateJury(verdicts, rubric, {helmCompat: plan.scoring.helmCompat});
    const reason = output === null ? `model call failed: ${error}` : jury.reason;
    writeScore(benchmark.mainMetric, rubric.scale, jury.score, reason);
    for (const [criterion, value] of Object.entries(jury.perCriterion)) writeScore(`jury_${criterion}`, rubric.scale, value, value === null ? reason : null);
  }
  return {failed: error !== null, inputTokens: (generation?.inputTokens ?? 0) + judgeTokens, outputTokens: generation?.outputTokens ?? 0};
}
