// Site configuration. Navigation and the per-benchmark pages come from the benchmark registry,
// so a new file in benchmarks/ appears on the site with no edit here.
import {existsSync} from "node:fs";
import {loadRegistry} from "./data-loaders/registry.ts";
import {categories} from "./data-loaders/taxonomy.ts";

const registry = await loadRegistry();

// Analysis pages, listed when their Markdown file exists (pages are added one file at a time).
const analysis = [
  {name: "Explore", path: "/explore"},
  {name: "Compare two models", path: "/compare"},
  {name: "Metric agreement", path: "/metric-agreement"},
  {name: "Jury and clinicians", path: "/agreement"},
  {name: "Cost and performance", path: "/cost"},
  {name: "Taxonomy", path: "/taxonomy"},
  {name: "Run manifest", path: "/manifest"},
  {name: "Notebook", path: "/notebook"}
].filter((p) => existsSync(`src${p.path}.md`));

const paper = [
  {name: "Table 1: win rates", path: "/paper/table1"},
  {name: "Benchmark heatmap", path: "/paper/heatmap"},
  {name: "Category heatmaps", path: "/paper/categories"},
  {name: "Cost vs win rate", path: "/paper/cost"}
].filter((p) => existsSync(`src${p.path}.md`));

export default {
  title: "MedHELM Workbench",
  root: "src",
  // Tests build into their own folder so that they never clobber a user's dist/.
  output: process.env.MEDHELM_SITE_OUT ?? "dist",
  pages: [
    {name: "Leaderboard", path: "/"},
    ...analysis,
    ...(paper.length ? [{name: "Reproducing the paper", collapsible: true, open: false, pages: paper}] : []),
    ...categories
      .map((category) => ({
        name: category.name,
        collapsible: true,
        open: false,
        pages: registry.filter((b) => b.category === category.id).map((b) => ({name: b.name, path: `/benchmarks/${b.id}`}))
      }))
      .filter((section) => section.pages.length)
  ],
  dynamicPaths: registry.map((b) => `/benchmarks/${b.id}`),
  search: false,
  // The default stylesheet loads a web font from a CDN; the site must make no external request.
  globalStylesheets: [],
  // DuckDB-WASM extensions are not on npm, so none are configured (pages read Arrow, not Parquet).
  duckdb: {extensions: {json: null, parquet: null}},
  footer: "MedHELM Workbench: an independent re-implementation of MedHELM (arXiv 2505.23802). Baselines are labelled as such."
};
