/**
 * What the site's answers cost, from the token usage recorded in the result tables and the
 * versioned price table: the evaluated model's calls and the jury's calls apart, per run, entry
 * and benchmark. A cost is null, never zero, when a price or a token count is unknown; offline
 * baselines make no paid call and cost exactly zero.
 */
import {costUsd, priceFor, type Price} from "../cost/prices.ts";

/** Summed token usage of one model's answers to one benchmark in one run. */
export interface ModelUsage {
  run_id: string;
  label: string;
  model: string;
  model_kind: string;
  benchmark: string;
  /** ISO date (YYYY-MM-DD) of the run, which selects the price in force. */
  date: string | null;
  input_tokens: number;
  output_tokens: number;
  /** Answers whose call succeeded but reported no token counts. */
  n_missing_usage: number;
}

/** Summed token usage of one judge's calls on one entry's answers to one benchmark in one run. */
export interface JudgeUsage {
  run_id: string;
  label: string;
  benchmark: string;
  judge: string;
  date: string | null;
  input_tokens: number;
  output_tokens: number;
  n_missing_usage: number;
}

/** Cost of one entry's answers to one benchmark in one run, in USD. */
export interface UsageCost {
  run_id: string;
  label: string;
  benchmark: string;
  input_tokens: number;
  output_tokens: number;
  judge_input_tokens: number;
  judge_output_tokens: number;
  /** The evaluated model's calls; null when its price or a token count is unknown. */
  cost_usd: number | null;
  /** The jury's calls on these answers; null when a judge's price or a token count is unknown. */
  jury_cost_usd: number | null;
}

/** The price of a model on a date, or null when the price table has none (never a guess). */
export function knownPrice(model: string, date: string | null, table?: readonly Price[]): Price | null {
  try {
    return priceFor(model, date ?? undefined, table);
  } catch {
    return null;
  }
}

/** Adds costs, where one unknown makes the sum unknown. */
export function sumKnown(values: ReadonlyArray<number | null>): number | null {
  let sum = 0;
  for (const v of values) {
    if (v === null) return null;
    sum += v;
  }
  return sum;
}

/**
 * Prices recorded usage per (run, entry, benchmark). Cached answers are counted: the cost is what
 * the shown answers took to produce, whether or not this build replayed them from the cache.
 */
export function usageCosts(models: readonly ModelUsage[], judges: readonly JudgeUsage[], table?: readonly Price[]): UsageCost[] {
  const key = (r: {run_id: string; label: string; benchmark: string}) => `${r.run_id}\u0000${r.label}\u0000${r.benchmark}`;
  const out = new Map<string, UsageCost>();
  for (const m of models) {
    const price = knownPrice(m.model, m.date, table);
    const priced = price && m.n_missing_usage === 0 ? costUsd({inputTokens: m.input_tokens, outputTokens: m.output_tokens}, price) : null;
    const cost = m.model_kind === "baseline" ? 0 : priced;
    out.set(key(m), {
      run_id: m.run_id, label: m.label, benchmark: m.benchmark, input_tokens: m.input_tokens, output_tokens: m.output_tokens,
      judge_input_tokens: 0, judge_output_tokens: 0, cost_usd: cost, jury_cost_usd: 0
    });
  }
  for (const j of judges) {
    const row = out.get(key(j));
    // Verdicts on answers that have no completion row cannot be attributed; they are skipped, not guessed.
    if (!row) continue;
    const price = knownPrice(j.judge, j.date, table);
    const cost = price && j.n_missing_usage === 0 ? costUsd({inputTokens: j.input_tokens, outputTokens: j.output_tokens}, price) : null;
    row.judge_input_tokens += j.input_tokens;
    row.judge_output_tokens += j.output_tokens;
    row.jury_cost_usd = sumKnown([row.jury_cost_usd, cost]);
  }
  return [...out.values()];
}
