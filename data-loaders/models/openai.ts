/**
 * Models behind any OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI, vLLM,
 * Ollama, llama.cpp, OpenRouter, ...), called through the official `openai` SDK. All models of an
 * endpoint share one SDK client (one keep-alive connection pool over node:http, see transport.ts)
 * and one scheduler (concurrency cap, rate-limit pauses, retries; see scheduler.ts). The SDK's own
 * retries are off (`maxRetries: 0`) so the scheduler alone decides. Token usage and latency are recorded. Failures throw after the retry
 * budget is spent; the runner turns them into rows with a reason.
 */
import OpenAI, {AzureOpenAI} from "openai";
import type {ChatCompletion, ChatCompletionCreateParamsNonStreaming} from "openai/resources/chat/completions";
import {defaultRetryPolicy, EndpointScheduler, MalformedResponseError, type RetryPolicy, type SchedulerStats} from "../concurrency/scheduler.ts";
import {nodeFetch} from "./transport.ts";
import type {GenerateRequest, Generation, Model} from "../benchmark/types.ts";

/** A configured endpoint. The key is read from the environment and never leaves this object. */
export interface Endpoint {
  /** Prefix of model ids on this endpoint (`openai` for the environment's endpoint). */
  name: string;
  /** Base URL including `/v1` (Azure OpenAI: the resource URL). Part of cache keys, so it must not carry credentials. */
  baseURL: string;
  /**
   * Set for Azure OpenAI: the `api-version` every request carries. Model names are then deployment
   * names, requests go to `<baseURL>/openai/deployments/<name>/...` and the key travels in the
   * `api-key` header, as Azure expects.
   */
  azureApiVersion?: string;
  apiKey: string | undefined;
  /** Requests in flight to this endpoint at most (the adaptive cap never exceeds it). */
  concurrency: number;
  /** Per-request timeout, covering the whole response including its body. */
  timeoutMs: number;
  /** Retries of transient failures (429, 408, 409, 5xx, timeouts, connection errors, malformed bodies). */
  maxRetries: number;
  /** Whether to ask judges for JSON output (`response_format: json_object`); falls back automatically when refused. */
  jsonMode: boolean;
  /** Backoff tuning (`maxAttempts` is derived from `maxRetries` unless given). */
  retry?: Partial<RetryPolicy>;
  /**
   * Send uncached requests through the provider's batch API (runner/batch.ts): `true` insists
   * (a provider without it is an error), `"prefer"` falls back to synchronous calls. Absent: synchronous.
   */
  batch?: boolean | "prefer";
  /** The HTTP transport; default `nodeFetch()` (transport.ts). Benchmarks pass the global fetch to compare. */
  fetch?: typeof fetch;
}

interface Connection {
  client: OpenAI;
  scheduler: EndpointScheduler;
}

// One client and one scheduler per endpoint object, shared by every model on it.
const connections = new WeakMap<Endpoint, Connection>();

/**
 * An SDK client for an endpoint (Azure-aware). The chat path passes its own transport and no SDK
 * retries (the scheduler decides); other callers (the batch API, file uploads) take the SDK's
 * default fetch, which also sends multipart bodies, and its own retries.
 */
export function sdkClient(endpoint: Endpoint, {maxRetries, fetch}: {maxRetries: number; fetch?: typeof globalThis.fetch}): OpenAI {
  const options = {
    // Local servers usually accept any key; the SDK insists on one being set.
    apiKey: endpoint.apiKey ?? "not-needed",
    timeout: endpoint.timeoutMs,
    maxRetries,
    ...(fetch ? {fetch} : {})
  };
  // The Azure client is given its base URL rather than the resource endpoint: given none, it
  // would read OPENAI_BASE_URL from the environment, which belongs to the "openai" endpoint.
  return endpoint.azureApiVersion
    ? new AzureOpenAI({...options, baseURL: `${endpoint.baseURL.replace(/\/$/, "")}/openai`, apiVersion: endpoint.azureApiVersion})
    : new OpenAI({...options, baseURL: endpoint.baseURL});
}

function connection(endpoint: Endpoint): Connection {
  let c = connections.get(endpoint);
  if (!c) {
    const client = sdkClient(endpoint, {maxRetries: 0, fetch: endpoint.fetch ?? nodeFetch()});
    const policy: RetryPolicy = {...defaultRetryPolicy, maxAttempts: endpoint.maxRetries + 1, ...endpoint.retry};
    c = {client, scheduler: new EndpointScheduler(Math.max(1, endpoint.concurrency), policy)};
    connections.set(endpoint, c);
  }
  return c;
}

/** Scheduling counters of an endpoint (attempts, retries, 429s, failures by kind, current cap). */
export function endpointStats(endpoint: Endpoint): SchedulerStats {
  return connection(endpoint).scheduler.snapshot();
}

/** The vendor (model family) a model name suggests, for same-vendor judging flags. */
export function vendorOf(name: string, fallback: string): string {
  const n = name.toLowerCase();
  if (/(^|\/)(gpt|o\d|chatgpt|text-)/.test(n) || n.startsWith("openai")) return "openai";
  if (n.includes("claude") || n.startsWith("anthropic")) return "anthropic";
  if (n.includes("gemini") || n.includes("gemma") || n.startsWith("google")) return "google";
  if (n.includes("llama") || n.startsWith("meta")) return "meta";
  if (n.includes("deepseek")) return "deepseek";
  if (n.includes("qwen")) return "alibaba";
  if (n.includes("mistral") || n.includes("mixtral")) return "mistral";
  if (n.includes("phi")) return "microsoft";
  return fallback;
}

/** Strips user info and query strings from a URL so it can be used in keys and logs. */
export function publicUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    u.search = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    throw new Error(`invalid endpoint URL: ${url}`);
  }
}

/** Request parameters a server can refuse, each with a way around it (structured output falls back to JSON mode). */
export type Refusable = "schema" | "json" | "maxTokens" | "temperature" | "stop";

/**
 * Which parameter a 400 answer refuses, from its message, or null. Servers differ in what they
 * take: some compatible servers reject `response_format`, and OpenAI's reasoning models (o1, o3,
 * o4-mini, GPT-5) want `max_completion_tokens` instead of `max_tokens`, take only the default
 * temperature and no `stop`.
 */
export function refusedParameter(message: string): Refusable | null {
  if (/max_tokens/i.test(message) && /max_completion_tokens/i.test(message)) return "maxTokens";
  if (/json_schema|structured output/i.test(message)) return "schema";
  if (/response_format|json/i.test(message)) return "json";
  if (/temperature/i.test(message)) return "temperature";
  if (/\bstop\b/i.test(message)) return "stop";
  return null;
}

/** Cuts `text` at the first of the stop sequences, as a server that honours `stop` would. */
export function cutAtStop(text: string, stop: readonly string[]): string {
  let end = text.length;
  for (const s of stop) {
    const at = s ? text.indexOf(s) : -1;
    if (at >= 0 && at < end) end = at;
  }
  return text.slice(0, end);
}

/** What an attempt sent of the parameters a server may refuse. */
interface Sent {
  format: "schema" | "json" | "none";
  maxTokens: "max_tokens" | "max_completion_tokens";
  temperature: boolean;
  stop: boolean;
}

/**
 * The parameter a failed attempt's 400 answer refuses, among those the attempt sent, or null. A
 * refusal of the response format gives up the format that was sent: structured output first, so
 * that plain JSON mode is still tried, then JSON mode.
 */
function refusalOf(error: unknown, sent: Sent): Refusable | null {
  if (!(error instanceof OpenAI.APIError) || error.status !== 400) return null;
  const parameter = refusedParameter(error.message);
  if (parameter === "schema" || parameter === "json") return sent.format === "none" ? null : sent.format;
  if (parameter === "maxTokens") return sent.maxTokens === "max_tokens" ? parameter : null;
  if (parameter === "temperature") return sent.temperature ? parameter : null;
  if (parameter === "stop") return sent.stop ? parameter : null;
  return null;
}

/** The chat-completions body of a request as an attempt that sends `sent` words it. */
function chatParams(name: string, request: GenerateRequest, sent: Sent): ChatCompletionCreateParamsNonStreaming {
  return {
    model: name,
    messages: request.messages,
    [sent.maxTokens]: request.maxTokens,
    ...(sent.temperature ? {temperature: request.temperature} : {}),
    ...(sent.stop ? {stop: request.stop} : {}),
    ...(sent.format === "schema"
      ? {response_format: {type: "json_schema" as const, json_schema: {name: request.schema!.name, schema: request.schema!.schema, strict: true}}}
      : sent.format === "json" ? {response_format: {type: "json_object" as const}} : {})
  };
}

/**
 * The chat-completions body a first attempt of `request` to model `name` on `endpoint` sends
 * (JSON mode as the endpoint is configured), e.g. for a line of a batch file: a batch request is
 * the very request a synchronous call would make.
 */
export function chatCompletionBody(endpoint: Pick<Endpoint, "jsonMode">, name: string, request: GenerateRequest): ChatCompletionCreateParamsNonStreaming {
  const format = !request.json || !endpoint.jsonMode ? "none" : request.schema ? "schema" : "json";
  return chatParams(name, request, {format, maxTokens: "max_tokens", temperature: true, stop: Boolean(request.stop?.length)});
}

/** The generation a chat completion carries; null when it has no choice. */
export function generationOf(data: ChatCompletion, latencyMs: number): Generation | null {
  const choice = data?.choices?.[0];
  if (!choice) return null;
  return {
    text: choice.message?.content ?? "",
    inputTokens: data.usage?.prompt_tokens ?? null,
    outputTokens: data.usage?.completion_tokens ?? null,
    latencyMs,
    finishReason: choice.finish_reason ?? null,
    cached: false
  };
}

/** A refusal learned by an attempt, carried to the request's retry loop with the error. */
class Refused extends Error {
  /** Still a 400 to the scheduler, which never retries one by itself. */
  readonly status = 400;
  constructor(readonly cause: unknown, readonly parameter: Refusable) {
    super((cause as Error)?.message ?? String(cause));
    this.name = "Refused";
  }
}

/** A model `<endpoint.name>/<name>` served by `endpoint`. */
export function openaiModel(endpoint: Endpoint, name: string, vendor?: string): Model {
  const {client, scheduler} = connection(endpoint);
  // What this model's server refused so far; each refusal is learned once and then worked around.
  const refused = new Set<Refusable>(endpoint.jsonMode ? [] : ["json"]);
  // What an attempt of `request` sends, given what the server has refused so far.
  const plan = (request: GenerateRequest): Sent => ({
    format: !request.json || refused.has("json") ? "none" : request.schema && !refused.has("schema") ? "schema" : "json",
    maxTokens: refused.has("maxTokens") ? "max_completion_tokens" : "max_tokens",
    temperature: !refused.has("temperature"),
    stop: Boolean(request.stop?.length) && !refused.has("stop")
  });
  // One exchange: the SDK builds the request and turns error statuses into typed errors; the body
  // of a success is read here, which skips the SDK's response post-processing (about a tenth of
  // its CPU per call) and gives the rate-limit headers for free.
  const exchange = async (request: GenerateRequest, sent: Sent) => {
    const response = await client.chat.completions.create(chatParams(name, request, sent)).asResponse();
    const data = (await response.json()) as ChatCompletion;
    scheduler.observe((h) => response.headers.get(h));
    return data;
  };
  // One attempt. The transport resolves only once the whole body is in, so the SDK's timeout
  // (which aborts the connection) covers a body that never finishes too.
  const attempt = async (request: GenerateRequest) => {
    const started = performance.now();
    const sent = plan(request);
    let data;
    try {
      data = await exchange(request, sent);
    } catch (error) {
      // A refusal is learned here, before the scheduler frees the slot, so that the requests
      // waiting for it are built without the refused parameter.
      const parameter = refusalOf(error, sent);
      if (parameter === null) throw error;
      refused.add(parameter);
      throw new Refused(error, parameter);
    }
    const choice = data?.choices?.[0];
    if (!choice) throw new MalformedResponseError("no choices");
    return {data, choice, latencyMs: performance.now() - started};
  };
  return {
    id: `${endpoint.name}/${name}`,
    kind: "llm",
    vendor: vendor ?? vendorOf(name, endpoint.name),
    endpoint: publicUrl(endpoint.baseURL),
    supports: () => true,
    async generate(request): Promise<Generation> {
      let result;
      // The request is asked again after each refusal, without the refused parameter; each
      // parameter can be refused once per request, so this ends.
      const met = new Set<Refusable>();
      for (;;) {
        try {
          result = await scheduler.run(() => attempt(request));
          break;
        } catch (error) {
          const last = (error as {last?: unknown}).last ?? error;
          if (!(last instanceof Refused) || met.has(last.parameter)) throw last instanceof Refused ? last.cause : error;
          met.add(last.parameter);
        }
      }
      const {data, choice, latencyMs} = result;
      const content = choice.message?.content ?? "";
      return {
        // Without `stop` on the server the answer is cut here, so it reads as the benchmark expects.
        text: refused.has("stop") && request.stop?.length ? cutAtStop(content, request.stop) : content,
        inputTokens: data.usage?.prompt_tokens ?? null,
        outputTokens: data.usage?.completion_tokens ?? null,
        latencyMs,
        finishReason: choice.finish_reason ?? null,
        cached: false
      };
    }
  };
}

/** Lists the model names an endpoint serves (`GET /models`). */
export async function listModels(endpoint: Endpoint): Promise<string[]> {
  // Azure lists the models a resource could deploy, not its deployments, which are what requests name.
  if (endpoint.azureApiVersion) throw new Error("Azure OpenAI deployments cannot be listed");
  const client = new OpenAI({baseURL: endpoint.baseURL, apiKey: endpoint.apiKey ?? "not-needed", timeout: endpoint.timeoutMs, maxRetries: 1});
  const names: string[] = [];
  for await (const m of client.models.list()) names.push(m.id);
  return names;
}
