import {describe, expect, it} from "vitest";
import {
  actualCost,
  countPromptTokens,
  estimateCost,
  estimateTokens,
  JUDGE_MAX_TOKENS,
  juryPrice,
  tiktokenCounter,
  type TokenCounter
} from "../data-loaders/cost/costs.ts";
import {priceFor, type Price} from "../data-loaders/cost/prices.ts";

const words: TokenCounter = (text) => text.split(/\s+/).filter(Boolean).length;
const price = (input: number, output: number): Price => ({model: "m", input_usd_per_1m: input, output_usd_per_1m: output, as_of: "2025-01-01", source: "test"});
const cents = (usd: number) => Math.round(usd * 100) / 100;

describe("token counting", () => {
  it("counts each prompt with the injected counter", () => {
    expect(countPromptTokens(["a b c", "d"], words)).toEqual([3, 1]);
  });

  it("counts with tiktoken's o200k_base encoding", async () => {
    const count = await tiktokenCounter();
    expect(count("hello world")).toBe(2);
    expect(count("")).toBe(0);
  });

  it("counts special-token text as ordinary text instead of throwing", async () => {
    const count = await tiktokenCounter("cl100k_base");
    expect(count("<|endoftext|>")).toBeGreaterThan(1);
  });
});

describe("estimateTokens", () => {
  it("bounds a closed benchmark's output by instances x max_tokens and has no jury", () => {
    expect(estimateTokens({promptTokens: [10, 20, 30], maxTokens: 1, openEnded: false})).toEqual({
      instances: 3,
      inputTokens: 60,
      outputTokens: 3,
      judgeInputTokens: 0,
      judgeOutputTokens: 0
    });
  });

  it("lets the jury read the input plus the maximal output and write 4096 tokens per instance", () => {
    const t = estimateTokens({promptTokens: [100, 200], maxTokens: 50, openEnded: true});
    expect(t.judgeInputTokens).toBe(300 + 100);
    expect(t.judgeOutputTokens).toBe(2 * JUDGE_MAX_TOKENS);
  });

  it("rejects a non-positive max_tokens", () => {
    expect(() => estimateTokens({promptTokens: [1], maxTokens: 0, openEnded: false})).toThrow("bad max_tokens: 0");
  });
});

describe("estimateCost", () => {
  it("reproduces MedHELM's ACI-Bench row for Claude 3.5 Sonnet", () => {
    // costs.csv: 120 instances, 200,887 input tokens, max_tokens 768 -> 92,160 output tokens,
    // judge input 293,047, judge output 491,520; costs 0.60, 1.38, 1.82, 12.64, total 16.44.
    const promptTokens = Array.from({length: 120}, (_, i) => (i === 0 ? 200887 - 119 * 1674 : 1674));
    const claude = priceFor("anthropic/claude-3-5-sonnet-20241022", "2025-05-12");
    const e = estimateCost({promptTokens, maxTokens: 768, openEnded: true}, claude, juryPrice());
    expect([e.inputTokens, e.outputTokens, e.judgeInputTokens, e.judgeOutputTokens]).toEqual([200887, 92160, 293047, 491520]);
    expect([e.inputUsd, e.outputUsd, e.juryInputUsd, e.juryOutputUsd, e.totalUsd].map(cents)).toEqual([0.6, 1.38, 1.82, 12.64, 16.44]);
    expect(e.modelUsd + e.juryUsd).toBeCloseTo(e.totalUsd, 12);
  });

  it("charges nothing for the jury on a closed benchmark", () => {
    const e = estimateCost({promptTokens: [1_000_000], maxTokens: 1, openEnded: false}, price(2, 8), price(100, 100));
    expect(e.juryUsd).toBe(0);
    expect(e.modelUsd).toBeCloseTo(2 + 8e-6, 12);
  });
});

describe("actualCost", () => {
  it("prices recorded usage, each judge at its own price, jury apart from the model", () => {
    const cost = actualCost(
      {price: price(1, 2), usage: [{inputTokens: 1_000_000, outputTokens: 0}, {inputTokens: 0, outputTokens: 500_000}]},
      [
        {price: price(10, 0), usage: [{inputTokens: 100_000, outputTokens: 7}]},
        {price: price(0, 20), usage: [{inputTokens: 3, outputTokens: 50_000}]}
      ]
    );
    expect(cost).toEqual({
      inputTokens: 1_000_000,
      outputTokens: 500_000,
      modelUsd: 2,
      judgeInputTokens: 100_003,
      judgeOutputTokens: 50_007,
      juryUsd: 2,
      totalUsd: 4
    });
  });

  it("has zero jury cost without judges", () => {
    expect(actualCost({price: price(1, 1), usage: []}).totalUsd).toBe(0);
  });
});
