/**
 * Models behind any OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI, vLLM,
 * Ollama, llama.cpp, OpenRouter, ...), called through the official `openai` SDK. Token usage and
 * latency are recorded. Failures throw; the runner turns them into rows with a reason.
 */
import OpenAI from "openai";
import type {GenerateRequest, Generation, Model} from "../types.ts";

/** A configured endpoint. The key is read from the environment and never leaves this object. */
export interface Endpoint {
  /** Prefix of model ids on this endpoint (`openai` for the environment's endpoint). */
  name: string;
  /** Base URL including `/v1`. Part of cache keys, so it must not carry credentials. */
  baseURL: string;
  apiKey: string | undefined;
  /** Concurrent requests allowed to this endpoint. */
  concurrency: number;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Retries of transient failures (429, 5xx, connection errors) by the SDK. */
  maxRetries: number;
  /** Whether to ask judges for JSON output (`response_format: json_object`); falls back automatically when refused. */
  jsonMode: boolean;
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

/** A model `<endpoint.name>/<name>` served by `endpoint`. */
export function openaiModel(endpoint: Endpoint, name: string, vendor?: string): Model {
  const client = new OpenAI({
    baseURL: endpoint.baseURL,
    // Local servers usually accept any key; the SDK insists on one being set.
    apiKey: endpoint.apiKey ?? "not-needed",
    timeout: endpoint.timeoutMs,
    maxRetries: endpoint.maxRetries
  });
  let jsonMode = endpoint.jsonMode;
  const call = async (request: GenerateRequest, json: boolean) =>
    client.chat.completions.create({
      model: name,
      messages: request.messages,
      max_tokens: request.maxTokens,
      temperature: request.temperature,
      ...(request.stop?.length ? {stop: request.stop} : {}),
      ...(json ? {response_format: {type: "json_object" as const}} : {})
    });
  return {
    id: `${endpoint.name}/${name}`,
    kind: "llm",
    vendor: vendor ?? vendorOf(name, endpoint.name),
    endpoint: publicUrl(endpoint.baseURL),
    supports: () => true,
    async generate(request): Promise<Generation> {
      const started = performance.now();
      let response;
      try {
        response = await call(request, Boolean(request.json && jsonMode));
      } catch (error) {
        // Some compatible servers reject response_format; remember that and ask again without it.
        if (request.json && jsonMode && error instanceof OpenAI.APIError && error.status === 400 && /response_format|json/i.test(error.message)) {
          jsonMode = false;
          response = await call(request, false);
        } else throw error;
      }
      const choice = response.choices?.[0];
      if (!choice) throw new Error("malformed response: no choices");
      return {
        text: choice.message?.content ?? "",
        inputTokens: response.usage?.prompt_tokens ?? null,
        outputTokens: response.usage?.completion_tokens ?? null,
        latencyMs: performance.now() - started,
        finishReason: choice.finish_reason ?? null,
        cached: false
      };
    }
  };
}

/** Lists the model names an endpoint serves (`GET /models`). */
export async function listModels(endpoint: Endpoint): Promise<string[]> {
  const client = new OpenAI({baseURL: endpoint.baseURL, apiKey: endpoint.apiKey ?? "not-needed", timeout: endpoint.timeoutMs, maxRetries: 1});
  const names: string[] = [];
  for await (const m of client.models.list()) names.push(m.id);
  return names;
}
