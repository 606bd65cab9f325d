/**
 * The site's data: runs the configured suite (cached) or reads existing result folders, then
 * derives the small tables the pages query and packs everything into one zip (one loader, so the
 * suite runs once per build). Each table is shipped twice: Arrow IPC for DuckDB-WASM, which reads
 * it without extensions, and Parquet for downloads. Instance text of gated and private benchmarks
 * is removed here unless the configuration explicitly allows publishing it.
 */
import {existsSync} from "node:fs";
import {join, resolve} from "node:path";
import {zipSync} from "fflate";
import {queryToArrowIPC} from "./arrow.ts";
import {loadConfig} from "./config.ts";
import {memoryConnection, sqlString} from "./parquet.ts";
import {dataAvailable, loadRegistry} from "./registry.ts";
import {runConfigured} from "./suite.ts";
import {tableNames} from "./tables.ts";
import {categories, subcategories} from "./taxonomy.ts";
import {readFile, mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";

/** Where the site's results come from. */
export interface SiteSource {
  /** Run the configured suite before building (default true). */
  run: boolean;
  /** Further result folders (e.g. imported HELM runs) shown next to the run. */
  include: string[];
}

/** Derived tables shipped to the browser, as SQL over the merged result tables. */
const derived: Record<string, string> = {
  leaderboard: `
    SELECT s.model, any_value(c.model_kind) AS model_kind, r.source, s.benchmark, b.name AS benchmark_name, b.category, b.subcategory, b.access,
      s.metric, bool_or(s.is_main) AS is_main,
      avg(s.value) AS value, avg(s.value_normalized) AS value_normalized,
      count(*)::INTEGER AS n, count(s.value)::INTEGER AS n_scored,
      coalesce(stddev_samp(s.value), 0) AS sd,
      avg(s.value) - 1.96 * coalesce(stddev_samp(s.value), 0) / sqrt(greatest(count(s.value), 1)) AS ci_low,
      avg(s.value) + 1.96 * coalesce(stddev_samp(s.value), 0) / sqrt(greatest(count(s.value), 1)) AS ci_high,
      avg(s.value_normalized) - 1.96 * coalesce(stddev_samp(s.value_normalized), 0) / sqrt(greatest(count(s.value), 1)) AS ci_low_normalized,
      avg(s.value_normalized) + 1.96 * coalesce(stddev_samp(s.value_normalized), 0) / sqrt(greatest(count(s.value), 1)) AS ci_high_normalized,
      any_value(s.unscored_reason) FILTER (WHERE s.value IS NULL) AS unscored_reason
    FROM scores s
    JOIN benchmarks b USING (run_id, benchmark)
    JOIN runs r USING (run_id)
    LEFT JOIN completions c USING (run_id, benchmark, instance_id, model)
    GROUP BY s.model, r.source, s.benchmark, b.name, b.category, b.subcategory, b.access, s.metric`,
  answers: `
    SELECT c.run_id, c.benchmark, c.instance_id, c.model, c.model_kind, b.access,
      CASE WHEN $allow OR b.access = 'public' THEN i.input_text END AS input_text,
      CASE WHEN $allow OR b.access = 'public' THEN i.gold_text END AS gold_text,
      CASE WHEN $allow OR b.access = 'public' THEN c.output_text END AS output_text,
      CASE WHEN $allow OR b.access = 'public' THEN c.answer_text END AS answer_text,
      c.error, c.cached, c.latency_ms, c.input_tokens, c.output_tokens,
      m.value AS main_value, m.value_normalized AS main_value_normalized, m.unscored_reason
    FROM completions c
    JOIN benchmarks b USING (run_id, benchmark)
    LEFT JOIN instances i USING (run_id, benchmark, instance_id)
    LEFT JOIN scores m ON m.run_id = c.run_id AND m.benchmark = c.benchmark AND m.instance_id = c.instance_id AND m.model = c.model AND m.is_main`,
  verdicts: `
    SELECT j.run_id, j.benchmark, j.instance_id, j.model, j.judge, j.criterion, j.score, j.parse_status, j.reason, j.self_judging, j.same_vendor,
      CASE WHEN $allow OR b.access = 'public' THEN j.explanation END AS explanation
    FROM judgments j JOIN benchmarks b USING (run_id, benchmark)`
};

/** Reads the site source from the configuration (`site` field). */
export function siteSource(spec: {site?: Partial<SiteSource>} | undefined, cwd: string): SiteSource {
  return {run: spec?.site?.run ?? true, include: (spec?.site?.include ?? []).map((d) => resolve(cwd, d))};
}

/** Builds the zip of site tables for the project in `cwd`. */
export async function siteArchive({cwd, env, log}: {cwd: string; env: Record<string, string | undefined>; log: (m: string) => void}): Promise<Uint8Array> {
  const configFile = env.MEDHELM_CONFIG;
  const config = loadConfig({cwd, env, file: configFile});
  const source = siteSource(config.raw, cwd);
  const dirs: string[] = [...source.include];
  if (source.run) {
    const {config: used} = await runConfigured({cwd, env, flags: {configFile}, log});
    dirs.unshift(used.outDir);
  }
  for (const dir of dirs) {
    for (const table of tableNames) if (!existsSync(join(dir, `${table}.parquet`))) throw new Error(`result folder ${dir} lacks ${table}.parquet`);
  }
  const registry = await loadRegistry();
  const {connection, close} = await memoryConnection();
  const files: Record<string, Uint8Array> = {};
  const tmp = await mkdtemp(join(tmpdir(), "medhelm-site-"));
  try {
    for (const table of tableNames) {
      const paths = dirs.map((d) => sqlString(join(d, `${table}.parquet`))).join(", ");
      await connection.run(`CREATE TABLE ${table} AS SELECT * FROM read_parquet([${paths}], union_by_name = true)`);
    }
    // Aggregates are always publishable; text of restricted benchmarks is removed at the source.
    await connection.run(`UPDATE instances SET input_text = NULL, gold_text = NULL, prompt_text = NULL, choices_json = NULL
      WHERE ${config.publishRestrictedText} = false AND benchmark IN (SELECT benchmark FROM benchmarks WHERE access <> 'public')`);
    await connection.run(`CREATE TABLE catalogue (benchmark VARCHAR, name VARCHAR, category VARCHAR, category_name VARCHAR, subcategory VARCHAR, subcategory_name VARCHAR, access VARCHAR, open_ended BOOLEAN, main_metric VARCHAR, data_available BOOLEAN, description VARCHAR, task VARCHAR, dataset VARCHAR, license VARCHAR)`);
    for (const b of registry) {
      const sub = subcategories.find((s) => s.id === b.subcategory)!;
      const cat = categories.find((c) => c.id === b.category)!;
      const values = [b.id, b.name, b.category, cat.name, b.subcategory, sub.name, b.access].map(sqlString).join(", ");
      await connection.run(`INSERT INTO catalogue VALUES (${values}, ${b.openEnded}, ${sqlString(b.mainMetric)}, ${dataAvailable(b, config.dataDir)}, ${[b.description, b.task, b.data.dataset, b.data.license].map(sqlString).join(", ")})`);
    }
    const allow = String(config.publishRestrictedText);
    for (const [name, sql] of Object.entries(derived)) await connection.run(`CREATE TABLE ${name} AS ${sql.replaceAll("$allow", allow)}`);
    const shipped = ["runs", "benchmarks", "catalogue", ...Object.keys(derived)];
    for (const name of shipped) {
      files[`${name}.arrow`] = await queryToArrowIPC(connection, `SELECT * FROM ${name}`);
      const parquet = join(tmp, `${name}.parquet`);
      await connection.run(`COPY ${name} TO ${sqlString(parquet)} (FORMAT parquet, COMPRESSION zstd)`);
      files[`${name}.parquet`] = new Uint8Array(await readFile(parquet));
    }
  } finally {
    close();
    await rm(tmp, {recursive: true, force: true});
  }
  return zipSync(files, {level: 6});
}
