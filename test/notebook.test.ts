/**
 * The notebook page in a real browser on the shared test build (test/site-build.ts): a query from
 * the address renders its table, a two-column result charts, DuckDB's errors and a broken address
 * show in place while the rest keeps working, cells are added, reordered and kept in the address
 * and in local storage, every example runs, a long query can be cancelled, a 100,000-row result
 * pages, and "Export as page" downloads a page that Framework builds and that renders its table.
 */
import {execFile} from "node:child_process";
import {cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {promisify} from "node:util";
import type {Download, Page} from "playwright-core";
import {describe, expect, it} from "vitest";
// @ts-expect-error: a plain browser module without type declarations.
import {EXAMPLES} from "../src/components/notebookExamples.js";
import {openPage, startHarness} from "./browser.ts";
import {builtTable, serveBuiltSite} from "./built-tables.ts";

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, "..");
const site = serveBuiltSite();

/** The address of the notebook holding one query. */
const withQuery = (sql: string) => `/notebook?sql=${encodeURIComponent(sql)}`;

/** Waits in this file are long: DuckDB-WASM starts slowly on a busy two-core machine. */
const WAIT = 120_000;

/** Opens a page of the test site with the long waits of this file. */
async function open(path: string, ready: string, harness = site.harness) {
  const opened = await openPage(harness, path, ready, WAIT);
  opened.page.setDefaultTimeout(WAIT);
  return opened;
}

async function downloaded(download: Download): Promise<string> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** The texts of a cell's result table, header first. */
async function tableTexts(page: Page, cell: number): Promise<string[][]> {
  return page.locator(`.notebook-cell[data-cell="${cell}"] .notebook-table tr`).evaluateAll((rows) => rows.map((r) => Array.from(r.children, (c) => (c as HTMLElement).innerText)));
}

describe("notebook", () => {
  it("runs the query in the address and shows 4242 and the count of the shipped scores", async () => {
    const scores = builtTable(site.dist, "scores");
    const {page, external, problems} = await open(withQuery("SELECT 4242 AS answer, (SELECT count(*) FROM scores) AS score_rows"), ".notebook-table td");
    expect(await tableTexts(page, 1)).toEqual([["answer", "score_rows"], ["4242", String(scores.length)]]);
    expect(await page.locator('.notebook-cell[data-cell="1"] .notebook-status').innerText()).toMatch(/^1 row in /);
    // The tables beside the editor fill in with their row counts; a click inserts a name at the cursor.
    await page.locator('li[data-table="scores"] .notebook-table-rows').getByText(`${scores.length.toLocaleString("en-US")} rows`).waitFor();
    const editor = page.locator(".notebook-editor").first();
    await editor.fill("SELECT count(*) AS n FROM ");
    await page.locator('li[data-table="win_rates"] .notebook-insert').first().click();
    expect(await editor.inputValue()).toBe("SELECT count(*) AS n FROM win_rates");
    await page.locator(".notebook-run").first().click();
    await page.locator('.notebook-cell[data-cell="1"] .notebook-status').getByText(/^1 row in /).waitFor();
    expect((await tableTexts(page, 1))[1]).toEqual([String(builtTable(site.dist, "win_rates").length)]);
    // Downloads: the rows as CSV and as JSON {"rows": [...]}.
    const [csv] = await Promise.all([page.waitForEvent("download"), page.locator(".notebook-download-csv").first().click()]);
    expect(await downloaded(csv)).toBe(`n\n${builtTable(site.dist, "win_rates").length}\n`);
    const [json] = await Promise.all([page.waitForEvent("download"), page.locator(".notebook-download-json").first().click()]);
    expect(JSON.parse(await downloaded(json))).toEqual({rows: [{n: builtTable(site.dist, "win_rates").length}]});
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 400_000);

  it("charts a two-column result as one bar per row, and names a chart column the result lost", async () => {
    const entries = builtTable(site.dist, "win_rates").filter((d) => d.scope === "all" && d.win_rate !== null);
    const sql = "SELECT label, win_rate FROM win_rates WHERE scope = 'all' AND win_rate IS NOT NULL ORDER BY label";
    const {page, problems} = await open(withQuery(sql), ".notebook-table td");
    await page.locator(".notebook-chart-toggle").first().click();
    await page.locator(".notebook-chart svg").first().waitFor();
    expect(await page.locator(".notebook-chart-mark").first().inputValue()).toBe("bar");
    expect(await page.locator(".notebook-chart-x").first().inputValue()).toBe("label");
    expect(await page.locator(".notebook-chart-y").first().inputValue()).toBe("win_rate");
    expect(await page.locator(".notebook-chart svg g[aria-label='bar'] rect").count()).toBe(entries.length);
    // A chart kept in the address while the query changed: the lost column is named, the table still shows.
    await page.locator(".notebook-chart-mark").first().selectOption("dot");
    await page.locator(".notebook-chart svg g[aria-label='dot'] circle").first().waitFor();
    await page.locator(".notebook-editor").first().fill("SELECT label AS entry, win_rate FROM win_rates WHERE scope = 'all'");
    await page.locator(".notebook-run").first().click();
    await page.locator(".notebook-chart-problem").getByText('The chart uses the column "label" (x), which this result does not have; choose another.').waitFor();
    expect(await page.locator(".notebook-table td").count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  }, 400_000);

  it("shows DuckDB's error inline, and the other cells and new ones keep working", async () => {
    const {page, external, problems} = await open(withQuery("SELECT nope FROM scores"), ".notebook-error");
    expect(await page.locator('.notebook-cell[data-cell="1"] .notebook-error').innerText()).toMatch(/Binder Error: Referenced column "nope" not found/);
    await page.locator(".notebook-add").click();
    await page.locator('.notebook-cell[data-cell="2"] .notebook-editor').fill("SELECT 7 AS seven WHERE false");
    await page.locator('.notebook-cell[data-cell="2"] .notebook-run').click();
    await page.locator('.notebook-cell[data-cell="2"] .notebook-empty').getByText("The query ran and returned no rows (columns: seven).").waitFor();
    await page.locator('.notebook-cell[data-cell="2"] .notebook-editor').fill("SELECT 7 AS seven");
    await page.locator('.notebook-cell[data-cell="2"] .notebook-editor').press("Control+Enter");
    await page.locator('.notebook-cell[data-cell="2"] .notebook-table td').getByText("7").waitFor();
    expect(await page.locator('.notebook-cell[data-cell="1"] .notebook-error').count()).toBe(1);
    // The long text is not in the shipped tables, so it cannot be queried.
    await page.locator('.notebook-cell[data-cell="2"] .notebook-editor').fill("SELECT output_text FROM completions");
    await page.locator('.notebook-cell[data-cell="2"] .notebook-run').click();
    await page.locator('.notebook-cell[data-cell="2"] .notebook-error').getByText(/Referenced column "output_text" not found/).waitFor();
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 400_000);

  it("keeps added, reordered and removed cells in the address and in local storage", async () => {
    const {page, problems} = await open(withQuery("SELECT 1 AS one"), ".notebook-table td");
    await page.locator(".notebook-add").click();
    await page.locator('.notebook-cell[data-cell="2"] .notebook-editor').fill("SELECT 2 AS two");
    await page.locator(".notebook-add").click();
    await page.locator('.notebook-cell[data-cell="3"] .notebook-editor').fill("SELECT 3 AS three");
    await page.locator('.notebook-cell[data-cell="3"] button[title="Move up"]').click();
    await page.locator('.notebook-cell[data-cell="1"] button[title="Remove this cell"]').click();
    await page.locator('.notebook-cell[data-cell="1"] .notebook-chart-toggle').click();
    await page.waitForFunction(() => new URLSearchParams(location.search).has("nb"));
    const editors = () => page.locator(".notebook-editor").evaluateAll((els) => els.map((e) => (e as HTMLTextAreaElement).value));
    expect(await editors()).toEqual(["SELECT 3 AS three", "SELECT 2 AS two"]);
    const address = page.url();
    expect(new URL(address).searchParams.get("nb")).toMatch(/^1\.[A-Za-z0-9_-]+$/);

    // The link reproduces the notebook in a fresh browser context (no local storage there).
    const fresh = await site.harness.browser.newContext();
    const other = await fresh.newPage();
    other.setDefaultTimeout(WAIT);
    await other.goto(address);
    await other.locator('.notebook-cell[data-cell="2"] .notebook-table td').getByText("2").waitFor();
    expect(await other.locator(".notebook-editor").evaluateAll((els) => els.map((e) => (e as HTMLTextAreaElement).value))).toEqual(["SELECT 3 AS three", "SELECT 2 AS two"]);
    expect(await other.locator('.notebook-cell[data-cell="1"] .notebook-chart svg').count()).toBe(1);
    await fresh.close();

    // The same browser, back without a notebook in the address: the last notebook comes back.
    await page.goto(`${site.harness.base}/notebook`);
    await page.locator('.notebook-cell[data-cell="2"] .notebook-table td').getByText("2").waitFor();
    expect(await editors()).toEqual(["SELECT 3 AS three", "SELECT 2 AS two"]);
    expect(problems).toEqual([]);
    await page.close();
  }, 400_000);

  it("explains a broken notebook address and still works", async () => {
    const {page, problems} = await open("/notebook?nb=1.this-link-was-cut", "#notebook-notice .notebook-error");
    expect(await page.locator("#notebook-notice").innerText()).toBe(
      "The notebook in this address could not be read: the notebook code is damaged (it does not inflate); was the link cut short? Showing the starter notebook instead."
    );
    await page.locator('.notebook-cell[data-cell="1"] .notebook-table td').first().waitFor();
    expect(problems).toEqual([]);
    await page.close();
  }, 400_000);

  it("runs every example cell without an error", async () => {
    const {page, problems} = await open(withQuery("SELECT 1 AS ready"), ".notebook-table td");
    await page.locator(".notebook-examples summary").click();
    for (let i = 0; i < (EXAMPLES as Array<{title: string; chart?: unknown}>).length; i++) {
      await page.locator(`.notebook-example[data-example="${i + 1}"]`).click();
      const cell = page.locator(`.notebook-cell[data-cell="${i + 2}"]`);
      await cell.locator(".notebook-status").getByText(/rows? in |^error$/).waitFor();
      expect(await cell.locator(".notebook-error").count(), `example ${i + 1}: ${EXAMPLES[i].title}`).toBe(0);
      if (EXAMPLES[i].chart) {
        const drawn = (await cell.locator(".notebook-chart svg").count()) + (await cell.locator(".notebook-chart-problem, .notebook-cell-chart .muted").count());
        expect(drawn, `example ${i + 1} draws its chart or says why not`).toBeGreaterThan(0);
        expect(await cell.locator(".notebook-chart-problem").count(), `example ${i + 1}: ${await cell.locator(".notebook-cell-chart").innerText()}`).toBe(0);
      }
    }
    expect(problems).toEqual([]);
    await page.close();
  }, 600_000);

  it("pages through 100,000 rows and cancels a long query, after which queries run again", async () => {
    const {page, problems} = await open(withQuery("SELECT i, i * 2 AS twice FROM range(100000) t(i)"), ".notebook-table td");
    const cell = page.locator('.notebook-cell[data-cell="1"]');
    expect(await cell.locator(".notebook-status").innerText()).toMatch(/^100,000 rows in /);
    expect(await cell.locator(".notebook-table tbody tr").count()).toBe(100);
    expect(await cell.locator(".notebook-page-position").innerText()).toBe("rows 1–100 of 100,000");
    await cell.getByText("next ›").click();
    expect(await cell.locator(".notebook-page-position").innerText()).toBe("rows 101–200 of 100,000");
    expect((await tableTexts(page, 1))[1]).toEqual(["100", "200"]);

    await cell.locator(".notebook-editor").fill("SELECT sum(hash(a.i + b.i)) FROM range(1000000) a(i), range(1000000) b(i)");
    await cell.locator(".notebook-run").click();
    await cell.locator(".notebook-status").getByText(/^running/).waitFor();
    await cell.locator(".notebook-cancel").click();
    await cell.locator(".notebook-error").getByText("The query was cancelled.").waitFor();
    await cell.locator(".notebook-editor").fill("SELECT 42 AS after_cancel");
    await cell.locator(".notebook-run").click();
    await cell.locator(".notebook-table td").getByText("42").waitFor();
    expect(problems.filter((p) => !/cancel|terminat|interrupt/i.test(p))).toEqual([]);
    await page.close();
  }, 400_000);

  it("exports the notebook as a page that Framework builds and that renders its table and chart", async () => {
    const sql = "SELECT label, win_rate FROM win_rates WHERE scope = 'all' AND win_rate IS NOT NULL ORDER BY label";
    const {page, problems} = await open(withQuery(sql), ".notebook-table td");
    await page.locator(".notebook-chart-toggle").first().click();
    await page.locator(".notebook-chart svg").first().waitFor();
    page.once("dialog", (dialog) => void dialog.accept("Win rates, exported"));
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator(".notebook-export").click()]);
    expect(download.suggestedFilename()).toBe("win-rates-exported.md");
    const markdown = await downloaded(download);
    expect(markdown).toContain("sql:\n  win_rates: ./data/suite/win_rates.arrow\n---");
    expect(markdown).toContain("```sql id=cell1 display\n" + sql + "\n```");
    expect(markdown).toContain('Plot.barY(cell1, {"x":"label","y":"win_rate","tip":true})');
    await page.close();

    // A project with only the site's tables and Framework's vendored modules; the page goes into src/.
    const project = mkdtempSync(join(tmpdir(), "medhelm-export-"));
    try {
      const suite = join(site.dist, "_file", "data", "suite");
      mkdirSync(join(project, "src", "data", "suite"), {recursive: true});
      for (const file of readdirSync(suite).filter((f) => f.endsWith(".arrow"))) cpSync(join(suite, file), join(project, "src", "data", "suite", `${file.split(".")[0]}.arrow`));
      cpSync(join(root, "src", ".observablehq", "cache", "_npm"), join(project, "src", ".observablehq", "cache", "_npm"), {recursive: true});
      writeFileSync(join(project, "observablehq.config.js"), `export default {root: "src", search: false, globalStylesheets: [], duckdb: {extensions: {json: null, parquet: null}}};\n`);
      writeFileSync(join(project, "src", "win-rates-exported.md"), markdown);
      await exec(process.execPath, [join(root, "node_modules", "@observablehq", "framework", "dist", "bin", "observable.js"), "build"], {
        cwd: project, env: {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true"}, maxBuffer: 64 * 1024 * 1024
      });
      expect(readFileSync(join(project, "dist", "win-rates-exported.html"), "utf8")).toContain("Win rates, exported");
      const harness = await startHarness(join(project, "dist"));
      try {
        const opened = await open("/win-rates-exported", "main table td", harness);
        const rows = builtTable(site.dist, "win_rates").filter((d) => d.scope === "all" && d.win_rate !== null);
        await opened.page.locator("main svg g[aria-label='bar'] rect").first().waitFor();
        expect(await opened.page.locator("main svg g[aria-label='bar'] rect").count()).toBe(rows.length);
        expect(opened.external).toEqual([]);
        expect(opened.problems).toEqual([]);
      } finally {
        await harness.close();
      }
    } finally {
      rmSync(project, {recursive: true, force: true});
    }
  }, 600_000);
});

describe("worked example", () => {
  it("the committed exported page renders its three tables and two charts", async () => {
    const {page, external, problems} = await open("/notebook-example", "main svg");
    await page.locator("main table").nth(2).waitFor();
    expect(await page.locator("main table").count()).toBe(3);
    await page.locator("main svg g[aria-label='cell'] rect").first().waitFor();
    // One bar per benchmark with an answer scored by two judges or more.
    const judged = new Map<string, number>();
    for (const d of builtTable(site.dist, "judge_composites")) {
      const key = [d.benchmark, d.run_id, d.label, d.instance_id].join("\u0000");
      judged.set(key, (judged.get(key) ?? 0) + 1);
    }
    const benchmarks = new Set([...judged].filter(([, n]) => n >= 2).map(([key]) => key.split("\u0000")[0]));
    expect(benchmarks.size).toBeGreaterThan(0);
    expect(await page.locator("main svg g[aria-label='bar'] rect").count()).toBe(benchmarks.size);
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 400_000);
});

describe("notebook governance", () => {
  it("ships the notebook's raw tables without their long text columns", () => {
    const columns = (name: string) => Object.keys(builtTable(site.dist, name)[0] ?? {});
    expect(columns("completions")).not.toEqual(expect.arrayContaining(["output_text"]));
    expect(columns("completions")).not.toContain("answer_text");
    expect(columns("judgments")).not.toContain("explanation");
    expect(columns("instances")).toEqual(["run_id", "benchmark", "instance_id", "subset", "split", "input_chars"]);
    expect(columns("scores")).toContain("unscored_reason");
  });
});
