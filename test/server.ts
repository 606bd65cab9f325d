/** Starts the loopback OpenAI-compatible test server (test/fixtures/openai-server.mjs) as a separate process. */
import {spawn, type ChildProcess} from "node:child_process";
import {fileURLToPath} from "node:url";

/** Request counts the server reports at `GET /stats`. */
export interface FakeStats {
  total: number;
  byModel: Record<string, number>;
  /** `ok`, `404` and each injected fault kind (`429`, `500`, `hang`, `malformed`). */
  byOutcome: Record<string, number>;
  /** Successful requests whose exact body had been answered successfully before. */
  repeats: number;
  /** Requests that carried the bearer token named by FAKE_EXPECT_KEY. */
  authorized: number;
  /** Token-embedding requests (`/embed_all`, `/embedding`) and the texts they carried. */
  embedRequests: number;
  embedTexts: number;
  /** Embedding requests that carried the FAKE_EXPECT_KEY bearer token. */
  embedAuthorized: number;
  /** Azure OpenAI requests: all, those whose api-key header was FAKE_EXPECT_KEY, those with an Authorization header, api-versions seen. */
  azure: {requests: number; keyed: number; bearer: number; versions: string[]};
  /** FAKE_REASONING_MODELS: parameters refused with a 400, and the max_completion_tokens values seen. */
  reasoning: {refused: number; maxCompletionTokens: number[]};
  /** Answered requests by response format (FAKE_JSON_SCHEMA refusals are not counted). */
  responseFormats: {json_schema: number; json_object: number; none: number};
  /**
   * The batch API: uploads (and those sent as multipart), batches created (with their ids), lines
   * answered, retrievals, listings, cancellations, lines answered by model, and file downloads.
   */
  batch: {uploads: number; multipart: number; created: number; ids: string[]; lines: number; retrieved: number; listed: number; cancelled: number; byModel: Record<string, number>; downloads: number};
}

/** A running fake endpoint. */
export interface FakeServer {
  baseURL: string;
  /** The server's root URL (token-embedding routes live there, not under /v1). */
  root: string;
  stats: () => Promise<FakeStats>;
  stop: () => Promise<void>;
}

/** The server script, for callers that spawn it themselves (the runner benchmark). */
export const fakeServerScript = fileURLToPath(new URL("./fixtures/openai-server.mjs", import.meta.url));

/**
 * Spawns the server and resolves once it listens. `env` configures it (FAKE_MODELS, FAKE_FAULTS,
 * FAKE_LATENCY_MS, ...; see the script's header).
 */
export async function startFakeOpenAI(env: Record<string, string> = {}): Promise<FakeServer> {
  const child: ChildProcess = spawn(process.execPath, [fakeServerScript], {env: {...process.env, ...env}, stdio: ["ignore", "pipe", "inherit"]});
  const port = await new Promise<number>((ok, fail) => {
    child.once("error", fail);
    child.stdout!.once("data", (chunk) => {
      const m = /listening (\d+)/.exec(String(chunk));
      if (m) ok(Number(m[1]));
      else fail(new Error(`unexpected server output: ${chunk}`));
    });
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    baseURL: `${base}/v1`,
    root: base,
    stats: async () => (await fetch(`${base}/stats`)).json() as Promise<FakeStats>,
    stop: () => new Promise((ok) => {
      if (child.exitCode !== null) return ok();
      child.once("exit", () => ok());
      child.kill("SIGTERM");
    })
  };
}
