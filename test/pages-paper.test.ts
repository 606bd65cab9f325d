/**
 * The paper-reproduction, cost, agreement and taxonomy pages in a real browser: each renders the
 * published numbers, reacts to its toggles, logs no error and makes no request off loopback.
 */
import {copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {csvFormatRows, csvParseRows} from "d3-dsv";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {readCompletedSheets} from "../data-loaders/clinicians/completed.ts";
import {readJudgedResponses} from "../data-loaders/clinicians/judged.ts";
import {loadRegistry} from "../data-loaders/benchmark/registry.ts";
import type {Page} from "playwright-core";
import {rowsToArrowIPC} from "../data-loaders/formats/arrow-rows.ts";
import {catalogue} from "../data-loaders/benchmark/taxonomy.ts";
import {openPage, startHarness, type Harness, type OpenedPage} from "./browser.ts";
import {ensureSite} from "./site-build.ts";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness(await ensureSite());
}, 600_000);

afterAll(async () => {
  await harness?.close();
});

/** Clicks the radio option labelled `text` inside the input with id `id`. */
async function choose(page: Page, id: string, text: string): Promise<void> {
  await page.locator(`#${id} label`, {hasText: text}).click();
}

/** Waits until the element with id `id` shows `pattern`, then returns its text. */
async function waitText(page: Page, id: string, pattern: RegExp): Promise<string> {
  await page.locator(`#${id}`).getByText(pattern).first().waitFor();
  return page.locator(`#${id}`).innerText();
}

/** A row's text with its cells joined by single spaces. */
const flat = (text: string): string => text.trim().split(/\s+/).join(" ");

function expectClean({external, problems}: OpenedPage): void {
  expect(external).toEqual([]);
  expect(problems).toEqual([]);
}

describe("paper pages", () => {
  it("Table 1 shows DeepSeek R1 on top of v1 at 0.662, switches to v2 and to our own runs", async () => {
    const opened = await openPage(harness, "/paper/table1", "#table1-status");
    const {page} = opened;
    expect(await page.locator("#table1-status").innerText()).toBe("Published, v1 (35 benchmarks): 9 models. Highest mean win rate: DeepSeek R1, 0.662.");
    const firstRow = page.locator("#table1-table tbody tr").first();
    expect(flat(await firstRow.innerText())).toBe("1 DeepSeek R1 0.662 0.099 0.750 0.220");
    expect(await page.locator("#table1-table tbody tr").count()).toBe(9);

    await choose(page, "table1-version", "v2");
    await waitText(page, "table1-status", /^Published, v2 \(37 benchmarks\)/);
    // DeepSeek R1 stays first in v2, with a different Win SD; o3-mini closes in at 0.660.
    await firstRow.getByText("0.109").waitFor();
    expect(flat(await page.locator("#table1-table tbody tr").nth(1).innerText())).toMatch(/^2 o3-mini \(2025-01-31\) 0\.660 /);

    await choose(page, "table1-source", "our own runs");
    const own = await waitText(page, "table1-status", /^Our own runs/);
    expect(own).toMatch(/^Our own runs \(\d+ scored benchmarks\): \d+ models\. Highest mean win rate: /);
    expect(await page.locator("#table1-table").innerText()).toContain("(baseline)");
    expect(await page.locator("#table1-version input").first().isDisabled()).toBe(true);
    expectClean(opened);
    await page.close();
  });

  it("benchmark heatmap draws 9 x 35 published cells, then 9 x 37, a relative scale and our runs", async () => {
    const opened = await openPage(harness, "/paper/heatmap", "#heatmap-status");
    const {page} = opened;
    expect(await page.locator("#heatmap-status").innerText()).toBe("Published, v1: 9 models × 35 benchmarks, 315 scored cells.");
    const chart = page.locator("#heatmap-chart");
    // DeepSeek R1's MedCalc-Bench score 0.348 is printed in its cell (two decimals). The status can
    // be on screen a moment before the chart, so the cell is waited for rather than counted at once.
    await chart.locator("text", {hasText: /^0\.35$/}).first().waitFor({timeout: 15_000});
    expect(await chart.innerText()).toContain("Clinical Decision Support");

    await choose(page, "heatmap-version", "v2");
    await waitText(page, "heatmap-status", /^Published, v2: 9 models × 37 benchmarks, 333 scored cells\.$/);
    // The chart follows the status; MedQA's row (v2 only) says it has been redrawn.
    await chart.locator("text", {hasText: /^MedQA$/}).first().waitFor({timeout: 15_000});

    // On the relative scale every benchmark has a best model at exactly 1 (and a worst at 0).
    const ones = () => chart.locator("text", {hasText: /^1\.00$/}).count();
    const before = await ones();
    await choose(page, "heatmap-scale", "relative");
    await chart.locator("text", {hasText: /^0\.00$/}).first().waitFor();
    expect(await ones()).toBeGreaterThanOrEqual(37);
    expect(await ones()).toBeGreaterThan(before);

    await choose(page, "heatmap-source", "our own runs");
    expect(await waitText(page, "heatmap-status", /^Our own runs/)).toMatch(/^Our own runs: \d+ models × \d+ benchmarks, \d+ scored cells/);
    await chart.locator("text", {hasText: /\(baseline\)/}).first().waitFor({timeout: 15_000});
    expectClean(opened);
    await page.close();
  });

  it("category heatmaps show published category win rates and scores, and our runs", async () => {
    const opened = await openPage(harness, "/paper/categories", "#subcategory-status");
    const {page} = opened;
    expect(await page.locator("#category-status").innerText()).toBe(
      "Published, v1: 9 models × 5 categories (win rate within the category). Highest: Claude 3.7 Sonnet (20250219) on Clinical Note Generation, 0.813."
    );
    expect(await page.locator("#subcategory-status").innerText()).toBe("Published, v1: 22 subcategories with at least one benchmark, 198 scored cells.");

    await choose(page, "categories-metric", "mean normalized score");
    await waitText(page, "category-status", /Highest: DeepSeek R1 on Patient Communication and Education, 0\.886\.$/);
    await choose(page, "categories-metric", "win rate");
    await choose(page, "categories-version", "v2");
    await waitText(page, "category-status", /^Published, v2: .*Highest: o3-mini \(2025-01-31\) on Clinical Decision Support, 0\.823\.$/);

    await choose(page, "categories-source", "our own runs");
    expect(await waitText(page, "category-status", /^Our own runs/)).toMatch(/^Our own runs: \d+ models × \d+ categories/);
    expect(await waitText(page, "subcategory-status", /^Our own runs/)).toMatch(/^Our own runs: \d+ subcategories with at least one benchmark/);
    expectClean(opened);
    await page.close();
  });

  it("cost vs win rate draws the published Pareto frontier and the cost table, then our runs", async () => {
    const opened = await openPage(harness, "/paper/cost", "#cost-status");
    const {page} = opened;
    const status = await page.locator("#cost-status").innerText();
    expect(status).toContain("Pareto frontier, cheapest first: GPT-4o mini (2024-07-18) ($804.74, 0.391) → Gemini 2.0 Flash ($814.77, 0.420)");
    expect(status).toMatch(/→ DeepSeek R1 \(\$1,806\.17, 0\.662\)\.$/);
    const r1 = flat(await page.locator("#paper-cost-table tbody tr").first().innerText());
    expect(r1).toBe("DeepSeek R1 $848.21 $957.96 $1,806.17 0.662 yes");
    expect(await page.locator("#paper-cost-table tbody tr", {hasText: "Gemini 1.5 Pro"}).innerText()).toMatch(/\$1,131\.06\s+0\.241\s+no$/);

    await choose(page, "cost-version", "v2");
    await page.locator("#paper-cost-table").getByText("$1,849.85").waitFor();

    await choose(page, "cost-source", "our own runs");
    // Offline baselines cost exactly $0; models without a price are named, never plotted at zero.
    const own = await waitText(page, "cost-status", /^Our own runs/);
    expect(own).toMatch(/^Our own runs: (\d+ priced models?\. Pareto frontier, cheapest first: .*baseline.*|no price known for these models .*)$/);
    // The table follows the status, so its baseline row is waited for.
    await page.locator("#paper-cost-table").getByText("$0.00").first().waitFor({timeout: 15_000});
    expectClean(opened);
    await page.close();
  });
});

describe("cost page", () => {
  it("lists dated prices, MedHELM's estimates by version and our runs' costs", async () => {
    const opened = await openPage(harness, "/cost", "#own-cost-status");
    const {page} = opened;
    const deepseek = flat(await page.locator("#price-table tbody tr", {hasText: "deepseek-ai/deepseek-r1"}).innerText()).split(" ").slice(0, 4).join(" ");
    expect(deepseek).toBe("deepseek-ai/deepseek-r1 1.35 5.40 2025-05-12");
    expect(await page.locator("#price-table").innerText()).toContain("implied by MedHELM's cost table");
    expect(await page.locator("#estimate-status").innerText()).toBe(
      "v1: estimated cost of evaluating each of 9 models on 35 benchmarks ranges from $804.74 to $1,806.17; the jury accounts for 50–95 % of it."
    );
    expect(flat(await page.locator("#estimate-table tbody tr").first().innerText())).toBe(
      "DeepSeek R1 236,073,126 98,060,000 $848.21 41,011,120 27,353,088 $957.96 $1,806.17"
    );

    await choose(page, "estimate-version", "v2");
    await waitText(page, "estimate-status", /^v2: .* to \$1,849\.85;/);

    expect(await page.locator("#own-cost-status").innerText()).toMatch(/offline baseline|no price known|priced model/);
    expect(await page.locator("#own-cost-table").innerText()).toContain("baseline/random-choice");
    expectClean(opened);
    await page.close();
  });
});

// The agreement page runs DuckDB queries and now also draws the own-study section; on a loaded
// machine one load of it takes close to a minute, and one test loads it twice.
describe("agreement page", {timeout: 150_000}, () => {
  it("shows the clinician study's ICC3k-z with intervals, per dataset on demand, and our runs' jury", async () => {
    const opened = await openPage(harness, "/agreement", "#unscored-status");
    const {page} = opened;
    expect(await page.locator("#study-summary").innerText()).toMatch(/^132 ratings of 74 responses by 17 clinicians/);
    expect(await page.locator("#scatter-status").innerText()).toBe(
      "Combined (ACI-Bench + MEDIQA): 56 responses, 106 ratings. Jury vs clinicians ICC3k-z 0.474 [0.104, 0.692]; clinician vs clinician 0.421 [0.294, 0.552] over 5 pairs."
    );
    const combined = (await page.locator("#icc-table tbody tr", {hasText: "Combined (ACI-Bench + MEDIQA)"}).innerText()).split("\t").map((c) => c.trim());
    expect(combined).toEqual(expect.arrayContaining(["yes", "56", "0.474 [0.104, 0.692]", "0.421 [0.294, 0.552] (5 pairs)", "0.085 [-0.182, 0.341]", "0.178 [-0.090, 0.422]"]));
    const scatterDots = () => page.locator("main svg circle").count();
    const before = await scatterDots();
    expect(before).toBeGreaterThan(0);

    await page.locator("#agreement-dataset select").selectOption({label: "ACI-Bench"});
    await waitText(page, "scatter-status", /^ACI-Bench: 31 responses, 62 ratings\. Jury vs clinicians ICC3k-z 0\.308 \[-0\.436, 0\.666\]/);
    expect(await scatterDots()).toBeLessThan(before);

    // The test build includes a fixture run with a three-judge jury.
    expect(await page.locator("#jury-status").innerText()).toMatch(/^\d+ verdicts by \d+ judges on \d+ benchmarks?; [01]\.\d{3} of them valid\.$/);
    expect(await page.locator("#judge-success tbody tr").count()).toBeGreaterThan(0);
    await page.locator("#judge-agreement").waitFor();
    expect(await page.locator("#per-judge-status").innerText()).toMatch(/^(\d+ judges of our runs scored rated responses|Not available: )/);
    expect(await page.locator("#unscored-status").innerText()).toMatch(/^\d+ unscored answers|^Every answer/);
    expectClean(opened);
    await page.close();
  });

  it("shows the study of the site's own runs beside the paper's: verdict, table, per-judge and sub-panel charts", async () => {
    // The test build names test/fixtures/clinician-study (a loopback run and three filled-in sheets).
    const opened = await openPage(harness, "/agreement", "#own-panel-table");
    const {page} = opened;
    expect(await page.locator("#own-study-status").innerText()).toBe(
      "Your study: 32 ratings by 3 clinicians of 16 responses. Sheets in test/fixtures/clinician-study/S; results test/fixtures/clinician-study/R."
    );
    expect(await page.locator("#own-verdict").innerText()).toMatch(
      /^On these 16 responses the jury agrees with your clinicians at 0\.98 \[0\.95, 0\.99\]; clinicians with each other at 0\.81 \[0\.63, 0\.99\]\. The jury agrees with the clinicians at least as well as they agree with each other/
    );
    const table = await page.locator("#own-icc-table").innerText();
    expect(table).toContain("MedHELM paper");
    expect(table).toContain("0.474 [0.104, 0.692]");
    expect(table).toContain("0.982 [0.948, 0.994]");
    // Three judges, seven sub-panels, each a dot with its interval.
    expect(await page.locator("#own-judge-chart circle").count()).toBe(3);
    expect(await page.locator("#own-panel-chart circle").count()).toBe(7);
    expect(await page.locator("#own-panel-table tbody tr").count()).toBe(7);
    expect(flat(await page.locator("#own-panel-table tbody tr").first().innerText())).toBe("fake/judge-a + fake/judge-b + fake/judge-d 3 0.982 16 unknown (no price) 48");
    // No sheet text, model answer or packet reaches the page: only figures and judge names.
    expect(await page.locator("main").innerText()).not.toMatch(/P00\d\d|\[doctor\]/);
    expectClean(opened);
    await page.close();
  });

  it("says there are no jury verdicts when the runs had no judges", async () => {
    const opened = await openPage(harness, "/agreement", "#unscored-status");
    const {page} = opened;
    // Serve the jury tables as empty, as a baselines-only build writes them, and reload.
    const empty = {
      judge_success: rowsToArrowIPC([], {benchmark: "string", judge: "string", n: "integer", n_ok: "integer", success_rate: "number", top_reason: "string"}),
      judge_agreement: rowsToArrowIPC([], {benchmark: "string", judges: "string", alpha_interval: "number", alpha_ordinal: "number", n_units: "integer"}),
      per_judge_scores: rowsToArrowIPC([], {benchmark: "string", model: "string", judge: "string", score: "number", n: "integer", label: "string"}),
      judge_composites: rowsToArrowIPC([], {benchmark: "string", run_id: "string", label: "string", instance_id: "string", judge: "string", composite: "number"})
    };
    await page.route(/\/_file\/data\/suite\/(judge_success|judge_agreement|per_judge_scores|judge_composites)\.[0-9a-f]+\.arrow$/, (route) => {
      const name = new URL(route.request().url()).pathname.split("/").at(-1)!.split(".")[0] as keyof typeof empty;
      return route.fulfill({status: 200, contentType: "application/vnd.apache.arrow.file", body: Buffer.from(empty[name])});
    });
    await page.reload();
    await waitText(page, "jury-status", /^No jury verdicts in these runs: no judges were configured/);
    expect(await page.locator("#judge-success").count()).toBe(0);
    expect(await page.locator("#per-judge-status").innerText()).toMatch(/^Not available: no jury verdicts of our runs on the rated datasets/);
    // The clinician study renders regardless.
    expect(await page.locator("#scatter-status").innerText()).toMatch(/ICC3k-z 0\.474 \[0\.104, 0\.692\]/);
    expectClean(opened);
    await page.close();
  });
});

describe("rating page", () => {
  it("lets a clinician rate a blank sheet in the browser and download it completed, a valid sheet for medhelm agreement", async () => {
    const fixture = resolve("test/fixtures/clinician-study");
    const filled = readFileSync(join(fixture, "S", "clinician-b.csv"), "utf8");
    const rows = csvParseRows(filled);
    const criteria = ["accuracy", "completeness", "clarity"].map((c) => rows[0].indexOf(c));
    const blank = rows.map((r, i) => (i === 0 ? r : r.map((cell, j) => (criteria.includes(j) ? "" : cell))));
    const dir = mkdtempSync(join(tmpdir(), "medhelm-rate-"));
    writeFileSync(join(dir, "clinician-b.csv"), csvFormatRows(blank));

    const opened = await openPage(harness, "/rate", "#rate-status");
    const {page} = opened;
    expect(await page.locator("#rate-status").innerText()).toBe("Choose your sheet to start.");
    await page.locator("#rate-file input").setInputFiles(join(dir, "clinician-b.csv"));
    await waitText(page, "rate-status", /^clinician-b\.csv: 0 of 11 responses rated on every criterion\.$/);
    // Score every packet as the fixture's clinician did.
    for (const row of rows.slice(1)) {
      const card = page.locator(`.rate-packet[data-packet="${row[0]}"]`);
      for (const [k, name] of ["accuracy", "completeness", "clarity"].entries()) {
        await card.locator(`.rate-criterion[data-criterion="${name}"] div label`, {hasText: new RegExp(`^\\s*${row[criteria[k]]}\\s*$`)}).click();
      }
    }
    await waitText(page, "rate-status", /^clinician-b\.csv: 11 of 11 responses rated on every criterion\.$/);
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#rate-download").click()]);
    expect(download.suggestedFilename()).toBe("clinician-b.csv");
    const text = await new Promise<string>((done, fail) => {
      const chunks: Buffer[] = [];
      download.createReadStream().then((s) => s.on("data", (c: Buffer) => chunks.push(c)).on("end", () => done(Buffer.concat(chunks).toString("utf8"))).on("error", fail), fail);
    });
    // The download is the fixture's completed sheet, byte for byte, and reads back as one.
    expect(text).toBe(filled);
    const out = mkdtempSync(join(dir, "S-"));
    writeFileSync(join(out, "clinician-b.csv"), text);
    copyFileSync(join(fixture, "S", "key.csv"), join(out, "key.csv"));
    const judged = await readJudgedResponses([join(fixture, "R")]);
    const rubrics = Object.fromEntries((await loadRegistry()).filter((b) => b.rubric).map((b) => [b.id, b.rubric!]));
    const completed = await readCompletedSheets([out], judged, rubrics);
    expect(completed.ratings).toHaveLength(11);
    expect(completed.unrated).toEqual([]);
    expectClean(opened);
    await page.close();
    rmSync(dir, {recursive: true, force: true});
  });
});

describe("taxonomy page", () => {
  it("draws the 37-benchmark tree and filters it by access tier and data availability", async () => {
    const opened = await openPage(harness, "/taxonomy", "#taxonomy-status");
    const {page} = opened;
    const all = await page.locator("#taxonomy-status").innerText();
    expect(all).toMatch(/^37 of 37 benchmarks shown \(all access tiers\), in 5 categories and 22 subcategories: \d+ with data available/);
    expect(await page.locator("#taxonomy-table tbody tr").count()).toBe(37);
    // Three columns of blocks: 5 categories, 22 subcategories and 37 benchmarks.
    expect(await page.locator("#taxonomy-tree svg rect").count()).toBeGreaterThanOrEqual(5 + 22 + 37);
    expect(await page.locator("#taxonomy-descriptions").innerText()).toContain("Supporting Diagnostic Decisions");

    const gated = catalogue.filter((b) => b.access === "gated").length;
    await choose(page, "taxonomy-access", "gated");
    await waitText(page, "taxonomy-status", new RegExp(`^${gated} of 37 benchmarks shown \\(gated data\\)`));
    expect(await page.locator("#taxonomy-table tbody tr").count()).toBe(gated);

    await choose(page, "taxonomy-access", "all tiers");
    await page.locator("#taxonomy-available input").check();
    const available = await waitText(page, "taxonomy-status", /with data only/);
    const n = Number(available.match(/^(\d+) of 37/)![1]);
    expect(n).toBeGreaterThan(0);
    expect(available).toContain("0 waiting for data, 0 not implemented yet");
    expect(await page.locator("#taxonomy-table tbody tr").count()).toBe(n);
    expectClean(opened);
    await page.close();
  });
});
