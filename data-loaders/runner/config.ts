/**
 * Suite configuration: what to run and where the models are. A user-written `medhelm.config.json`
 * (the spec) is normalized once, here, into a strict `SuiteConfig`; environment variables carry
 * only the default endpoint (`OPENAI_BASE_URL`) and secrets (`OPENAI_API_KEY`, and any variable a
 * config endpoint names in `apiKeyEnv`).
 */
import {existsSync, readFileSync} from "node:fs";
import {join, resolve} from "node:path";
import type {EmbeddingEndpoint} from "../models/embeddings.ts";
import {baselineNames} from "../models/baseline.ts";
import {publicUrl, type Endpoint} from "../models/openai.ts";

/** An endpoint as written in the config file. */
export interface EndpointSpec {
  /** `openai` (default): any OpenAI-compatible server. `azure`: Azure OpenAI (needs `apiVersion`; models are deployment names). */
  api?: "openai" | "azure";
  /** Azure OpenAI's `api-version`, e.g. `2024-10-21`. */
  apiVersion?: string;
  baseURL: string;
  /** Name of the environment variable holding the key (the key itself never goes in the file). */
  apiKeyEnv?: string;
  concurrency?: number;
  timeoutMs?: number;
  maxRetries?: number;
  jsonMode?: boolean;
  /** Send uncached requests through the provider's batch API at batch prices (docs/batch.md); `"prefer"` falls back to synchronous calls where there is none. */
  batch?: boolean | "prefer";
}

/** The token-embedding server for BERTScore, as written in the config file. */
export interface BertScoreSpec {
  /** `tei` (text-embeddings-inference, `/embed_all`) or `llama.cpp` (server with `--pooling none`). */
  api: "tei" | "llama.cpp";
  baseURL: string;
  apiKeyEnv?: string;
  /** The embedding model's name; asked of the server when absent. */
  model?: string;
  concurrency?: number;
  timeoutMs?: number;
  maxRetries?: number;
  keepSpecialTokens?: boolean;
  batchSize?: number;
}

/** The config file as written (every field optional). */
export interface SuiteConfigSpec {
  endpoints?: Record<string, EndpointSpec>;
  models?: string[];
  judges?: string[];
  benchmarks?: string[];
  seed?: number;
  limit?: number;
  maxEvalInstances?: number;
  concurrency?: number;
  helmCompat?: boolean;
  excludeSelfJudging?: boolean;
  excludeSameVendorJudging?: boolean;
  dataDir?: string;
  cacheDir?: string;
  outDir?: string;
  resources?: Record<string, string>;
  vendors?: Record<string, string>;
  /** `max_tokens` of a model's answers on every benchmark, by model id (MedHELM: 4000 for reasoning models). */
  modelMaxTokens?: Record<string, number>;
  /** Allow instance text of gated/private benchmarks in the built site (off by default). */
  publishRestrictedText?: boolean;
  /** What the site shows: run the suite at build time (default) and/or include other result folders, and the published MedHELM version ranked among them ("v2" by default, "v1", or false). */
  site?: {run?: boolean; include?: string[]; published?: "v1" | "v2" | false};
  /** Where BERTScore's token embeddings come from; absent, BERTScore is unscored. */
  bertscore?: BertScoreSpec;
  /**
   * More folders of benchmarks (TypeScript files or MedHELM-format YAML files), so that a team
   * keeps its benchmarks in its own repository; relative to the working directory.
   */
  benchmarkDirs?: string[];
  /**
   * HELM model names to our model ids, for the judges a MedHELM-format benchmark names by HELM's
   * `name` (deployment) or `model_name`, e.g. `{"huggingface/qwen2.5-7b-instruct": "local/qwen2.5-7b"}`.
   */
  helmModels?: Record<string, string>;
}

/** The normalized configuration every run uses. */
export interface SuiteConfig {
  endpoints: Endpoint[];
  /** Evaluated model ids; empty means "decide from the endpoints" (see `resolveModels`). */
  models: string[];
  judges: string[] | null;
  benchmarks: string[] | null;
  seed: number;
  limit: number | null;
  maxEvalInstances: number;
  concurrency: number;
  helmCompat: boolean;
  excludeSelfJudging: boolean;
  excludeSameVendorJudging: boolean;
  dataDir: string;
  cacheDir: string;
  outDir: string;
  resources: Record<string, string>;
  vendors: Record<string, string>;
  /** `max_tokens` overrides by model id. */
  modelMaxTokens: Record<string, number>;
  publishRestrictedText: boolean;
  /** The token-embedding server BERTScore uses, or null (BERTScore unscored). */
  bertscore: EmbeddingEndpoint | null;
  /** Extra benchmark folders (absolute), scanned after the project's `benchmarks/`. */
  benchmarkDirs: string[];
  /** HELM model or deployment names -> our model ids (see `SuiteConfigSpec.helmModels`). */
  helmModels: Record<string, string>;
  /** The config file read, if any. */
  file: string | null;
  /** The file's content as written, for sections other modules normalize (e.g. `site`). */
  raw: SuiteConfigSpec;
}

/** Default config file name, looked up in the working directory. */
export const CONFIG_FILE = "medhelm.config.json";

function positiveInt(value: unknown, field: string, file: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw new Error(`${file}: ${field} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return value;
}

/** A list of non-empty strings, or empty when absent; throws naming the field otherwise. */
function stringList(value: unknown, field: string, file: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || !v)) throw new Error(`${file}: ${field} must be a list of non-empty strings, got ${JSON.stringify(value)}`);
  return value;
}

/** A string -> string map, or empty when absent; throws naming the entry otherwise. */
function stringMap(value: unknown, field: string, file: string): Record<string, string> {
  if (value === undefined) return {};
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error(`${file}: ${field} must be an object of names to model ids`);
  for (const [key, v] of Object.entries(value)) if (typeof v !== "string" || !v.includes("/")) throw new Error(`${file}: ${field}["${key}"] must be one of our model ids (<endpoint>/<model>), got ${JSON.stringify(v)}`);
  return value as Record<string, string>;
}

/** Normalizes the `bertscore` section; throws naming the field that is wrong. */
function embeddingEndpoint(spec: BertScoreSpec, env: Record<string, string | undefined>, where: string): EmbeddingEndpoint {
  if (!spec || typeof spec !== "object") throw new Error(`${where}: bertscore must be an object with api and baseURL`);
  if (spec.api !== "tei" && spec.api !== "llama.cpp") throw new Error(`${where}: bertscore.api must be "tei" or "llama.cpp", got ${JSON.stringify(spec.api)}`);
  if (typeof spec.baseURL !== "string") throw new Error(`${where}: bertscore.baseURL must be a URL string`);
  publicUrl(spec.baseURL);
  if (new URL(spec.baseURL).username || new URL(spec.baseURL).password) throw new Error(`${where}: bertscore.baseURL must not contain credentials; use apiKeyEnv`);
  if (spec.model !== undefined && (typeof spec.model !== "string" || !spec.model)) throw new Error(`${where}: bertscore.model must be a non-empty string`);
  const batchSize = positiveInt(spec.batchSize, "bertscore.batchSize", where) ?? 32;
  if (batchSize < 1) throw new Error(`${where}: bertscore.batchSize must be at least 1`);
  return {
    api: spec.api,
    baseURL: spec.baseURL,
    apiKey: spec.apiKeyEnv ? env[spec.apiKeyEnv] : undefined,
    model: spec.model ?? null,
    concurrency: positiveInt(spec.concurrency, "bertscore.concurrency", where) ?? 4,
    timeoutMs: positiveInt(spec.timeoutMs, "bertscore.timeoutMs", where) ?? 60_000,
    maxRetries: positiveInt(spec.maxRetries, "bertscore.maxRetries", where) ?? 4,
    keepSpecialTokens: spec.keepSpecialTokens ?? false,
    batchSize
  };
}

/** Reads and normalizes the configuration for a working directory and environment. */
export function loadConfig({cwd, env, file}: {cwd: string; env: Record<string, string | undefined>; file?: string}): SuiteConfig {
  // An explicit file wins, then MEDHELM_CONFIG (how the site build is pointed at a config), then the default name.
  file ??= env.MEDHELM_CONFIG || undefined;
  const path = file ? resolve(cwd, file) : join(cwd, CONFIG_FILE);
  let spec: SuiteConfigSpec = {};
  let used: string | null = null;
  if (existsSync(path)) {
    try {
      spec = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      throw new Error(`${path}: invalid JSON (${(error as Error).message})`);
    }
    used = path;
  } else if (file) throw new Error(`config file not found: ${path}`);
  const where = used ?? CONFIG_FILE;
  const concurrency = positiveInt(spec.concurrency, "concurrency", where) ?? 8;
  const endpoints: Endpoint[] = [];
  // The environment's endpoint is named "openai", so `openai/<model>` reaches it.
  if (env.OPENAI_BASE_URL || env.OPENAI_API_KEY) {
    endpoints.push({
      name: "openai",
      baseURL: env.OPENAI_BASE_URL || "https://api.openai.com/v1",
      apiKey: env.OPENAI_API_KEY,
      concurrency,
      timeoutMs: 120_000,
      maxRetries: 4,
      jsonMode: true
    });
  }
  for (const [name, e] of Object.entries(spec.endpoints ?? {})) {
    if (!/^[a-z0-9][a-z0-9_-]*$/i.test(name) || name === "baseline") throw new Error(`${where}: invalid endpoint name: ${name}`);
    if (!e || typeof e.baseURL !== "string") throw new Error(`${where}: endpoints.${name}.baseURL must be a URL string`);
    if (new URL(e.baseURL).username || new URL(e.baseURL).password) throw new Error(`${where}: endpoints.${name}.baseURL must not contain credentials; use apiKeyEnv`);
    publicUrl(e.baseURL);
    if (e.api !== undefined && e.api !== "openai" && e.api !== "azure") throw new Error(`${where}: endpoints.${name}.api must be "openai" or "azure", got ${JSON.stringify(e.api)}`);
    if (e.api === "azure" && (typeof e.apiVersion !== "string" || !e.apiVersion)) throw new Error(`${where}: endpoints.${name}.apiVersion is required for an Azure OpenAI endpoint (e.g. "2024-10-21")`);
    if (e.api !== "azure" && e.apiVersion !== undefined) throw new Error(`${where}: endpoints.${name}.apiVersion applies only to "api": "azure"`);
    if (e.batch !== undefined && typeof e.batch !== "boolean" && e.batch !== "prefer") throw new Error(`${where}: endpoints.${name}.batch must be true, false or "prefer", got ${JSON.stringify(e.batch)}`);
    const existing = endpoints.findIndex((x) => x.name === name);
    const endpoint: Endpoint = {
      name,
      baseURL: e.baseURL,
      apiKey: e.apiKeyEnv ? env[e.apiKeyEnv] : undefined,
      concurrency: positiveInt(e.concurrency, `endpoints.${name}.concurrency`, where) ?? concurrency,
      timeoutMs: positiveInt(e.timeoutMs, `endpoints.${name}.timeoutMs`, where) ?? 120_000,
      maxRetries: positiveInt(e.maxRetries, `endpoints.${name}.maxRetries`, where) ?? 4,
      jsonMode: e.jsonMode ?? true,
      ...(e.api === "azure" ? {azureApiVersion: e.apiVersion} : {}),
      ...(e.batch === undefined ? {} : {batch: e.batch})
    };
    if (existing >= 0) endpoints[existing] = endpoint;
    else endpoints.push(endpoint);
  }
  return {
    endpoints,
    models: spec.models ?? [],
    judges: spec.judges ?? null,
    benchmarks: spec.benchmarks ?? null,
    seed: positiveInt(spec.seed, "seed", where) ?? 0,
    limit: positiveInt(spec.limit, "limit", where) ?? null,
    maxEvalInstances: positiveInt(spec.maxEvalInstances, "maxEvalInstances", where) ?? 1000,
    concurrency,
    helmCompat: spec.helmCompat ?? false,
    excludeSelfJudging: spec.excludeSelfJudging ?? false,
    excludeSameVendorJudging: spec.excludeSameVendorJudging ?? false,
    dataDir: resolve(cwd, spec.dataDir ?? env.MEDHELM_DATA_DIR ?? "data"),
    cacheDir: resolve(cwd, spec.cacheDir ?? ".medhelm/cache"),
    outDir: resolve(cwd, spec.outDir ?? "results/latest"),
    resources: spec.resources ?? {},
    vendors: spec.vendors ?? {},
    modelMaxTokens: Object.fromEntries(Object.entries(spec.modelMaxTokens ?? {}).map(([id, n]) => {
      if (positiveInt(n, `modelMaxTokens["${id}"]`, where) === 0) throw new Error(`${where}: modelMaxTokens["${id}"] must be at least 1`);
      return [id, n];
    })),
    publishRestrictedText: spec.publishRestrictedText ?? false,
    bertscore: spec.bertscore === undefined ? null : embeddingEndpoint(spec.bertscore, env, where),
    benchmarkDirs: stringList(spec.benchmarkDirs, "benchmarkDirs", where).map((dir) => resolve(cwd, dir)),
    helmModels: stringMap(spec.helmModels, "helmModels", where),
    file: used,
    raw: spec
  };
}

/** The baseline model ids, the embedded default. */
export const baselineIds = baselineNames.map((n) => `baseline/${n}`);
