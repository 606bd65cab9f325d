/**
 * The published MedHELM results on the site, in a real browser, on the shared test build (no
 * endpoint: offline baselines on a --limit run, the fixture result folders, and `site.published`
 * at its default, v2): the landing page ranks the nine paper models with their labels, outlined in
 * their site-wide colours, among the baselines; "comparable cells only" changes its tables; a
 * published entry on Compare has no instance view; a team's own benchmark has no published result.
 */
import {describe, expect, it} from "vitest";
import {paperModels} from "../data-loaders/paper/recomputed.ts";
import {publishedLabel} from "../data-loaders/paper/published.ts";
// @ts-expect-error: a plain browser module without type declarations.
import {modelRegistry} from "../src/components/modelColors.js";
import {openPage, type OpenedPage} from "./browser.ts";
import {builtTable, serveBuiltSite} from "./built-tables.ts";

const site = serveBuiltSite();

function expectClean({external, problems}: OpenedPage): void {
  expect(external).toEqual([]);
  expect(problems).toEqual([]);
}

/** `#rrggbb` as the `rgb(r, g, b)` a browser computes. */
const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;

const labels = paperModels.map((m) => publishedLabel(m.name, "v2"));

describe("published MedHELM results", () => {
  it("are ranked on the landing page: the nine paper models with their labels, outlined in their colours, among the baselines", async () => {
    const opened = await openPage(site.harness, "/", "#winrate-table table");
    const {page} = opened;
    const table = await page.locator("#winrate-table table").innerText();
    for (const label of labels) expect(table).toContain(label);
    expect(table).toMatch(/\(point value\)/);
    expect(table).toMatch(/baseline\/[a-z-]+ \(baseline\)/);
    // The shipped ranking: the nine published entries and the runs' entries in one table.
    const winRates = builtTable(site.dist, "win_rates").filter((r) => r.scope === "all");
    expect(winRates.filter((r) => r.source === "medhelm-paper").map((r) => r.label).sort()).toEqual([...labels].sort());
    expect(winRates.some((r) => r.model_kind === "baseline")).toBe(true);
    // Colours: each published entry's legend swatch is outlined in its model's site-wide colour (the paper's Table 1 colour).
    const colors = modelRegistry({paper: builtTable(site.dist, "../paper/table1").filter((r) => r.version === "v2") as never, entries: builtTable(site.dist, "labels") as never});
    const swatches = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll("#leaderboard-chart .model-legend [data-model]")]
      .map((e) => {
        const s = getComputedStyle(e.querySelector(".model-swatch")!);
        return [(e as HTMLElement).dataset.model!, {outline: s.borderTopColor, fill: s.backgroundColor}];
      })));
    for (const m of paperModels) {
      const label = publishedLabel(m.name, "v2");
      expect(swatches[label]).toEqual({outline: rgb(colors.color(m.model)), fill: "rgba(0, 0, 0, 0)"});
      expect(colors.color(label)).toBe(colors.color(m.name));
    }
    expect(new Set(paperModels.map((m) => colors.color(m.model))).size).toBe(9);
    await expect(page.locator("#leaderboard-chart .model-legend").innerText()).resolves.toContain("outlined: imported or published results");
    expectClean(opened);
    await opened.page.close();
  }, 240_000);

  it("\"comparable cells only\" changes the leaderboard's tables: the runs' --limit cells leave, the paper's stay", async () => {
    const opened = await openPage(site.harness, "/", "#scores-table table");
    const {page} = opened;
    const before = await page.locator("#scores-table table").innerText();
    const beforeText = await page.locator("#scores-table table").textContent();
    expect(before).toContain("≠");
    const status = await page.locator("#leaderboard-status").innerText();
    expect(status).toMatch(/\d+ cells of runs differ from the paper's setting/);
    await page.getByLabel("Comparable cells only").check();
    await page.locator("#leaderboard-status", {hasText: "Comparable cells only"}).waitFor();
    await page.waitForFunction((text) => document.querySelector("#scores-table table")?.textContent !== text, beforeText);
    const after = await page.locator("#scores-table table").innerText();
    expect(after).not.toContain("≠");
    expect(after).not.toMatch(/baseline\//);
    expect(after).toContain("GPT-4o (2024-05-13) [MedHELM paper v2]");
    // The win rates are recomputed over the kept cells (point values): only published entries remain ranked here.
    const winTable = await page.locator("#winrate-table table").innerText();
    expect(winTable).not.toMatch(/baseline\//);
    expectClean(opened);
    await opened.page.close();
  }, 240_000);

  it("on Explore, the filter keeps the slice in the URL and leaves only comparable cells", async () => {
    const opened = await openPage(site.harness, "/explore", "#explore-status");
    const {page} = opened;
    const before = await page.locator("#explore-status").innerText();
    expect(before).toMatch(/cells of runs differ from the paper's setting/);
    await page.getByLabel("Comparable cells only").check();
    await page.locator("#explore-status", {hasText: "comparable cells only"}).waitFor();
    await page.waitForFunction(() => new URLSearchParams(location.search).get("comparable") === "1");
    const cells = await page.locator("#explore-cells table").innerText();
    expect(cells).not.toMatch(/subset: /);
    expect(cells).toContain("published result");
    expectClean(opened);
    await opened.page.close();
  }, 240_000);

  it("on Compare, a published entry is compared benchmark by benchmark and has no instance view", async () => {
    const a = "GPT-4o (2024-05-13) [MedHELM paper v2]";
    const b = builtTable(site.dist, "labels").find((r) => r.model_kind === "baseline")!.label as string;
    const opened = await openPage(site.harness, `/compare?${new URLSearchParams({a, b})}`, "#compare-no-instances");
    const {page} = opened;
    await expect(page.locator("#compare-status").innerText()).resolves.toMatch(/benchmark-level differences on \d+ benchmarks .*is a published result without instances/);
    await expect(page.locator("#compare-no-instances").innerText()).resolves.toContain("has no instances");
    expectClean(opened);
    await opened.page.close();
  }, 240_000);
});
