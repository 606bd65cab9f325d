/**
 * Cost of evaluating a model on a benchmark, two ways. The estimate reproduces MedHELM's dry-run
 * upper bound (`src/medhelm/utils/cost_table.py`): input = counted prompt tokens, output = every
 * instance using its full `max_tokens`, and for open-ended benchmarks a jury that reads the
 * prompts plus the maximal outputs and writes `4096` tokens per instance, priced once at the sum
 * of the judges' prices. The actual cost prices recorded usage. Model and jury costs are kept
 * apart because the jury can cost as much as the model itself.
 */
import {combinedPrice, costUsd, priceFor, type Price, type TokenUsage} from "./prices.ts";

/** Counts the tokens of a text. Injected so that tests and other tokenizers can stand in. */
export type TokenCounter = (text: string) => number;

/** The `max_tokens` of a jury judge in MedHELM's annotators; the estimate assumes every judge uses it all. */
export const JUDGE_MAX_TOKENS = 4096;

/** The paper's jury (HELM model ids): GPT-4o, Llama 3.3 70B and Claude 3.7 Sonnet. */
export const paperJudges: readonly string[] = ["openai/gpt-4o-2024-05-13", "meta/llama-3.3-70b-instruct", "anthropic/claude-3-7-sonnet-20250219"];

/** The price of a jury on a date: the sum of its judges' prices, since each judge reads and writes the same tokens. */
export function juryPrice(judges: readonly string[] = paperJudges, date?: string): Price {
  return combinedPrice(judges.map((j) => priceFor(j, date)), "jury");
}

/**
 * A token counter backed by js-tiktoken's BPE ranks (shipped in the package, nothing is
 * downloaded). `o200k_base` is GPT-4o's encoding and `cl100k_base` GPT-4's; other providers'
 * tokenizers differ by some percent, which an upper-bound estimate tolerates. Special-token
 * text in prompts is counted as ordinary text instead of throwing. The ranks are loaded on first
 * use because they are several megabytes.
 */
export async function tiktokenCounter(encoding: "o200k_base" | "cl100k_base" = "o200k_base"): Promise<TokenCounter> {
  const {Tiktoken} = await import("js-tiktoken/lite");
  const ranks = encoding === "o200k_base" ? (await import("js-tiktoken/ranks/o200k_base")).default : (await import("js-tiktoken/ranks/cl100k_base")).default;
  const tokenizer = new Tiktoken(ranks);
  return (text) => tokenizer.encode(text, [], []).length;
}

/** What a dry run of one model on one benchmark knows before any call. */
export interface DryRun {
  /** Prompt token count of every instance (each instance is one request). */
  promptTokens: readonly number[];
  /** The request's `max_tokens`; the estimate assumes every answer reaches it. */
  maxTokens: number;
  /** True when the LLM jury scores the benchmark. */
  openEnded: boolean;
}

/** Token counts of the upper-bound estimate of one model on one benchmark. */
export interface TokenEstimate {
  instances: number;
  inputTokens: number;
  outputTokens: number;
  /** Zero for closed benchmarks. */
  judgeInputTokens: number;
  judgeOutputTokens: number;
}

/** Prompt token counts of texts (for `DryRun.promptTokens`). */
export function countPromptTokens(prompts: readonly string[], count: TokenCounter): number[] {
  return prompts.map((p) => count(p));
}

/** MedHELM's upper-bound token counts of a dry run. */
export function estimateTokens(run: DryRun, judgeMaxTokens = JUDGE_MAX_TOKENS): TokenEstimate {
  if (!(Number.isInteger(run.maxTokens) && run.maxTokens > 0)) throw new Error(`bad max_tokens: ${run.maxTokens}`);
  const instances = run.promptTokens.length;
  const inputTokens = run.promptTokens.reduce((a, b) => a + b, 0);
  const outputTokens = instances * run.maxTokens;
  // The judges see the prompt and the answer, so their input is bounded by the model's input
  // plus its maximal output.
  return {
    instances,
    inputTokens,
    outputTokens,
    judgeInputTokens: run.openEnded ? inputTokens + outputTokens : 0,
    judgeOutputTokens: run.openEnded ? instances * judgeMaxTokens : 0
  };
}

/** Dollars of one model on one benchmark, model and jury apart (unrounded). */
export interface CostBreakdown {
  inputUsd: number;
  outputUsd: number;
  /** inputUsd + outputUsd: what the evaluated model costs. */
  modelUsd: number;
  juryInputUsd: number;
  juryOutputUsd: number;
  /** What scoring by the jury costs. */
  juryUsd: number;
  totalUsd: number;
}

/**
 * Prices a token estimate: model tokens at the model's price, jury tokens at the jury's
 * (summed) price, as in MedHELM's cost table.
 */
export function priceEstimate(tokens: TokenEstimate, modelPrice: Price, jury: Price): CostBreakdown {
  const inputUsd = costUsd({inputTokens: tokens.inputTokens, outputTokens: 0}, modelPrice);
  const outputUsd = costUsd({inputTokens: 0, outputTokens: tokens.outputTokens}, modelPrice);
  const juryInputUsd = costUsd({inputTokens: tokens.judgeInputTokens, outputTokens: 0}, jury);
  const juryOutputUsd = costUsd({inputTokens: 0, outputTokens: tokens.judgeOutputTokens}, jury);
  const modelUsd = inputUsd + outputUsd;
  const juryUsd = juryInputUsd + juryOutputUsd;
  return {inputUsd, outputUsd, modelUsd, juryInputUsd, juryOutputUsd, juryUsd, totalUsd: modelUsd + juryUsd};
}

/** The upper-bound estimate of a dry run, in tokens and dollars. */
export function estimateCost(run: DryRun, modelPrice: Price, jury: Price, judgeMaxTokens = JUDGE_MAX_TOKENS): TokenEstimate & CostBreakdown {
  const tokens = estimateTokens(run, judgeMaxTokens);
  return {...tokens, ...priceEstimate(tokens, modelPrice, jury)};
}

/** Usage recorded for one model or judge, with the price it was billed at. */
export interface PricedUsage {
  price: Price;
  /** One entry per call (or pre-summed). */
  usage: readonly TokenUsage[];
}

/** Actual cost from recorded usage, model and jury apart (unrounded). */
export interface ActualCost {
  inputTokens: number;
  outputTokens: number;
  modelUsd: number;
  judgeInputTokens: number;
  judgeOutputTokens: number;
  juryUsd: number;
  totalUsd: number;
}

const sumUsage = (usage: readonly TokenUsage[]): TokenUsage =>
  usage.reduce((s, u) => ({inputTokens: s.inputTokens + u.inputTokens, outputTokens: s.outputTokens + u.outputTokens}), {inputTokens: 0, outputTokens: 0});

/**
 * Actual cost of a model's calls and of its judges' calls. Unlike the estimate, each judge is
 * priced at its own price on its own recorded tokens, because real judges read and write
 * different amounts.
 */
export function actualCost(model: PricedUsage, judges: readonly PricedUsage[] = []): ActualCost {
  const m = sumUsage(model.usage);
  const modelUsd = costUsd(m, model.price);
  let judgeInputTokens = 0;
  let judgeOutputTokens = 0;
  let juryUsd = 0;
  for (const judge of judges) {
    const j = sumUsage(judge.usage);
    judgeInputTokens += j.inputTokens;
    judgeOutputTokens += j.outputTokens;
    juryUsd += costUsd(j, judge.price);
  }
  return {inputTokens: m.inputTokens, outputTokens: m.outputTokens, modelUsd, judgeInputTokens, judgeOutputTokens, juryUsd, totalUsd: modelUsd + juryUsd};
}
