/**
 * `medhelm reproduce`: recomputes the MedHELM paper's headline tables from the published
 * leaderboard and cost CSVs in `reference/medhelm-paper/`, as JSON for machines or as aligned
 * text tables for people. Nothing is called or downloaded.
 */
import {parseFlags, UsageError, type Command} from "../command.ts";
import {reproducePaper, type PaperTables} from "../../paper/recomputed.ts";
import {categories} from "../../benchmark/taxonomy.ts";
import {fixed, textTable} from "../text-table.ts";

const usage = `usage: medhelm reproduce [--format json|table] [--version v1|v2]

Recomputes the MedHELM paper's Table 1 (win rate, Win SD, macro-average, SD), category and
subcategory scores, category win rates and cost totals from reference/medhelm-paper/.

  --format json|table   output format (default json)
  --version v1|v2       only one version: v1 = arXiv paper, 35 benchmarks;
                        v2 = 37 benchmarks with MedQA and MedMCQA (default both)
  -h, --help            show this help`;

type Version = "v1" | "v2";

/** One value per model and group, laid out with models as rows and groups as columns. */
function pivot<R extends {model: string}>(tables: PaperTables, rows: R[], groupKey: keyof R, valueKey: keyof R, groups: string[], labels: string[]): string {
  const body = tables.models.map(({model, name}) => [
    name,
    ...groups.map((g) => {
      const hit = rows.find((r) => r.model === model && r[groupKey] === g);
      return fixed(hit ? (hit[valueKey] as number | null) : null);
    })
  ]);
  return textTable(["Model", ...labels], body);
}

/** The readable rendering of one version's tables. */
function renderTables(version: Version, t: PaperTables): string {
  const name = (model: string) => t.models.find((m) => m.model === model)?.name ?? model;
  const categoryIds = categories.map((c) => c.id).filter((id) => t.category_scores.some((r) => r.category === id));
  const categoryLabels = categoryIds.map((id) => categories.find((c) => c.id === id)!.name);
  const subcategoryIds = [...new Set(t.subcategory_scores.map((r) => r.subcategory))];
  const sections = [
    `${version}: ${t.benchmarks.length} benchmarks, ${t.models.length} models`,
    "Table 1",
    textTable(["Model", "Win rate", "Win SD", "Macro-avg", "SD"], t.table1.map((r) => [name(r.model), fixed(r.win_rate), fixed(r.win_sd), fixed(r.macro_avg), fixed(r.sd)])),
    "Category scores (mean normalized score)",
    pivot(t, t.category_scores, "category", "score", categoryIds, categoryLabels),
    "Category win rates",
    pivot(t, t.category_win_rates, "category", "win_rate", categoryIds, categoryLabels),
    // Subcategories are many and their names long, so they run down the rows instead.
    "Subcategory scores (mean normalized score)",
    textTable(
      ["Subcategory", ...t.models.map((m) => m.name)],
      subcategoryIds.map((s) => [s, ...t.models.map(({model}) => fixed(t.subcategory_scores.find((r) => r.model === model && r.subcategory === s)?.score ?? null))])
    ),
    "Estimated cost (USD)",
    textTable(["Model", "Benchmark", "Jury", "Total"], t.costs.map((c) => [name(c.model), fixed(c.benchmark_cost, 2), fixed(c.jury_cost, 2), fixed(c.total_cost, 2)]))
  ];
  return sections.join("\n\n");
}

const command: Command = {
  name: "reproduce",
  summary: "Recompute the MedHELM paper's tables from its published data",
  usage,
  async run(args, io) {
    let values;
    try {
      ({values} = parseFlags({
        args,
        options: {
          format: {type: "string", default: "json"},
          version: {type: "string"},
          help: {type: "boolean", short: "h", default: false}
        },
        strict: true,
        allowPositionals: false
      }));
    } catch (error) {
      // This command repeats its usage after a bad flag.
      throw new UsageError(`${(error as Error).message}\n${usage}`);
    }
    if (values.help) {
      io.stdout(usage + "\n");
      return 0;
    }
    const format = values.format;
    if (format !== "json" && format !== "table") throw new UsageError(`bad --format: ${format} (json or table)`);
    const only = values.version;
    if (only !== undefined && only !== "v1" && only !== "v2") throw new UsageError(`bad --version: ${only} (v1 or v2)`);
    const all = reproducePaper();
    const versions: Version[] = only ? [only] : ["v1", "v2"];
    if (format === "json") {
      io.stdout(JSON.stringify(Object.fromEntries(versions.map((v) => [v, all[v]])), null, 2) + "\n");
    } else {
      io.stdout(versions.map((v) => renderTables(v, all[v])).join("\n\n\n") + "\n");
    }
    return 0;
  }
};

export default command;
