/** `medhelm run`: evaluates models on benchmarks and writes the Parquet tables. */
import {parseArgs} from "node:util";
import {UsageError, type Command} from "../command.ts";
import {progressPrinter} from "../progress.ts";
import {runConfigured, type RunFlags} from "../suite.ts";

const list = (value: string | undefined) => value?.split(",").map((s) => s.trim()).filter(Boolean);

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

const command: Command = {
  name: "run",
  summary: "evaluate models on benchmarks (with the jury) and write Parquet tables",
  usage: `usage: medhelm run [options]

  --benchmarks a,b     benchmark ids (default: all with data)
  --models m1,m2       evaluated model ids, e.g. openai/gpt-4o, baseline/random-choice
  --judges j1,j2,j3    jury model ids (default: config, else the endpoint's first three models)
  --limit N            at most N instances per benchmark
  --concurrency N      calls in flight at once (default 8)
  --seed N             sampling and baseline seed (default 0)
  --out DIR            where the Parquet tables go (default results/latest)
  --cache DIR          response cache folder (default .medhelm/cache)
  --config FILE        configuration file (default medhelm.config.json)
  --helm-compat        reproduce HELM's scoring quirks (MedCalc lab/dosage = 0, integer jury scores)
  --format json        print a machine-readable summary on stdout`,
  async run(args, io) {
    let values;
    try {
      ({values} = parseArgs({
        args,
        options: {
          benchmarks: {type: "string"}, models: {type: "string"}, judges: {type: "string"}, limit: {type: "string"},
          concurrency: {type: "string"}, seed: {type: "string"}, out: {type: "string"}, cache: {type: "string"},
          config: {type: "string"}, "helm-compat": {type: "boolean"}, format: {type: "string"}
        }
      }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (values.format && !["json", "table"].includes(values.format)) throw new UsageError(`unknown format: ${values.format}`);
    const flags: RunFlags = {
      benchmarks: list(values.benchmarks), models: list(values.models), judges: values.judges === undefined ? undefined : list(values.judges) ?? [],
      limit: integer(values.limit, "--limit"), concurrency: integer(values.concurrency, "--concurrency"), seed: integer(values.seed, "--seed"),
      outDir: values.out, cacheDir: values.cache, configFile: values.config, helmCompat: values["helm-compat"]
    };
    const {summary, config, files} = await runConfigured({
      cwd: io.cwd, env: io.env, flags, log: (m) => io.stderr(`${m}\n`), progress: progressPrinter(io.stderr, io.isTTY)
    });
    if (values.format === "json") io.stdout(`${JSON.stringify({...summary, out: config.outDir, files})}\n`);
    else {
      io.stdout(`run ${summary.runId}: ${summary.calls} calls, ${summary.cached} cached, ${summary.errors} errors\n`);
      io.stdout(`tables written to ${config.outDir}\n`);
    }
    return 0;
  }
};

export default command;
