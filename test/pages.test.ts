/**
 * The analysis pages in a real browser, on the shared test build (test/site-build.ts): each page
 * renders the data of the built tables, changes what it shows on an interaction, logs no console
 * error and requests nothing beyond 127.0.0.1. The fixture runs under test/fixtures/site-include/
 * supply a jury (three judges, one of them self-judging), a gated benchmark and an imported run.
 */
import {describe, expect, it} from "vitest";
import {builtTable, serveBuiltSite} from "./built-tables.ts";
import {openPage} from "./browser.ts";

const site = serveBuiltSite();

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("explore", () => {
  it("slices by category and access tier, redraws on every change and keeps the slice in the URL", async () => {
    const main = builtTable(site.dist, "leaderboard").filter((d) => d.is_main);
    const {page, external, problems} = await openPage(site.harness, "/explore", "#explore-chart svg");
    const status = page.locator("#explore-status");
    expect(await status.innerText()).toMatch(new RegExp(`^${main.length} cells: ${new Set(main.map((d) => d.label)).size} models on ${new Set(main.map((d) => d.benchmark)).size} benchmarks`));
    expect(await page.locator("#explore-chart svg circle").count()).toBe(main.filter((d) => d.value !== null).length);

    const notes = main.filter((d) => d.category === "clinical_note_generation");
    await page.getByLabel("Category", {exact: true}).selectOption("Clinical Note Generation");
    await status.getByText(new RegExp(`^${notes.length} cells:`)).waitFor();
    expect(await page.locator("#explore-chart svg circle").count()).toBe(notes.filter((d) => d.value !== null).length);
    expect(new URL(page.url()).searchParams.get("category")).toBe("clinical_note_generation");

    // Unticking the gated tier drops the gated fixture benchmark from the slice.
    const publicNotes = notes.filter((d) => d.access !== "gated");
    expect(publicNotes.length).toBeLessThan(notes.length);
    await page.locator("main form", {hasText: "Access tier"}).getByLabel("gated").uncheck();
    await status.getByText(new RegExp(`^${publicNotes.length} cells:`)).waitFor();
    expect(new URL(page.url()).searchParams.get("access")).toBe("public,private");
    // The summary below the chart is a DuckDB query over the slice, so it arrives after the chart.
    await page.locator("#explore-models svg").waitFor();
    expect(await page.locator("#explore-models svg").count()).toBe(1);

    // The slice downloads as CSV (made in the page) and the full table as Parquet (a file of the site).
    const links = page.locator("main .downloads").last();
    const [download] = await Promise.all([page.waitForEvent("download"), links.getByText("CSV").click()]);
    const csv = await new Promise<string>((done, fail) => {
      const chunks: Buffer[] = [];
      download.createReadStream().then((s) => s.on("data", (c: Buffer) => chunks.push(c)).on("end", () => done(Buffer.concat(chunks).toString("utf8"))).on("error", fail), fail);
    });
    expect(download.suggestedFilename()).toBe("explore-slice.csv");
    expect(csv.split("\n")[0]).toMatch(/^label,model,/);
    expect(csv.trim().split("\n")).toHaveLength(publicNotes.length + 1);
    const parquet = await page.request.get(new URL((await links.getByText("Parquet").getAttribute("href"))!, page.url()).href);
    expect(parquet.status()).toBe(200);
    expect(Buffer.from(await parquet.body()).subarray(0, 4).toString()).toBe("PAR1");
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("restores a shared slice from the URL", async () => {
    const rouge = builtTable(site.dist, "leaderboard").filter((d) => d.metric === "rouge_l" && d.category === "clinical_note_generation");
    expect(rouge.length).toBeGreaterThan(0);
    const {page, problems} = await openPage(site.harness, "/explore?category=clinical_note_generation&metric=rouge_l", "#explore-status");
    await page.locator("#explore-status").getByText(new RegExp(`^${rouge.length} cells:`)).waitFor();
    expect(await page.locator("main form", {hasText: "Metric"}).locator("select option:checked").innerText()).toBe("rouge_l");
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("compare", () => {
  it("shows paired differences with intervals for two models, flips with their order, and links disagreements to the drill-down", async () => {
    const pairs = builtTable(site.dist, "pair_differences").filter((d) => d.label_a === "fixture/alpha" && d.label_b === "fixture/beta");
    expect(pairs.length).toBe(2);
    const better = pairs.filter((d) => (d.difference_low as number) > 0).length;
    const {page, external, problems} = await openPage(site.harness, "/compare?a=fixture%2Falpha&b=fixture%2Fbeta", "#compare-chart svg");
    const status = page.locator("#compare-status");
    expect(await status.innerText()).toBe(`fixture/alpha vs fixture/beta: ${pairs.length} benchmarks with shared instances; A is better on ${better}, B on 0, and ${pairs.length - better} are not distinguishable at 95 %.`);
    expect(await page.locator("#compare-chart svg circle").count()).toBe(pairs.length);
    const link = page.locator("#compare-disagreements a").first();
    expect(await link.getAttribute("href")).toMatch(/^\.\/benchmarks\/(aci_bench|mimic_rrs)\?instance=/);

    await page.locator("main form", {hasText: "Model A"}).locator("select").selectOption("fixture/beta");
    await page.locator("main form", {hasText: "Model B"}).locator("select").selectOption("fixture/alpha");
    await status.getByText(new RegExp(`^fixture/beta vs fixture/alpha: ${pairs.length} benchmarks with shared instances; A is better on 0, B on ${better}`)).waitFor();
    expect(new URL(page.url()).searchParams.get("a")).toBe("fixture/beta");
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("metric agreement", () => {
  it("plots jury score against ROUGE-L per answer with build-time correlations, and judge against judge with Krippendorff's alpha", async () => {
    const values = builtTable(site.dist, "metric_values").filter((d) => d.benchmark === "aci_bench");
    const key = (d: Record<string, unknown>) => `${d.label}/${d.instance_id}`;
    const jury = new Set(values.filter((d) => d.metric === "jury_score").map(key));
    const both = values.filter((d) => d.metric === "rouge_l" && jury.has(key(d))).length;
    const withRouge1 = values.filter((d) => d.metric === "rouge_1" && jury.has(key(d))).length;
    expect(both).toBeGreaterThan(3);
    const [correlation] = builtTable(site.dist, "metric_correlations").filter((d) => d.benchmark === "aci_bench" && d.metric_x === "jury_score" && d.metric_y === "rouge_l");
    const {page, external, problems} = await openPage(site.harness, "/metric-agreement?benchmark=aci_bench", "#metric-chart svg");
    const status = page.locator("#metric-status");
    expect(await status.innerText()).toContain(`${both} answers with both jury_score and rouge_l: Spearman ρ = ${(correlation.spearman as number).toFixed(3)}`);
    expect(await page.locator("#metric-chart svg circle").count()).toBe(both);
    await page.locator("main form", {hasText: "Metric (y)"}).locator("select").selectOption("rouge_1");
    await status.getByText(new RegExp(`^${withRouge1} answers with both jury_score and rouge_1`)).waitFor();

    const [alpha] = builtTable(site.dist, "judge_agreement").filter((d) => d.benchmark === "aci_bench");
    expect(await page.locator("#judge-status").innerText()).toContain(`interval ${(alpha.alpha_interval as number).toFixed(3)}`);
    const before = await page.locator("#judge-status").innerText();
    await page.locator("main form", {hasText: "Judge (y)"}).locator("select").selectOption("fixture/judge-b");
    await page.locator("#judge-status").getByText(/rated by both fixture\/alpha and fixture\/judge-b/).waitFor();
    expect(await page.locator("#judge-status").innerText()).not.toBe(before);
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("narrow screens", () => {
  // One test per page, each with its own time: a page at phone width draws all its charts.
  it.each([
    ["/", "#leaderboard-chart svg"], ["/explore", "#explore-chart svg"], ["/paper/table1", "main svg"], ["/paper/categories", "main svg"],
    ["/paper/heatmap", "main svg"], ["/cost", "main svg"], ["/agreement", "main svg"], ["/benchmarks/aci_bench", "main svg"]
  ])("%s draws at 360 px without a rendering error", async (path, ready) => {
    const {page, external, problems} = await openPage(site.harness, path, ready, 60_000, {width: 360, height: 780});
    // Later charts of the page draw after the first: let them all finish.
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(500);
    expect(problems).toEqual([]);
    expect(external).toEqual([]);
    await page.close();
  }, 90_000);
});

describe("run manifest", () => {
  it("shows each run's benchmarks with versions and hashes, its configuration and its cost", async () => {
    const benchmarks = builtTable(site.dist, "benchmarks").filter((d) => d.run_id === "fixture-jury-run");
    const {page, external, problems} = await openPage(site.harness, "/manifest", "#manifest-status");
    const first = await page.locator("#manifest-status").innerText();
    await page.locator("main select").first().selectOption("fixture-jury-run (native, 2025-07-01)");
    await page.locator("#manifest-status").getByText(new RegExp(`^${benchmarks.length} benchmarks in fixture-jury-run`)).waitFor();
    expect(await page.locator("#manifest-status").innerText()).not.toBe(first);
    const table = await page.locator("main table").first().innerText();
    expect(table).toContain("MIMIC-RRS");
    // Hashes are shown shortened to 12 characters.
    expect(table).toContain(String(benchmarks[0].prompt_hash).slice(0, 12));
    expect(await page.locator("#manifest-costs").innerText()).toContain("fixture/alpha");
    // The configuration is a cell of its own, which may redraw after the status line.
    await page.locator("#manifest-config", {hasText: "\"seed\": 7"}).waitFor();
    expect(new URL(page.url()).searchParams.get("run")).toBe("fixture-jury-run");
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("instance drill-down", () => {
  it("fetches an instance's text only when it is opened, and shows every answer, metric and judge verdict", async () => {
    const {page, external, problems} = await openPage(site.harness, "/benchmarks/aci_bench?model=fixture%2Falpha", "#answers-status");
    const requests: string[] = [];
    page.on("request", (r) => requests.push(new URL(r.url()).pathname));
    expect(await page.locator("#answers-status").innerText()).toMatch(/^6 answers by fixture\/alpha; 0 unscored\./);
    await page.waitForTimeout(500);
    expect(requests.filter((p) => p.includes("/text/"))).toEqual([]);
    expect(await page.locator("#instance-detail").innerText()).toBe("No instance selected.");

    await page.locator("main table", {hasText: "instance_id"}).locator("tbody input").first().click();
    const detail = page.locator("#instance-detail");
    await detail.locator("h3").waitFor();
    const text = await detail.innerText();
    expect(requests.filter((p) => p.includes("/text/"))).toHaveLength(1);
    expect(text).toMatch(/^Instance aci_bench-0000/);
    for (const part of ["Input", "Gold answer", "fixture/alpha", "fixture/beta", "aci_bench_accuracy", "rouge_l", "fixture/alpha (self)", "fixture/judge-a", "explanation"]) expect(text).toContain(part);
    expect(new URL(page.url()).searchParams.get("instance")).toBe("aci_bench-0000");
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("opens the instance named in the URL", async () => {
    const {page, problems} = await openPage(site.harness, "/benchmarks/aci_bench?model=fixture%2Fbeta&instance=aci_bench-0003", "#instance-detail h3");
    expect(await page.locator("#instance-detail h3").innerText()).toBe("Instance aci_bench-0003");
    expect(await page.locator("#answers-status").innerText()).toMatch(/by fixture\/beta/);
    expect(problems).toEqual([]);
    await page.close();
  });
});
