/**
 * The site's data: runs the configured suite (cached) or reads existing result folders, then
 * derives the tables the pages query and packs everything into one zip (one loader, so the suite
 * runs once per build). Tables are shipped twice: Arrow IPC for the browser, which reads it
 * without DuckDB extensions (the large per-benchmark score tables gzip-compressed), and Parquet
 * for downloads.
 *
 * Pages stay fast by reading only what they show: small aggregated tables for the leaderboard
 * and the analysis pages, one instance-level score file per benchmark (`bench/<id>.arrow.gz`) for
 * its page, and the long text (prompts, outputs, gold answers, judge explanations) in a few
 * gzip-compressed chunk files per benchmark (`text/<id>-<k>.json.gz`) that the drill-down
 * fetches when an instance is opened. Framework copies only the archive members a page references into the built site.
 *
 * Publishing: instance text of gated and private benchmarks is removed from the merged result
 * tables before anything is derived, unless the configuration sets `publishRestrictedText`, so
 * no table, chunk or download can carry it. Aggregates are always published.
 */
import {existsSync, readFileSync} from "node:fs";
import {mkdtemp, readFile, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import type {DuckDBConnection} from "@duckdb/node-api";
import {tarArchive} from "../formats/tar.ts";
import {tableToArrowIPC, tableToArrowIPCByKey} from "../formats/arrow.ts";
import {loadConfig, type SuiteConfig} from "../runner/config.ts";
import {boolAt, codedStrings, doublesWithNaN, insertRows, rowsOf, type ColumnType} from "../formats/duckdb-rows.ts";
import {readColumns} from "../formats/duckdb-columns.ts";
import {memoryConnection, sqlString} from "../formats/parquet.ts";
import {catalogueWith, dataAvailable, projectRegistry} from "../benchmark/registry.ts";
import {usageCosts, type JudgeUsage, type ModelUsage} from "./costs.ts";
import {
  cellIntervalsOf, judgeAgreement, judgeCorrelations, metricCorrelationsOf, ownTables, pairComparisonsOf, winRateRowsOf,
  type Entry, type JudgeComposite, type MainCell
} from "./stats.ts";
import {columnsFromColumns, type BenchmarkColumns} from "./stat-columns.ts";
import {TEXT_CHUNKS, textChunks, textRowTables, withholdRestrictedText, withoutQuotes} from "./text.ts";
import {compressor} from "./compress.ts";
import {checkFoldersTogether} from "../runner/shard-folders.ts";
import {notebookTableQueries, packedNotebookTables} from "./notebook-tables.ts";
import {cacheMemo, directoryStatsCache, type StatsCache} from "./stats-cache.ts";
import {runConfigured} from "../runner/suite.ts";
import {comparabilityReasons, type CellSetting, type PaperSetting, type RunSetting} from "../paper/comparability.ts";
import {PUBLISHED_SOURCE, SUMMARY_INSTANCE, paperInstanceCounts, parsePublished, publishedRows, type PublishedSetting} from "../paper/published.ts";
import {readPaperSources} from "../paper/recomputed.ts";
import {schemas, tableNames} from "../formats/tables.ts";
import {categories, category, inTaxonomy, subcategories, subcategory, unclassifiedCategory, unclassifiedSubcategory} from "../benchmark/taxonomy.ts";
import type {Benchmark} from "../benchmark/types.ts";
import {meanWinRates} from "../stats/winrate.ts";

/** Where the site's results come from. */
export interface SiteSource {
  /** Run the configured suite before building (default true). */
  run: boolean;
  /** Further result folders (e.g. imported HELM runs) shown next to the run. */
  include: string[];
  /** The published MedHELM results ranked among the runs: "v2" (default), "v1" or false. */
  published: PublishedSetting;
}

/** Reads the site source from the configuration (`site` field); `where` names the file in errors. */
export function siteSource(spec: {site?: {run?: boolean; include?: string[]; published?: unknown}} | undefined, cwd: string, where = "configuration"): SiteSource {
  return {
    run: spec?.site?.run ?? true,
    include: (spec?.site?.include ?? []).map((d) => resolve(cwd, d)),
    published: parsePublished(spec?.site?.published, `${where}: site.published`)
  };
}

/** Everything the site's tables are derived from. */
export interface SiteInput {
  /** Result folders, each holding the six Parquet tables. */
  dirs: string[];
  /** Registered benchmarks: each gets a page, so each gets its per-benchmark files. */
  registry: Benchmark[];
  /** Where users keep gated data (decides `data_available` of registered benchmarks). */
  dataDir: string;
  /** Publish instance text of gated and private benchmarks (off unless configured). */
  publishRestrictedText: boolean;
  /** Seed of every bootstrap. */
  seed: number;
  /** Bootstrap resamples (1000 by default). */
  resamples?: number;
  /** The published MedHELM version shown as entries of source `medhelm-paper` (none by default). */
  published?: PublishedSetting;
  /** Directory of the statistics cache (see site/stats-cache.ts); none: everything is computed. */
  statsCache?: string;
  log: (m: string) => void;
  /** Where warnings about the folders go (shards missing from a sharded run); `log` when absent. */
  warn?: (m: string) => void;
}

/** The project's registry; benchmark files that fail to load are logged and left out, never failing the build. */
async function registryLogged(config: SuiteConfig, log: (m: string) => void): Promise<Benchmark[]> {
  const {benchmarks, errors} = await projectRegistry(config);
  for (const e of errors) log(`benchmark not loaded: ${e.message}`);
  return benchmarks;
}

/** Builds the tar archive of site tables for the project in `cwd`. */
export async function siteArchive({cwd, env, log}: {cwd: string; env: Record<string, string | undefined>; log: (m: string) => void}): Promise<Uint8Array> {
  const configFile = env.MEDHELM_CONFIG;
  const config = loadConfig({cwd, env, file: configFile});
  const source = siteSource(config.raw, cwd, config.file ?? "configuration");
  const dirs: string[] = [...source.include];
  if (source.run) {
    const {config: used} = await runConfigured({cwd, env, flags: {configFile}, log});
    dirs.unshift(used.outDir);
  }
  const files = await siteFiles({
    dirs, registry: await registryLogged(config, log), dataDir: config.dataDir, publishRestrictedText: config.publishRestrictedText, seed: config.seed,
    published: source.published, log, statsCache: resolve(cwd, env.MEDHELM_STATS_CACHE ?? join(".medhelm", "site-stats-cache"))
  });
  return tarArchive(archiveOrder(files));
}

/**
 * The members of the site archive, smallest first (ties by path). The archive is only Framework's
 * intermediate: it extracts each member a page references by reading the tar from its start
 * until the member (its zip reader instead loaded the whole archive for every member, which at 48
 * models and 400 members was most of the build). Smallest first makes that total read the least.
 */
export function archiveOrder(files: Record<string, Uint8Array>): Array<[string, Uint8Array]> {
  return Object.entries(files).sort(([a, x], [b, y]) => x.byteLength - y.byteLength || (a < b ? -1 : a > b ? 1 : 0));
}

/** The files of the site archive, by path inside the archive. */
export async function siteFiles(input: SiteInput): Promise<Record<string, Uint8Array>> {
  for (const dir of input.dirs) {
    for (const table of tableNames) if (!existsSync(join(dir, `${table}.parquet`))) throw new Error(`result folder ${dir} lacks ${table}.parquet`);
  }
  const {connection, close} = await memoryConnection();
  const tmp = await mkdtemp(join(tmpdir(), "medhelm-site-"));
  const files: Record<string, Uint8Array> = {};
  // Packed files are compressed in a worker thread while this one goes on reading DuckDB. Each
  // file's name is entered at once, so the archive lists the files in the same order every time.
  const compression = compressor();
  const compressed: Array<Promise<void>> = [];
  const pack = (name: string, data: Uint8Array | Promise<Uint8Array>) => {
    files[name] = new Uint8Array(0);
    compressed.push((data instanceof Uint8Array ? compression.gzip(data) : data).then((bytes) => {
      files[name] = bytes;
    }));
  };
  // Seconds spent in each step of shipping, logged at the end to show where a slow build goes.
  const spent = {query: 0, arrow: 0, parquet: 0, text: 0};
  const timed = async <T>(step: keyof typeof spent, work: () => Promise<T> | T): Promise<T> => {
    const start = performance.now();
    try {
      return await work();
    } finally {
      spent[step] += (performance.now() - start) / 1000;
    }
  };
  // `<name>.parquet` of a query's rows.
  const writeParquet = async (name: string, sql: string) => {
    const parquet = join(tmp, "table.parquet");
    await timed("parquet", () => connection.run(`COPY (${sql}) TO ${sqlString(parquet)} (FORMAT parquet, COMPRESSION zstd)`));
    files[`${name}.parquet`] = new Uint8Array(await readFile(parquet));
  };
  // The query runs once, into a temporary table that both formats are written from. `packed`
  // tables (the notebook's raw result tables) and each benchmark's instance-level scores, by far
  // the largest, go to the pages gzip-compressed (`.arrow.gz`, unpacked by
  // src/components/packed.js): about a fifth of the bytes.
  const ship = async (name: string, sql: string, packed = false) => {
    await timed("query", () => connection.run(`CREATE TEMP TABLE shipped AS ${sql}`));
    try {
      const arrow = await timed("arrow", () => tableToArrowIPC(connection, "shipped"));
      if (packed) pack(`${name}.arrow.gz`, arrow);
      else files[`${name}.arrow`] = arrow;
      await writeParquet(name, "SELECT * FROM shipped");
    } finally {
      await connection.run("DROP TABLE shipped");
    }
  };
  try {
    const loading = Date.now();
    // The shards of a sharded run are read as one run: a unit in two of its folders is an error.
    const {warnings} = await checkFoldersTogether(connection, input.dirs);
    for (const warning of warnings) (input.warn ?? input.log)(`warning: ${warning}`);
    await loadResults(connection, input.dirs);
    await loadPublished(connection, input.published ?? false);
    await createCatalogue(connection, input);
    await withholdRestrictedText(connection, input.publishRestrictedText);
    input.log(`site: results loaded in ${((Date.now() - loading) / 1000).toFixed(1)} s`);
    const started = Date.now();
    const cache = directoryStatsCache(input.statsCache ?? null, statisticsCode());
    await deriveTables(connection, input, cache);
    cache.save();
    input.log(`site: derived tables in ${((Date.now() - started) / 1000).toFixed(1)} s (statistics cache: ${cache.stats.hits} hits, ${cache.stats.misses} misses)`);
    // The instance text first: its compression (the most of it) then runs in the worker while
    // this thread ships the tables.
    const dropTextRows = await timed("text", () => textRowTables(connection));
    for (const b of input.registry) {
      const chunks = await timed("text", () => textChunks(connection, b.id, input.publishRestrictedText, (json) => compression.gzip(json)));
      for (const [name, bytes] of Object.entries(chunks)) pack(name, bytes);
    }
    await dropTextRows();
    for (const [name, order] of Object.entries(shippedTables)) await ship(name, `SELECT * FROM ${name} ORDER BY ${order}`);
    // The notebook's raw tables, without their long text (restricted text is already withheld).
    for (const [name, sql] of Object.entries(notebookTableQueries())) await ship(name, sql, packedNotebookTables.has(name));
    // Every benchmark's instance-level scores are sorted and read once, then cut into one file
    // per benchmark: 37 queries and reads of a few thousand rows each cost DuckDB several times more.
    await timed("query", () => connection.run(`CREATE TEMP TABLE shipped_bench AS SELECT * FROM bench_scores ORDER BY benchmark, instance_id, run_id, label, metric`));
    const benchArrow = await timed("arrow", () => tableToArrowIPCByKey(connection, "shipped_bench", "benchmark", input.registry.map((b) => b.id)));
    for (const b of input.registry) {
      pack(`bench/${b.id}.arrow.gz`, benchArrow.get(b.id)!);
      // A filtered scan keeps the table's order.
      await writeParquet(`bench/${b.id}`, `SELECT * FROM shipped_bench WHERE benchmark = ${sqlString(b.id)}`);
    }
    await connection.run("DROP TABLE shipped_bench");
    const waited = performance.now();
    await Promise.all(compressed);
    const s = (x: number) => `${x.toFixed(1)} s`;
    input.log(`site: shipped tables: queries ${s(spent.query)}, Arrow ${s(spent.arrow)}, Parquet ${s(spent.parquet)}; ` +
      `text chunks ${s(spent.text)}; ${s((performance.now() - waited) / 1000)} waiting for the last compressions`);
  } finally {
    await compression.close();
    close();
    await rm(tmp, {recursive: true, force: true});
  }
  return files;
}

/** Tables shipped as `<name>.arrow` and `<name>.parquet`, with their sort order. */
export const shippedTables: Record<string, string> = {
  runs: "run_id",
  benchmarks: "run_id, benchmark",
  catalogue: "position",
  leaderboard: "benchmark, metric, label",
  // One row per reason a cell of a run differs from the paper's setting (none: comparable).
  comparability: "label, benchmark, kind, reason",
  win_rates: "scope, rank NULLS LAST, label",
  pair_differences: "benchmark, label_a, label_b",
  pair_disagreements: "benchmark, label_a, label_b, abs(difference) DESC, instance_id",
  metric_values: "benchmark, metric, label, instance_id",
  metric_correlations: "benchmark, metric_x, metric_y",
  judge_composites: "benchmark, judge, label, instance_id, run_id",
  judge_correlations: "benchmark, judge_x, judge_y",
  judge_agreement: "benchmark",
  judge_success: "benchmark, judge",
  per_judge_scores: "benchmark, label, judge",
  unscored_reasons: "benchmark, label, n DESC, reason",
  self_judging: "benchmark, label, judge",
  own_table1: "win_rate DESC NULLS LAST, label",
  own_category_scores: "category, label",
  own_category_win_rates: "category, label",
  own_subcategory_scores: "subcategory, label",
  own_costs: "label",
  run_costs: "run_id, label",
  // Every leaderboard entry (label, model, source, kind), whatever it has rows in: the site-wide
  // model list that gives each model one colour on every page.
  labels: "label"
};

/** Reads and merges the six tables of every result folder (empty tables when there is none). */
async function loadResults(connection: DuckDBConnection, dirs: readonly string[]): Promise<void> {
  for (const table of tableNames) {
    const columns = schemas[table].columns.map((c) => `${c.name} ${c.type}`).join(", ");
    await connection.run(`CREATE TABLE ${table} (${columns})`);
    if (!dirs.length) continue;
    const source = `read_parquet([${dirs.map((d) => sqlString(join(d, `${table}.parquet`))).join(", ")}], union_by_name = true)`;
    // Folders written by older versions or foreign writers may lack a column (union_by_name
    // fills it with nulls in the others); a column no folder has is read as null.
    const present = new Set((await rowsOf(connection, `DESCRIBE SELECT * FROM ${source}`)).map((r) => String(r.column_name)));
    const names = schemas[table].columns.map((c) => c.name);
    await connection.run(`INSERT INTO ${table} (${names.join(", ")}) SELECT ${names.map((n) => (present.has(n) ? n : `NULL AS ${n}`)).join(", ")} FROM ${source}`);
  }
}

/**
 * Adds the published MedHELM results of `version` to the merged result tables, as a result set of
 * source `medhelm-paper` with one instance-less cell per model and benchmark, and records what the
 * derivations need beside the rows: the published entries' labels and costs, and the paper's
 * setting of each benchmark (`paper_settings`, empty when nothing is published).
 */
async function loadPublished(connection: DuckDBConnection, version: PublishedSetting): Promise<void> {
  const source = version ? readPaperSources()[version] : null;
  const published = version && source ? publishedRows(version, source) : null;
  for (const table of tableNames) {
    const rows = published?.tables[table] ?? [];
    if (!rows.length) continue;
    const columns = Object.fromEntries(schemas[table].columns.map((c) => [c.name, c.type])) as Record<string, ColumnType>;
    await insertRows(connection, `published_${table}`, columns, rows);
    await connection.run(`INSERT INTO ${table} (${Object.keys(columns).join(", ")}) SELECT ${Object.keys(columns).join(", ")} FROM published_${table}`);
    await connection.run(`DROP TABLE published_${table}`);
  }
  await insertRows(connection, "published_labels", {run_id: "VARCHAR", model: "VARCHAR", label: "VARCHAR"}, published?.labels ?? []);
  await insertRows(connection, "published_costs", {
    run_id: "VARCHAR", label: "VARCHAR", benchmark: "VARCHAR", input_tokens: "DOUBLE", output_tokens: "DOUBLE",
    judge_input_tokens: "DOUBLE", judge_output_tokens: "DOUBLE", cost_usd: "DOUBLE", jury_cost_usd: "DOUBLE"
  }, (published?.costs ?? []) as unknown as Array<Record<string, unknown>>);
  const counts = source ? paperInstanceCounts(source) : new Map<string, number>();
  await insertRows(connection, "paper_settings", {version: "VARCHAR", benchmark: "VARCHAR", instances: "INTEGER"},
    [...counts].map(([benchmark, instances]) => ({version: published!.version, benchmark, instances})));
}

/**
 * The catalogue: every MedHELM benchmark (taxonomy order) and then every other registered
 * benchmark (a team's own), with registry facts for those that have a benchmark file (and so a
 * page), plus any benchmark found only in the results.
 */
async function createCatalogue(connection: DuckDBConnection, input: SiteInput): Promise<void> {
  const entries = catalogueWith(input.registry);
  // Whether the published version has a result for the benchmark; null when none is shown.
  const published = input.published ? new Set((await rowsOf(connection, `SELECT benchmark FROM paper_settings`)).map((r) => String(r.benchmark))) : null;
  const rows: Array<Record<string, unknown>> = entries.map((entry, position) => {
    const b = input.registry.find((r) => r.id === entry.id);
    const sub = subcategory(entry.subcategory);
    const cat = category(sub.category);
    return {
      benchmark: entry.id, name: entry.name, category: cat.id, category_name: cat.name, subcategory: sub.id, subcategory_name: sub.name, in_taxonomy: inTaxonomy(sub.id),
      access: entry.access, open_ended: entry.openEnded, main_metric: entry.mainMetric, registered: Boolean(b),
      data_available: b ? dataAvailable(b, input.dataDir) : false, description: b?.description ?? null, task: entry.task,
      dataset: b?.data.dataset ?? null, license: b?.data.license ?? null, position, published_result: published === null ? null : published.has(entry.id)
    };
  });
  const foreign = await rowsOf(connection, `
    SELECT benchmark, any_value(name) AS name, any_value(category) AS category, any_value(subcategory) AS subcategory,
      coalesce(any_value(access), 'private') AS access, bool_or(open_ended) AS open_ended, any_value(main_metric) AS main_metric
    FROM benchmarks WHERE benchmark NOT IN (${entries.map((e) => sqlString(e.id)).join(", ")}) GROUP BY benchmark ORDER BY benchmark`);
  // A benchmark known only from its results keeps the ids its run recorded, which may be the
  // unclassified group's or, from another tool, ids of no taxonomy at all.
  const knownCategories = [...categories, unclassifiedCategory];
  const knownSubcategories = [...subcategories, unclassifiedSubcategory];
  for (const f of foreign) {
    const cat = knownCategories.find((c) => c.id === f.category);
    const sub = knownSubcategories.find((s) => s.id === f.subcategory);
    rows.push({
      ...f, name: f.name ?? f.benchmark, category_name: cat?.name ?? f.category, subcategory_name: sub?.name ?? f.subcategory,
      in_taxonomy: categories.some((c) => c.id === f.category),
      open_ended: Boolean(f.open_ended), registered: false, data_available: false, position: rows.length, published_result: published === null ? null : false
    });
  }
  await insertRows(connection, "catalogue", {
    benchmark: "VARCHAR", name: "VARCHAR", category: "VARCHAR", category_name: "VARCHAR", subcategory: "VARCHAR", subcategory_name: "VARCHAR", in_taxonomy: "BOOLEAN",
    access: "VARCHAR", open_ended: "BOOLEAN", main_metric: "VARCHAR", registered: "BOOLEAN", data_available: "BOOLEAN",
    description: "VARCHAR", task: "VARCHAR", dataset: "VARCHAR", license: "VARCHAR", position: "INTEGER", published_result: "BOOLEAN"
  }, rows);
}

/**
 * The columns the resampling statistics read (`stat-columns.ts`), from `instance_values` read as
 * typed columns: no row objects, at a million values. Every string column is dictionary-coded,
 * so the distinct counts that decide it need only be estimates.
 */
export async function readStatColumns(connection: DuckDBConnection, points: ReadonlySet<string>): Promise<BenchmarkColumns[]> {
  const {length, columns} = await readColumns(connection, `
    SELECT v.benchmark, coalesce(c.category, '') AS category, v.label, v.metric, v.instance_id, coalesce(v.is_main, false) AS is_main, v.value, v.value_normalized
    FROM instance_values v LEFT JOIN catalogue c USING (benchmark) ORDER BY v.benchmark, v.label, v.metric`, {dictionary: () => true, approximate: true});
  const column = (name: string) => columns.find((c) => c.name === name)!;
  const isMain = column("is_main");
  return columnsFromColumns({
    length, benchmark: codedStrings(column("benchmark"), length), category: codedStrings(column("category"), length),
    label: codedStrings(column("label"), length), metric: codedStrings(column("metric"), length), instance: codedStrings(column("instance_id"), length),
    main: (i) => boolAt(isMain, i), value: doublesWithNaN(column("value"), length), normalized: doublesWithNaN(column("value_normalized"), length)
  }, points);
}

/**
 * SQL of `aggregate` over `x` that feeds the values in ascending order, like `avg(x ORDER BY x)`:
 * each group's values are collected, sorted and aggregated by the same function in that order,
 * so the result has the same bits. DuckDB's ordered aggregates sort every group in its own sort
 * state, which at a million groups (one per instance and entry) took several seconds; a list per
 * group is three to four times faster.
 */
function sortedAggregate(aggregate: "avg" | "stddev_samp", x: string): string {
  return `list_${aggregate}(list_sort(list(${x})))`;
}

/** Every derived table, SQL first, then the statistics computed in JavaScript and written back. */
async function deriveTables(connection: DuckDBConnection, input: SiteInput, cache: StatsCache): Promise<void> {
  const options = {seed: input.seed, resamples: input.resamples ?? 1000};
  // Each step's time goes to the build log, to show where a slow build spends it.
  let clock = Date.now();
  const lap = (step: string) => {
    input.log(`site: ${step} in ${((Date.now() - clock) / 1000).toFixed(1)} s`);
    clock = Date.now();
  };
  // An entry is a model from one source; its label carries the baseline and source marks.
  await connection.run(`CREATE TABLE entries AS
    WITH pairs AS (SELECT DISTINCT run_id, model FROM scores UNION SELECT DISTINCT run_id, model FROM completions),
      kinds AS (SELECT run_id, model, any_value(model_kind) AS model_kind FROM completions GROUP BY ALL),
      ided AS (
        SELECT p.run_id, p.model, coalesce(r.source, 'native') AS source,
          coalesce(k.model_kind, CASE WHEN p.model LIKE 'baseline/%' THEN 'baseline' ELSE 'llm' END) AS model_kind
        FROM pairs p LEFT JOIN runs r USING (run_id) LEFT JOIN kinds k USING (run_id, model))
    SELECT i.*, coalesce(p.label, i.model || CASE WHEN i.model_kind = 'baseline' THEN ' (baseline)' ELSE '' END
      || CASE WHEN i.source = 'native' THEN '' ELSE ' [' || i.source || ']' END) AS label
    FROM ided i LEFT JOIN published_labels p USING (run_id, model)`);
  await connection.run(`CREATE TABLE labels AS SELECT label, any_value(model) AS model, any_value(source) AS source, any_value(model_kind) AS model_kind FROM entries GROUP BY label`);
  // Instance-level values per entry, averaged over runs that evaluated the same instance. Float
  // averages and sums here and below are ordered by their own values: DuckDB's parallel
  // aggregation otherwise adds in a different order on each build, and the published numbers
  // would differ in the last bit between two builds of the same data. The largest tables
  // aggregate each group's sorted list (`sortedAggregate`): the same bits as `avg(x ORDER BY x)`, faster.
  await connection.run(`CREATE TABLE instance_values AS
    SELECT e.label, s.benchmark, s.metric, s.instance_id, bool_or(s.is_main) AS is_main,
      ${sortedAggregate("avg", "s.value")} AS value, ${sortedAggregate("avg", "s.value_normalized")} AS value_normalized,
      any_value(s.unscored_reason) FILTER (WHERE s.value IS NULL) AS unscored_reason
    FROM scores s JOIN entries e USING (run_id, model) GROUP BY ALL`);
  await connection.run(`CREATE TABLE verdict_units AS
    SELECT j.benchmark, j.run_id, e.label, j.instance_id, j.judge,
      bool_and(j.parse_status = 'ok') AS ok,
      CASE WHEN bool_and(j.parse_status = 'ok') THEN ${sortedAggregate("avg", "j.score")} END AS composite,
      mode(${withoutQuotes("coalesce(j.reason, j.parse_status)", '"…"')}) FILTER (WHERE j.parse_status <> 'ok') AS reason,
      bool_or(j.self_judging) AS self_judging, bool_or(j.same_vendor) AS same_vendor,
      bool_or(j.parse_status NOT IN ('no_output', 'excluded', 'call_failed')) AS called,
      max(j.input_tokens) AS input_tokens, max(j.output_tokens) AS output_tokens
    FROM judgments j JOIN entries e USING (run_id, model) GROUP BY ALL`);
  lap("instance values");

  // Entries without instances (published results, summary-level imports) enter with fixed cells
  // and leave the instance sets (and so the shared resamples) of the benchmarks alone.
  const points = new Set((await rowsOf(connection, `SELECT label FROM instance_values GROUP BY label HAVING bool_and(instance_id = '${SUMMARY_INSTANCE}')`)).map((r) => String(r.label)));
  // Every statistic below reads the same columns: one per (entry, benchmark, metric), aligned to
  // the benchmark's instances, with a content key under which the cache keeps its results.
  const benchmarks = await readStatColumns(connection, points);
  const memo = cacheMemo(cache, options);
  await insertRows(connection, "cell_intervals", {
    label: "VARCHAR", benchmark: "VARCHAR", metric: "VARCHAR", ci_low: "DOUBLE", ci_high: "DOUBLE",
    ci_low_normalized: "DOUBLE", ci_high_normalized: "DOUBLE", mde_normalized: "DOUBLE"
  }, cellIntervalsOf(benchmarks, {...options, memo}) as unknown as Array<Record<string, unknown>>);
  lap("cell intervals");

  await deriveCosts(connection);
  await deriveComparability(connection, input.published ?? false);
  await connection.run(`CREATE TABLE leaderboard AS
    SELECT v.label, l.model, l.model_kind, l.source, v.benchmark, c.name AS benchmark_name, c.category, c.category_name,
      c.subcategory, c.subcategory_name, c.access, c.open_ended, v.metric, bool_or(v.is_main) AS is_main,
      ${sortedAggregate("avg", "v.value")} AS value, ${sortedAggregate("avg", "v.value_normalized")} AS value_normalized,
      count(*)::INTEGER AS n, count(v.value)::INTEGER AS n_scored, coalesce(${sortedAggregate("stddev_samp", "v.value")}, 0) AS sd,
      any_value(i.ci_low) AS ci_low, any_value(i.ci_high) AS ci_high,
      any_value(i.ci_low_normalized) AS ci_low_normalized, any_value(i.ci_high_normalized) AS ci_high_normalized,
      any_value(i.mde_normalized) AS mde_normalized,
      mode(${withoutQuotes("v.unscored_reason", '"…"')}) AS unscored_reason,
      any_value(k.cost_usd) AS cost_usd, any_value(k.jury_cost_usd) AS jury_cost_usd,
      any_value(CASE WHEN l.source = '${PUBLISHED_SOURCE}' THEN true ELSE q.comparable END) AS comparable, any_value(q.comparability) AS comparability
    FROM instance_values v
    JOIN labels l USING (label)
    JOIN catalogue c USING (benchmark)
    LEFT JOIN cell_intervals i USING (label, benchmark, metric)
    LEFT JOIN cell_costs k USING (label, benchmark)
    LEFT JOIN cell_comparability q USING (label, benchmark)
    GROUP BY v.label, l.model, l.model_kind, l.source, v.benchmark, c.name, c.category, c.category_name, c.subcategory, c.subcategory_name, c.access, c.open_ended, v.metric`);
  lap("costs, comparability and leaderboard");

  await insertRows(connection, "win_rates_raw", {
    scope: "VARCHAR", label: "VARCHAR", win_rate: "DOUBLE", win_rate_low: "DOUBLE", win_rate_high: "DOUBLE",
    rank: "INTEGER", rank_low: "DOUBLE", rank_high: "DOUBLE", n_benchmarks: "INTEGER", point_value: "BOOLEAN"
  }, winRateRowsOf(benchmarks, {...options, memo}) as unknown as Array<Record<string, unknown>>);
  lap("win rates");
  await connection.run(`CREATE TABLE win_rates AS
    WITH macro AS (
      SELECT label, 'all' AS scope, avg(value_normalized ORDER BY value_normalized) AS macro_avg FROM leaderboard WHERE is_main GROUP BY label
      UNION ALL SELECT label, category AS scope, avg(value_normalized ORDER BY value_normalized) AS macro_avg FROM leaderboard WHERE is_main GROUP BY label, category)
    SELECT w.scope, coalesce((SELECT name FROM (SELECT DISTINCT category AS id, category_name AS name FROM catalogue) WHERE id = w.scope), 'All benchmarks') AS scope_name,
      w.label, l.model, l.source, l.model_kind, w.win_rate, w.win_rate_low, w.win_rate_high, w.rank, w.rank_low, w.rank_high,
      w.n_benchmarks, m.macro_avg, w.point_value,
      CASE WHEN l.source = 'native' AND c.n > 0 THEN 'comparable on ' || c.n_comparable || ' of ' || c.n || ' benchmark' || CASE WHEN c.n = 1 THEN '' ELSE 's' END END AS comparability
    FROM win_rates_raw w JOIN labels l USING (label) LEFT JOIN macro m USING (label, scope)
    LEFT JOIN (
      SELECT label, 'all' AS scope, count(comparable)::INTEGER AS n, count(*) FILTER (WHERE comparable)::INTEGER AS n_comparable FROM leaderboard WHERE is_main GROUP BY label
      UNION ALL SELECT label, category AS scope, count(comparable)::INTEGER, count(*) FILTER (WHERE comparable)::INTEGER FROM leaderboard WHERE is_main GROUP BY label, category
    ) c USING (label, scope)`);

  const pairs = pairComparisonsOf(benchmarks, {...options, memo});
  lap("paired comparisons");
  await insertRows(connection, "pair_differences_raw", {
    benchmark: "VARCHAR", label_a: "VARCHAR", label_b: "VARCHAR", n: "INTEGER", difference: "DOUBLE", difference_low: "DOUBLE", difference_high: "DOUBLE", p_value: "DOUBLE"
  }, pairs.differences as unknown as Array<Record<string, unknown>>);
  await connection.run(`CREATE TABLE pair_differences AS SELECT p.benchmark, c.name AS benchmark_name, c.category, p.* EXCLUDE (benchmark) FROM pair_differences_raw p JOIN catalogue c USING (benchmark)`);
  await insertRows(connection, "pair_disagreements", {
    benchmark: "VARCHAR", label_a: "VARCHAR", label_b: "VARCHAR", instance_id: "VARCHAR", value_a: "DOUBLE", value_b: "DOUBLE", difference: "DOUBLE"
  }, pairs.disagreements as unknown as Array<Record<string, unknown>>);

  // Metric agreement on open-ended benchmarks: the jury's main score is named jury_score everywhere.
  await connection.run(`CREATE TABLE metric_values AS
    SELECT v.benchmark, v.label, v.instance_id, CASE WHEN v.is_main THEN 'jury_score' ELSE v.metric END AS metric, v.value, v.value_normalized
    FROM instance_values v JOIN catalogue c USING (benchmark) JOIN labels l USING (label)
    WHERE c.open_ended AND v.value IS NOT NULL AND l.source <> '${PUBLISHED_SOURCE}'`);
  // Over the answers of entries with instances (the same columns), on open-ended benchmarks.
  const openEnded = new Set((await rowsOf(connection, `SELECT benchmark FROM catalogue WHERE open_ended`)).map((r) => String(r.benchmark)));
  await insertRows(connection, "metric_correlations", correlationColumns({benchmark: "VARCHAR", metric_x: "VARCHAR", metric_y: "VARCHAR"}),
    metricCorrelationsOf(benchmarks.filter((b) => openEnded.has(b.benchmark)), {mainAs: "jury_score"}) as unknown as Array<Record<string, unknown>>);
  lap("metric correlations");

  await connection.run(`CREATE TABLE judge_composites AS
    SELECT benchmark, run_id, label, instance_id, judge, composite FROM verdict_units WHERE ok`);
  const composites = (await rowsOf(connection, `SELECT * FROM judge_composites ORDER BY benchmark, run_id, label, instance_id, judge`)) as unknown as JudgeComposite[];
  await insertRows(connection, "judge_correlations", correlationColumns({benchmark: "VARCHAR", judge_x: "VARCHAR", judge_y: "VARCHAR"}),
    judgeCorrelations(composites) as unknown as Array<Record<string, unknown>>);
  await insertRows(connection, "judge_agreement", {benchmark: "VARCHAR", judges: "VARCHAR", alpha_interval: "DOUBLE", alpha_ordinal: "DOUBLE", n_units: "INTEGER"},
    judgeAgreement(composites) as unknown as Array<Record<string, unknown>>);
  await connection.run(`CREATE TABLE judge_success AS
    SELECT benchmark, judge, count(*)::INTEGER AS n, count(*) FILTER (WHERE ok)::INTEGER AS n_ok,
      count(*) FILTER (WHERE ok) / count(*) AS success_rate, mode(reason) FILTER (WHERE NOT ok) AS top_reason
    FROM verdict_units GROUP BY ALL`);
  await connection.run(`CREATE TABLE per_judge_scores AS
    SELECT v.benchmark, l.model, v.judge, avg(v.composite ORDER BY v.composite) AS score, count(*)::INTEGER AS n, v.label, l.source
    FROM verdict_units v JOIN labels l USING (label) WHERE v.ok GROUP BY ALL`);
  await connection.run(`CREATE TABLE unscored_reasons AS
    SELECT v.benchmark, l.model, coalesce(${withoutQuotes("v.unscored_reason", '"…"')}, 'no reason recorded') AS reason, count(*)::INTEGER AS n, v.label, l.source
    FROM instance_values v JOIN labels l USING (label) WHERE v.is_main AND v.value IS NULL GROUP BY ALL`);
  await connection.run(`CREATE TABLE self_judging AS
    SELECT v.benchmark, l.model, v.judge, count(*)::INTEGER AS n_verdicts,
      count(*) FILTER (WHERE v.self_judging)::INTEGER AS n_self_judging, count(*) FILTER (WHERE v.same_vendor)::INTEGER AS n_same_vendor, v.label, l.source
    FROM verdict_units v JOIN labels l USING (label) GROUP BY ALL`);

  lap("judge agreement");
  // The paper's tables of our own runs: the published entries have their own (the paper archive).
  const cells = (await rowsOf(connection, `SELECT label, benchmark, value FROM leaderboard WHERE is_main AND source <> '${PUBLISHED_SOURCE}'`)) as unknown as MainCell[];
  const entries = (await rowsOf(connection, `SELECT label, model, source, model_kind FROM labels`)) as unknown as Entry[];
  const own = ownTables(cells, entries);
  const identity = {label: "VARCHAR", source: "VARCHAR", model_kind: "VARCHAR"} as const;
  await insertRows(connection, "own_table1", {model: "VARCHAR", win_rate: "DOUBLE", win_sd: "DOUBLE", macro_avg: "DOUBLE", sd: "DOUBLE", ...identity}, own.own_table1);
  await insertRows(connection, "own_category_scores", {model: "VARCHAR", category: "VARCHAR", score: "DOUBLE", ...identity}, own.own_category_scores);
  await insertRows(connection, "own_category_win_rates", {model: "VARCHAR", category: "VARCHAR", win_rate: "DOUBLE", ...identity}, own.own_category_win_rates);
  await insertRows(connection, "own_subcategory_scores", {model: "VARCHAR", subcategory: "VARCHAR", score: "DOUBLE", ...identity}, own.own_subcategory_scores);

  // Instance-level scores per benchmark (no text) and the chunk each instance's text is in.
  await connection.run(`CREATE TABLE chunks AS
    SELECT benchmark, run_id, instance_id,
      ((row_number() OVER (PARTITION BY benchmark ORDER BY instance_id, run_id) - 1) * ${TEXT_CHUNKS} // count(*) OVER (PARTITION BY benchmark))::INTEGER AS chunk
    FROM (SELECT benchmark, run_id, instance_id FROM instances UNION SELECT benchmark, run_id, instance_id FROM completions)`);
  await connection.run(`CREATE TABLE bench_scores AS
    SELECT s.benchmark, s.run_id, s.instance_id, e.label, s.metric, s.is_main, s.value, s.value_normalized, s.unscored_reason, s.note, coalesce(ch.chunk, 0) AS chunk
    FROM scores s JOIN entries e USING (run_id, model) LEFT JOIN chunks ch USING (benchmark, run_id, instance_id)
    WHERE e.source <> '${PUBLISHED_SOURCE}'`);
  lap("own tables and instance chunks");
}

/**
 * Comparability of every native cell (entry x benchmark) with the paper's setting: one row per
 * reason in `comparability` and one verdict per cell in `cell_comparability` (comparable when
 * there is no reason). Without published results nothing is compared and both tables are empty.
 * Imported entries are not assessed: their settings are HELM's, not recorded by our runs.
 */
async function deriveComparability(connection: DuckDBConnection, published: PublishedSetting): Promise<void> {
  const cells: Array<CellSetting & {source: string}> = [];
  if (published) {
    const runRows = await rowsOf(connection, `
      SELECT e.label, e.model, e.model_kind, s.benchmark, s.run_id, r.seed, r.config_json, b.max_tokens, coalesce(b.open_ended, c.open_ended) AS open_ended
      FROM (SELECT DISTINCT run_id, model, benchmark FROM scores WHERE is_main) s
      JOIN entries e USING (run_id, model) LEFT JOIN runs r USING (run_id) LEFT JOIN benchmarks b USING (run_id, benchmark)
      LEFT JOIN catalogue c USING (benchmark)
      WHERE e.source = 'native' ORDER BY e.label, s.benchmark, s.run_id`);
    const counts = new Map((await rowsOf(connection, `
      SELECT v.label, v.benchmark, count(DISTINCT v.instance_id)::INTEGER AS n FROM instance_values v WHERE v.is_main GROUP BY ALL`)).map((r) => [`${r.label}\u0000${r.benchmark}`, Number(r.n)]));
    const juries = new Map((await rowsOf(connection, `
      SELECT label, benchmark, list(DISTINCT judge ORDER BY judge) AS judges, bool_or(self_judging) AS self_judging FROM verdict_units GROUP BY ALL`)).map((r) => [`${r.label}\u0000${r.benchmark}`, r]));
    const byCell = new Map<string, CellSetting & {source: string}>();
    for (const r of runRows) {
      const key = `${r.label}\u0000${r.benchmark}`;
      let cell = byCell.get(key);
      if (!cell) {
        const jury = juries.get(key);
        cell = {
          label: String(r.label), benchmark: String(r.benchmark), model: String(r.model), model_kind: String(r.model_kind), source: "native",
          open_ended: Boolean(r.open_ended), n_instances: counts.get(key) ?? 0,
          judges: jury ? (jury.judges as string[]).map(String) : [], self_judging: Boolean(jury?.self_judging), runs: []
        };
        byCell.set(key, cell);
        cells.push(cell);
      }
      cell.runs.push(runSetting(r));
    }
  }
  const settings = new Map((await rowsOf(connection, `SELECT benchmark, instances FROM paper_settings`)).map((r) => [String(r.benchmark), Number(r.instances)]));
  const reasons = cells.map((cell) => {
    const paper: PaperSetting = {version: String(published), published: settings.has(cell.benchmark), instances: settings.get(cell.benchmark) ?? null};
    return {cell, reasons: comparabilityReasons(cell, paper)};
  });
  await insertRows(connection, "comparability", {label: "VARCHAR", benchmark: "VARCHAR", kind: "VARCHAR", reason: "VARCHAR"},
    reasons.flatMap(({cell, reasons}) => reasons.map((r) => ({label: cell.label, benchmark: cell.benchmark, kind: r.kind, reason: r.reason}))));
  await insertRows(connection, "cell_comparability", {label: "VARCHAR", benchmark: "VARCHAR", comparable: "BOOLEAN", comparability: "VARCHAR"},
    reasons.map(({cell, reasons}) => ({label: cell.label, benchmark: cell.benchmark, comparable: reasons.length === 0, comparability: reasons.map((r) => r.reason).join("; ") || null})));
}

/** A run's settings for one benchmark, read from its manifest (`runs.config_json`) and `benchmarks` row. */
function runSetting(row: Record<string, unknown>): RunSetting {
  let manifest: Record<string, unknown> = {};
  try {
    manifest = JSON.parse(String(row.config_json ?? "{}")) as Record<string, unknown>;
  } catch {
    // A manifest that is not JSON records nothing; every setting then reads as unknown.
  }
  const number = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  const models = Array.isArray(manifest.models) ? (manifest.models as Array<Record<string, unknown>>) : [];
  const model = models.find((m) => m && m.id === row.model);
  return {
    limit: number(manifest.limit),
    seed: number(row.seed) ?? number(manifest.seed),
    maxEvalInstances: number(manifest.maxEvalInstances),
    helmCompat: typeof manifest.helmCompat === "boolean" ? manifest.helmCompat : null,
    benchmarkMaxTokens: number(row.max_tokens),
    modelMaxTokens: number(model?.maxTokens),
    excludedSelfJudging: manifest.excludeSelfJudging === true || manifest.excludeSameVendorJudging === true
  };
}

/** Column types of a correlation table after its key columns. */
function correlationColumns(key: Record<string, ColumnType>): Record<string, ColumnType> {
  return {...key, n: "INTEGER", spearman: "DOUBLE", spearman_low: "DOUBLE", spearman_high: "DOUBLE", kendall_tau_b: "DOUBLE", pearson: "DOUBLE"};
}

/**
 * Prices recorded usage: per (run, entry, benchmark), per (entry, benchmark), per entry and per
 * (run, entry). The usage rows are sorted because `usageCosts` adds each cell's judges in the
 * order they come: unsorted, a parallel GROUP BY gave a different order, and so a different last
 * bit of the jury cost, on each build.
 */
async function deriveCosts(connection: DuckDBConnection): Promise<void> {
  const models = (await rowsOf(connection, `
    SELECT c.run_id, e.label, c.model, e.model_kind, c.benchmark, left(r.started_at, 10) AS date,
      coalesce(sum(c.input_tokens), 0)::DOUBLE AS input_tokens, coalesce(sum(c.output_tokens), 0)::DOUBLE AS output_tokens,
      count(*) FILTER (WHERE c.error IS NULL AND (c.input_tokens IS NULL OR c.output_tokens IS NULL))::INTEGER AS n_missing_usage
    FROM completions c JOIN entries e USING (run_id, model) LEFT JOIN runs r USING (run_id) WHERE e.source <> '${PUBLISHED_SOURCE}' GROUP BY ALL ORDER BY ALL`)) as unknown as ModelUsage[];
  const judges = (await rowsOf(connection, `
    SELECT v.run_id, v.label, v.benchmark, v.judge, left(r.started_at, 10) AS date,
      coalesce(sum(v.input_tokens), 0)::DOUBLE AS input_tokens, coalesce(sum(v.output_tokens), 0)::DOUBLE AS output_tokens,
      count(*) FILTER (WHERE v.called AND (v.input_tokens IS NULL OR v.output_tokens IS NULL))::INTEGER AS n_missing_usage
    FROM verdict_units v LEFT JOIN runs r USING (run_id) GROUP BY ALL ORDER BY ALL`)) as unknown as JudgeUsage[];
  await insertRows(connection, "usage_costs", {
    run_id: "VARCHAR", label: "VARCHAR", benchmark: "VARCHAR", input_tokens: "DOUBLE", output_tokens: "DOUBLE",
    judge_input_tokens: "DOUBLE", judge_output_tokens: "DOUBLE", cost_usd: "DOUBLE", jury_cost_usd: "DOUBLE"
  }, usageCosts(models, judges) as unknown as Array<Record<string, unknown>>);
  // The published entries cost what MedHELM published for them (its upper-bound estimate).
  await connection.run(`INSERT INTO usage_costs SELECT run_id, label, benchmark, input_tokens, output_tokens, judge_input_tokens, judge_output_tokens, cost_usd, jury_cost_usd FROM published_costs`);
  // A sum with an unknown part is unknown: count(x) = count(*) tells whether every part is known.
  const known = (x: string) => `CASE WHEN count(${x}) = count(*) THEN sum(${x} ORDER BY ${x}) END`;
  await connection.run(`CREATE TABLE cell_costs AS SELECT label, benchmark, ${known("cost_usd")} AS cost_usd, ${known("jury_cost_usd")} AS jury_cost_usd FROM usage_costs GROUP BY ALL`);
  await connection.run(`CREATE TABLE own_costs AS
    SELECT l.model, ${known("u.cost_usd")} AS benchmark_cost, ${known("u.jury_cost_usd")} AS jury_cost,
      CASE WHEN count(u.cost_usd) = count(*) AND count(u.jury_cost_usd) = count(*) THEN sum(u.cost_usd ORDER BY u.cost_usd) + sum(u.jury_cost_usd ORDER BY u.jury_cost_usd) END AS total_cost,
      u.label, l.source, l.model_kind
    FROM usage_costs u JOIN labels l USING (label) GROUP BY ALL`);
  await connection.run(`CREATE TABLE run_costs AS
    SELECT u.run_id, u.label, l.model, l.source, sum(u.input_tokens) AS input_tokens, sum(u.output_tokens) AS output_tokens,
      sum(u.judge_input_tokens) AS judge_input_tokens, sum(u.judge_output_tokens) AS judge_output_tokens,
      ${known("u.cost_usd")} AS cost_usd, ${known("u.jury_cost_usd")} AS jury_cost_usd
    FROM usage_costs u JOIN labels l USING (label) GROUP BY ALL`);
}

/**
 * The source of every module the cached statistics are computed by, mixed into the cache's keys:
 * editing any of them (a fix, a new option) drops the results computed by the old code.
 */
function statisticsCode(): string {
  return ["../stats/shared-resamples.ts", "../stats/bootstrap.ts", "../stats/winrate.ts", "../stats/random.ts", "./stats.ts", "./stat-columns.ts"]
    .map((module) => readFileSync(new URL(module, import.meta.url), "utf-8")).join("\n");
}

