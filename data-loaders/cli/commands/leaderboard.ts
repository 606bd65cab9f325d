/**
 * `medhelm leaderboard`: the site's leaderboard in the terminal, for scripts and CI jobs that need
 * the ranking without building the site. The numbers are the site's own: the result folders go
 * through the same table derivation (`siteFiles`), and the `win_rates` table is printed, so a
 * ranking here and on the published site cannot disagree.
 */
import {existsSync} from "node:fs";
import {resolve} from "node:path";
import {tableFromIPC} from "apache-arrow";
import {csvFormat} from "d3-dsv";
import {type Command, commandConfig, integerFlag, parseFlags, resultFolders, UsageError} from "../command.ts";
import {parsePublished, PUBLISHED_SOURCE, publishedVersions} from "../../paper/published.ts";
import {siteFiles, siteSource} from "../../site/archive.ts";
import {tableNames} from "../../formats/tables.ts";
import {categories, UNCLASSIFIED, unclassifiedCategory} from "../../benchmark/taxonomy.ts";
import {fixed, textTable} from "../text-table.ts";

const usage = `usage: medhelm leaderboard [--results DIR[,DIR...]] [--published v1|v2|none] [--scope all|<category>]
                          [--format table|json|csv] [--resamples N] [--seed N] [--config FILE]

Ranks the entries of result folders (written by "medhelm run" or "medhelm import-helm") among the
published MedHELM results by HELM's mean win rate over the benchmarks they have, with a 95 %
bootstrap interval of the win rate and of the rank (instances resampled within each benchmark),
and the macro-average of normalized main-metric scores: the numbers of the site's leaderboard.
Published entries (source "medhelm-paper") have no instances: their win rates and ranks are point
values. Each run's entry lists how its cells differ from the paper's setting ("comparability").

  --results DIR,...    result folders (default: the config's outDir, results/latest, when it exists);
                       the folders of a sharded run's shards are read as one run
  --published V        published results to rank among: ${publishedVersions.join(", ")} or none
                       (default: the config's site.published, else v2)
  --scope S            "all" benchmarks (default) or one category: ${categories.map((c) => c.id).join(", ")},
                       or ${UNCLASSIFIED} (benchmarks that name no MedHELM subcategory)
  --format F           table (default), json or csv
  --resamples N        bootstrap resamples (default 1000)
  --seed N             bootstrap seed (default: the config's seed, else 0)
  --config FILE        configuration file (default medhelm.config.json)
  -h, --help           show this help`;

// The site's win rates have a scope per category present, and one for benchmarks outside MedHELM's taxonomy when there are any.
const scopes = [...categories, unclassifiedCategory];

/** One printed row: an entry of the leaderboard within the scope. */
export interface LeaderboardRow {
  rank: number | null;
  rank_low: number | null;
  rank_high: number | null;
  label: string;
  model: string;
  source: string;
  model_kind: string;
  win_rate: number | null;
  win_rate_low: number | null;
  win_rate_high: number | null;
  macro_avg: number | null;
  n_benchmarks: number;
  /** The win rate and rank are point values (a published entry, without instances). */
  point_value: boolean;
  /** "comparable on 7 of 37 benchmarks" for a run's entry; null for published and imported entries. */
  comparability_summary: string | null;
  /** How the entry's cells differ from the paper's setting, one item per reason (empty: fully comparable). */
  comparability: Array<{benchmark: string; kind: string; reason: string}>;
}

const columns: (keyof LeaderboardRow)[] = [
  "rank", "rank_low", "rank_high", "label", "model", "source", "model_kind", "win_rate", "win_rate_low", "win_rate_high", "macro_avg", "n_benchmarks",
  "point_value", "comparability_summary"
];

/** Plain numbers from an Arrow cell (Int32 columns can come back as other numeric types). */
const plain = (value: unknown): unknown => (typeof value === "bigint" ? Number(value) : value);

/** The human-readable table: rank with its range, entry, win rate with its interval, macro-average. */
function render(rows: readonly LeaderboardRow[]): string {
  const range = (r: LeaderboardRow) => (r.rank === null ? "-" : r.point_value ? `${r.rank} (point)` : `${r.rank} (${fixed(r.rank_low, 0)}-${fixed(r.rank_high, 0)})`);
  const interval = (r: LeaderboardRow) => (r.win_rate === null ? "-" : r.point_value ? "point value" : `[${fixed(r.win_rate_low)}, ${fixed(r.win_rate_high)}]`);
  return textTable(
    ["Rank (95 %)", "Entry", "Source", "Win rate", "95 % CI", "Macro-avg", "Benchmarks", "Comparability"],
    rows.map((r) => [range(r), r.label, r.source, fixed(r.win_rate), interval(r), fixed(r.macro_avg), String(r.n_benchmarks), r.comparability_summary ?? (r.source === PUBLISHED_SOURCE ? "published" : "-")]),
    {labels: 3}
  );
}

const command: Command = {
  name: "leaderboard",
  summary: "rank the models of result folders by HELM's mean win rate, with intervals (the site's leaderboard)",
  usage,
  async run(args, io) {
    const {values} = parseFlags({
      args,
      options: {
        results: {type: "string"}, published: {type: "string"}, scope: {type: "string", default: "all"}, format: {type: "string", default: "table"},
        resamples: {type: "string", default: "1000"}, seed: {type: "string"}, config: {type: "string"}, help: {type: "boolean", short: "h"}
      },
      allowPositionals: false
    });
    if (values.help) {
      io.stdout(`${usage}\n`);
      return 0;
    }
    const format = values.format!;
    if (!["table", "json", "csv"].includes(format)) throw new UsageError(`--format must be table, json or csv, got ${format}`);
    const scope = values.scope!;
    if (scope !== "all" && !scopes.some((c) => c.id === scope)) throw new UsageError(`--scope must be "all" or a category id (${scopes.map((c) => c.id).join(", ")}), got ${scope}`);
    const resamples = integerFlag(values.resamples, "--resamples", 1)!;
    const config = commandConfig(io, values.config);
    const seed = integerFlag(values.seed, "--seed") ?? config.seed;
    let published;
    try {
      published = values.published === undefined ? siteSource(config.raw, io.cwd, config.file ?? "configuration").published : parsePublished(values.published, "--published");
    } catch (error) {
      throw new UsageError((error as Error).message.replace("or false (no published results)", "or none"));
    }
    // Without --results the default folder is read when it holds results; with published results
    // to rank, an absent default folder leaves the published entries alone on the board.
    const defaultDir = config.outDir;
    const defaultMissing = tableNames.some((t) => !existsSync(resolve(defaultDir, `${t}.parquet`)));
    const dirs = resultFolders(values.results, io.cwd, published && defaultMissing ? [] : [defaultDir]);
    for (const dir of dirs) {
      const missing = tableNames.filter((t) => !existsSync(resolve(dir, `${t}.parquet`)));
      if (missing.length) throw new UsageError(`${dir} is not a result folder (no ${missing.join(", ")}.parquet); run "medhelm run" or pass --results`);
    }

    const files = await siteFiles({dirs, registry: [], dataDir: config.dataDir, publishRestrictedText: false, seed, resamples, published, log: () => {}, warn: (m) => io.stderr(`${m}\n`)});
    const read = (name: string) => tableFromIPC(files[`${name}.arrow`]).toArray().map((row) => row.toJSON() as Record<string, unknown>);
    const catalogue = new Map(read("catalogue").map((r) => [r.benchmark, r.category]));
    const reasons = read("comparability").filter((r) => scope === "all" || catalogue.get(r.benchmark) === scope);
    const rows = read("win_rates")
      .filter((row) => row.scope === scope)
      .map((row) => ({
        ...(Object.fromEntries(columns.map((c) => [c, plain(row[c === "comparability_summary" ? "comparability" : c]) ?? null])) as unknown as LeaderboardRow),
        point_value: Boolean(row.point_value),
        comparability: reasons.filter((r) => r.label === row.label).map((r) => ({benchmark: String(r.benchmark), kind: String(r.kind), reason: String(r.reason)}))
      }));
    if (format === "json") io.stdout(`${JSON.stringify({results: dirs, published: published || "none", scope, seed, resamples, entries: rows}, null, 2)}\n`);
    else if (format === "csv") {
      const flat = rows.map((r) => ({...r, comparability: r.comparability.map((c) => `${c.benchmark}: ${c.reason}`).join("; ")}));
      io.stdout(`${csvFormat(flat as unknown as {[key: string]: string}[], [...columns, "comparability"])}\n`);
    }
    else {
      const scopeName = scope === "all" ? "all benchmarks" : scopes.find((c) => c.id === scope)!.name;
      const note = published ? ` Published MedHELM results (${published}) have no instances: their win rates and ranks are point values.` : "";
      io.stdout(`${render(rows)}\n\nMean win rate over ${scopeName} (HELM's algorithm); 95 % intervals from ${resamples} bootstrap resamples of instances, seed ${seed}.${note}\n`);
    }
    return 0;
  }
};

export default command;
