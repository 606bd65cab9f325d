/**
 * Page performance benchmark (`npm run bench:pages -- --json`): builds the site over a synthetic
 * full-suite result set (37 benchmarks x 12 models, see scripts/synthetic-results.ts), serves it
 * on loopback and measures in headless Chromium:
 *
 * - `first_render_ms`: navigation start to the first leaderboard chart in the DOM (median of
 *   three cold page loads, each in a fresh browser context);
 * - `slice_median_ms`: median time from an input change on the Explore page to the replaced chart
 *   in the DOM, over 12 slicing interactions (metric and access tier);
 * - `dist_mb`: size of the built site.
 *
 * Options: `--json` prints only the JSON line; `--results DIR` uses existing result folders
 * instead of generating them; `--dist DIR` measures an existing build; `--config FILE --out DIR
 * --build-only` builds a site from any configuration (handy while editing pages). The build holds the test build's lock and clears
 * Framework's loader cache before and after, so it never mixes data with a test build.
 */
import {execFile} from "node:child_process";
import {mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {promisify} from "node:util";
import {openPage, startHarness} from "../test/browser.ts";
import {fullSuitePlan, writePlan} from "./synthetic-results.ts";

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, "..");
const lock = join(root, ".medhelm", "site-test", "lock");
const loaderCache = join(root, "src", ".observablehq", "cache", "data");

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const json = process.argv.includes("--json");
const say = (m: string) => (json ? process.stderr : process.stdout).write(`${m}\n`);

/** Waits for and takes the site build lock shared with test/site-build.ts. */
async function takeLock(): Promise<void> {
  mkdirSync(join(root, ".medhelm", "site-test"), {recursive: true});
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lock}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Builds the site for `config` into `out`; returns the build time in seconds. */
export async function buildSite(config: string, out: string): Promise<number> {
  await takeLock();
  const started = Date.now();
  try {
    rmSync(loaderCache, {recursive: true, force: true});
    const env = {...process.env, MEDHELM_CONFIG: config, MEDHELM_SITE_OUT: out, OPENAI_BASE_URL: "", OPENAI_API_KEY: ""};
    await exec("npm", ["run", "build"], {cwd: root, env, maxBuffer: 256 * 1024 * 1024});
  } finally {
    rmSync(loaderCache, {recursive: true, force: true});
    rmSync(lock, {recursive: true, force: true});
  }
  return (Date.now() - started) / 1000;
}

/** Total size of the files under `dir`, in bytes. */
function sizeOf(dir: string): number {
  return readdirSync(dir, {withFileTypes: true}).reduce((sum, e) => sum + (e.isDirectory() ? sizeOf(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
}

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Milliseconds from navigation start until the leaderboard's first chart is in the DOM. */
async function firstRender(base: string, browser: import("playwright-core").Browser): Promise<number> {
  const context = await browser.newContext({viewport: {width: 1200, height: 900}});
  const page = await context.newPage();
  await page.route("**/*", (route) => (new URL(route.request().url()).hostname === "127.0.0.1" ? route.continue() : route.abort()));
  await page.addInitScript(() => {
    const w = window as unknown as {__firstRender: number | null};
    w.__firstRender = null;
    new MutationObserver((_, observer) => {
      if (document.querySelector("#leaderboard-chart svg")) {
        w.__firstRender = performance.now();
        observer.disconnect();
      }
    }).observe(document, {subtree: true, childList: true});
  });
  await page.goto(`${base}/`);
  await page.waitForFunction(() => (window as unknown as {__firstRender: number | null}).__firstRender !== null, undefined, {timeout: 60_000});
  const ms = await page.evaluate(() => (window as unknown as {__firstRender: number}).__firstRender);
  await context.close();
  return ms;
}

/** One slicing interaction on the Explore page: returns ms from the input event to the replaced chart. */
async function slice(page: import("playwright-core").Page, action: {kind: "metric"; index: number} | {kind: "access"; tier: string}): Promise<number> {
  return page.evaluate((action) => {
    const before = document.querySelector("#explore-chart");
    return new Promise<number>((done, fail) => {
      const t0 = performance.now();
      const observer = new MutationObserver(() => {
        const now = document.querySelector("#explore-chart");
        if (now && now !== before) {
          observer.disconnect();
          done(performance.now() - t0);
        }
      });
      observer.observe(document.querySelector("main")!, {subtree: true, childList: true});
      setTimeout(() => fail(new Error("chart did not update within 30 s")), 30_000);
      if (action.kind === "metric") {
        const select = [...document.querySelectorAll("main form")].find((f) => f.textContent?.includes("Metric"))!.querySelector("select")!;
        select.value = String(action.index);
        select.dispatchEvent(new Event("input", {bubbles: true}));
      } else {
        const box = [...document.querySelectorAll<HTMLInputElement>("main input[type=checkbox]")].find((i) => i.parentElement?.textContent?.trim() === action.tier)!;
        box.checked = !box.checked;
        box.dispatchEvent(new Event("input", {bubbles: true}));
      }
    });
  }, action);
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "medhelm-bench-pages-"));
  const out = flag("--dist") ? resolve(flag("--dist")!) : flag("--out") ? resolve(flag("--out")!) : join(work, "dist");
  let config = flag("--config") && !flag("--dist") ? resolve(flag("--config")!) : undefined;
  try {
    if (flag("--dist")) say(`measuring the existing build ${out}`);
    else if (!config) {
      let results = flag("--results") ? resolve(flag("--results")!) : undefined;
      if (!results) {
        results = join(work, "results");
        const counts = await writePlan(fullSuitePlan(), results);
        say(`synthetic results: ${JSON.stringify(counts)}`);
      }
      config = join(work, "medhelm.config.json");
      writeFileSync(config, JSON.stringify({site: {run: false, include: [results]}}));
    }
    if (config) say(`built ${out} in ${(await buildSite(config, out)).toFixed(1)} s`);
    if (process.argv.includes("--build-only")) return;
    const distMb = sizeOf(out) / 1e6;
    const harness = await startHarness(out);
    try {
      // One warm-up load fills the OS file cache; the three measured loads use fresh contexts.
      await firstRender(harness.base, harness.browser);
      const renders: number[] = [];
      for (let i = 0; i < 3; i++) renders.push(await firstRender(harness.base, harness.browser));
      say(`first render (ms): ${renders.map((x) => x.toFixed(0)).join(", ")}`);

      const {page, problems} = await openPage(harness, "/explore", "#explore-chart svg");
      const metrics = await page.locator("main form", {hasText: "Metric"}).locator("option").count();
      const actions: Array<{kind: "metric"; index: number} | {kind: "access"; tier: string}> = [];
      for (let i = 1; i < Math.min(metrics, 8); i++) actions.push({kind: "metric", index: i});
      actions.push({kind: "metric", index: 0});
      for (const tier of ["gated", "private", "gated", "private"]) actions.push({kind: "access", tier});
      while (actions.length < 12) actions.push({kind: "access", tier: "public"});
      const latencies: number[] = [];
      for (const action of actions) {
        latencies.push(await slice(page, action));
        // Let the other cells of the page settle before the next interaction.
        await page.waitForTimeout(300);
      }
      say(`slice latencies (ms): ${latencies.map((x) => x.toFixed(0)).join(", ")}`);
      if (problems.length) say(`page problems: ${problems.join("; ")}`);
      const result = {first_render_ms: Math.round(median(renders)), slice_median_ms: Math.round(median(latencies)), dist_mb: Math.round(distMb * 10) / 10};
      console.log(JSON.stringify(result));
    } finally {
      await harness.close();
    }
  } finally {
    rmSync(work, {recursive: true, force: true});
  }
}

await main();
