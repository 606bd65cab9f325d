/**
 * The built site in a real browser: builds it on the embedded default (offline baselines, a
 * limited run so the test stays quick), serves dist/ on 127.0.0.1 and drives Debian's Chromium.
 */
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {openPage, startHarness, type Harness} from "./browser.ts";
import {ensureSite, TEST_LIMIT} from "./site-build.ts";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness(await ensureSite());
}, 600_000);

afterAll(async () => {
  await harness?.close();
});

describe("site", () => {
  it("leaderboard shows the labelled baselines, re-queries on a filter change, and stays on loopback", async () => {
    const {page, external, problems} = await openPage(harness, "/", "#leaderboard-status");
    await page.locator("main svg[class^=plot]").first().waitFor();
    const status = await page.locator("#leaderboard-status").innerText();
    expect(status).toMatch(/^4 cells, 3 scored, 1 unscored \(no judges configured\)/);
    const table = await page.locator("main table").first().innerText();
    expect(table).toContain("baseline/random-choice (baseline)");
    expect(table).toContain("baseline/first-choice (baseline)");
    expect(table).toContain("baseline/lead (baseline)");
    const dotsBefore = await page.locator("main svg[class^=plot] circle").count();
    expect(dotsBefore).toBe(3);
    // Switching the metric to ROUGE-L re-runs the DuckDB query and redraws the chart.
    await page.locator("main select").nth(1).selectOption("rouge_l");
    await page.locator("#leaderboard-status").getByText(/^1 cells, 1 scored/).waitFor();
    expect(await page.locator("main svg[class^=plot] circle").count()).toBe(1);
    await page.locator("main select").nth(0).selectOption("medical_research_assistance");
    await page.locator("main select").nth(1).selectOption("main metric");
    await page.locator("#leaderboard-status").getByText(/^2 cells, 2 scored/).waitFor();
    expect(await page.locator("main svg[class^=plot] circle").count()).toBe(2);
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("benchmark page lists instances, outputs and scores for the chosen model", async () => {
    const {page, external, problems} = await openPage(harness, "/benchmarks/pubmed_qa", "#answers-status");
    expect(await page.locator("h1").first().innerText()).toBe("PubMedQA");
    expect(await page.locator("#answers-status").innerText()).toMatch(new RegExp(`^${TEST_LIMIT} answers by baseline/first-choice; 0 unscored\\.`));
    await page.locator("main select").first().selectOption("baseline/random-choice");
    await page.locator("#answers-status").getByText(/by baseline\/random-choice/).waitFor();
    expect(await page.locator("main table").first().innerText()).toContain("instance_id");
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("open-ended benchmark page says why the jury score is missing without judges", async () => {
    const {page, problems} = await openPage(harness, "/benchmarks/aci_bench", "#answers-status");
    expect(await page.locator("#answers-status").innerText()).toMatch(new RegExp(`^${TEST_LIMIT} answers by baseline/lead; ${TEST_LIMIT} unscored\\.`));
    expect(await page.locator("main").innerText()).toContain("no judges configured");
    expect(problems).toEqual([]);
    await page.close();
  });
});
