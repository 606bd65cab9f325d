/**
 * HELM run names and how they map to our benchmark ids, sub-runs and model ids.
 *
 * A HELM run name is `<run-spec function>[:<args>]`, then run-expander arguments and the model,
 * e.g. `medcalc_bench:num_output_tokens=4000,model=deepseek-ai_deepseek-r1,model_deployment=stanfordhealthcare_deepseek-r1`
 * (model ids have "/" replaced by "_"). MedHELM adds two quirks: MedDialog's base name is
 * `med_dialog,subset=<s>` (a comma where a colon is expected), and the MedQA/MedMCQA run-spec
 * functions are `medhelm_med_qa`/`medhelm_med_mcqa` while their runs are named `med_qa`/`med_mcqa`.
 * `run_spec.groups` is the primary source of a run's benchmark; the name is the fallback.
 */
import {catalogueEntry} from "../benchmark/taxonomy.ts";

/** A parsed run name. */
export interface RunName {
  /** The run-spec function (or RunSpec base name), e.g. `med_dialog`. */
  fn: string;
  /** Every `key=value` argument, scenario and expander arguments alike. */
  args: Record<string, string>;
}

/** Run-spec function names whose runs belong to a benchmark of another name. */
const functionAliases: Record<string, string> = {
  medhelm_med_qa: "med_qa",
  medhelm_med_mcqa: "med_mcqa"
};

/**
 * Arguments that select the model or change adaptation (HELM run expanders) rather than the
 * data; they do not make a sub-run. `max_length` is a scenario argument of EHRSHOT and MedAlign
 * that caps prompt length, also not a data subset.
 */
const nonSubsetArgs = new Set([
  "model", "model_deployment", "num_output_tokens", "max_tokens", "max_train_instances", "max_eval_instances", "num_train_trials",
  "num_trials", "num_outputs", "num_prompt_tokens", "temperature", "stop", "add_to_stop", "newline", "instructions", "prompt",
  "global_prefix", "format_prompt", "follow_format_instructions", "output_format_instructions", "chatml", "eval_split",
  "data_augmentation", "tokenizer", "increase_max_tokens", "increase_temperature", "process_output", "max_length",
  "jury_config_path"
]);

/**
 * Parses a run name. Both separators are accepted wherever they occur, so `med_dialog,subset=x:model=m`
 * and `med_dialog,subset=x,model=m` parse alike. A token without `=` continues the previous
 * value (a value that itself contained a comma).
 */
export function parseRunName(name: string): RunName {
  const colon = name.indexOf(":");
  const head = colon < 0 ? name : name.slice(0, colon);
  const tail = colon < 0 ? "" : name.slice(colon + 1);
  const [fn, ...headTokens] = head.split(",");
  const tokens = [...headTokens, ...(tail ? tail.split(",") : [])];
  const args: Record<string, string> = {};
  let last: string | null = null;
  for (const token of tokens) {
    const eq = token.indexOf("=");
    if (eq < 0) {
      if (last !== null) args[last] += `,${token}`;
      continue;
    }
    last = token.slice(0, eq);
    args[last] = token.slice(eq + 1);
  }
  return {fn: fn.trim(), args};
}

/** The benchmark a run-spec function name stands for (after MedHELM's aliases). */
export function benchmarkOfFunction(fn: string): string {
  return functionAliases[fn] ?? fn;
}

/**
 * Our benchmark id of a run: the first of its `run_spec.groups` that is a MedHELM catalogue
 * benchmark (groups also hold umbrella names such as `clinical`), else the run-spec function
 * of its name; undefined when neither is in the catalogue.
 */
export function benchmarkOfRun(runName: string, groups: readonly string[]): string | undefined {
  const fromGroups = groups.map(benchmarkOfFunction).find((g) => catalogueEntry(g));
  if (fromGroups) return fromGroups;
  const fromName = benchmarkOfFunction(parseRunName(runName).fn);
  return catalogueEntry(fromName) ? fromName : undefined;
}

/**
 * The sub-run a run covers (MedDialog `subset`, EHRSHOT/N2C2 `subject`, CLEAR `condition`),
 * or null when the run covers the whole benchmark. Expander, model and path arguments are not
 * sub-runs. One argument gives its value; several give `key=value` pairs in name order.
 */
export function subsetOfRun(runName: string): string | null {
  const args = Object.entries(parseRunName(runName).args).filter(([key, value]) => !nonSubsetArgs.has(key) && !/path$|_dir$/.test(key) && !value.includes("/"));
  if (!args.length) return null;
  if (args.length === 1) return args[0][1];
  return args.map(([k, v]) => `${k}=${v}`).join(",");
}

/**
 * A model id from its sanitized form in a run name (`openai_gpt-4o-2024-05-13`). HELM replaced
 * every "/" with "_", which cannot be undone in general; organisation names contain no "_", so
 * the first "_" is taken to be the slash.
 */
export function modelFromRunArg(sanitized: string): string {
  const i = sanitized.indexOf("_");
  return i < 0 ? sanitized : `${sanitized.slice(0, i)}/${sanitized.slice(i + 1)}`;
}

/** The organisation part of a HELM model id (`openai/gpt-4o` -> `openai`), used as its vendor. */
export function vendorOf(model: string): string {
  const i = model.indexOf("/");
  return i < 0 ? model : model.slice(0, i);
}
