/**
 * Versioned model prices (`reference/prices.json`) and the arithmetic from tokens to dollars.
 * Prices change over time and differ between the paper and later runs, so every entry carries
 * the date it applied from and a lookup picks the entry in force on a given date.
 */
import table from "../../reference/prices.json" with {type: "json"};

/** The price of one model from a date on, in USD per million tokens. */
export interface Price {
  /** HELM model id, e.g. `openai/gpt-4o-2024-05-13`. */
  model: string;
  input_usd_per_1m: number;
  output_usd_per_1m: number;
  /** ISO date (YYYY-MM-DD) from which the price applies. */
  as_of: string;
  /** Where the numbers come from. */
  source: string;
  /**
   * The price of the same tokens sent through the provider's batch API (answered within 24 h),
   * null where the provider publishes no batch discount for the model, or its provider is unknown.
   */
  batch_input_usd_per_1m?: number | null;
  batch_output_usd_per_1m?: number | null;
  /** Where the batch price comes from; null without one. */
  batch_source?: string | null;
}

/** Token counts of one call or of a sum of calls. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** Validates the raw price table so that a typo in the JSON fails at load, naming the entry. */
export function parsePrices(raw: unknown): Price[] {
  const entries = (raw as {entries?: unknown})?.entries;
  if (!Array.isArray(entries)) throw new Error("price table has no entries array");
  return entries.map((e: Record<string, unknown>, i: number) => {
    const {model, input_usd_per_1m, output_usd_per_1m, as_of, source, batch_input_usd_per_1m = null, batch_output_usd_per_1m = null, batch_source = null} = e ?? {};
    if (typeof model !== "string" || !model) throw new Error(`price entry ${i}: bad model ${JSON.stringify(model)}`);
    for (const [key, v] of [["input_usd_per_1m", input_usd_per_1m], ["output_usd_per_1m", output_usd_per_1m]] as const) {
      if (typeof v !== "number" || !(v >= 0)) throw new Error(`price entry ${i} (${model}): bad ${key} ${JSON.stringify(v)}`);
    }
    if (typeof as_of !== "string" || !isoDate.test(as_of)) throw new Error(`price entry ${i} (${model}): bad as_of ${JSON.stringify(as_of)}`);
    if (typeof source !== "string") throw new Error(`price entry ${i} (${model}): bad source`);
    // A batch price comes whole (input, output and where it is published) or not at all.
    const batch = [batch_input_usd_per_1m, batch_output_usd_per_1m, batch_source];
    if (batch.some((v) => v !== null) && batch.some((v) => v === null)) throw new Error(`price entry ${i} (${model}): batch_input_usd_per_1m, batch_output_usd_per_1m and batch_source go together`);
    for (const [key, v] of [["batch_input_usd_per_1m", batch_input_usd_per_1m], ["batch_output_usd_per_1m", batch_output_usd_per_1m]] as const) {
      if (v !== null && (typeof v !== "number" || !(v >= 0))) throw new Error(`price entry ${i} (${model}): bad ${key} ${JSON.stringify(v)}`);
    }
    if (batch_source !== null && typeof batch_source !== "string") throw new Error(`price entry ${i} (${model}): bad batch_source`);
    return {
      model, input_usd_per_1m: input_usd_per_1m as number, output_usd_per_1m: output_usd_per_1m as number, as_of, source,
      batch_input_usd_per_1m: batch_input_usd_per_1m as number | null, batch_output_usd_per_1m: batch_output_usd_per_1m as number | null, batch_source: batch_source as string | null
    };
  });
}

/** Every entry of `reference/prices.json`. */
export const prices: readonly Price[] = parsePrices(table);

/**
 * The price of a model in force on `date` (ISO YYYY-MM-DD): the entry with the latest `as_of`
 * not after the date; without a date, the latest entry. Throws when none applies, because a
 * silent zero would understate a cost.
 */
export function priceFor(model: string, date?: string, table: readonly Price[] = prices): Price {
  if (date !== undefined && !isoDate.test(date)) throw new Error(`bad date: ${date}`);
  const candidates = table
    .filter((p) => p.model === model && (date === undefined || p.as_of <= date))
    .sort((a, b) => (a.as_of < b.as_of ? 1 : a.as_of > b.as_of ? -1 : 0));
  if (!candidates.length) throw new Error(date ? `no price for ${model} on ${date}` : `no price for ${model}`);
  return candidates[0];
}

/** Cost in USD of some usage at a price, unrounded (round only for display). */
export function costUsd(usage: TokenUsage, price: Pick<Price, "input_usd_per_1m" | "output_usd_per_1m">): number {
  return (usage.inputTokens * price.input_usd_per_1m + usage.outputTokens * price.output_usd_per_1m) / 1e6;
}

/** Input and output rates per million tokens, the part of a price that `costUsd` reads. */
export type Rates = Pick<Price, "input_usd_per_1m" | "output_usd_per_1m">;

/**
 * The rates a batch of `price`'s model is charged: the batch price where the provider publishes
 * one, else the list price (an upper bound: a batch never costs more than the same calls sent one
 * by one).
 */
export function batchRates(price: Price): Rates {
  if (price.batch_input_usd_per_1m == null || price.batch_output_usd_per_1m == null) return {input_usd_per_1m: price.input_usd_per_1m, output_usd_per_1m: price.output_usd_per_1m};
  return {input_usd_per_1m: price.batch_input_usd_per_1m, output_usd_per_1m: price.batch_output_usd_per_1m};
}

/**
 * The summed price of several models, e.g. a jury whose judges all read the same tokens: MedHELM
 * prices jury tokens once at the sum of the judges' prices. The result's `as_of` is the latest
 * of the parts.
 */
export function combinedPrice(parts: readonly Price[], model = parts.map((p) => p.model).join(" + ")): Price {
  if (!parts.length) throw new Error("no prices to combine");
  return {
    model,
    // Summing cents-precise decimals in floating point leaves noise like 6.209999; rounding to
    // 1e-9 USD per million tokens removes it without changing any real price.
    input_usd_per_1m: Math.round(parts.reduce((s, p) => s + p.input_usd_per_1m, 0) * 1e9) / 1e9,
    output_usd_per_1m: Math.round(parts.reduce((s, p) => s + p.output_usd_per_1m, 0) * 1e9) / 1e9,
    as_of: parts.map((p) => p.as_of).sort().at(-1)!,
    source: `sum of: ${parts.map((p) => p.model).join(", ")}`,
    // The sum of the parts' batch rates (each part's list rate where it has no batch price).
    batch_input_usd_per_1m: Math.round(parts.reduce((s, p) => s + batchRates(p).input_usd_per_1m, 0) * 1e9) / 1e9,
    batch_output_usd_per_1m: Math.round(parts.reduce((s, p) => s + batchRates(p).output_usd_per_1m, 0) * 1e9) / 1e9,
    batch_source: `sum of the batch (else list) prices of: ${parts.map((p) => p.model).join(", ")}`
  };
}
