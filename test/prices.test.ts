import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {juryPrice, paperJudges} from "../data-loaders/cost/costs.ts";
import {parseCosts} from "../data-loaders/paper/recomputed.ts";
import {batchRates, combinedPrice, costUsd, parsePrices, priceFor, prices, type Price} from "../data-loaders/cost/prices.ts";

const entry = (model: string, input: number, output: number, as_of: string): Price => ({model, input_usd_per_1m: input, output_usd_per_1m: output, as_of, source: "test"});

describe("the price table", () => {
  it("prices the paper's nine models, including the three judges, as of 2025-05-12", () => {
    expect(prices).toHaveLength(9);
    for (const p of prices) expect(p.as_of).toBe("2025-05-12");
    for (const judge of paperJudges) expect(() => priceFor(judge)).not.toThrow();
  });

  it("rejects malformed entries, naming them", () => {
    expect(() => parsePrices({})).toThrow("price table has no entries array");
    expect(() => parsePrices({entries: [{model: "m", input_usd_per_1m: -1, output_usd_per_1m: 1, as_of: "2025-01-01", source: ""}]})).toThrow(
      "price entry 0 (m): bad input_usd_per_1m -1"
    );
    expect(() => parsePrices({entries: [{model: "m", input_usd_per_1m: 1, output_usd_per_1m: 1, as_of: "May 2025", source: ""}]})).toThrow(
      'price entry 0 (m): bad as_of "May 2025"'
    );
  });
});

describe("priceFor", () => {
  const table = [entry("m", 1, 2, "2025-01-01"), entry("m", 3, 4, "2025-06-01"), entry("other", 9, 9, "2025-01-01")];

  it("picks the latest entry not after the date", () => {
    expect(priceFor("m", "2025-03-15", table).input_usd_per_1m).toBe(1);
    expect(priceFor("m", "2025-06-01", table).input_usd_per_1m).toBe(3);
  });

  it("picks the latest entry without a date", () => {
    expect(priceFor("m", undefined, table).output_usd_per_1m).toBe(4);
  });

  it("throws when no price applies", () => {
    expect(() => priceFor("m", "2024-12-31", table)).toThrow("no price for m on 2024-12-31");
    expect(() => priceFor("nobody")).toThrow("no price for nobody");
    expect(() => priceFor("m", "2025/01/01", table)).toThrow("bad date: 2025/01/01");
  });

  it("knows the paper-era price of GPT-4o", () => {
    expect(priceFor("openai/gpt-4o-2024-05-13", "2025-05-12")).toMatchObject({input_usd_per_1m: 2.5, output_usd_per_1m: 10});
  });
});

describe("costUsd and combinedPrice", () => {
  it("multiplies tokens by the price per million", () => {
    expect(costUsd({inputTokens: 2_000_000, outputTokens: 500_000}, entry("m", 3, 15, "2025-01-01"))).toBeCloseTo(13.5, 12);
  });

  it("sums the paper jury to 6.21 in and 25.71 out per million tokens", () => {
    expect(juryPrice()).toMatchObject({input_usd_per_1m: 6.21, output_usd_per_1m: 25.71, as_of: "2025-05-12"});
    expect(() => combinedPrice([])).toThrow("no prices to combine");
  });
});

describe("prices against MedHELM's published cost tables", () => {
  const jury = juryPrice(paperJudges, "2025-05-12");
  const cents = (usd: number) => Math.round(usd * 100 + 1e-9) / 100;

  for (const file of ["costs-35.csv", "costs-37.csv"]) {
    it(`reproduce every cost cell of ${file} to the cent`, () => {
      const rows = parseCosts(readFileSync(new URL(`../reference/medhelm-paper/${file}`, import.meta.url), "utf8"), file);
      expect(rows.length).toBeGreaterThan(300);
      for (const row of rows) {
        const price = priceFor(row.model, "2025-05-12");
        const where = `${row.model} ${row.benchmark}`;
        const inputUsd = costUsd({inputTokens: row.input_tokens, outputTokens: 0}, price);
        const outputUsd = costUsd({inputTokens: 0, outputTokens: row.output_tokens}, price);
        const juryIn = costUsd({inputTokens: row.judge_input_tokens, outputTokens: 0}, jury);
        const juryOut = costUsd({inputTokens: 0, outputTokens: row.judge_output_tokens}, jury);
        expect(cents(inputUsd), where).toBe(row.cost_input);
        expect(cents(outputUsd), where).toBe(row.cost_output);
        expect(cents(juryIn), where).toBe(row.cost_jury_input);
        expect(cents(juryOut), where).toBe(row.cost_jury_output);
        // The published row total rounds the unrounded sum, so it can differ by a cent from the sum of rounded parts.
        expect(Math.abs(cents(inputUsd + outputUsd + juryIn + juryOut) - row.cost_total), where).toBeLessThan(0.0051);
      }
    });
  }
});

describe("batch prices", () => {
  it("halves the list price of the paper's OpenAI, Anthropic and Google models and knows none for the others", () => {
    expect(priceFor("openai/gpt-4o-2024-05-13")).toMatchObject({batch_input_usd_per_1m: 1.25, batch_output_usd_per_1m: 5});
    expect(priceFor("anthropic/claude-3-7-sonnet-20250219")).toMatchObject({batch_input_usd_per_1m: 1.5, batch_output_usd_per_1m: 7.5});
    expect(priceFor("google/gemini-2.0-flash-001")).toMatchObject({batch_input_usd_per_1m: 0.075, batch_output_usd_per_1m: 0.3});
    expect(priceFor("meta/llama-3.3-70b-instruct")).toMatchObject({batch_input_usd_per_1m: null, batch_output_usd_per_1m: null, batch_source: null});
  });

  it("charges batches the batch price, else the list price", () => {
    expect(batchRates(priceFor("openai/gpt-4o-2024-05-13"))).toEqual({input_usd_per_1m: 1.25, output_usd_per_1m: 5});
    expect(batchRates(priceFor("meta/llama-3.3-70b-instruct"))).toEqual({input_usd_per_1m: 0.71, output_usd_per_1m: 0.71});
    expect(batchRates(entry("m", 3, 15, "2025-01-01"))).toEqual({input_usd_per_1m: 3, output_usd_per_1m: 15});
  });

  it("sums the paper jury's batch rates, with Llama at its list price", () => {
    expect(juryPrice()).toMatchObject({batch_input_usd_per_1m: 1.25 + 0.71 + 1.5, batch_output_usd_per_1m: 5 + 0.71 + 7.5});
  });

  it("rejects a batch price given in part or negative, naming the entry", () => {
    const base = {model: "m", input_usd_per_1m: 1, output_usd_per_1m: 1, as_of: "2025-01-01", source: "s"};
    expect(() => parsePrices({entries: [{...base, batch_input_usd_per_1m: 0.5}]})).toThrow("price entry 0 (m): batch_input_usd_per_1m, batch_output_usd_per_1m and batch_source go together");
    expect(() => parsePrices({entries: [{...base, batch_input_usd_per_1m: -1, batch_output_usd_per_1m: 1, batch_source: "s"}]})).toThrow("price entry 0 (m): bad batch_input_usd_per_1m -1");
  });
});
