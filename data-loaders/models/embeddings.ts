/**
 * Token-level embeddings from a local embedding server, the input BERTScore needs. OpenAI-style
 * `/v1/embeddings` cannot serve it: it pools a text into one vector, while BERTScore matches the
 * contextual vector of every token. Two widely used servers return the unpooled vectors:
 *
 * - `tei`: Hugging Face text-embeddings-inference, `POST /embed_all` with `{inputs: [...]}`,
 *   answering one matrix (tokens x dimensions) per input.
 * - `llama.cpp`: llama.cpp's server started with `--embeddings --pooling none`, `POST /embedding`
 *   with `{content: [...]}`, answering `[{index, embedding: [[...], ...]}]`.
 *
 * Both include the tokenizer's special tokens (BERT's [CLS] and [SEP]) in what they return;
 * BERTScore gives those no weight, so they are dropped here unless the config keeps them.
 * Requests go through the same scheduler as model calls (concurrency cap, retries on 429 and
 * 5xx), and texts asked for in the same tick are sent together in one request.
 */
import {EndpointScheduler} from "../concurrency/scheduler.ts";
import {publicUrl} from "./openai.ts";

/** The embedding server APIs the workbench speaks. */
export type EmbeddingApi = "tei" | "llama.cpp";

/** A configured token-embedding endpoint (normalized from the config's `bertscore` section). */
export interface EmbeddingEndpoint {
  api: EmbeddingApi;
  baseURL: string;
  apiKey?: string;
  /** The embedding model's name; null means "ask the server" (TEI `/info`, llama.cpp `/v1/models`). */
  model: string | null;
  concurrency: number;
  timeoutMs: number;
  maxRetries: number;
  /** Keep the first and last vector (the tokenizer's special tokens) instead of dropping them. */
  keepSpecialTokens: boolean;
  /** Texts sent in one request at most. */
  batchSize: number;
}

/** Token-level contextual embeddings of texts. */
export interface TokenEmbedder {
  /** The embedding model's name; it enters cache keys and the run manifest. */
  readonly model: string;
  /** The server's URL without credentials, for cache keys and the manifest. */
  readonly endpoint: string;
  /** One matrix per text: a vector per token, in token order. */
  embed(texts: string[]): Promise<Float32Array[][]>;
}

/** An HTTP error with the status the scheduler classifies for retries. */
class EmbeddingHttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Headers) {
    super(message);
    this.name = "EmbeddingHttpError";
  }
}

/** The request and response shape of each API. */
const apis: Record<EmbeddingApi, {path: string; body: (texts: string[]) => unknown; matrices: (json: unknown, count: number) => unknown[]}> = {
  tei: {
    path: "/embed_all",
    body: (texts) => ({inputs: texts, truncate: true}),
    matrices: (json) => {
      if (!Array.isArray(json)) throw new Error("expected an array of token matrices");
      return json;
    }
  },
  "llama.cpp": {
    path: "/embedding",
    body: (texts) => ({content: texts}),
    matrices: (json, count) => {
      if (!Array.isArray(json)) throw new Error("expected an array of {index, embedding}");
      const out: unknown[] = new Array(count);
      for (const item of json as {index?: unknown; embedding?: unknown}[]) {
        if (typeof item?.index !== "number" || item.index < 0 || item.index >= count) throw new Error(`bad index ${JSON.stringify(item?.index)}`);
        out[item.index] = item.embedding;
      }
      return out;
    }
  }
};

/** Checks one token matrix and turns it into typed vectors; throws naming the text's position. */
export function tokenMatrix(value: unknown, position: number, keepSpecialTokens: boolean): Float32Array[] {
  if (!Array.isArray(value) || !value.every((row) => Array.isArray(row))) {
    // A pooled server answers one flat vector per text, which BERTScore cannot use.
    const pooled = Array.isArray(value) && value.every((x) => typeof x === "number");
    throw new Error(`text ${position}: ${pooled ? "got one pooled vector, not a vector per token (start llama.cpp with --pooling none)" : "expected a matrix of token vectors"}`);
  }
  const rows = value as unknown[][];
  const width = rows[0]?.length ?? 0;
  for (const [i, row] of rows.entries()) {
    if (row.length !== width || !row.every((x) => typeof x === "number" && Number.isFinite(x))) throw new Error(`text ${position}: token ${i} is not a vector of ${width} finite numbers`);
  }
  const kept = keepSpecialTokens ? rows : rows.slice(1, -1);
  return kept.map((row) => Float32Array.from(row as number[]));
}

/** Asks the server which model it serves, for endpoints configured without `model`. */
async function discoverModel(endpoint: EmbeddingEndpoint, headers: Record<string, string>): Promise<string> {
  const base = endpoint.baseURL.replace(/\/$/, "");
  const url = endpoint.api === "tei" ? `${base}/info` : `${base}/v1/models`;
  let json: {model_id?: unknown; data?: {id?: unknown}[]};
  try {
    const response = await fetch(url, {headers, signal: AbortSignal.timeout(endpoint.timeoutMs)});
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    json = await response.json();
  } catch (error) {
    throw new Error(`bertscore: cannot ask ${publicUrl(url)} for its model (${(error as Error).message}); set bertscore.model in the config`);
  }
  const id = endpoint.api === "tei" ? json.model_id : json.data?.[0]?.id;
  if (typeof id !== "string" || !id) throw new Error(`bertscore: ${publicUrl(url)} names no model; set bertscore.model in the config`);
  return id;
}

/**
 * Connects to a token-embedding endpoint. Resolves the model name first (asking the server when
 * the config does not give one), so a misconfigured endpoint fails before the run starts.
 */
export async function connectEmbedder(endpoint: EmbeddingEndpoint): Promise<TokenEmbedder> {
  const headers: Record<string, string> = {"content-type": "application/json"};
  if (endpoint.apiKey) headers.authorization = `Bearer ${endpoint.apiKey}`;
  const model = endpoint.model ?? (await discoverModel(endpoint, headers));
  const api = apis[endpoint.api];
  const url = `${endpoint.baseURL.replace(/\/$/, "")}${api.path}`;
  const where = publicUrl(url);
  const scheduler = new EndpointScheduler(Math.max(1, endpoint.concurrency), {maxAttempts: endpoint.maxRetries + 1, baseDelayMs: 500, maxDelayMs: 30_000});

  const request = (texts: string[]) =>
    scheduler.run(async () => {
      const response = await fetch(url, {method: "POST", headers, body: JSON.stringify(api.body(texts)), signal: AbortSignal.timeout(endpoint.timeoutMs)});
      const text = await response.text();
      if (!response.ok) throw new EmbeddingHttpError(response.status, `${where}: HTTP ${response.status}: ${text.slice(0, 200)}`, response.headers);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new Error(`${where}: response is not JSON: ${text.slice(0, 120)}`);
      }
      let matrices: unknown[];
      try {
        matrices = api.matrices(json, texts.length);
        if (matrices.length !== texts.length) throw new Error(`asked for ${texts.length} texts, got ${matrices.length}`);
        return matrices.map((m, i) => tokenMatrix(m, i, endpoint.keepSpecialTokens));
      } catch (error) {
        throw new Error(`${where}: ${(error as Error).message}`);
      }
    });

  // Texts asked for in the same tick share a request, so scoring many answers at once costs a
  // few large requests (which embedding servers batch efficiently) instead of many small ones.
  let queue: {text: string; resolve: (m: Float32Array[]) => void; reject: (e: unknown) => void}[] = [];
  const flush = () => {
    const batch = queue;
    queue = [];
    for (let i = 0; i < batch.length; i += endpoint.batchSize) {
      const part = batch.slice(i, i + endpoint.batchSize);
      request(part.map((p) => p.text)).then(
        (matrices) => part.forEach((p, j) => p.resolve(matrices[j])),
        (error) => part.forEach((p) => p.reject(error))
      );
    }
  };
  const one = (text: string) =>
    new Promise<Float32Array[]>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({text, resolve, reject});
    });

  return {model, endpoint: publicUrl(endpoint.baseURL), embed: (texts) => Promise.all(texts.map(one))};
}
