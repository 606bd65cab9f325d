/**
 * The site ships one DuckDB-WASM bundle (EH, WebAssembly exceptions). In a browser that has it
 * (every current one, the test's Chromium included) the pages load it and say nothing; where it
 * is missing every page says so at the top instead of failing silently. The MVP bundle is not
 * published (Framework still copies its files, as empty placeholders).
 */
import {readdirSync, statSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {serveBuiltSite} from "../built-tables.ts";
import {openPage} from "../browser.ts";

const site = serveBuiltSite();

describe("one DuckDB-WASM bundle", () => {
  it("publishes the EH bundle and no MVP bytes", () => {
    const dir = readdirSync(join(site.dist, "_npm", "@duckdb")).find((d) => d.startsWith("duckdb-wasm@"))!;
    const files = readdirSync(join(site.dist, "_npm", "@duckdb", dir, "dist"));
    const size = (pattern: RegExp) => files.filter((f) => pattern.test(f)).reduce((sum, f) => sum + statSync(join(site.dist, "_npm", "@duckdb", dir, "dist", f)).size, 0);
    expect(size(/^duckdb-eh\.wasm$/)).toBeGreaterThan(10e6);
    expect(size(/mvp/)).toBe(0);
  });

  it("runs the Explore page's queries in Chromium with no notice", async () => {
    const {page, problems} = await openPage(site.harness, "/explore", "#explore-chart svg");
    expect(await page.locator("#duckdb-unsupported").count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it("tells the reader when the browser lacks WebAssembly exceptions", async () => {
    const context = await site.harness.browser.newContext();
    const page = await context.newPage();
    // A browser without exception handling rejects the test module, as WebAssembly.validate does here.
    await page.addInitScript(() => {
      WebAssembly.validate = () => false;
    });
    await page.goto(`${site.harness.base}/`);
    const notice = page.locator("#duckdb-unsupported");
    await notice.waitFor({timeout: 30_000});
    expect(await notice.innerText()).toMatch(/cannot run the site's database .*WebAssembly exception handling/);
    await context.close();
  }, 60_000);
});
