/**
 * Model colours and the benchmark heatmap's layout in a real browser, on the shared test build:
 * a model is drawn in one colour on every page (our runs, the imported HELM run and the published
 * paper models alike), different models differ, baselines are grey, and the 37-benchmark heatmap
 * fits a 1280 px wide window without sideways scrolling.
 */
import {describe, expect, it} from "vitest";
import type {Page} from "playwright-core";
import {catalogue} from "../data-loaders/benchmark/taxonomy.ts";
import {openPage, type OpenedPage} from "./browser.ts";
import {serveBuiltSite} from "./built-tables.ts";

const site = serveBuiltSite();

function expectClean({external, problems}: OpenedPage): void {
  expect(external).toEqual([]);
  expect(problems).toEqual([]);
}

/** The computed `property` (fill or stroke) of the first `tag` mark in `scope` whose aria-label is `label`. */
async function markColor(page: Page, scope: string, tag: string, label: string, property: "fill" | "stroke"): Promise<string> {
  const color = await page.evaluate(({scope, tag, label, property}) => {
    const mark = [...document.querySelectorAll(`${scope} svg ${tag}`)].find((e) => e.getAttribute("aria-label") === label);
    return mark ? getComputedStyle(mark)[property] : null;
  }, {scope, tag, label, property});
  if (!color) throw new Error(`no ${tag} labelled ${label} in ${scope}`);
  return color;
}

/** Outline and fill of the model legend's swatch for `key` in `scope`. */
async function legendSwatch(page: Page, scope: string, key: string): Promise<{outline: string; fill: string}> {
  const swatch = await page.evaluate(({scope, key}) => {
    const item = [...document.querySelectorAll(`${scope} .model-legend [data-model]`)].find((e) => (e as HTMLElement).dataset.model === key);
    const span = item?.querySelector(".model-swatch");
    return span ? {outline: getComputedStyle(span).borderTopColor, fill: getComputedStyle(span).backgroundColor} : null;
  }, {scope, key});
  if (!swatch) throw new Error(`no legend swatch for ${key} in ${scope}`);
  return swatch;
}

/** Every swatch of the model legend in `scope`, by key. */
async function legendOutlines(page: Page, scope: string): Promise<Record<string, string>> {
  return page.evaluate((scope) => Object.fromEntries([...document.querySelectorAll(`${scope} .model-legend [data-model]`)]
    .map((e) => [(e as HTMLElement).dataset.model!, getComputedStyle(e.querySelector(".model-swatch")!).borderTopColor])), scope);
}

/** The fill of the swatch of Plot's categorical legend item reading `text` in `scope`. */
async function plotLegendColor(page: Page, scope: string, text: string): Promise<string> {
  const color = await page.evaluate(({scope, text}) => {
    const item = [...document.querySelectorAll(`${scope} span`)].find((e) => e.textContent?.trim() === text && e.querySelector("svg"));
    const swatch = item?.querySelector("svg rect, svg circle");
    return swatch ? getComputedStyle(swatch).fill : null;
  }, {scope, text});
  if (!color) throw new Error(`no legend item ${text} in ${scope}`);
  return color;
}

const isGrey = (rgb: string) => new Set(rgb.match(/\d+/g)!.slice(0, 3)).size === 1;

describe("model colours", () => {
  it("draw one model in one colour on the leaderboard, explore, compare, benchmark and metric pages", async () => {
    const seen: Record<string, string[]> = {"fixture/alpha": [], "fixture/beta": []};
    const visit = async (path: string, ready: string, read: (page: Page) => Promise<void>) => {
      const opened = await openPage(site.harness, path, ready);
      await read(opened.page);
      expectClean(opened);
      await opened.page.close();
    };
    await visit("/", "#leaderboard-chart svg", async (page) => {
      for (const label of ["fixture/alpha", "fixture/beta"]) {
        const swatch = await legendSwatch(page, "#leaderboard-chart", label);
        // Our own runs are drawn filled: the swatch's fill is its outline colour.
        expect(swatch.fill).toBe(swatch.outline);
        seen[label].push(swatch.outline, await markColor(page, "#leaderboard-chart", "circle", label, "stroke"), await markColor(page, "#winrate-chart", "circle", label, "fill"));
      }
    });
    await visit("/explore", "#explore-chart svg", async (page) => {
      await page.locator("#explore-models svg").waitFor();
      for (const label of ["fixture/alpha", "fixture/beta"]) {
        seen[label].push((await legendSwatch(page, "#explore-chart", label)).outline, await markColor(page, "#explore-chart", "circle", label, "stroke"), await markColor(page, "#explore-models", "rect", label, "fill"));
      }
    });
    await visit("/compare?a=fixture%2Falpha&b=fixture%2Fbeta", "#compare-chart svg", async (page) => {
      seen["fixture/alpha"].push(await plotLegendColor(page, "#compare-chart", "fixture/alpha better"));
      seen["fixture/beta"].push(await plotLegendColor(page, "#compare-chart", "fixture/beta better"));
    });
    await visit("/benchmarks/aci_bench", "#benchmark-chart svg", async (page) => {
      for (const label of ["fixture/alpha", "fixture/beta"]) seen[label].push(await markColor(page, "#benchmark-chart", "circle", label, "stroke"));
    });
    await visit("/metric-agreement?benchmark=aci_bench", "#metric-chart svg", async (page) => {
      for (const label of ["fixture/alpha", "fixture/beta"]) {
        seen[label].push((await legendSwatch(page, "#metric-chart", label)).outline, await markColor(page, "#metric-chart", "circle", label, "stroke"));
      }
    });
    expect(seen["fixture/alpha"]).toHaveLength(10);
    expect(new Set(seen["fixture/alpha"]).size).toBe(1);
    expect(new Set(seen["fixture/beta"]).size).toBe(1);
    expect(seen["fixture/alpha"][0]).not.toBe(seen["fixture/beta"][0]);
  });

  it("give the published GPT-4o and its imported HELM run one colour, on the run pages and every paper page", async () => {
    const imported = "openai/gpt-4o-2024-05-13 [helm-import]";
    const published = "GPT-4o (2024-05-13)";
    const colors: string[] = [];
    const leaderboard = await openPage(site.harness, "/", "#leaderboard-chart svg");
    const swatch = await legendSwatch(leaderboard.page, "#leaderboard-chart", imported);
    // Imported results are outlined, never filled, so they stay apart from our own run of a model.
    expect(swatch.fill).toBe("rgba(0, 0, 0, 0)");
    expect(await markColor(leaderboard.page, "#leaderboard-chart", "circle", imported, "fill")).toBe("none");
    colors.push(swatch.outline, await markColor(leaderboard.page, "#leaderboard-chart", "circle", imported, "stroke"));
    expectClean(leaderboard);
    await leaderboard.page.close();

    for (const [path, ready, scope, tag, property] of [
      ["/paper/table1", "#table1-status", "main", "circle", "stroke"],
      ["/paper/cost", "#cost-status", "main", "circle", "fill"],
      ["/paper/heatmap", "#heatmap-chart svg", "#heatmap-chart", "circle", "fill"],
      ["/paper/categories", "#category-status", "main", "circle", "fill"],
      ["/cost", "#estimate-status", "main", "rect", "fill"]
    ] as const) {
      const opened = await openPage(site.harness, path, ready);
      await opened.page.locator(`${scope} svg ${tag}[aria-label]`).first().waitFor();
      colors.push(await markColor(opened.page, scope, tag, published, property));
      expectClean(opened);
      await opened.page.close();
    }
    expect(colors).toHaveLength(7);
    expect(new Set(colors).size).toBe(1);
    expect(isGrey(colors[0])).toBe(false);
  });

  it("tell apart every model of a page, and draw the offline baselines in greys", async () => {
    const leaderboard = await openPage(site.harness, "/", "#leaderboard-chart svg");
    const outlines = await legendOutlines(leaderboard.page, "#leaderboard-chart");
    const keys = Object.keys(outlines);
    // Six entries of the runs and imports, and the nine published MedHELM entries (site.published defaults to v2).
    expect(keys).toHaveLength(15);
    // One colour per model: the published GPT-4o and the imported HELM run of GPT-4o share one, all else differ.
    expect(keys.filter((k) => /gpt-4o-2024-05-13|^GPT-4o \(2024-05-13\)/.test(k)).map((k) => outlines[k])).toEqual([outlines["openai/gpt-4o-2024-05-13 [helm-import]"], outlines["openai/gpt-4o-2024-05-13 [helm-import]"]]);
    expect(new Set(Object.values(outlines)).size).toBe(keys.length - 1);
    for (const key of keys) expect(isGrey(outlines[key])).toBe(key.startsWith("baseline/"));
    expectClean(leaderboard);
    await leaderboard.page.close();

    const table1 = await openPage(site.harness, "/paper/table1", "#table1-status");
    await table1.page.locator("main svg circle[aria-label]").first().waitFor();
    const dots = await table1.page.evaluate(() => [...document.querySelectorAll("main svg circle[aria-label]")].map((c) => getComputedStyle(c).fill));
    expect(dots).toHaveLength(9);
    expect(new Set(dots).size).toBe(9);
    expect(dots.some(isGrey)).toBe(false);
    expectClean(table1);
    await table1.page.close();
  });
});

describe("benchmark heatmap layout", () => {
  it("fits a 1280 px window with no sideways scrolling and shows all 37 benchmarks under their categories, every value readable", async () => {
    const opened = await openPage(site.harness, "/paper/heatmap", "#heatmap-status");
    const {page} = opened;
    await page.setViewportSize({width: 1280, height: 800});
    await page.locator("#heatmap-version label", {hasText: "v2"}).click();
    await page.locator("#heatmap-status").getByText(/^Published, v2: 9 models × 37 benchmarks, 333 scored cells\.$/).waitFor();
    // Framework redraws on resize; wait until the chart matches the new width.
    await page.waitForFunction(() => {
      const svgs = document.querySelectorAll("#heatmap-chart svg");
      const chart = svgs[svgs.length - 1];
      return chart && Math.abs(chart.getBoundingClientRect().width - document.querySelector("#heatmap-chart")!.clientWidth) < 2;
    });
    const layout = await page.evaluate(() => {
      const svgs = document.querySelectorAll("#heatmap-chart svg");
      const chart = svgs[svgs.length - 1];
      const texts = [...chart.querySelectorAll("text")];
      const values = texts.filter((t) => /^\d\.\d\d$/.test(t.textContent ?? ""));
      const cells = [...chart.querySelectorAll("rect")].filter((r) => r.closest("[aria-label='cell']"));
      return {
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        chartRight: chart.getBoundingClientRect().right,
        texts: texts.map((t) => t.textContent ?? ""),
        values: values.length,
        widestValue: Math.max(...values.map((t) => t.getBoundingClientRect().width)),
        narrowestCell: Math.min(...cells.map((r) => r.getBoundingClientRect().width)),
        valueFont: Math.min(...values.map((t) => parseFloat(getComputedStyle(t).fontSize)))
      };
    });
    expect(layout.clientWidth).toBe(1280);
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
    expect(layout.chartRight).toBeLessThanOrEqual(layout.clientWidth);
    // Every benchmark has its row, under its category's heading.
    expect(catalogue).toHaveLength(37);
    for (const b of catalogue) expect(layout.texts).toContain(b.name);
    for (const heading of ["Clinical Decision Support", "Clinical Note Generation", "Patient Communication and Education", "Medical Research Assistance", "Administration and Workflow"]) {
      expect(layout.texts).toContain(heading);
    }
    // 9 x 37 printed values, each inside its cell, at a legible size.
    expect(layout.values).toBe(333);
    expect(layout.widestValue).toBeLessThan(layout.narrowestCell);
    expect(layout.valueFont).toBeGreaterThanOrEqual(10);
    expectClean(opened);
    await page.close();
  });
});
