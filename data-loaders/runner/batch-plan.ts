/**
 * Which requests a batch round sends: the same requests, with the same cache keys, that the
 * runner (run.ts) would make one by one, minus what the cache already holds. Round one is the
 * evaluated models' answers; round two the judges' verdicts on the answers round one left in the
 * cache (or that baselines compute), with the runner's rules: no verdict on a failed or empty
 * answer, and self- or same-vendor judging left out when the configuration says so.
 */
import {keyWithText, type CacheKeyFields, type CacheLabel, type ResponseCache} from "../cache/cache.ts";
import {stripThinking} from "../benchmark/prompt.ts";
import {answerRequest, judgeRequest, juryPurpose, keyFields, requestFor, type ItemRef} from "./run.ts";
import type {Benchmark, GenerateRequest, Instance, Model} from "../benchmark/types.ts";

/** One request of a batch round. */
export interface PlannedRequest {
  key: string;
  fields: CacheKeyFields;
  keyText: string;
  label: CacheLabel;
  request: GenerateRequest;
  model: Model;
}

/** What planning a round needs. */
export interface RoundInput {
  benchmarks: {benchmark: Benchmark; instances: Instance[]}[];
  models: Model[];
  judges: Model[];
  seed: number;
  cache: ResponseCache;
  excludeSelfJudging: boolean;
  excludeSameVendorJudging: boolean;
  /** Whether an item may make calls (`--retry-errors`); absent, every item may. */
  mayCall?: (item: ItemRef) => boolean;
  /** Whether a model's requests go through a batch (the others are the runner's to call). */
  batched: (model: Model) => boolean;
}

function planned(model: Model, request: GenerateRequest, purpose: string | null, label: CacheLabel): PlannedRequest {
  const fields = keyFields(model, request, purpose);
  const {key, text} = keyWithText(fields);
  return {key, fields, keyText: text, label, request, model};
}

/** Keeps the first request of each key: a duplicated prompt is sent once, as the runner does. */
function unique(requests: PlannedRequest[]): PlannedRequest[] {
  const seen = new Set<string>();
  return requests.filter((r) => !seen.has(r.key) && Boolean(seen.add(r.key)));
}

/** Round one: the uncached answers of the batched models. */
export function answerRound(input: RoundInput): PlannedRequest[] {
  const out: PlannedRequest[] = [];
  for (const {benchmark, instances} of input.benchmarks) {
    const models = input.models.filter((m) => m.kind !== "baseline" && input.batched(m) && m.supports(benchmark));
    if (!models.length) continue;
    for (const instance of instances) {
      const shared = answerRequest(benchmark, instance);
      for (const model of models) {
        const label = {benchmark: benchmark.id, instance: instance.id, model: model.id};
        if (input.mayCall && !input.mayCall(label)) continue;
        const p = planned(model, requestFor(shared, model), null, label);
        if (!input.cache.has(p.key)) out.push(p);
      }
    }
  }
  return unique(out);
}

/**
 * Round two: the uncached verdicts of the batched judges on every answer available now (cached,
 * or computed by a baseline). Answers still missing (failed, or due from a model called one by
 * one) get no verdict request; the runner records why.
 */
export async function judgeRound(input: RoundInput): Promise<PlannedRequest[]> {
  const judges = input.judges.filter((j) => j.kind !== "baseline" && input.batched(j));
  const out: PlannedRequest[] = [];
  if (!judges.length) return out;
  for (const {benchmark, instances} of input.benchmarks) {
    const rubric = benchmark.rubric;
    if (!rubric) continue;
    const models = input.models.filter((m) => m.supports(benchmark));
    for (const instance of instances) {
      const shared = answerRequest(benchmark, instance);
      for (const model of models) {
        const label = {benchmark: benchmark.id, instance: instance.id, model: model.id};
        if (input.mayCall && !input.mayCall(label)) continue;
        const request = requestFor(shared, model);
        let text: string | null;
        if (model.kind === "baseline") text = (await model.generate(request, {benchmark, instance, seed: input.seed})).text;
        else text = input.cache.get(planned(model, request, null, label).key)?.text ?? null;
        if (text === null) continue;
        const output = stripThinking(text);
        if (!output.trim()) continue;
        for (const judge of judges) {
          if ((judge.id === model.id && input.excludeSelfJudging) || (judge.vendor === model.vendor && input.excludeSameVendorJudging)) continue;
          const p = planned(judge, judgeRequest(rubric, instance, output), juryPurpose(rubric), {...label, judge: judge.id});
          if (!input.cache.has(p.key)) out.push(p);
        }
      }
    }
  }
  return unique(out);
}
