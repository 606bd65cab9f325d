/**
 * The dry run: what a run would cost before any call is made, per model x benchmark.
 *
 * It follows MedHELM's upper bound (costs.ts): prompt tokens counted with a real tokenizer, every
 * answer assumed to use its full `max_tokens`, and each judge reading the prompt plus that maximal
 * answer and writing `JUDGE_MAX_TOKENS`. Model tokens are priced at the model's price and each
 * judge's tokens at that judge's price (the sum of the judges' prices, as MedHELM does, when
 * every judge reads the same). Unlike MedHELM it subtracts what the response cache already
 * holds: a cached answer costs nothing, and its judges' prompts are then known exactly, so only
 * the uncached judge calls are counted, with their real prompt length. With an empty cache the
 * numbers are MedHELM's. Each row is priced twice: at list prices (calls one by one) and at batch
 * prices (`medhelm run --batch`; the list price where a provider publishes no batch discount).
 */
import type {ResponseCache} from "../cache/cache.ts";
import {cacheKey} from "../cache/cache.ts";
import {estimateTokens, JUDGE_MAX_TOKENS, type TokenCounter} from "../cost/costs.ts";
import {batchRates, costUsd, type Price} from "../cost/prices.ts";
import {stripThinking} from "../benchmark/prompt.ts";
import {answerRequest, judgeRequest, juryPurpose, keyFields} from "./run.ts";
import type {Benchmark, Instance, Model} from "../benchmark/types.ts";

/** The estimate of one model on one benchmark. */
export interface EstimateRow {
  benchmark: string;
  model: string;
  instances: number;
  /** Answers already in the cache (free). */
  cached_answers: number;
  /** Model calls still to make. */
  calls: number;
  input_tokens: number;
  output_tokens: number;
  judge_calls: number;
  judge_input_tokens: number;
  judge_output_tokens: number;
  /** Null when the model (or, for the jury, a judge with calls to make) has no known price. */
  model_usd: number | null;
  jury_usd: number | null;
  total_usd: number | null;
  /** The same calls sent through the providers' batch APIs (batch price where published, else list price). */
  batch_model_usd: number | null;
  batch_jury_usd: number | null;
  batch_total_usd: number | null;
}

/** What the estimate needs; loading instances is the caller's I/O. */
export interface EstimateInput {
  benchmarks: {benchmark: Benchmark; instances: Instance[]}[];
  models: Model[];
  judges: Model[];
  /** A benchmark's own jury by benchmark id (see `RunPlan.judgePanels`). */
  judgePanels?: Record<string, Model[]>;
  seed: number;
  count: TokenCounter;
  priceOf: (modelId: string) => Price | null;
  cache?: ResponseCache;
  excludeSelfJudging: boolean;
  excludeSameVendorJudging: boolean;
}

const add = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);

/** Estimates every supported model x benchmark pair, in plan order. */
export async function estimateRun(input: EstimateInput): Promise<EstimateRow[]> {
  const rows: EstimateRow[] = [];
  const messageTokens = (messages: {content: string}[]) => messages.reduce((sum, m) => sum + input.count(m.content), 0);
  for (const {benchmark, instances} of input.benchmarks) {
    // Prompts are the same for every model, so they are counted once per benchmark.
    const promptTokens = instances.map((instance) => messageTokens(answerRequest(benchmark, instance).messages));
    const panel = input.judgePanels?.[benchmark.id] ?? input.judges;
    for (const model of input.models.filter((m) => m.supports(benchmark))) {
      const isBaseline = model.kind === "baseline";
      const uncached: number[] = [];
      const judgeTokens = new Map<string, {calls: number; input: number; output: number}>(panel.map((j) => [j.id, {calls: 0, input: 0, output: 0}]));
      const judges = panel.filter((j) => !((j.id === model.id && input.excludeSelfJudging) || (j.vendor === model.vendor && input.excludeSameVendorJudging)));
      for (const [i, instance] of instances.entries()) {
        const request = answerRequest(benchmark, instance, model);
        // A known answer: a baseline's (computed, free) or one already in the cache.
        let answer: string | null = null;
        if (isBaseline) answer = (await model.generate(request, {benchmark, instance, seed: input.seed})).text;
        else {
          const hit = input.cache?.get(cacheKey(keyFields(model, request, null)));
          if (hit) answer = hit.text;
          else uncached.push(promptTokens[i]);
        }
        if (!benchmark.rubric) continue;
        const output = answer === null ? null : stripThinking(answer);
        if (output !== null && !output.trim()) continue;
        for (const judge of judges) {
          const t = judgeTokens.get(judge.id)!;
          if (output === null) {
            // MedHELM's bound: the judge reads the prompt plus a maximal answer.
            t.calls++;
            t.input += promptTokens[i] + (model.maxTokens ?? benchmark.maxTokens);
            t.output += JUDGE_MAX_TOKENS;
            continue;
          }
          const judged = judgeRequest(benchmark.rubric, instance, output);
          if (input.cache?.has(cacheKey(keyFields(judge, judged, juryPurpose(benchmark.rubric))))) continue;
          t.calls++;
          t.input += messageTokens(judged.messages);
          t.output += JUDGE_MAX_TOKENS;
        }
      }
      const tokens = estimateTokens({promptTokens: uncached, maxTokens: model.maxTokens ?? benchmark.maxTokens, openEnded: false});
      const price = input.priceOf(model.id);
      const modelUsd = uncached.length === 0 ? 0 : price ? costUsd({inputTokens: tokens.inputTokens, outputTokens: tokens.outputTokens}, price) : null;
      const batchModelUsd = uncached.length === 0 ? 0 : price ? costUsd({inputTokens: tokens.inputTokens, outputTokens: tokens.outputTokens}, batchRates(price)) : null;
      let juryUsd: number | null = 0;
      let batchJuryUsd: number | null = 0;
      let judgeCalls = 0;
      let judgeInput = 0;
      let judgeOutput = 0;
      for (const judge of panel) {
        const t = judgeTokens.get(judge.id)!;
        if (!t.calls) continue;
        judgeCalls += t.calls;
        judgeInput += t.input;
        judgeOutput += t.output;
        const judgePrice = input.priceOf(judge.id);
        juryUsd = add(juryUsd, judgePrice ? costUsd({inputTokens: t.input, outputTokens: t.output}, judgePrice) : null);
        batchJuryUsd = add(batchJuryUsd, judgePrice ? costUsd({inputTokens: t.input, outputTokens: t.output}, batchRates(judgePrice)) : null);
      }
      rows.push({
        benchmark: benchmark.id, model: model.id, instances: instances.length, cached_answers: isBaseline ? 0 : instances.length - uncached.length,
        calls: isBaseline ? 0 : uncached.length, input_tokens: isBaseline ? 0 : tokens.inputTokens, output_tokens: isBaseline ? 0 : tokens.outputTokens,
        judge_calls: judgeCalls, judge_input_tokens: judgeInput, judge_output_tokens: judgeOutput,
        model_usd: isBaseline ? 0 : modelUsd, jury_usd: juryUsd, total_usd: add(isBaseline ? 0 : modelUsd, juryUsd),
        batch_model_usd: isBaseline ? 0 : batchModelUsd, batch_jury_usd: batchJuryUsd, batch_total_usd: add(isBaseline ? 0 : batchModelUsd, batchJuryUsd)
      });
    }
  }
  return rows;
}

/** Column sums of estimate rows (a sum is null when any part is). */
export function estimateTotal(rows: readonly EstimateRow[]): Omit<EstimateRow, "benchmark" | "model"> {
  const total = {instances: 0, cached_answers: 0, calls: 0, input_tokens: 0, output_tokens: 0, judge_calls: 0, judge_input_tokens: 0, judge_output_tokens: 0, model_usd: 0 as number | null, jury_usd: 0 as number | null, total_usd: 0 as number | null, batch_model_usd: 0 as number | null, batch_jury_usd: 0 as number | null, batch_total_usd: 0 as number | null};
  for (const r of rows) {
    total.instances += r.instances;
    total.cached_answers += r.cached_answers;
    total.calls += r.calls;
    total.input_tokens += r.input_tokens;
    total.output_tokens += r.output_tokens;
    total.judge_calls += r.judge_calls;
    total.judge_input_tokens += r.judge_input_tokens;
    total.judge_output_tokens += r.judge_output_tokens;
    total.model_usd = add(total.model_usd, r.model_usd);
    total.jury_usd = add(total.jury_usd, r.jury_usd);
    total.total_usd = add(total.total_usd, r.total_usd);
    total.batch_model_usd = add(total.batch_model_usd, r.batch_model_usd);
    total.batch_jury_usd = add(total.batch_jury_usd, r.batch_jury_usd);
    total.batch_total_usd = add(total.batch_total_usd, r.batch_total_usd);
  }
  return total;
}
