/**
 * HELM run directories: finding them under a `benchmark_output` folder and parsing their files
 * (`run_spec.json`, `scenario_state.json`, `per_instance_stats.json`, `stats.json`, and the
 * optional `display_predictions.json` + `instances.json` that stand in for a missing scenario
 * state) into plain records. Parsing is strict about the fields we need and lenient about
 * everything else, because HELM versions add and drop fields and never write nulls.
 */
import {existsSync, readdirSync, statSync} from "node:fs";
import {basename, join, relative} from "node:path";
import {Field, HelmFormatError, readJsonFile} from "./fields.ts";
import {benchmarkOfRun, modelFromRunArg, parseRunName, subsetOfRun} from "./names.ts";

/** A suite folder (`runs/<suite>/`): one `helm-run` invocation's runs. */
export interface SuiteDir {
  name: string;
  dir: string;
}

/** One run directory (`runs/<suite>/<run name>/`). */
export interface RunDir {
  suite: string;
  dir: string;
  /** Path relative to the import root, used in messages. */
  rel: string;
}

/** What a run spec tells us. */
export interface RunSpecInfo {
  name: string;
  /** Our benchmark id, undefined when the run is not a MedHELM benchmark. */
  benchmark: string | undefined;
  /** Sub-run (e.g. MedDialog subset), null for a whole-benchmark run. */
  subset: string | null;
  /** HELM model id, e.g. `openai/gpt-4o-2024-05-13`. */
  model: string;
  /** HELM model deployment, e.g. `stanfordhealthcare/gpt-4o-2024-05-13`. */
  deployment: string | null;
  /** Adapter method, e.g. `multiple_choice_joint` or `generation`. */
  method: string;
  maxTokens: number | null;
  /** Jury judge key -> judge model id, from the annotators' `annotator_models`; empty when not recorded. */
  annotatorModels: Record<string, string>;
  /** The adapter spec without model fields, which defines the prompt (hashed into `prompt_hash`). */
  promptSpec: Record<string, unknown>;
}

/** One evaluated instance as HELM recorded it. */
export interface HelmInstance {
  /** HELM's instance id (e.g. `id14`), unique within a run. */
  id: string;
  split: string;
  input: string;
  references: {text: string; correct: boolean}[];
}

/** A model's answer to one instance, with what HELM recorded around it. */
export interface HelmPrediction {
  instance: HelmInstance;
  /** Multiple choice: letter -> reference text. */
  outputMapping: Record<string, string> | null;
  prompt: string | null;
  /** The first completion's text; null when the request failed or no result was recorded. */
  output: string | null;
  error: string | null;
  finishReason: string | null;
  cached: boolean | null;
  latencyMs: number | null;
  /** Unix seconds of the request, when recorded. */
  requestedAt: number | null;
  /** `request_state.annotations`, parsed later (jury verdicts live here). */
  annotations: Field | null;
}

/** One unperturbed statistic. */
export interface HelmStat {
  name: string;
  split: string | null;
  subSplit: string | null;
  value: number;
}

/** Everything read from one run directory. */
export interface HelmRun {
  dir: RunDir;
  spec: RunSpecInfo;
  predictions: HelmPrediction[];
  /** Instance id -> its unperturbed per-instance stats (first train trial). */
  instanceStats: Map<string, HelmStat[]>;
  /** Run-level unperturbed stats from `stats.json`. */
  runStats: HelmStat[];
  /** Notes about things skipped while parsing (duplicates, perturbed copies). */
  notes: string[];
}

/** Folders that `helm-summarize` also ignores inside a suite. */
const notRuns = new Set(["eval_cache", "groups"]);

function subdirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => {
      try {
        return statSync(join(dir, name)).isDirectory();
      } catch {
        return false;
      }
    })
    .sort();
}

/** Sorts names the way people number releases and suites (`v2` before `v10`). */
export function naturalSort(names: string[]): string[] {
  return [...names].sort((a, b) => a.localeCompare(b, "en", {numeric: true}));
}

const hasRuns = (dir: string) => subdirs(dir).some((d) => !notRuns.has(d) && existsSync(join(dir, d, "run_spec.json")));

/**
 * The suites under an import root, which may be a `benchmark_output` folder (with `runs/`), a
 * `runs/` folder, or a single suite folder. Suites come in natural name order.
 */
export function findSuites(root: string): SuiteDir[] {
  const runsDir = existsSync(join(root, "runs")) ? join(root, "runs") : root;
  if (runsDir === root && hasRuns(root)) return [{name: basename(root), dir: root}];
  return naturalSort(subdirs(runsDir)).map((name) => ({name, dir: join(runsDir, name)}));
}

/**
 * The run directories of a suite. A folder without `run_spec.json` is not a run; one without
 * `stats.json` did not finish, and is listed separately because `helm-summarize` skips it too.
 */
export function listRunDirs(suite: SuiteDir, root: string): {runs: RunDir[]; unfinished: RunDir[]} {
  const runs: RunDir[] = [];
  const unfinished: RunDir[] = [];
  for (const name of subdirs(suite.dir)) {
    if (notRuns.has(name)) continue;
    const dir = join(suite.dir, name);
    if (!existsSync(join(dir, "run_spec.json"))) continue;
    const run = {suite: suite.name, dir, rel: relative(root, dir) || name};
    (existsSync(join(dir, "stats.json")) ? runs : unfinished).push(run);
  }
  return {runs, unfinished};
}

const fileOf = (run: RunDir, name: string) => ({path: join(run.dir, name), rel: `${run.rel}/${name}`});

/** Parses a `RunSpec`. */
export function parseRunSpec(root: Field): RunSpecInfo {
  const spec = root.object();
  const name = spec.get("name").string();
  const adapter = spec.get("adapter_spec").object();
  const parsed = parseRunName(name);
  // The adapter spec is authoritative; the run name only stands in when an old file lacks the field.
  const modelField = adapter.get("model");
  const model = modelField.present || !parsed.args.model ? modelField.string() : modelFromRunArg(parsed.args.model);
  const deployment = adapter.get("model_deployment").optString() ?? (parsed.args.model_deployment ? modelFromRunArg(parsed.args.model_deployment) : null);
  const groups = spec.get("groups").optArray().map((g) => g.string());
  const annotatorModels: Record<string, string> = {};
  for (const annotator of spec.get("annotators").optArray()) {
    const models = annotator.get("args").get("annotator_models");
    if (!models.present) continue;
    for (const [key, info] of models.entries()) {
      annotatorModels[key] = info.object().get("model_name").string();
    }
  }
  const {model: _m, model_deployment: _d, ...promptSpec} = adapter.value as Record<string, unknown>;
  return {
    name,
    benchmark: benchmarkOfRun(name, groups),
    subset: subsetOfRun(name),
    model,
    deployment,
    method: adapter.get("method").string(),
    maxTokens: adapter.get("max_tokens").optNumber() ?? null,
    annotatorModels,
    promptSpec
  };
}

/** Parses an `Instance`. */
export function parseInstance(field: Field): HelmInstance {
  const instance = field.object();
  const input = instance.get("input");
  return {
    id: instance.get("id").string(),
    split: instance.get("split").optString() ?? "test",
    // `Input.text` defaults to "" in HELM; chat-style inputs may carry only messages.
    input: input.present ? input.object().get("text").optString() ?? "" : "",
    references: instance.get("references").optArray().map((ref) => ({
      text: ref.object().get("output").object().get("text").optString() ?? "",
      correct: ref.get("tags").optArray().some((t) => t.value === "correct")
    }))
  };
}

/** The prompt of a `Request`: its text, or its chat messages one per line when it has no text. */
function promptOf(request: Field): string | null {
  if (!request.present) return null;
  const text = request.get("prompt").optString();
  if (text) return text;
  const messages = request.get("messages").optArray();
  if (!messages.length) return text ?? null;
  return messages.map((m) => `${m.get("role").optString() ?? "user"}: ${m.get("content").optString() ?? ""}`).join("\n");
}

function stringMap(field: Field): Record<string, string> | null {
  if (!field.present) return null;
  return Object.fromEntries(field.entries().map(([k, v]) => [k, v.string()]));
}

/** Whether a request state or per-instance record is the unperturbed first trial (the one HELM's headline uses). */
function isBaseline(record: Field, instance?: Field): boolean {
  if (record.get("perturbation").present || instance?.get("perturbation").present) return false;
  return (record.get("train_trial_index").optNumber() ?? 0) === 0;
}

/** Parses `scenario_state.json` into one prediction per unperturbed instance (first train trial). */
export function parseScenarioState(root: Field): {predictions: HelmPrediction[]; notes: string[]} {
  const states = root.object().get("request_states").array();
  const predictions: HelmPrediction[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let perturbed = 0;
  for (const state of states) {
    state.object();
    const instanceField = state.get("instance").object();
    if (!isBaseline(state, instanceField)) {
      perturbed++;
      continue;
    }
    const instance = parseInstance(instanceField);
    // Adapters that send one request per reference repeat the instance; the first request stands for it.
    if (seen.has(instance.id)) {
      duplicates++;
      continue;
    }
    seen.add(instance.id);
    const result = state.get("result");
    const success = result.present ? result.object().get("success").optBoolean() ?? true : false;
    const completion = result.present ? result.get("completions").optArray()[0] : undefined;
    const requestTime = result.present ? result.get("request_time").optNumber() : undefined;
    predictions.push({
      instance,
      outputMapping: stringMap(state.get("output_mapping")),
      prompt: promptOf(state.get("request")),
      output: success && completion ? completion.object().get("text").optString() ?? "" : success && result.present ? "" : null,
      error: !result.present ? "no result recorded" : success ? null : result.get("error").optString() ?? "request failed",
      finishReason: completion?.get("finish_reason").present ? completion.get("finish_reason").object().get("reason").optString() ?? null : null,
      cached: result.present ? result.get("cached").optBoolean() ?? null : null,
      latencyMs: requestTime === undefined ? null : requestTime * 1000,
      requestedAt: result.present ? result.get("request_datetime").optNumber() ?? null : null,
      annotations: state.get("annotations").present ? state.get("annotations").object() : null
    });
  }
  const notes: string[] = [];
  if (perturbed) notes.push(`${perturbed} perturbed or later-trial request states ignored`);
  if (duplicates) notes.push(`${duplicates} repeated request states of the same instance ignored (first kept)`);
  return {predictions, notes};
}

/**
 * Predictions from `display_predictions.json` + `instances.json`, for runs whose
 * `scenario_state.json` was not kept. They lack the prompt, timing and cache flags.
 */
export function parseDisplayPredictions(displayRoot: Field, instancesRoot: Field): {predictions: HelmPrediction[]; notes: string[]} {
  const instances = new Map<string, HelmInstance>();
  for (const field of instancesRoot.array()) {
    if (field.object().get("perturbation").present) continue;
    const instance = parseInstance(field);
    if (!instances.has(instance.id)) instances.set(instance.id, instance);
  }
  const predictions: HelmPrediction[] = [];
  const seen = new Set<string>();
  for (const display of displayRoot.array()) {
    if (!isBaseline(display.object())) continue;
    const id = display.get("instance_id").string();
    if (seen.has(id)) continue;
    seen.add(id);
    const instance = instances.get(id);
    if (!instance) return display.get("instance_id").fail(`instance ${id} is not in instances.json`);
    const mapped = display.get("mapped_output").optString();
    const output = display.get("predicted_text").optString() ?? "";
    predictions.push({
      instance,
      // Only the mapped answer is recorded; a one-entry mapping reproduces it.
      outputMapping: mapped === undefined ? null : {[output.trim()]: mapped},
      prompt: null, output, error: null, finishReason: null, cached: null, latencyMs: null, requestedAt: null,
      annotations: display.get("annotations").present ? display.get("annotations").object() : null
    });
  }
  return {predictions, notes: ["scenario_state.json absent: predictions read from display_predictions.json"]};
}

/**
 * A `Stat`'s value: its `mean`, else `sum / count`. Returns null for a perturbed copy (HELM's
 * robustness/fairness duplicates) and for a stat without values (HELM drops NaN ones).
 */
export function parseStat(field: Field): HelmStat | null {
  const stat = field.object();
  const name = stat.get("name").object();
  if (name.get("perturbation").present) return null;
  const mean = stat.get("mean").optNumber();
  const sum = stat.get("sum").optNumber();
  const count = stat.get("count").optNumber();
  const value = mean ?? (sum !== undefined && count ? sum / count : undefined);
  if (value === undefined) return null;
  return {name: name.get("name").string(), split: name.get("split").optString() ?? null, subSplit: name.get("sub_split").optString() ?? null, value};
}

/** Parses `per_instance_stats.json`: instance id -> its unperturbed stats of the first train trial. */
export function parsePerInstanceStats(root: Field): Map<string, HelmStat[]> {
  const out = new Map<string, HelmStat[]>();
  for (const record of root.array()) {
    record.object();
    if (!isBaseline(record)) continue;
    const id = record.get("instance_id").string();
    const stats = record.get("stats").array().map(parseStat).filter((s): s is HelmStat => s !== null);
    out.set(id, [...(out.get(id) ?? []), ...stats]);
  }
  return out;
}

/** Parses `stats.json` (unperturbed run-level stats). */
export function parseRunStats(root: Field): HelmStat[] {
  return root.array().map(parseStat).filter((s): s is HelmStat => s !== null);
}

/** Reads a run's `run_spec.json` (cheap: used to decide which runs win before reading the big files). */
export function readRunSpec(run: RunDir): RunSpecInfo {
  const {path, rel} = fileOf(run, "run_spec.json");
  return parseRunSpec(readJsonFile(path, rel));
}

/** Reads and parses every file of a run directory; throws `HelmFormatError` naming the bad file and field. */
export function readRun(run: RunDir, spec: RunSpecInfo = readRunSpec(run)): HelmRun {
  const file = (name: string) => fileOf(run, name);
  const exists = (name: string) => existsSync(file(name).path);
  const read = (name: string) => readJsonFile(file(name).path, file(name).rel);
  let parsed: {predictions: HelmPrediction[]; notes: string[]};
  if (exists("scenario_state.json")) parsed = parseScenarioState(read("scenario_state.json"));
  else if (exists("display_predictions.json") && exists("instances.json")) parsed = parseDisplayPredictions(read("display_predictions.json"), read("instances.json"));
  else throw new HelmFormatError(file("scenario_state.json").rel, "", "missing (and no display_predictions.json + instances.json to fall back on)");
  if (!exists("per_instance_stats.json")) throw new HelmFormatError(file("per_instance_stats.json").rel, "", "missing");
  return {
    dir: run,
    spec,
    predictions: parsed.predictions,
    instanceStats: parsePerInstanceStats(read("per_instance_stats.json")),
    runStats: parseRunStats(read("stats.json")),
    notes: parsed.notes
  };
}
