/**
 * Imports HELM / MedHELM outputs into our six tables, with `runs.source = "helm-import"`.
 *
 * Two inputs are understood. Run directories (`runs/<suite>/<run>/`) give instance-level rows:
 * instances, completions, HELM's per-instance scores and the jury's verdicts. When there are
 * none (or with `fromSummary`), `helm-summarize` leaderboard tables (`groups/*.json` of a
 * release or suite) give one score per model x benchmark cell, written against a pseudo-instance
 * `__leaderboard__` so a published leaderboard can be explored on its own.
 *
 * Precedence follows HELM's `runs_to_run_suites`: when several suites hold a run of the same
 * model on the same benchmark (and sub-run), the later suite wins. A run that cannot be read is
 * reported with the file and field at fault and the others are still imported.
 */
import {existsSync} from "node:fs";
import {basename, join} from "node:path";
import {canonicalJson, sha256} from "../cache/cache.ts";
import type {TableSink} from "../formats/parquet.ts";
import {tableNames, type Row, type TableName} from "../formats/tables.ts";
import {catalogueEntry, categoryOf} from "../benchmark/taxonomy.ts";
import {readJsonFile} from "./fields.ts";
import {runRows} from "./rows.ts";
import {findSuites, listRunDirs, readRun, readRunSpec, type RunDir, type RunSpecInfo} from "./runs.ts";
import {mainSplit, metricRange, normalized} from "./stats.ts";
import {checkWinRates, findSummaries, groupFiles, leaderboardCells, modelNames, readTables, type LeaderboardCell, type SummaryDir} from "./summary.ts";

/** The instance id of the pseudo-instance that carries a leaderboard cell. */
export const leaderboardInstance = "__leaderboard__";

/** What to import. */
export interface ImportOptions {
  /** A `benchmark_output` folder (or a `runs/`, suite, release or summarize folder). */
  root: string;
  /** Suite (or release) names to read, in precedence order (later wins); default all suites in name order, or the last release. */
  suites?: string[];
  /** Read leaderboard tables even when run directories exist. */
  fromSummary?: boolean;
  /** Run id of the imported result set; default `helm-<suite names>`. */
  runId?: string;
  toolVersion: string;
}

/** Side effects: the table sink is opened only once something is ready to be written. */
export interface ImportEffects {
  openSink: () => Promise<TableSink>;
}

/** One imported run. */
export interface ImportedRun {
  run: string;
  benchmark: string;
  subset: string | null;
  model: string;
  instances: number;
  /** HELM's run-level main metric from `stats.json`. */
  value: number | null;
}

/** What happened, for the command's output. */
export interface ImportReport {
  runId: string | null;
  mode: "runs" | "summary";
  imported: ImportedRun[];
  /** Runs replaced by a run of the same model and benchmark in a later suite. */
  superseded: {run: string; by: string}[];
  /** Runs not imported on purpose (not a MedHELM benchmark, unfinished). */
  skipped: {run: string; reason: string}[];
  /** Runs or files that could not be read; the rest was still imported. */
  errors: {run: string; message: string}[];
  warnings: string[];
  /** Leaderboard cells imported (summary mode). */
  cells: number;
  counts: Record<TableName, number>;
  /** Parquet files by table, null when nothing was written. */
  files: Record<TableName, string> | null;
}

/** A sink that counts rows by table. */
function counting(sink: TableSink, counts: Record<TableName, number>): TableSink {
  return {
    write(table, row) {
      counts[table]++;
      sink.write(table, row);
    },
    close: () => sink.close()
  };
}

/** The `benchmarks` row of an imported benchmark. */
function benchmarkRow(runId: string, benchmark: string, extra: {maxTokens: number | null; available: boolean | null; instances: number | null; promptHash: string | null; instancesHash: string | null}): Row {
  const entry = catalogueEntry(benchmark)!;
  const range = metricRange(benchmark, entry.mainMetric);
  return {
    run_id: runId, benchmark, name: entry.name, version: null, category: categoryOf(benchmark), subcategory: entry.subcategory, access: entry.access,
    open_ended: entry.openEnded, main_metric: entry.mainMetric, main_metric_min: range?.[0] ?? null, main_metric_max: range?.[1] ?? null,
    max_tokens: extra.maxTokens, data_available: extra.available, n_instances: extra.instances, prompt_hash: extra.promptHash, instances_hash: extra.instancesHash
  };
}

/** The most frequent value, ties broken towards the smallest (the base runs' `max_tokens` rather than a reasoning model's override). */
function mode(values: number[]): number | null {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return sorted[0]?.[0] ?? null;
}

const message = (error: unknown) => (error as Error).message ?? String(error);

/** Imports HELM outputs under `options.root`; see the module comment. */
export async function importHelm(options: ImportOptions, effects: ImportEffects): Promise<ImportReport> {
  const {root} = options;
  if (!existsSync(root)) throw new Error(`no such folder: ${root}`);
  let suites = findSuites(root);
  // Names that are not run suites may be releases or summarize folders, which the summary import resolves.
  if (options.suites?.length) suites = options.suites.every((n) => suites.some((s) => s.name === n)) ? selectByName(suites, options.suites, "suite", root) : [];
  const listed = suites.map((s) => ({suite: s, ...listRunDirs(s, root)}));
  const anyRuns = listed.some((l) => l.runs.length || l.unfinished.length);
  if (options.fromSummary || !anyRuns) return importSummary(options, effects);
  return importRuns(options, effects, listed);
}

/** Suites or releases restricted to `names` (in that order); unknown names throw. */
function selectByName<T extends {name: string}>(found: T[], names: string[] | undefined, what: string, root: string): T[] {
  if (!names?.length) return found;
  return names.map((name) => {
    const hit = found.filter((f) => f.name === name);
    if (!hit.length) throw new Error(`no ${what} named ${name} under ${root} (found: ${found.map((f) => f.name).join(", ") || "none"})`);
    return hit[hit.length - 1];
  });
}

function emptyReport(mode: ImportReport["mode"]): ImportReport {
  return {
    runId: null, mode, imported: [], superseded: [], skipped: [], errors: [], warnings: [], cells: 0,
    counts: Object.fromEntries(tableNames.map((t) => [t, 0])) as Record<TableName, number>, files: null
  };
}

async function importRuns(options: ImportOptions, effects: ImportEffects, listed: {suite: {name: string}; runs: RunDir[]; unfinished: RunDir[]}[]): Promise<ImportReport> {
  const report = emptyReport("runs");
  const suiteNames = listed.filter((l) => l.runs.length).map((l) => l.suite.name);
  const runId = options.runId ?? `helm-${suiteNames.join("+")}`;

  // Run specs are small: read them all first to decide which run wins each (benchmark, sub-run, model).
  const winners = new Map<string, {run: RunDir; spec: RunSpecInfo}>();
  for (const {runs, unfinished} of listed) {
    for (const run of unfinished) report.skipped.push({run: run.rel, reason: "no stats.json: the run did not finish (helm-summarize skips it too)"});
    for (const run of runs) {
      let spec: RunSpecInfo;
      try {
        spec = readRunSpec(run);
      } catch (error) {
        report.errors.push({run: run.rel, message: message(error)});
        continue;
      }
      if (!spec.benchmark) {
        report.skipped.push({run: run.rel, reason: `run ${spec.name} is not a MedHELM benchmark`});
        continue;
      }
      const key = `${spec.benchmark}\u0000${spec.subset ?? ""}\u0000${spec.model}`;
      const previous = winners.get(key);
      if (previous) {
        report.superseded.push({run: previous.run.rel, by: run.rel});
        if (previous.run.suite === run.suite) report.warnings.push(`${run.suite}: two runs of ${spec.model} on ${spec.benchmark}${spec.subset ? ` (${spec.subset})` : ""}; ${run.rel} kept, ${previous.run.rel} ignored`);
      }
      winners.set(key, {run, spec});
    }
  }

  type Accumulator = {instances: Map<string, string>; maxTokens: number[]; promptSpec: Record<string, unknown>; conflicts: number};
  const perBenchmark = new Map<string, Accumulator>();
  const models = new Set<string>();
  const judges = new Set<string>();
  const requests = {total: 0, cached: 0, failed: 0, first: Infinity, last: -Infinity};
  let sink: TableSink | null = null;

  for (const key of [...winners.keys()].sort()) {
    const {run, spec} = winners.get(key)!;
    let rows;
    try {
      rows = runRows(readRun(run, spec), runId, spec.benchmark!);
    } catch (error) {
      report.errors.push({run: run.rel, message: message(error)});
      continue;
    }
    sink ??= counting(await effects.openSink(), report.counts);
    const acc: Accumulator = perBenchmark.get(rows.benchmark) ?? {instances: new Map(), maxTokens: [], promptSpec: spec.promptSpec, conflicts: 0};
    perBenchmark.set(rows.benchmark, acc);
    // Every model's run repeats the benchmark's instances; the first run's copy is written.
    for (const row of rows.instances) {
      const id = row.instance_id as string;
      const hash = sha256(String(row.input_text ?? ""));
      const known = acc.instances.get(id);
      if (known === undefined) {
        acc.instances.set(id, hash);
        sink.write("instances", row);
      } else if (known !== hash) acc.conflicts++;
    }
    for (const row of rows.completions) sink.write("completions", row);
    for (const row of rows.scores) sink.write("scores", row);
    for (const row of rows.judgments) sink.write("judgments", row);
    if (spec.maxTokens !== null) acc.maxTokens.push(spec.maxTokens);
    models.add(rows.model);
    for (const j of rows.judges) judges.add(j);
    requests.total += rows.requests.total;
    requests.cached += rows.requests.cached;
    requests.failed += rows.requests.failed;
    if (rows.requests.first !== null) requests.first = Math.min(requests.first, rows.requests.first);
    if (rows.requests.last !== null) requests.last = Math.max(requests.last, rows.requests.last);
    for (const w of rows.warnings) report.warnings.push(`${run.rel}: ${w}`);
    report.imported.push({run: run.rel, benchmark: rows.benchmark, subset: spec.subset, model: rows.model, instances: rows.instances.length, value: rows.runValue});
  }

  if (!sink) return report;
  report.runId = runId;
  for (const [benchmark, acc] of [...perBenchmark].sort(([a], [b]) => a.localeCompare(b))) {
    if (acc.conflicts) report.warnings.push(`${benchmark}: ${acc.conflicts} instance ids recur with a different input across runs (different data snapshots); the first input was kept`);
    sink.write("benchmarks", benchmarkRow(runId, benchmark, {
      maxTokens: mode(acc.maxTokens), available: true, instances: acc.instances.size,
      promptHash: sha256(canonicalJson(acc.promptSpec)), instancesHash: sha256(canonicalJson([...acc.instances].sort(([a], [b]) => a.localeCompare(b))))
    }));
  }
  const iso = (seconds: number) => (Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : null);
  sink.write("runs", {
    run_id: runId, source: "helm-import", started_at: iso(requests.first), finished_at: iso(requests.last), tool_version: options.toolVersion,
    seed: null, models: [...models].sort().join(","), judges: [...judges].sort().join(","),
    config_json: canonicalJson({importer: "helm", mode: "runs", root: basename(options.root), suites: suiteNames, runs: report.imported.length, errors: report.errors.length, skipped: report.skipped.length, superseded: report.superseded.length}),
    n_calls: requests.total - requests.cached, n_cached: requests.cached, n_errors: requests.failed
  });
  report.files = await sink.close();
  return report;
}

/** The summarize folders to read: the named ones, else the last release, else every suite (later wins), else the root. */
function chooseSummaries(root: string, names: string[] | undefined, report: ImportReport): SummaryDir[] {
  const found = findSummaries(root);
  if (names?.length) return selectByName(found, names, "suite or release", root);
  const releases = found.filter((s) => s.kind === "release");
  if (releases.length) {
    if (releases.length > 1) report.warnings.push(`releases ${releases.slice(0, -1).map((r) => r.name).join(", ")} not read; pass --suite to choose`);
    return releases.slice(-1);
  }
  return found;
}

async function importSummary(options: ImportOptions, effects: ImportEffects): Promise<ImportReport> {
  const report = emptyReport("summary");
  const summaries = chooseSummaries(options.root, options.suites, report);
  if (!summaries.length) throw new Error(`no HELM run directories or groups/*.json leaderboards under ${options.root}`);
  const cells = new Map<string, LeaderboardCell>();
  for (const summary of summaries) {
    const schemaPath = join(summary.dir, "schema.json");
    let names = new Map<string, string>();
    try {
      names = modelNames(existsSync(schemaPath) ? readJsonFile(schemaPath, relativeTo(options.root, schemaPath)) : null);
    } catch (error) {
      report.errors.push({run: relativeTo(options.root, schemaPath), message: message(error)});
    }
    const tables = [];
    for (const file of groupFiles(summary)) {
      const rel = relativeTo(options.root, file);
      try {
        tables.push(...readTables(file, rel, names));
      } catch (error) {
        report.errors.push({run: rel, message: message(error)});
      }
    }
    for (const table of tables) {
      const problem = checkWinRates(table);
      if (problem) report.warnings.push(problem);
    }
    // A later release or suite replaces an earlier one's cell of the same model and benchmark.
    for (const cell of leaderboardCells(tables)) cells.set(`${cell.model}\u0000${cell.benchmark}`, cell);
  }
  if (!cells.size) {
    report.errors.push({run: summaries.map((s) => relativeTo(options.root, join(s.dir, "groups"))).join(", "), message: "no leaderboard table with MedHELM benchmark columns"});
    return report;
  }
  const runId = options.runId ?? `helm-${summaries.map((s) => s.name).join("+")}`;
  report.runId = runId;
  report.cells = cells.size;
  const sink = counting(await effects.openSink(), report.counts);
  const benchmarks = [...new Set([...cells.values()].map((c) => c.benchmark))].sort();
  for (const benchmark of benchmarks) {
    sink.write("benchmarks", benchmarkRow(runId, benchmark, {maxTokens: null, available: null, instances: null, promptHash: null, instancesHash: null}));
    sink.write("instances", {
      run_id: runId, benchmark, instance_id: leaderboardInstance, subset: null, split: mainSplit(benchmark),
      input_text: null, choices_json: null, gold_text: null, prompt_text: null, input_chars: null
    });
  }
  for (const cell of cells.values()) {
    const key = {run_id: runId, benchmark: cell.benchmark, instance_id: leaderboardInstance, model: cell.model};
    const metric = catalogueEntry(cell.benchmark)!.mainMetric;
    sink.write("completions", {...key, model_kind: "llm", endpoint: cell.endpoint, output_text: null, answer_text: null, error: null, finish_reason: null, input_tokens: null, output_tokens: null, latency_ms: null, cached: null, request_hash: null});
    sink.write("scores", {
      ...key, metric, is_main: true, value: cell.value, value_normalized: normalized(cell.benchmark, metric, cell.value),
      unscored_reason: cell.value === null ? `HELM leaderboard cell is empty (${cell.source})` : null
    });
  }
  const models = [...new Set([...cells.values()].map((c) => c.model))].sort();
  sink.write("runs", {
    run_id: runId, source: "helm-import", started_at: null, finished_at: null, tool_version: options.toolVersion, seed: null, models: models.join(","), judges: "",
    config_json: canonicalJson({importer: "helm", mode: "summary", root: basename(options.root), summaries: summaries.map((s) => `${s.kind}:${s.name}`), cells: cells.size, errors: report.errors.length}),
    n_calls: null, n_cached: null, n_errors: null
  });
  report.files = await sink.close();
  return report;
}

function relativeTo(root: string, path: string): string {
  return path.startsWith(root) ? path.slice(root.length).replace(/^[\\/]+/, "") || basename(path) : path;
}
