/** `medhelm list`: the benchmark catalogue with taxonomy, access tier and data availability. */
import {parseFlags, UsageError, type Command} from "../command.ts";
import {loadConfig} from "../../runner/config.ts";
import {dataAvailable, dataDirOf, projectRegistry} from "../../benchmark/registry.ts";
import {inTaxonomy} from "../../benchmark/taxonomy.ts";

/** One benchmark as `list` reports it. */
export interface ListedBenchmark {
  id: string;
  name: string;
  /** A MedHELM category id, or `unclassified` for a benchmark that names no subcategory. */
  category: string;
  /** A MedHELM subcategory id, or `unclassified`. */
  subcategory: string;
  /** False for a benchmark outside MedHELM's taxonomy (its category and subcategory are `unclassified`). */
  in_taxonomy: boolean;
  access: string;
  open_ended: boolean;
  main_metric: string;
  data_available: boolean;
  instances: number | null;
}

const command: Command = {
  name: "list",
  summary: "list benchmarks with category, subcategory, access tier and data availability",
  usage: "usage: medhelm list [--format json|table] [--config FILE]\n\n  Instance counts are read from the data (before MedHELM's 1000-instance cap).\n  Benchmarks come from benchmarks/ and the config's benchmarkDirs; a file that fails to load is\n  reported on stderr (naming its file, line and field) and the exit code is 1.",
  async run(args, io) {
    const {values} = parseFlags({args, options: {format: {type: "string"}, config: {type: "string"}}});
    const config = loadConfig({cwd: io.cwd, env: io.env, file: values.config});
    const rows: ListedBenchmark[] = [];
    const {benchmarks, errors} = await projectRegistry(config);
    // Every benchmark that loads is listed; each that does not is named with its error, and the exit code says so.
    for (const e of errors) io.stderr(`benchmark not loaded: ${e.message}\n`);
    for (const b of benchmarks) {
      const available = dataAvailable(b, config.dataDir);
      let instances: number | null = null;
      if (available) {
        try {
          instances = (await b.load(dataDirOf(b, config.dataDir))).length;
        } catch (error) {
          io.stderr(`${b.id}: data present but unreadable: ${(error as Error).message}\n`);
        }
      }
      rows.push({id: b.id, name: b.name, category: b.category, subcategory: b.subcategory, in_taxonomy: inTaxonomy(b.subcategory), access: b.access, open_ended: b.openEnded, main_metric: b.mainMetric, data_available: available && instances !== null, instances});
    }
    if (values.format === "json") io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    else if (!values.format || values.format === "table") {
      for (const r of rows) {
        const data = r.data_available ? `${r.instances} instances` : "data not available";
        const category = r.in_taxonomy ? r.category : "(not in MedHELM's taxonomy)";
        io.stdout(`${r.id.padEnd(28)} ${category.padEnd(36)} ${r.access.padEnd(8)} ${(r.open_ended ? "open-ended" : "closed").padEnd(11)} ${data}\n`);
      }
      // Saying how to place them keeps "not in the taxonomy" from reading as an error.
      const outside = rows.filter((r) => !r.in_taxonomy).map((r) => r.id);
      if (outside.length) io.stdout(`\n${outside.length} benchmark${outside.length === 1 ? "" : "s"} not in MedHELM's taxonomy (no subcategory given): ${outside.join(", ")}. They count in the overall win rate; add "subcategory: <id>" to a YAML benchmark (or to a TypeScript benchmark's catalogue field) to place it in a MedHELM category.\n`);
    } else throw new UsageError(`unknown format: ${values.format}`);
    return errors.length ? 1 : 0;
  }
};

export default command;
