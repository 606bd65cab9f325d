// Site configuration. Navigation and the per-benchmark pages come from the benchmark registry,
// so a new file in benchmarks/ appears on the site with no edit here.
import {loadRegistry} from "./data-loaders/registry.ts";
import {categories} from "./data-loaders/taxonomy.ts";

const registry = await loadRegistry();

export default {
  title: "MedHELM Workbench",
  root: "src",
  pages: [
    {name: "Leaderboard", path: "/"},
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
