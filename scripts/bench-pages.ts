/**
 * Page performance benchmark (`npm run bench:pages -- --json --models N`): builds the site over a
 * synthetic full-suite result set (37 benchmarks x N models, 12 by default; see
 * scripts/synthetic-results.ts), serves it on loopback and measures in headless Chromium. Prints
 * one JSON line:
 *
 * - `first_render_ms`: navigation start to the first leaderboard chart in the DOM (median of
 *   three cold page loads, each in a fresh browser context);
 * - `plain_duckdb_first_render_ms`: the same, for a plain page written beside the built site (not
 *   part of it) the straightforward way: start DuckDB-WASM, insert the same leaderboard table, draw
 *   one chart from a GROUP BY; the yardstick of the first render;
 * - `slice_median_ms`: median time from an input change on the Explore page to the replaced chart
 *   in the DOM, over 12 slicing interactions (metric and access tier);
 * - `dist_mb`: size of the built site;
 * - `build_s` and `build_peak_rss_mb`: a cold build (no loader cache, no statistics cache) and the
 *   peak resident memory of its process tree (sampled from /proc once a second); `build_cpu_s` is its CPU time
 *   (user + system of every process, from GNU time), which other load on a shared machine
 *   changes much less than the wall time;
 * - `incremental_build_s`: a second build after adding a run of one more model, which reuses the
 *   statistics cache of the first (see data-loaders/site/stats-cache.ts); `incremental_build_cpu_s`
 *   its CPU time.
 *
 * Options: `--json` prints only the JSON line; `--models N` sizes the synthetic suite; `--results
 * DIR` uses existing result folders instead of generating them; `--dist DIR` measures an existing
 * build; `--no-incremental` skips the second build; `--config FILE --out DIR --build-only` builds
 * a site from any configuration (handy while editing pages). The build holds the test build's
 * lock and clears Framework's loader cache before and after, so it never mixes data with a test
 * build.
 */
import {spawn} from "node:child_process";
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {openPage, startHarness} from "../test/browser.ts";
import {fullSuitePlan, writePlan, type SyntheticPlan} from "./synthetic-results.ts";

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

/** A finished build: its wall time, CPU time (user + system, null where unknown) and the peak resident memory of its process tree. */
export interface BuildMeasure {
  seconds: number;
  cpuSeconds: number | null;
  peakRssMb: number;
}

/** GNU time, which sums the CPU time of a command and every process it waited for. */
const GNU_TIME = "/usr/bin/time";

/** Resident memory (bytes) of every process in process group `pgid`, read from /proc. */
function groupRss(pgid: number): number {
  let total = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      // Fields after the command name (which may hold spaces) start after its closing parenthesis.
      const stat = readFileSync(`/proc/${pid}/stat`, "utf-8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid) total += Number(fields[21]) * 4096;
    } catch {
      // The process ended between listing and reading.
    }
  }
  return total;
}

/**
 * Builds the site for `config` into `out`. `statsCache` is the statistics cache directory the
 * build uses (emptied first when `cold`).
 */
export async function buildSite(config: string, out: string, {statsCache, cold = true}: {statsCache?: string; cold?: boolean} = {}): Promise<BuildMeasure> {
  await takeLock();
  const started = Date.now();
  let peak = 0;
  let cpuSeconds: number | null = null;
  try {
    rmSync(loaderCache, {recursive: true, force: true});
    if (statsCache && cold) rmSync(statsCache, {recursive: true, force: true});
    const env = {
      ...process.env, MEDHELM_CONFIG: config, MEDHELM_SITE_OUT: out, OPENAI_BASE_URL: "", OPENAI_API_KEY: "",
      ...(statsCache ? {MEDHELM_STATS_CACHE: statsCache} : {})
    };
    // Its own process group, so that the memory of npm, Framework and the data loader is summed.
    // On a shared machine the wall time depends on the other load; the CPU time much less.
    const timed = existsSync(GNU_TIME);
    const times = join(tmpdir(), `medhelm-bench-time-${process.pid}.txt`);
    const [command, ...args] = [...(timed ? [GNU_TIME, "-f", "%U %S", "-o", times] : []), "npm", "run", "build"];
    const child = spawn(command, args, {cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"]});
    let log = "";
    child.stdout.on("data", (d) => (log += d));
    child.stderr.on("data", (d) => (log += d));
    // Once a second: reading every /proc entry is not free on a busy machine, and the peaks of a build last longer.
    const sampler = setInterval(() => (peak = Math.max(peak, groupRss(child.pid!))), 1000);
    try {
      const code = await new Promise<number | null>((done, fail) => child.once("error", fail).once("close", done));
      if (code !== 0) throw new Error(`site build failed (exit ${code}):\n${log.slice(-4000)}`);
      if (timed) {
        const [user, system] = readFileSync(times, "utf-8").trim().split(/\s+/).map(Number);
        cpuSeconds = user + system;
        rmSync(times, {force: true});
      }
      if (process.env.MEDHELM_BENCH_LOG) writeFileSync(process.env.MEDHELM_BENCH_LOG, log, {flag: "a"});
    } finally {
      clearInterval(sampler);
    }
  } finally {
    rmSync(loaderCache, {recursive: true, force: true});
    rmSync(lock, {recursive: true, force: true});
  }
  return {seconds: (Date.now() - started) / 1000, cpuSeconds, peakRssMb: Math.round(peak / 1e6)};
}

/** Total size of the files under `dir`, in bytes. */
function sizeOf(dir: string): number {
  return readdirSync(dir, {withFileTypes: true}).reduce((sum, e) => sum + (e.isDirectory() ? sizeOf(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
}

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Milliseconds from navigation start until `selector` (an SVG chart) is in the DOM of `url`. */
async function firstRender(url: string, browser: import("playwright-core").Browser, selector = "#leaderboard-chart svg"): Promise<number> {
  const context = await browser.newContext({viewport: {width: 1200, height: 900}});
  const page = await context.newPage();
  await page.route("**/*", (route) => (new URL(route.request().url()).hostname === "127.0.0.1" ? route.continue() : route.abort()));
  await page.addInitScript((selector) => {
    const w = window as unknown as {__firstRender: number | null};
    w.__firstRender = null;
    new MutationObserver((_, observer) => {
      if (document.querySelector(selector)) {
        w.__firstRender = performance.now();
        observer.disconnect();
      }
    }).observe(document, {subtree: true, childList: true});
  }, selector);
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as {__firstRender: number | null}).__firstRender !== null, undefined, {timeout: 60_000});
  const ms = await page.evaluate(() => (window as unknown as {__firstRender: number}).__firstRender);
  await context.close();
  return ms;
}

/** The one file under `dir` whose name matches `pattern` (Framework adds content hashes to names). */
function findFile(dir: string, pattern: RegExp): string {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, {withFileTypes: true})) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (pattern.test(e.name)) hits.push(join(d, e.name));
    }
  };
  walk(dir);
  if (hits.length !== 1) throw new Error(`expected one file matching ${pattern} under ${dir}, found ${hits.length}`);
  return hits[0];
}

/**
 * Writes the plain DuckDB-WASM page into `dir`: the straightforward way to draw the leaderboard,
 * with the site's own copies of DuckDB-WASM (the bundle the site uses), Arrow and Plot, and the
 * site's leaderboard table. It starts DuckDB, inserts the table, runs one GROUP BY and draws one
 * chart; nothing else.
 */
function writePlainPage(dist: string, dir: string): void {
  const npm = join(dist, "_npm");
  const module = (pkg: string) => {
    const base = readdirSync(join(npm, ...pkg.split("/").slice(0, -1))).find((d) => d.startsWith(`${pkg.split("/").at(-1)}@`));
    if (!base) throw new Error(`${pkg} is not in ${npm}`);
    const folder = join(npm, ...pkg.split("/").slice(0, -1), base);
    // Framework names a package's bundle after its content hash (`<hash>.js`) in the package folder.
    const entries = readdirSync(folder).filter((f) => /^(_esm|[0-9a-f]{8})\.js$/.test(f));
    if (entries.length !== 1) throw new Error(`expected one bundle in ${folder}, found ${entries.join(", ") || "none"}`);
    const entry = entries[0];
    return `/_npm/${pkg.split("/").slice(0, -1).concat(base).join("/")}/${entry}`;
  };
  const duckdbDir = join(npm, "@duckdb", readdirSync(join(npm, "@duckdb")).find((d) => d.startsWith("duckdb-wasm@"))!);
  const asset = (pattern: RegExp) => `/${findFile(duckdbDir, pattern).slice(dist.length + 1)}`;
  mkdirSync(dir, {recursive: true});
  cpSync(findFile(join(dist, "_file"), /^leaderboard\.[0-9a-f]+\.arrow$|^leaderboard\.arrow$/), join(dir, "leaderboard.arrow"));
  writeFileSync(join(dir, "index.html"), `<!doctype html>
<meta charset="utf-8"><title>Plain DuckDB-WASM leaderboard</title>
<div id="chart"></div>
<script type="module">
import * as duckdb from "${module("@duckdb/duckdb-wasm")}";
import * as Arrow from "${module("apache-arrow")}";
import * as Plot from "${module("@observablehq/plot")}";
const worker = new Worker("${asset(/^duckdb-browser-eh\.worker(\.[0-9a-f]+)?\.js$/)}");
const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
const [, bytes] = await Promise.all([
  db.instantiate("${asset(/^duckdb-eh(\.[0-9a-f]+)?\.wasm$/)}"),
  fetch("leaderboard.arrow").then((r) => r.arrayBuffer())
]);
const connection = await db.connect();
await connection.insertArrowTable(Arrow.tableFromIPC(bytes), {name: "leaderboard"});
const rows = (await connection.query("SELECT label, avg(value_normalized) AS score FROM leaderboard WHERE is_main GROUP BY label ORDER BY score DESC")).toArray().map((r) => r.toJSON());
document.querySelector("#chart").append(Plot.plot({marginLeft: 260, x: {domain: [0, 1]}, marks: [Plot.barX(rows, {y: "label", x: "score", sort: {y: "-x"}})]}));
</script>
`);
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

/** A run of one further model (the one an incremental build adds), in its own result folder. */
function addedModelPlan(models: number): SyntheticPlan {
  const plan = fullSuitePlan(0, models);
  return {...plan, runId: "synthetic-added", models: [{id: "synthetic/model-added", kind: "llm", ability: 0.5}]};
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "medhelm-bench-pages-"));
  const out = flag("--dist") ? resolve(flag("--dist")!) : flag("--out") ? resolve(flag("--out")!) : join(work, "dist");
  const models = Number(flag("--models") ?? 12);
  const statsCache = join(work, "stats-cache");
  let config = flag("--config") && !flag("--dist") ? resolve(flag("--config")!) : undefined;
  let results: string | undefined;
  let build: BuildMeasure | undefined;
  try {
    if (flag("--dist")) say(`measuring the existing build ${out}`);
    else if (!config) {
      results = flag("--results") ? resolve(flag("--results")!) : undefined;
      if (!results) {
        results = join(work, "results");
        const counts = await writePlan(fullSuitePlan(0, models), results);
        say(`synthetic results (${models} models): ${JSON.stringify(counts)}`);
      }
      config = join(work, "medhelm.config.json");
      writeFileSync(config, JSON.stringify({site: {run: false, include: [results]}}));
    }
    if (config) {
      build = await buildSite(config, out, {statsCache});
      say(`built ${out} in ${build.seconds.toFixed(1)} s (CPU ${build.cpuSeconds?.toFixed(1) ?? "unknown"} s, peak RSS ${build.peakRssMb} MB)`);
    }
    // The incremental build: the same results plus a run of one more model, over the first
    // build's statistics cache. It runs straight after the first, so that both builds see the same
    // machine (the browser measurements come after them).
    let second: BuildMeasure | undefined;
    if (build && results && !process.argv.includes("--no-incremental") && !process.argv.includes("--build-only")) {
      const added = join(work, "results-added");
      await writePlan(addedModelPlan(models), added);
      const config2 = join(work, "medhelm.config.added.json");
      writeFileSync(config2, JSON.stringify({site: {run: false, include: [results, added]}}));
      second = await buildSite(config2, join(work, "dist-added"), {statsCache, cold: false});
      say(`incremental build (one model added) in ${second.seconds.toFixed(1)} s (CPU ${second.cpuSeconds?.toFixed(1) ?? "unknown"} s, peak RSS ${second.peakRssMb} MB)`);
    }
    if (process.argv.includes("--build-only")) return;
    const distMb = sizeOf(out) / 1e6;
    const plainDir = join(out, "__plain-duckdb");
    writePlainPage(out, plainDir);
    const harness = await startHarness(out);
    // A measured existing build has as many models as it was built with, which only --models can say.
    const result: Record<string, number | null> = {models: flag("--dist") && !flag("--models") ? null : models};
    try {
      // One warm-up load of each page fills the OS file cache; the three measured loads of each
      // use fresh contexts, alternating between the two pages so that both see the same load.
      await firstRender(`${harness.base}/`, harness.browser);
      await firstRender(`${harness.base}/__plain-duckdb/`, harness.browser, "#chart svg");
      const renders: number[] = [];
      const plain: number[] = [];
      for (let i = 0; i < 3; i++) {
        renders.push(await firstRender(`${harness.base}/`, harness.browser));
        plain.push(await firstRender(`${harness.base}/__plain-duckdb/`, harness.browser, "#chart svg"));
      }
      say(`first render (ms): ${renders.map((x) => x.toFixed(0)).join(", ")}; plain DuckDB-WASM page: ${plain.map((x) => x.toFixed(0)).join(", ")}`);

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
      Object.assign(result, {
        first_render_ms: Math.round(median(renders)), plain_duckdb_first_render_ms: Math.round(median(plain)),
        slice_median_ms: Math.round(median(latencies)), dist_mb: Math.round(distMb * 10) / 10
      });
    } finally {
      await harness.close();
      rmSync(plainDir, {recursive: true, force: true});
    }
    result.build_s = build ? Math.round(build.seconds * 10) / 10 : null;
    result.build_cpu_s = build?.cpuSeconds == null ? null : Math.round(build.cpuSeconds * 10) / 10;
    result.incremental_build_s = second ? Math.round(second.seconds * 10) / 10 : null;
    result.incremental_build_cpu_s = second?.cpuSeconds == null ? null : Math.round(second.cpuSeconds * 10) / 10;
    result.build_peak_rss_mb = build ? build.peakRssMb : null;
    console.log(JSON.stringify(result));
  } finally {
    if (existsSync(work)) rmSync(work, {recursive: true, force: true});
  }
}

await main();
