import {describe, expect, it} from "vitest";
import {estimateConfigured} from "../data-loaders/runner/suite.ts";

describe("dry run without an endpoint", () => {
  it("estimates openai/<model> at list price before any key or base URL is set", async () => {
    const estimate = await estimateConfigured({
      cwd: process.cwd(), env: {}, flags: {benchmarks: ["pubmed_qa"], models: ["openai/gpt-4o-2024-05-13"], judges: [], limit: 10, cacheDir: "/nonexistent-medhelm-cache"},
      count: (text: string) => Math.ceil(text.length / 4)
    });
    expect(estimate.rows).toHaveLength(1);
    expect(estimate.rows[0]).toMatchObject({benchmark: "pubmed_qa", model: "openai/gpt-4o-2024-05-13", instances: 10, calls: 10});
    expect(estimate.rows[0].model_usd).toBeGreaterThan(0);
  });
});
