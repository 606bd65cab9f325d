import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {UsageError, type CommandIO} from "../data-loaders/cli/command.ts";
import reproduce from "../data-loaders/cli/commands/reproduce.ts";
import {costBenchmarkId, costTotals, paperModels, parseCosts, parseLeaderboard, reproducePaper} from "../data-loaders/paper/recomputed.ts";
import {catalogue, categories} from "../data-loaders/benchmark/taxonomy.ts";

const read = (file: string) => readFileSync(new URL(`../reference/medhelm-paper/${file}`, import.meta.url), "utf8");

describe("parseLeaderboard", () => {
  it("maps headers to benchmark ids and rows to HELM model ids", () => {
    const grid = parseLeaderboard("Model,ACI-Bench - Jury Score,CLEAR - EM\nDeepSeek R1,4.673,\nGemini 2.0 Flash,4.612,0.687\n");
    expect(grid).toEqual({
      models: ["deepseek-ai/deepseek-r1", "google/gemini-2.0-flash-001"],
      benchmarks: ["aci_bench", "clear"],
      values: [[4.673, null], [4.612, 0.687]]
    });
  });

  it("ignores HELM's own win-rate column", () => {
    expect(parseLeaderboard("Model,Mean win rate,CLEAR - EM\nDeepSeek R1,0.66,0.83\n").benchmarks).toEqual(["clear"]);
  });

  it("rejects unknown columns, models and values, naming them", () => {
    expect(() => parseLeaderboard("Model,Foo - EM\nDeepSeek R1,1\n", "x.csv")).toThrow('x.csv: unknown column "Foo - EM"');
    expect(() => parseLeaderboard("Model,CLEAR - EM\nGPT-9,1\n", "x.csv")).toThrow('unknown model "GPT-9" in x.csv');
    expect(() => parseLeaderboard("Model,CLEAR - EM\nDeepSeek R1,abc\n", "x.csv")).toThrow('x.csv line 2: bad value "abc" in "CLEAR - EM"');
  });

  it("reads the paper's 35 and 37 columns for all nine models", () => {
    const v1 = parseLeaderboard(read("leaderboard-35.csv"));
    const v2 = parseLeaderboard(read("leaderboard-37.csv"));
    expect(v1.models).toHaveLength(9);
    expect(v1.benchmarks.slice().sort()).toEqual(catalogue.filter((b) => b.inPaperV1).map((b) => b.id).sort());
    expect(v2.benchmarks.slice().sort()).toEqual(catalogue.map((b) => b.id).sort());
    expect(v1.values.flat().every((v) => v !== null)).toBe(true);
  });
});

describe("parseCosts", () => {
  const header = "Model,Benchmark,Question Type,Test Instances,Total Input Tokens,Total Output Tokens,Total Judge Input Tokens,Total Judge Output Tokens,Cost Input Tokens,Cost Output Tokens,Cost Jury Input Tokens,Cost Jury Output Tokens,Cost Input Output Tokens";

  it("parses quoted numbers with thousands separators and trailing spaces", () => {
    const [row] = parseCosts(`${header}\ndeepseek_r1,ACI-Bench,Open,120,193580,480000,"673,580",491520,0.26 ,2.59 ,4.18 ,12.64 ,19.67 \n`);
    expect(row).toEqual({
      model: "deepseek-ai/deepseek-r1",
      benchmark: "aci_bench",
      open_ended: true,
      instances: 120,
      input_tokens: 193580,
      output_tokens: 480000,
      judge_input_tokens: 673580,
      judge_output_tokens: 491520,
      cost_input: 0.26,
      cost_output: 2.59,
      cost_jury_input: 4.18,
      cost_jury_output: 12.64,
      cost_total: 19.67
    });
  });

  it("rejects an unknown benchmark, naming the line", () => {
    expect(() => parseCosts(`${header}\ndeepseek_r1,Nope,Open,1,1,1,1,1,1,1,1,1,1\n`, "c.csv")).toThrow('c.csv line 2: unknown benchmark "Nope"');
  });

  it("maps the cost tables' benchmark names to catalogue ids", () => {
    expect(costBenchmarkId("MedBullets")).toBe("medbullets");
    expect(costBenchmarkId("N2C2")).toBe("n2c2_ct_matching");
    expect(costBenchmarkId("MIMIC-IV-BHC")).toBe("mimic_bhc");
    expect(costBenchmarkId("MIMIC-BHC")).toBe("mimic_bhc");
    expect(costBenchmarkId("Unheard Of")).toBeUndefined();
  });

  it("covers every model on every benchmark of each version", () => {
    for (const [file, n] of [["costs-35.csv", 35], ["costs-37.csv", 37]] as const) {
      const rows = parseCosts(read(file), file);
      expect(rows).toHaveLength(9 * n);
      expect(new Set(rows.map((r) => r.benchmark)).size).toBe(n);
      expect(new Set(rows.map((r) => r.model))).toEqual(new Set(paperModels.map((m) => m.model)));
    }
  });

  it("sums per-model totals, model and jury apart, to the cent", () => {
    const rows = parseCosts(`${header}\ndeepseek_r1,ACI-Bench,Open,1,1,1,1,1,0.1 ,0.2 ,0.3 ,0.4 ,1.00\ndeepseek_r1,CLEAR,Closed,1,1,1,0,0,0.01 ,0.02 ,0 ,0 ,0.03\n`);
    expect(costTotals(rows, ["deepseek-ai/deepseek-r1"])).toEqual([{model: "deepseek-ai/deepseek-r1", benchmark_cost: 0.33, jury_cost: 0.7, total_cost: 1.03}]);
  });
});

describe("reproducePaper", () => {
  const paper = reproducePaper();
  const name = (model: string) => paperModels.find((m) => m.model === model)!.name;

  it("reproduces the spec's cost totals of both versions (USD)", () => {
    // medhelm.md section 5.5: benchmark cost, jury cost and total per model (35), total (37).
    const expected: Record<string, [number, number, number, number]> = {
      "Claude 3.5 Sonnet (20241022)": [778.67, 792.21, 1570.88, 1572.03],
      "Claude 3.7 Sonnet (20250219)": [768.26, 768.38, 1536.64, 1537.79],
      "DeepSeek R1": [848.21, 957.96, 1806.17, 1849.85],
      "Gemini 1.5 Pro (001)": [359.33, 771.73, 1131.06, 1131.54],
      "Gemini 2.0 Flash": [43.04, 771.73, 814.77, 814.83],
      "GPT-4o (2024-05-13)": [647.28, 765.91, 1413.19, 1414.11],
      "GPT-4o mini (2024-07-18)": [38.83, 765.91, 804.74, 804.8],
      "Llama 3.3 Instruct (70B)": [172.45, 767.13, 939.58, 939.83],
      "o3-mini (2025-01-31)": [762.5, 959.54, 1722.04, 1761.19]
    };
    for (const c of paper.v1.costs) {
      const [benchmark, jury, total] = expected[name(c.model)];
      expect([c.benchmark_cost, c.jury_cost, c.total_cost], name(c.model)).toEqual([benchmark, jury, total]);
    }
    for (const c of paper.v2.costs) expect(c.total_cost, name(c.model)).toBe(expected[name(c.model)][3]);
  });

  it("puts Claude 3.5 Sonnet 15% below DeepSeek R1 in cost with 37 benchmarks", () => {
    const total = (model: string) => paper.v2.costs.find((c) => c.model === model)!.total_cost;
    expect(1 - total("anthropic/claude-3-5-sonnet-20241022") / total("deepseek-ai/deepseek-r1")).toBeCloseTo(0.15, 2);
  });

  it("matches the v1 token totals of the spec", () => {
    const rows = parseCosts(read("costs-35.csv"));
    const claude = rows.filter((r) => r.model === "anthropic/claude-3-5-sonnet-20241022");
    expect(claude.reduce((s, r) => s + r.input_tokens, 0)).toBe(242_558_189);
    expect(claude.reduce((s, r) => s + r.output_tokens, 0)).toBe(3_400_154);
  });

  it("ranks Table 1 v1 by win rate with DeepSeek R1 first and Gemini 1.5 Pro last", () => {
    const rows = paper.v1.table1;
    expect(rows).toHaveLength(9);
    expect(rows[0].model).toBe("deepseek-ai/deepseek-r1");
    expect(rows.at(-1)!.model).toBe("google/gemini-1.5-pro-001");
    for (let i = 1; i < rows.length; i++) expect(rows[i].win_rate!).toBeLessThanOrEqual(rows[i - 1].win_rate!);
  });

  it("gives DeepSeek R1 the v1 Table 1 values recomputed from the leaderboard", () => {
    const r1 = paper.v1.table1[0];
    expect(r1.win_rate).toBeCloseTo(0.6625, 4);
    expect(r1.win_sd).toBeCloseTo(0.099, 3);
    expect(r1.macro_avg).toBeCloseTo(0.75, 3);
    expect(r1.sd).toBeCloseTo(0.2197, 4);
  });

  it("has five category scores and win rates per model in both versions", () => {
    for (const v of [paper.v1, paper.v2]) {
      for (const {model} of v.table1) {
        expect(v.category_scores.filter((r) => r.model === model).map((r) => r.category)).toEqual(categories.map((c) => c.id));
        expect(v.category_win_rates.filter((r) => r.model === model)).toHaveLength(5);
        expect(v.subcategory_scores.filter((r) => r.model === model)).toHaveLength(22);
      }
    }
  });

  it("keeps normalized category scores in [0, 1]", () => {
    for (const r of paper.v1.category_scores) {
      expect(r.score!).toBeGreaterThanOrEqual(0);
      expect(r.score!).toBeLessThanOrEqual(1);
    }
  });
});

describe("medhelm reproduce", () => {
  const run = async (args: string[]) => {
    const out: string[] = [];
    const io: CommandIO = {stdout: (t) => out.push(t), stderr: () => {}, cwd: process.cwd(), env: {}, isTTY: false};
    const code = await reproduce.run(args, io);
    return {code, text: out.join("")};
  };

  it("prints both versions as JSON by default", async () => {
    const {code, text} = await run([]);
    expect(code).toBe(0);
    const result = JSON.parse(text);
    expect(Object.keys(result)).toEqual(["v1", "v2"]);
    for (const v of ["v1", "v2"]) {
      expect(result[v].table1).toHaveLength(9);
      for (const {model} of result[v].table1) {
        expect(result[v].category_scores.filter((r: {model: string}) => r.model === model)).toHaveLength(5);
      }
    }
  });

  it("prints one version when asked", async () => {
    expect(Object.keys(JSON.parse((await run(["--version", "v2"])).text))).toEqual(["v2"]);
  });

  it("prints readable tables", async () => {
    const {text} = await run(["--format", "table", "--version", "v1"]);
    expect(text).toContain("Table 1");
    expect(text).toMatch(/DeepSeek R1\s+0\.662\s+0\.099\s+0\.750\s+0\.220/);
    expect(text).toContain("1570.88");
  });

  it("rejects bad options with a usage error", async () => {
    await expect(run(["--format", "xml"])).rejects.toThrow(UsageError);
    await expect(run(["--version", "v3"])).rejects.toThrow("bad --version: v3");
    await expect(run(["--bogus"])).rejects.toThrow(UsageError);
  });
});
