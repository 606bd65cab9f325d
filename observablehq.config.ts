// Site configuration. Navigation and the per-benchmark pages come from the benchmark registry,
// so a new file in benchmarks/ appears on the site with no edit here.
import {existsSync} from "node:fs";
import {loadConfig} from "./data-loaders/runner/config.ts";
import {projectRegistry} from "./data-loaders/benchmark/registry.ts";
import {benchmarkSections} from "./data-loaders/site/taxonomy-tree.ts";

// The config's benchmarkDirs add a team's own benchmarks; files that fail to load are reported by `medhelm list` and the site's data loader.
const {benchmarks: registry} = await projectRegistry(loadConfig({cwd: process.cwd(), env: process.env, file: process.env.MEDHELM_CONFIG}));

// Shown at the top of every page in a browser without WebAssembly exception handling, where the
// site's DuckDB-WASM bundle cannot start. The bytes are the smallest module with a try/catch
// block, the test DuckDB-WASM itself uses to pick a bundle.
const duckdbSupportNotice = `<script>
addEventListener("DOMContentLoaded", () => {
  const module = new Uint8Array([0,97,115,109,1,0,0,0,1,4,1,96,0,0,3,2,1,0,10,8,1,6,0,6,64,25,11,11]);
  if (typeof WebAssembly === "object" && WebAssembly.validate(module)) return;
  const note = document.createElement("p");
  note.id = "duckdb-unsupported";
  note.style.cssText = "border:2px solid #b00;padding:0.5em 1em;font-weight:bold";
  note.textContent = "This browser cannot run the site's database (DuckDB-WASM needs WebAssembly exception handling: Chrome or Edge 95, Firefox 100, Safari 15.2 or later). Tables and charts that query the results will not load; please open the site in a current browser.";
  (document.querySelector("main") ?? document.body).prepend(note);
});
</script>`;

// Analysis pages, listed when their Markdown file exists (pages are added one file at a time).
const analysis = [
  {name: "Explore", path: "/explore"},
  {name: "Compare two models", path: "/compare"},
  {name: "Metric agreement", path: "/metric-agreement"},
  {name: "Jury and clinicians", path: "/agreement"},
  {name: "Cost and performance", path: "/cost"},
  {name: "Taxonomy", path: "/taxonomy"},
  {name: "Notebook", path: "/notebook"},
  {name: "Methods", path: "/methods"},
  {name: "Run manifest", path: "/manifest"}
].filter((p) => existsSync(`src${p.path}.md`));

const paper = [
  {name: "Table 1: win rates", path: "/paper/table1"},
  {name: "Benchmark heatmap", path: "/paper/heatmap"},
  {name: "Category heatmaps", path: "/paper/categories"},
  {name: "Cost vs win rate", path: "/paper/cost"}
].filter((p) => existsSync(`src${p.path}.md`));

/** The site's icon, inline. */
const favicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#3b6ea5"/><path d="M6.5 3h3v3.5H13v3H9.5V13h-3V9.5H3v-3h3.5z" fill="#fff"/></svg>`;

export default {
  title: "MedHELM Workbench",
  root: "src",
  // Tests build into their own folder so that they never clobber a user's dist/.
  output: process.env.MEDHELM_SITE_OUT ?? "dist",
  pages: [
    {name: "Leaderboard", path: "/"},
    ...analysis,
    ...(paper.length ? [{name: "Reproducing the paper", collapsible: true, open: false, pages: paper}] : []),
    ...benchmarkSections(registry).map((section) => ({...section, collapsible: true, open: false}))
  ],
  dynamicPaths: registry.map((b) => `/benchmarks/${b.id}`),
  search: false,
  // Browsers ask for /favicon.ico when a page names no icon, and every page then logged a 404; an
  // inline icon (a white cross on a blue square) needs no file and no request. The DuckDB notice
  // follows it (see `duckdb` below).
  head: `<link rel="icon" type="image/svg+xml" href="data:image/svg+xml,${encodeURIComponent(favicon)}">\n${duckdbSupportNotice}`,
  // The default stylesheet loads a web font from a CDN; the site must make no external request.
  globalStylesheets: [],
  // DuckDB-WASM extensions are not on npm, so none are configured (pages read Arrow, not Parquet).
  // Only the EH bundle is published (WebAssembly exceptions: Chrome 95, Firefox 100, Safari 15.2
  // and later); the MVP files are empty placeholders (scripts/vendor-npm.mjs), and `head` tells
  // readers of older browsers why queries cannot run. Both platforms stay configured: with MVP
  // turned off, Framework 1.13's client fails looking up the missing bundle.
  duckdb: {extensions: {json: null, parquet: null}},
  footer: "MedHELM Workbench: an independent re-implementation of MedHELM (arXiv 2505.23802). Baselines are labelled as such."
};
