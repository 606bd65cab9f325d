/** `medhelm run`: evaluates models on benchmarks and writes the Parquet tables. */
import {integerFlag, listFlag, parseFlags, UsageError, type Command} from "../command.ts";
import {progressPrinter} from "../../runner/progress.ts";
import {batchWaitPrinter} from "../../runner/batch-progress.ts";
import type {EstimateRow} from "../../runner/estimate.ts";
import {parseShard, ShardError, shardLabel, type ShardChoice} from "../../runner/shard.ts";
import {humanCount} from "../../runner/progress.ts";
import {estimateConfigured, runConfigured, type RunFlags} from "../../runner/suite.ts";
import {textTable} from "../text-table.ts";


const command: Command = {
  name: "run",
  summary: "evaluate models on benchmarks (with the jury) and write Parquet tables",
  usage: `usage: medhelm run [options]

  --benchmarks a,b     benchmark ids (default: all with data)
  --models m1,m2       evaluated model ids, e.g. openai/gpt-4o, baseline/random-choice
  --judges j1,j2,j3    jury model ids (default: config, else the endpoint's first three models)
  --limit N            at most N instances per benchmark
  --concurrency N      requests in flight per endpoint (default: config, else 8); the cap adapts
                       down on rate limits (429) and back up on successes
  --dry-run            estimate tokens and cost per model x benchmark (MedHELM's upper bound,
                       minus what the cache already holds); makes no model calls
  --retry-errors       rerun only the items that failed in the previous run in --out (failed
                       model or judge calls); every other item is replayed from the cache
  --batch              send uncached requests through the providers' batch APIs (half price where
                       the provider says so, answered within 24 h): answers first, then verdicts;
                       a stopped run picks its batches up again (see docs/batch.md, medhelm batches)
  --seed N             sampling and baseline seed (default 0)
  --out DIR            where the Parquet tables go (default results/latest)
  --cache DIR          response cache folder (default .medhelm/cache)
  --config FILE        configuration file (default medhelm.config.json)
  --helm-compat        reproduce HELM's scoring quirks (MedCalc lab/dosage = 0, integer jury scores)
  --format json        print a machine-readable summary (or estimate) on stdout
  --shard i/n          evaluate shard i of n (counting from 1) of the run's instances: every
                       model's answer and every verdict on an instance stay in its shard; with
                       --dry-run, estimate that shard. env/n reads the index from
                       JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID (Slurm); give
                       each shard its own --out and read them back together (docs/cluster.md)

Rerunning the same command continues a run that was stopped: answers already received are in the
cache, so only the calls that never completed are made.`,
  async run(args, io) {
    const {values} = parseFlags({
      args,
      options: {
        benchmarks: {type: "string"}, models: {type: "string"}, judges: {type: "string"}, limit: {type: "string"},
        concurrency: {type: "string"}, seed: {type: "string"}, out: {type: "string"}, cache: {type: "string"},
        config: {type: "string"}, "helm-compat": {type: "boolean"}, format: {type: "string"},
        "dry-run": {type: "boolean"}, "retry-errors": {type: "boolean"}, shard: {type: "string"}, batch: {type: "boolean"}
      }
    });
    if (values.format && !["json", "table"].includes(values.format)) throw new UsageError(`unknown format: ${values.format}`);
    const flags: RunFlags = {
      benchmarks: listFlag(values.benchmarks), models: listFlag(values.models), judges: values.judges === undefined ? undefined : listFlag(values.judges) ?? [],
      limit: integerFlag(values.limit, "--limit"), concurrency: integerFlag(values.concurrency, "--concurrency"), seed: integerFlag(values.seed, "--seed"),
      outDir: values.out, cacheDir: values.cache, configFile: values.config, helmCompat: values["helm-compat"], retryErrors: values["retry-errors"],
      batch: values.batch
    };
    if (flags.concurrency === 0) throw new UsageError("--concurrency must be at least 1");
    const sharding = shardFlag(values.shard, io.env);
    if (sharding) {
      flags.shard = sharding.shard;
      io.stderr(`shard ${shardLabel(sharding.shard)}${sharding.from ? `, from ${sharding.from}` : ""}\n`);
    }
    const shard = sharding ? shardLabel(sharding.shard) : null;
    if (values["dry-run"]) {
      if (flags.retryErrors) throw new UsageError("--dry-run and --retry-errors cannot be combined");
      const estimate = await estimateConfigured({cwd: io.cwd, env: io.env, flags});
      for (const e of estimate.loadErrors) io.stderr(`skipped a benchmark that does not load: ${e.message}\n`);
      if (values.format === "json") io.stdout(`${JSON.stringify({rows: estimate.rows, total: estimate.total, method: estimate.method, shard})}\n`);
      else io.stdout(`${shard ? `Shard ${shard} of the run.\n\n` : ""}${estimateTable(estimate.rows, estimate.total)}`);
      return 0;
    }
    const {summary, config, files, endpoints} = await runConfigured({
      cwd: io.cwd, env: io.env, flags, log: (m) => io.stderr(`${m}\n`), progress: progressPrinter(io.stderr, io.isTTY),
      batchProgress: batchWaitPrinter(io.stderr, io.isTTY)
    });
    if (values.format === "json") io.stdout(`${JSON.stringify({...summary, shard, out: config.outDir, files, endpoints})}\n`);
    else {
      const cost = summary.costUsd === null ? "cost unknown (a model has no list price)" : `$${summary.costUsd.toFixed(4)} at ${flags.batch ? "batch prices (list prices where none is published)" : "list prices"}`;
      const skipped = summary.skipped ? `, ${summary.skipped} not retried` : "";
      io.stdout(`run ${summary.runId}${shard ? ` (shard ${shard})` : ""}: ${summary.calls} calls, ${summary.cached} cached, ${summary.errors} errors${skipped}, ${cost}\n`);
      io.stdout(`tables written to ${config.outDir}\n`);
    }
    return 0;
  }
};

/** The `--shard` flag, bad values reported as usage errors naming the flag. */
function shardFlag(value: string | undefined, env: Record<string, string | undefined>): ShardChoice | null {
  if (value === undefined) return null;
  try {
    return parseShard(value, env);
  } catch (error) {
    if (error instanceof ShardError) throw new UsageError(error.message);
    throw error;
  }
}

const usd = (v: number | null) => (v === null ? "?" : `$${v.toFixed(2)}`);

/** The dry-run estimate as a fixed-width table. */
export function estimateTable(rows: readonly EstimateRow[], total: Omit<EstimateRow, "benchmark" | "model">): string {
  const head = ["benchmark", "model", "items", "cached", "calls", "in tok", "out tok", "judge calls", "judge in", "judge out", "model", "jury", "total", "batch total"];
  const line = (r: Omit<EstimateRow, "benchmark" | "model"> & {benchmark: string; model: string}) => [
    r.benchmark, r.model, String(r.instances), String(r.cached_answers), String(r.calls), humanCount(r.input_tokens), humanCount(r.output_tokens),
    String(r.judge_calls), humanCount(r.judge_input_tokens), humanCount(r.judge_output_tokens), usd(r.model_usd), usd(r.jury_usd), usd(r.total_usd),
    usd(r.batch_total_usd)
  ];
  const text = textTable(head, [...rows.map(line), line({...total, benchmark: "total", model: ""})], {labels: 2, rule: false});
  return `${text}\n\nUpper bound (MedHELM's method): every answer at max_tokens, each judge writing 4096 tokens; cached calls excluded; "?" = no list price.\n"batch total": the same calls through the providers' batch APIs (medhelm run --batch), at batch prices where published, else list prices.\n`;
}

export default command;
