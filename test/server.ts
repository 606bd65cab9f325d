/** Starts the loopback OpenAI-compatible test server (test/fixtures/openai-server.mjs) as a separate process. */
import {spawn, type ChildProcess} from "node:child_process";
import {fileURLToPath} from "node:url";

/** A running fake endpoint. */
export interface FakeServer {
  baseURL: string;
  stats: () => Promise<{total: number; byModel: Record<string, number>}>;
  stop: () => Promise<void>;
}

/** Spawns the server and resolves once it listens. */
export async function startFakeOpenAI(env: Record<string, string> = {}): Promise<FakeServer> {
  const script = fileURLToPath(new URL("./fixtures/openai-server.mjs", import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [script], {env: {...process.env, ...env}, stdio: ["ignore", "pipe", "inherit"]});
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
    stats: async () => (await fetch(`${base}/stats`)).json(),
    stop: () => new Promise((ok) => { child.once("exit", () => ok()); child.kill("SIGTERM"); })
  };
}
