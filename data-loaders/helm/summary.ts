/**
 * `helm-summarize` leaderboard tables (`groups/<group>.json`, a list of HELM `Table`s:
 * `{title, header: [HeaderCell], rows: [[Cell]], name?, ...}`) read as model x benchmark cells,
 * so that a release's leaderboard can be explored without its run directories. Models are rows
 * (first cell = display name) and benchmarks are columns headed `<benchmark> - <metric>`, the
 * same strings as the catalogue's `helmColumn`; HELM's "Mean win rate" column, when present, is
 * kept to check our win rates against.
 */
import {existsSync, readdirSync} from "node:fs";
import {basename, join} from "node:path";
import {catalogue} from "../benchmark/taxonomy.ts";
import {meanWinRates} from "../stats/winrate.ts";
import {Field, readJsonFile} from "./fields.ts";
import {benchmarkOfRun, modelFromRunArg, parseRunName} from "./names.ts";
import {naturalSort} from "./runs.ts";

/** A folder of summarize output holding `groups/*.json`. */
export interface SummaryDir {
  /** Release or suite name. */
  name: string;
  /** The folder containing `groups/` (and usually `schema.json`). */
  dir: string;
  kind: "release" | "suite" | "folder";
}

/** One model row of a leaderboard table. */
export interface LeaderboardRow {
  /** HELM's display name (the row's first cell). */
  display: string;
  /** HELM model id: from `schema.json` when it lists the display name, else from the cells' run names, else the display name. */
  model: string;
  /** Model deployment from the cells' run names, when any. */
  endpoint: string | null;
  /** Value per column (null for an empty cell or a non-number). */
  values: (number | null)[];
}

/** A leaderboard table with its benchmark columns resolved. */
export interface LeaderboardTable {
  /** Path of the groups file relative to the import root. */
  file: string;
  title: string;
  headers: string[];
  lowerIsBetter: (boolean | null)[];
  /** Benchmark id per column; undefined for the model column, the win-rate column and unknown columns. */
  benchmarks: (string | undefined)[];
  /** Index of HELM's "Mean win rate" column, or -1. */
  winRateColumn: number;
  rows: LeaderboardRow[];
}

/** A model x benchmark cell of a leaderboard. */
export interface LeaderboardCell {
  model: string;
  display: string;
  endpoint: string | null;
  benchmark: string;
  value: number | null;
  /** Where it came from: groups file and column header. */
  source: string;
}

/**
 * The summarize folders under an import root: `releases/<r>/`, `runs/<suite>/`, or the root
 * itself, each holding `groups/*.json`. Releases come first (in natural name order), then suites.
 */
export function findSummaries(root: string): SummaryDir[] {
  const out: SummaryDir[] = [];
  const scan = (parent: string, kind: SummaryDir["kind"]) => {
    if (!existsSync(parent)) return;
    for (const name of naturalSort(readdirSync(parent))) if (existsSync(join(parent, name, "groups"))) out.push({name, dir: join(parent, name), kind});
  };
  scan(join(root, "releases"), "release");
  scan(join(root, "runs"), "suite");
  if (existsSync(join(root, "groups"))) out.push({name: basename(root), dir: root, kind: "folder"});
  return out;
}

/** Display name -> model id from a summarize `schema.json` (`models: [{name, display_name}]`); empty when absent. */
export function modelNames(schema: Field | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!schema) return out;
  for (const m of schema.object().get("models").optArray()) {
    const name = m.object().get("name").string();
    out.set(m.get("display_name").optString() ?? name, name);
  }
  return out;
}

const isAccuracyTable = (name: string | undefined, title: string) => name === "accuracy" || /accuracy/i.test(title);

/** The benchmark of a column: by its exact HELM header, else (accuracy tables only) by benchmark name or by the run names of its cells. */
export function columnBenchmark(header: string, runNames: readonly string[], accuracy: boolean): string | undefined {
  const exact = catalogue.find((b) => b.helmColumn === header);
  if (exact) return exact.id;
  if (!accuracy) return undefined;
  const prefix = header.split(" - ")[0].trim();
  const named = catalogue.find((b) => b.name === prefix || b.helmColumn.split(" - ")[0] === prefix);
  if (named) return named.id;
  for (const run of runNames) {
    const id = benchmarkOfRun(run, []);
    if (id) return id;
  }
  return undefined;
}

function cellRunNames(cell: Field | undefined): string[] {
  if (!cell?.present) return [];
  return cell.get("run_spec_names").optArray().map((n) => n.string());
}

/** Parses one `Table` of a groups file. */
export function parseTable(table: Field, file: string, names: Map<string, string>): LeaderboardTable {
  table.object();
  const title = table.get("title").optString() ?? "";
  const header = table.get("header").array();
  const rows = table.get("rows").array().map((r) => r.array());
  const accuracy = isAccuracyTable(table.get("name").optString(), title);
  const headers = header.map((h) => {
    const v = h.object().get("value");
    return typeof v.value === "string" ? v.value : String(v.value ?? "");
  });
  const winRateColumn = headers.findIndex((h) => h === "Mean win rate");
  const benchmarks = headers.map((h, c) => (c === 0 || c === winRateColumn ? undefined : columnBenchmark(h, rows.flatMap((r) => cellRunNames(r[c])), accuracy)));
  return {
    file,
    title,
    headers,
    lowerIsBetter: header.map((h) => h.get("lower_is_better").optBoolean() ?? null),
    benchmarks,
    winRateColumn,
    rows: rows.map((cells, r) => {
      if (!cells.length) table.get("rows").get(r).fail("expected a row with a model cell, got an empty row");
      const first = cells[0].object().get("value");
      const display = typeof first.value === "string" ? first.value : first.string();
      const run = cells.flatMap(cellRunNames).map(parseRunName).find((p) => p.args.model);
      return {
        display,
        model: names.get(display) ?? (run ? modelFromRunArg(run.args.model) : display),
        endpoint: run?.args.model_deployment ? modelFromRunArg(run.args.model_deployment) : null,
        values: headers.map((_, c) => {
          const v = cells[c]?.present ? cells[c].get("value").value : undefined;
          return typeof v === "number" && Number.isFinite(v) ? v : null;
        })
      };
    })
  };
}

/** Whether a table is a leaderboard: it has HELM's win-rate column or at least two benchmark columns. */
export function isLeaderboard(table: LeaderboardTable): boolean {
  return table.winRateColumn >= 0 || new Set(table.benchmarks.filter(Boolean)).size >= 2;
}

/**
 * Recomputes HELM's mean win rate from the table's own ordered columns and compares it with the
 * table's "Mean win rate" column; returns a description of the first difference, or null.
 */
export function checkWinRates(table: LeaderboardTable): string | null {
  if (table.winRateColumn < 0) return null;
  const columns = table.headers.map((_, c) => c).filter((c) => c !== 0 && c !== table.winRateColumn && table.lowerIsBetter[c] !== null);
  const ours = meanWinRates({values: table.rows.map((r) => columns.map((c) => r.values[c])), lowerIsBetter: columns.map((c) => table.lowerIsBetter[c])});
  for (const [i, row] of table.rows.entries()) {
    const helm = row.values[table.winRateColumn];
    const mine = ours[i];
    if ((helm === null) !== (mine === null) || (helm !== null && mine !== null && Math.abs(helm - mine) > 1e-9)) {
      return `${table.file} "${table.title}": HELM's mean win rate of ${row.display} is ${helm}, recomputed ${mine}`;
    }
  }
  return null;
}

/** Groups files of a summarize folder, the all-benchmark table (`medhelm_scenarios.json`) first. */
export function groupFiles(summary: SummaryDir): string[] {
  const dir = join(summary.dir, "groups");
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  return [...files.filter((f) => f === "medhelm_scenarios.json"), ...files.filter((f) => f !== "medhelm_scenarios.json")].map((f) => join(dir, f));
}

/** Reads a groups file: a list of tables (or a single table, as in `groups/json/`). */
export function readTables(path: string, rel: string, names: Map<string, string>): LeaderboardTable[] {
  const root = readJsonFile(path, rel);
  const tables = Array.isArray(root.value) ? root.array() : [root];
  return tables.map((t) => parseTable(t, rel, names));
}

/**
 * The cells of leaderboard tables: one per model row and benchmark column. The first table that
 * has a (model, benchmark) cell wins, so put the all-benchmark table first; category tables
 * repeat the same cells.
 */
export function leaderboardCells(tables: readonly LeaderboardTable[]): LeaderboardCell[] {
  const cells = new Map<string, LeaderboardCell>();
  for (const table of tables) {
    if (!isLeaderboard(table)) continue;
    table.benchmarks.forEach((benchmark, c) => {
      if (!benchmark) return;
      for (const row of table.rows) {
        const key = `${row.model}\u0000${benchmark}`;
        if (!cells.has(key)) cells.set(key, {model: row.model, display: row.display, endpoint: row.endpoint, benchmark, value: row.values[c], source: `${table.file}: ${table.headers[c]}`});
      }
    });
  }
  return [...cells.values()];
}
