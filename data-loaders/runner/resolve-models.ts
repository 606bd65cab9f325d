/**
 * Model ids -> models. `baseline/<name>` are the offline baselines; `<endpoint>/<model>` is a
 * model on a configured OpenAI-compatible endpoint (`openai` is the one from `OPENAI_BASE_URL`).
 * Unknown prefixes fail before any call is made.
 */
import {baselineIds, type SuiteConfig} from "./config.ts";
import type {Model} from "../benchmark/types.ts";
import {baselineModel} from "../models/baseline.ts";
import {listModels, openaiModel, vendorOf} from "../models/openai.ts";

/**
 * A default jury from an endpoint's served models: up to three, preferring one per model family
 * (MedHELM's panel spans three vendors so that no family grades itself alone).
 */
export function defaultPanel(served: string[], size = 3): string[] {
  const vendor = (id: string) => vendorOf(id.slice(id.indexOf("/") + 1), id.slice(0, id.indexOf("/")));
  const panel: string[] = [];
  for (const id of served) if (panel.length < size && !panel.some((p) => vendor(p) === vendor(id))) panel.push(id);
  for (const id of served) if (panel.length < size && !panel.includes(id)) panel.push(id);
  return panel;
}

/** Resolves one model id against the configuration. */
export function resolveModel(id: string, config: SuiteConfig): Model {
  const slash = id.indexOf("/");
  if (slash <= 0 || slash === id.length - 1) throw new Error(`invalid model id: ${id} (expected provider/name)`);
  const prefix = id.slice(0, slash);
  const name = id.slice(slash + 1);
  if (prefix === "baseline") return baselineModel(name);
  const endpoint = config.endpoints.find((e) => e.name === prefix);
  if (!endpoint) {
    const known = ["baseline", ...config.endpoints.map((e) => e.name)].join(", ");
    const hint = prefix === "openai" ? "; set OPENAI_BASE_URL or OPENAI_API_KEY" : "";
    throw new Error(`unknown model provider: ${prefix} in ${id} (configured: ${known}${hint})`);
  }
  const model = openaiModel(endpoint, name, config.vendors[id]);
  const maxTokens = config.modelMaxTokens[id];
  return maxTokens === undefined ? model : {...model, maxTokens};
}

/**
 * The evaluated models and judges of a run. Explicit lists (flags, then config) win. Otherwise,
 * with no endpoint the baselines run alone and there is no jury; with an endpoint whose models
 * are not named, its served models are listed: the first is evaluated (next to the baselines) and
 * up to three, one per model family where possible, form the jury.
 */
export async function resolveModels(config: SuiteConfig, flags: {models?: string[]; judges?: string[]}): Promise<{models: Model[]; judges: Model[]}> {
  let modelIds = flags.models ?? (config.models.length ? config.models : null);
  let judgeIds = flags.judges ?? config.judges;
  if (!modelIds || !judgeIds) {
    const served: string[] = [];
    for (const endpoint of config.endpoints) {
      try {
        for (const name of await listModels(endpoint)) served.push(`${endpoint.name}/${name}`);
      } catch (error) {
        throw new Error(`cannot list models of endpoint ${endpoint.name} (${endpoint.baseURL}): ${(error as Error).message}; name models in ${"medhelm.config.json"} or with --models`);
      }
    }
    modelIds ??= [...baselineIds, ...served.slice(0, 1)];
    judgeIds ??= defaultPanel(served);
  }
  return {models: modelIds.map((id) => resolveModel(id, config)), judges: judgeIds.map((id) => resolveModel(id, config))};
}
