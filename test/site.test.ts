/**
 * The site's data and its two oldest pages. Unit tests cover the statistics and costs behind the
 * site tables (small inline fixtures); browser tests build the site once (test/site-build.ts:
 * offline baselines on a limited run plus the fixture runs under test/fixtures/site-include/),
 * serve it on 127.0.0.1 and drive Debian's Chromium.
 */
import {gunzipSync} from "fflate";
import {describe, expect, it} from "vitest";
import {DataType, tableFromIPC} from "apache-arrow";
import {bootstrapMeanCi, pairedBootstrap} from "../data-loaders/stats/bootstrap.ts";
import {derivedSeed} from "../data-loaders/stats/random.ts";
import {dictionaryWorthy, queryToArrowIPC} from "../data-loaders/formats/arrow.ts";
import {memoryConnection} from "../data-loaders/formats/parquet.ts";
import {loadRegistry, selectBenchmarks} from "../data-loaders/benchmark/registry.ts";
import {siteFiles} from "../data-loaders/site/archive.ts";
import {promptAroundInput} from "../data-loaders/site/text.ts";
import {knownPrice, sumKnown, usageCosts, type ModelUsage} from "../data-loaders/site/costs.ts";
import {
  cellIntervals, correlate, judgeAgreement, judgeCorrelations, metricCorrelations, ownTables, pairComparisons, winRateRows,
  type InstanceValue, type MainValue
} from "../data-loaders/site/stats.ts";
import {builtTable, serveBuiltSite} from "./built-tables.ts";
import {query} from "./parquet-read.ts";
import {openPage} from "./browser.ts";

const value = (label: string, benchmark: string, metric: string, instance: string, v: number | null, scale: "jury" | "unit" = "unit"): InstanceValue => ({
  label, benchmark, metric, instance_id: instance, value: v, value_normalized: v === null ? null : scale === "jury" ? (v - 1) / 4 : v
});

describe("cellIntervals", () => {
  it("bootstraps a complete cell exactly as resampling it alone with its benchmark's stream, and rescales the interval to 0-1", () => {
    const jury = [3, 4, 5, 2, 4, 3].map((v, i) => value("m", "aci_bench", "aci_bench_accuracy", `i${i}`, v, "jury"));
    const [cell] = cellIntervals(jury, {seed: 3, resamples: 200});
    const expected = bootstrapMeanCi([3, 4, 5, 2, 4, 3], {seed: derivedSeed(3, "resamples\u0000aci_bench"), resamples: 200});
    expect(cell.ci_low).toBe(expected.lower);
    expect(cell.ci_high).toBe(expected.upper);
    expect(cell.ci_low_normalized).toBeCloseTo((expected.lower - 1) / 4, 12);
    expect(cell.ci_high_normalized).toBeCloseTo((expected.upper - 1) / 4, 12);
    expect(cell.mde_normalized).toBeGreaterThan(0);
  });

  it("gives a constant cell a zero-width interval, and a cell with fewer than two scored instances none", () => {
    const rows = [
      value("m", "b", "exact_match", "1", 1), value("m", "b", "exact_match", "2", 1),
      value("n", "b", "exact_match", "1", null), value("o", "b", "exact_match", "1", 0.5), value("o", "b", "exact_match", "2", null)
    ];
    const [constant, unscored, single] = cellIntervals(rows);
    expect(constant).toMatchObject({label: "m", ci_low: 1, ci_high: 1, ci_low_normalized: 1, ci_high_normalized: 1, mde_normalized: null});
    expect(unscored).toMatchObject({label: "n", ci_low: null, ci_high: null, ci_low_normalized: null});
    expect(single).toMatchObject({label: "o", ci_low: null, ci_high: null, mde_normalized: null});
  });
});

const main = (label: string, benchmark: string, category: string, scores: Array<number | null>): MainValue[] =>
  scores.map((v, i) => ({label, benchmark, category, instance_id: `q${i}`, value: v}));

describe("winRateRows", () => {
  it("ranks entries over all benchmarks and within each category, with intervals that contain the estimate", () => {
    const values = [
      ...main("strong", "pubmed_qa", "medical_research_assistance", [1, 1, 1, 0, 1, 1]),
      ...main("weak", "pubmed_qa", "medical_research_assistance", [0, 0, 1, 0, 0, 0]),
      ...main("strong", "head_qa", "clinical_decision_support", [1, 0, 1, 1]),
      ...main("weak", "head_qa", "clinical_decision_support", [0, 0, 1, 0])
    ];
    const rows = winRateRows(values, {resamples: 100});
    const all = rows.filter((r) => r.scope === "all");
    expect(all.map((r) => [r.label, r.win_rate, r.rank, r.n_benchmarks])).toEqual([["strong", 1, 1, 2], ["weak", 0, 2, 2]]);
    for (const r of all) expect(r.win_rate_low! <= r.win_rate! && r.win_rate! <= r.win_rate_high!).toBe(true);
    expect(new Set(rows.map((r) => r.scope))).toEqual(new Set(["all", "clinical_decision_support", "medical_research_assistance"]));
  });
});

describe("pairComparisons", () => {
  it("compares each pair once on shared instances and lists the largest disagreements first", () => {
    const values = [
      ...main("a", "pubmed_qa", "x", [1, 1, 0, 1, null]),
      ...main("b", "pubmed_qa", "x", [0, 1, 0, 0, 1])
    ];
    const {differences, disagreements} = pairComparisons(values, {resamples: 100, top: 5});
    expect(differences).toHaveLength(1);
    expect(differences[0]).toMatchObject({label_a: "a", label_b: "b", n: 4, difference: 0.5});
    expect(disagreements.map((d) => [d.instance_id, d.difference])).toEqual([["q0", 1], ["q3", 1]]);
  });

  it("compares two complete entries exactly as pairedBootstrap does with their benchmark's stream", () => {
    const a = [1, 0, 1, 1, 0, 1, 1, 0];
    const b = [0, 0, 1, 0, 1, 1, 0, 0];
    const values = [...main("a", "pubmed_qa", "x", a), ...main("b", "pubmed_qa", "x", b)];
    const [d] = pairComparisons(values, {seed: 4, resamples: 300}).differences;
    const expected = pairedBootstrap(a, b, {seed: derivedSeed(4, "resamples\u0000pubmed_qa"), resamples: 300});
    expect([d.difference, d.difference_low, d.difference_high, d.p_value]).toEqual([expected.difference, expected.lower, expected.upper, expected.p_value]);
  });

  it("leaves published point entries out of the pairs and out of the benchmark's instance set", () => {
    const a = [1, 0, 1, 1, 0, 1, 1, 0];
    const b = [0, 0, 1, 0, 1, 1, 0, 0];
    const values = [...main("a", "pubmed_qa", "x", a), ...main("b", "pubmed_qa", "x", b)];
    const point: MainValue = {label: "paper", benchmark: "pubmed_qa", category: "x", instance_id: "summary", value: 0.7};
    const without = pairComparisons(values, {resamples: 200});
    const withPoint = pairComparisons([...values, point], {resamples: 200, points: ["paper"]});
    expect(withPoint).toEqual(without);
    const cells = cellIntervals([...values, point].map((v) => ({...v, metric: "x", value_normalized: v.value})), {resamples: 200, points: ["paper"]});
    expect(cells.find((c) => c.label === "paper")).toMatchObject({ci_low: null, ci_high: null});
    expect(cells.find((c) => c.label === "a")).toEqual(cellIntervals(values.map((v) => ({...v, metric: "x", value_normalized: v.value})), {resamples: 200}).find((c) => c.label === "a"));
  });

  it("skips pairs with fewer than two shared scored instances", () => {
    const values = [...main("a", "pubmed_qa", "x", [1, null, 1]), ...main("b", "pubmed_qa", "x", [null, 1, 0])];
    expect(pairComparisons(values).differences).toEqual([]);
  });
});

describe("correlations", () => {
  it("correlate() is null below three pairs or without variance, and 1 for a monotone relation", () => {
    expect(correlate([1, 2], [1, 2]).spearman).toBeNull();
    expect(correlate([1, 1, 1], [1, 2, 3]).spearman).toBeNull();
    const r = correlate([1, 2, 3, 4, 5], [2, 4, 5, 9, 10]);
    expect(r.spearman).toBe(1);
    expect(r.kendall_tau_b).toBe(1);
    expect(r.n).toBe(5);
  });

  it("metricCorrelations pairs metrics per benchmark and pools benchmarks as 'all'", () => {
    const rows = ["aci_bench", "medi_qa"].flatMap((benchmark) =>
      [1, 2, 3, 4].flatMap((k) => [
        {benchmark, label: "m", instance_id: `i${k}`, metric: "jury_score", value: k},
        {benchmark, label: "m", instance_id: `i${k}`, metric: "rouge_l", value: k / 10}
      ])
    );
    const out = metricCorrelations(rows);
    expect(out.map((r) => [r.benchmark, r.metric_x, r.metric_y, r.n, r.spearman])).toEqual([
      ["aci_bench", "jury_score", "rouge_l", 4, 1], ["medi_qa", "jury_score", "rouge_l", 4, 1], ["all", "jury_score", "rouge_l", 8, 1]
    ]);
  });

  it("judgeAgreement gives alpha 1 when judges agree and counts only units two judges rated", () => {
    const rows = ["j1", "j2"].flatMap((judge) =>
      [2, 3, 4].map((composite, k) => ({benchmark: "aci_bench", run_id: "r", label: "m", instance_id: `i${k}`, judge, composite: judge === "j2" && k === 2 ? null : composite}))
    );
    const [row] = judgeAgreement(rows);
    expect(row).toMatchObject({benchmark: "aci_bench", judges: "j1, j2", alpha_interval: 1, alpha_ordinal: 1, n_units: 2});
    expect(judgeCorrelations(rows)[0]).toMatchObject({judge_x: "j1", judge_y: "j2", n: 2, spearman: null});
  });
});

describe("ownTables", () => {
  it("computes the paper's tables on entries, keeping model ids apart from their sources", () => {
    const cells = [
      {label: "openai/gpt-4o-2024-05-13", benchmark: "pubmed_qa", value: 0.8},
      {label: "openai/gpt-4o-2024-05-13 [helm-import]", benchmark: "pubmed_qa", value: 0.7},
      {label: "baseline/first-choice (baseline)", benchmark: "pubmed_qa", value: 0.3}
    ];
    const entries = [
      {label: "openai/gpt-4o-2024-05-13", model: "openai/gpt-4o-2024-05-13", source: "native", model_kind: "llm"},
      {label: "openai/gpt-4o-2024-05-13 [helm-import]", model: "openai/gpt-4o-2024-05-13", source: "helm-import", model_kind: "llm"},
      {label: "baseline/first-choice (baseline)", model: "baseline/first-choice", source: "native", model_kind: "baseline"}
    ];
    const own = ownTables(cells, entries);
    expect(own.own_table1.map((r) => [r.model, r.source, r.win_rate])).toEqual([
      ["openai/gpt-4o-2024-05-13", "native", 1], ["openai/gpt-4o-2024-05-13", "helm-import", 0.5], ["baseline/first-choice", "native", 0]
    ]);
    expect(Object.keys(own.own_table1[0]).slice(0, 5)).toEqual(["model", "win_rate", "win_sd", "macro_avg", "sd"]);
    expect(own.own_category_scores.find((r) => r.label === "baseline/first-choice (baseline)")).toMatchObject({category: "medical_research_assistance", score: 0.3});
  });
});

describe("usageCosts", () => {
  const usage = (over: Partial<ModelUsage>): ModelUsage => ({
    run_id: "r", label: "openai/gpt-4o-2024-05-13", model: "openai/gpt-4o-2024-05-13", model_kind: "llm", benchmark: "pubmed_qa",
    date: "2025-06-01", input_tokens: 1e6, output_tokens: 1e6, n_missing_usage: 0, ...over
  });

  it("prices usage at the price in force, and leaves unknown prices and missing usage unknown", () => {
    const price = knownPrice("openai/gpt-4o-2024-05-13", "2025-06-01")!;
    const [priced] = usageCosts([usage({})], []);
    expect(priced.cost_usd).toBeCloseTo(price.input_usd_per_1m + price.output_usd_per_1m, 9);
    expect(usageCosts([usage({model: "nobody/unpriced", label: "nobody/unpriced"})], [])[0].cost_usd).toBeNull();
    expect(usageCosts([usage({n_missing_usage: 1})], [])[0].cost_usd).toBeNull();
  });

  it("counts baselines as free and adds each judge's calls at its own price", () => {
    const [baseline] = usageCosts([usage({model: "baseline/lead", label: "baseline/lead (baseline)", model_kind: "baseline", n_missing_usage: 5})], []);
    expect(baseline.cost_usd).toBe(0);
    const judge = {run_id: "r", label: "openai/gpt-4o-2024-05-13", benchmark: "pubmed_qa", date: "2025-06-01", input_tokens: 2e6, output_tokens: 0, n_missing_usage: 0};
    const price = knownPrice("openai/gpt-4o-2024-05-13", "2025-06-01")!;
    const [withJury] = usageCosts([usage({})], [{...judge, judge: "openai/gpt-4o-2024-05-13"}]);
    expect(withJury.jury_cost_usd).toBeCloseTo(2 * price.input_usd_per_1m, 9);
    expect(usageCosts([usage({})], [{...judge, judge: "nobody/unpriced"}])[0].jury_cost_usd).toBeNull();
    expect(sumKnown([1, null, 2])).toBeNull();
  });
});

describe("site arrow", () => {
  it("dictionary-encodes only repetitive string columns, which still read back as strings", async () => {
    expect(dictionaryWorthy(Array.from({length: 40}, (_, i) => `m${i % 3}`))).toBe(true);
    expect(dictionaryWorthy(Array.from({length: 40}, (_, i) => `id${i}`))).toBe(false);
    expect(dictionaryWorthy(["a", "a"])).toBe(false);
    const {connection, close} = await memoryConnection();
    try {
      const ipc = await queryToArrowIPC(connection, "SELECT 'm' || (i % 3) AS label, 'id' || i AS id, i::INTEGER AS n FROM range(40) t(i) ORDER BY i");
      const table = tableFromIPC(ipc);
      expect(DataType.isDictionary(table.schema.fields[0].type)).toBe(true);
      expect(DataType.isDictionary(table.schema.fields[1].type)).toBe(false);
      expect(table.toArray().slice(0, 4).map((r) => [r.label, r.id, r.n])).toEqual([["m0", "id0", 0], ["m1", "id1", 1], ["m2", "id2", 2], ["m0", "id3", 3]]);
    } finally {
      close();
    }
  });
});

describe("site in the browser", () => {
  const site = serveBuiltSite();

  it("leaderboard shows every main-metric cell with its bootstrap interval, labels baselines and sources, and re-queries on a filter change", async () => {
    const leaderboard = builtTable(site.dist, "leaderboard");
    const mainCells = leaderboard.filter((d) => d.is_main);
    const scored = mainCells.filter((d) => d.value !== null);
    expect(scored.length).toBeGreaterThan(3);
    // Every cell with two or more scored instances carries a bootstrap interval around its mean.
    for (const d of scored.filter((d) => (d.n_scored as number) >= 2)) expect((d.ci_low as number) <= (d.value as number) + 1e-12 && (d.value as number) <= (d.ci_high as number) + 1e-12).toBe(true);

    const {page, external, problems} = await openPage(site.harness, "/", "#leaderboard-status");
    await page.locator("#leaderboard-chart svg").first().waitFor();
    const status = await page.locator("#leaderboard-status").innerText();
    expect(status).toMatch(new RegExp(`^${mainCells.length} cells, ${scored.length} scored, ${mainCells.length - scored.length} unscored \\(.*no judges configured`));
    expect(await page.locator("#leaderboard-chart svg circle").count()).toBe(scored.length);
    const tables = await page.locator("main table").allInnerTexts();
    expect(tables.join("\n")).toContain("baseline/random-choice (baseline)");
    expect(tables.join("\n")).toContain("openai/gpt-4o-2024-05-13 [helm-import]");
    // Win rates carry intervals and rank ranges.
    expect(await page.locator("#winrate-chart svg circle").count()).toBeGreaterThan(1);
    expect(tables[0]).toMatch(/\d \(\d+(–\d+)?\)/);

    // Switching the metric to ROUGE-L re-runs a DuckDB query and redraws the chart.
    const rouge = leaderboard.filter((d) => d.metric === "rouge_l" && d.value !== null);
    await page.locator("main select").nth(1).selectOption("rouge_l");
    await page.locator("#leaderboard-status").getByText(new RegExp(`^${leaderboard.filter((d) => d.metric === "rouge_l").length} cells, ${rouge.length} scored`)).waitFor();
    expect(await page.locator("#leaderboard-chart svg circle").count()).toBe(rouge.length);
    await page.locator("main select").nth(0).selectOption("Medical Research Assistance");
    await page.locator("main select").nth(1).selectOption("main metric");
    const research = mainCells.filter((d) => d.category === "medical_research_assistance");
    await page.locator("#leaderboard-status").getByText(new RegExp(`^${research.length} cells, ${research.filter((d) => d.value !== null).length} scored`)).waitFor();

    // Category grouping of the win rates: a category's table lists only models scored there.
    const notes = builtTable(site.dist, "win_rates").filter((d) => d.scope === "clinical_note_generation");
    expect(notes.some((d) => d.source === "helm-import")).toBe(false);
    await page.locator("main select").nth(2).selectOption("Clinical Note Generation");
    await page.waitForFunction((n) => document.querySelectorAll("main table")[0]?.querySelectorAll("tbody tr").length === n, notes.length);
    expect(await page.locator("main table").first().innerText()).not.toContain("[helm-import]");
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("benchmark page lists instances and scores for the chosen model and says when data is missing", async () => {
    const scores = builtTable(site.dist, "bench/pubmed_qa").filter((d) => d.is_main && d.label === "baseline/first-choice (baseline)");
    const {page, external, problems} = await openPage(site.harness, "/benchmarks/pubmed_qa", "#answers-status");
    expect(await page.locator("h1").first().innerText()).toBe("PubMedQA");
    expect(await page.locator("#answers-status").innerText()).toBe(`${scores.length} answers by baseline/first-choice (baseline); ${scores.filter((d) => d.value === null).length} unscored.`);
    expect(await page.locator("#benchmark-chart svg circle").count()).toBeGreaterThan(1);
    await page.locator("main select").first().selectOption("baseline/random-choice (baseline)");
    await page.locator("#answers-status").getByText(/by baseline\/random-choice \(baseline\)/).waitFor();
    expect(await page.locator("main table").nth(1).innerText()).toContain("instance_id");
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();

    const catalogue = builtTable(site.dist, "catalogue");
    const missing = catalogue.find((d) => d.registered && !d.data_available);
    if (missing) {
      const other = await openPage(site.harness, `/benchmarks/${missing.benchmark}`, "#data-status");
      expect(await other.page.locator("#data-status").innerText()).toMatch(/^Data not available/);
      expect(other.problems).toEqual([]);
      await other.page.close();
    }
  });

  it("open-ended benchmark page says why the jury score is missing without judges", async () => {
    const {page, problems} = await openPage(site.harness, "/benchmarks/aci_bench", "#answers-status");
    expect(await page.locator("#answers-status").innerText()).toMatch(/^\d+ answers by baseline\/lead \(baseline\); (\d+) unscored\./);
    expect(await page.locator("main").innerText()).toContain("no judges configured");
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("promptAroundInput", () => {
  it("keeps only the text around the input when the prompt wraps it, and leaves other prompts alone", () => {
    expect(promptAroundInput({input_text: "Q?", prompt_text: "Answer.\n\nQ?\nA:"})).toEqual({input_text: "Q?", prompt_text: null, prompt_before: "Answer.\n\n", prompt_after: "\nA:"});
    expect(promptAroundInput({input_text: "Q?", prompt_text: "unrelated"})).toEqual({input_text: "Q?", prompt_text: "unrelated"});
    expect(promptAroundInput({input_text: null, prompt_text: null})).toEqual({input_text: null, prompt_text: null});
  });
});

describe("result folders from older versions", () => {
  it("load when their scores table predates the note column, which then reads as null", async () => {
    const dir = "test/fixtures/site-include/jury-run";
    const [columns] = await query(`DESCRIBE SELECT * FROM '${dir}/scores.parquet'`);
    expect(columns.map((c) => c.column_name)).not.toContain("note");
    const registry = selectBenchmarks(await loadRegistry(), ["aci_bench"]);
    const files = await siteFiles({dirs: [dir], registry, dataDir: "data", publishRestrictedText: false, seed: 0, resamples: 20, log: () => {}});
    const table = tableFromIPC(gunzipSync(files["bench/aci_bench.arrow.gz"]));
    expect(table.numRows).toBeGreaterThan(0);
    expect(table.getChild("note")!.nullCount).toBe(table.numRows);
  });
});
