/**
 * `medhelm cache`: look inside the response cache.
 * - `explain`: computes the key of one item's request (a model's answer, or a judge's verdict on
 *   it), says whether it would be served from the cache, and for a miss which key fields differ
 *   from the nearest stored entries of the same item.
 * - `verify`: reads every record and reports torn (unfinished) and damaged ones.
 */
import {resolve} from "node:path";
import {cacheHealth, keyText, scanRecords, summarizeFields, summaryKey, type StoredEntry} from "../../cache/cache.ts";
import {describeFields, nearestEntries} from "../../cache/cache-explain.ts";
import {parseFlags, UsageError, type Command, type CommandIO} from "../command.ts";
import {loadConfig} from "../../runner/config.ts";
import {resolveModel} from "../../runner/resolve-models.ts";
import {stripThinking} from "../../benchmark/prompt.ts";
import {dataAvailable, dataDirOf, projectRegistry, selectBenchmarks} from "../../benchmark/registry.ts";
import {answerRequest, judgeRequest, juryPurpose, keyFields} from "../../runner/run.ts";

const usage = `usage: medhelm cache <explain|verify> [options]

  medhelm cache explain --benchmark ID --instance ID --model M [--judge J]
      Computes the cache key of the model's answer to the instance (or, with --judge, of that
      judge's verdict on the cached answer), says hit or miss, and for a miss lists which key
      fields differ from the nearest stored entries for the same item.
  medhelm cache verify
      Reads every record; reports entries, unfinished records left by a killed run (skipped,
      harmless) and damaged ones (exit code 1).

  --cache DIR      response cache folder (default: config, else .medhelm/cache)
  --config FILE    configuration file (endpoints decide the endpoint URL in keys)
  --format json    machine-readable output

The key is the SHA-256 of the canonical JSON of: endpoint URL, model id, messages (role,
SHA-256 and length of each), max_tokens, temperature, stop, JSON mode and the judge prompt
version. API keys, headers, timeouts and concurrency are never part of it.`;

function options(args: string[]) {
  return parseFlags({
    args,
    allowPositionals: true,
    options: {
      benchmark: {type: "string"}, instance: {type: "string"}, model: {type: "string"}, judge: {type: "string"},
      cache: {type: "string"}, config: {type: "string"}, format: {type: "string"}
    }
  });
}

async function explain(values: ReturnType<typeof options>["values"], io: CommandIO): Promise<number> {
  for (const flag of ["benchmark", "instance", "model"] as const) if (!values[flag]) throw new UsageError(`cache explain needs --${flag}`);
  const config = loadConfig({cwd: io.cwd, env: io.env, file: values.config});
  const dir = values.cache ? resolve(io.cwd, values.cache) : config.cacheDir;
  const {benchmarks: registry, errors} = await projectRegistry(config);
  const broken = errors.find((e) => e.id === values.benchmark);
  if (broken) throw new UsageError(broken.message);
  const [benchmark] = selectBenchmarks(registry, [values.benchmark!]);
  if (!dataAvailable(benchmark, config.dataDir)) throw new UsageError(`data of ${benchmark.id} not available in ${dataDirOf(benchmark, config.dataDir)}`);
  const instance = (await benchmark.load(dataDirOf(benchmark, config.dataDir))).find((i) => i.id === values.instance);
  if (!instance) throw new UsageError(`no instance ${values.instance} in ${benchmark.id}`);
  const model = resolveModel(values.model!, config);
  if (model.kind === "baseline" && !values.judge) throw new UsageError(`${model.id} is an offline baseline; its answers are computed, never cached (its judges' verdicts are: add --judge)`);

  // Read the log once: the entries of this item, and the record of any key asked about.
  const item: StoredEntry[] = [];
  const byKey = new Map<string, StoredEntry>();
  const answerKey = summaryKey(summarizeFields(keyFields(model, answerRequest(benchmark, instance), null)));
  let wantedJudgeKey: string | null = null;
  scanRecords(dir, (entry) => {
    const label = entry.label;
    if (entry.key === answerKey) byKey.set(entry.key, entry);
    if (label?.benchmark === benchmark.id && label.instance === instance.id && label.model === model.id) item.push(entry);
  });

  let summary = summarizeFields(keyFields(model, answerRequest(benchmark, instance), null));
  let candidates = item.filter((e) => !e.label?.judge);
  let subject = `${model.id} answering ${benchmark.id}/${instance.id}`;
  if (values.judge) {
    if (!benchmark.rubric) throw new UsageError(`${benchmark.id} is not judged (no rubric)`);
    const judge = resolveModel(values.judge, config);
    // A baseline's answer is recomputed (it is deterministic); a model's must be in the cache.
    const answer = model.kind === "baseline"
      ? {text: (await model.generate(answerRequest(benchmark, instance), {benchmark, instance, seed: config.seed})).text}
      : byKey.get(answerKey);
    if (!answer) {
      const text = `the judge's request depends on the model's answer, and ${model.id}'s answer to ${benchmark.id}/${instance.id} is not in ${dir} (key ${answerKey}); explain the answer first (without --judge)\n`;
      if (values.format === "json") io.stdout(`${JSON.stringify({key: null, hit: false, reason: text.trim()})}\n`);
      else io.stdout(text);
      return 0;
    }
    summary = summarizeFields(keyFields(judge, judgeRequest(benchmark.rubric, instance, stripThinking(answer.text)), juryPurpose(benchmark.rubric)));
    wantedJudgeKey = summaryKey(summary);
    candidates = item.filter((e) => e.label?.judge === judge.id);
    subject = `${judge.id} judging ${model.id} on ${benchmark.id}/${instance.id}`;
  }
  const key = wantedJudgeKey ?? answerKey;
  const hit = candidates.find((e) => e.key === key) ?? (key === answerKey ? byKey.get(key) : undefined);
  const nearest = hit ? [] : nearestEntries(summary, candidates);
  if (values.format === "json") {
    io.stdout(`${JSON.stringify({subject, key, hit: Boolean(hit), cache: dir, fields: summary, key_text: keyText(summary), stored: hit ?? null, nearest: nearest.map((n) => ({key: n.entry.key, stored_at: n.entry.storedAt, differences: n.differences}))})}\n`);
    return 0;
  }
  const lines = [`${subject}`, `key          ${key}`, ...describeFields(summary)];
  if (hit) lines.push(`status       HIT: stored ${hit.storedAt}, finish_reason ${hit.finishReason}, ${hit.outputTokens ?? "?"} output tokens; a run replays it without a call`);
  else {
    lines.push(`status       MISS: a run would call ${summary.model}`);
    if (!candidates.length) lines.push(`             no stored entry for this item in ${dir} (it has never been answered successfully with this cache)`);
    for (const [i, n] of nearest.entries()) {
      lines.push(`nearest #${i + 1}   ${n.entry.key} stored ${n.entry.storedAt}, differs in ${n.differences.length} field(s):`);
      for (const d of n.differences) lines.push(`               ${d.field}: stored ${d.stored}, now ${d.current}`);
    }
  }
  io.stdout(`${lines.join("\n")}\n`);
  return 0;
}

const command: Command = {
  name: "cache",
  summary: "explain why an item would (not) be served from the response cache; verify the cache",
  usage,
  async run(args, io) {
    const {values, positionals} = options(args);
    const [action] = positionals;
    if (values.format && !["json", "table"].includes(values.format)) throw new UsageError(`unknown format: ${values.format}`);
    if (action === "explain") return explain(values, io);
    if (action === "verify") {
      const dir = values.cache ? resolve(io.cwd, values.cache) : loadConfig({cwd: io.cwd, env: io.env, file: values.config}).cacheDir;
      const health = cacheHealth(dir);
      if (values.format === "json") io.stdout(`${JSON.stringify({cache: dir, ...health})}\n`);
      else {
        io.stdout(`${dir}: ${health.entries} entries in ${health.records} records, ${health.segments} segment(s), ${health.bytes} bytes\n`);
        io.stdout(`unfinished records (a run killed mid-write; skipped): ${health.torn}\ndamaged records (bad checksum; skipped): ${health.corrupt}\n`);
      }
      return health.corrupt ? 1 : 0;
    }
    throw new UsageError(action ? `unknown cache action: ${action} (explain or verify)` : "cache needs an action: explain or verify");
  }
};

export default command;
