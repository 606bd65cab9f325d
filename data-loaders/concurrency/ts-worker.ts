/**
 * Worker threads running the engine's TypeScript. Node 20 cannot load TypeScript by itself and a
 * worker does not inherit the module hooks of its parent, so each worker's first module registers
 * tsx (already a dependency: the CLI runs through it) and then imports the TypeScript entry.
 */
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import {dirname, join} from "node:path";
import {pathToFileURL} from "node:url";
import {Worker, type WorkerOptions} from "node:worker_threads";

let tsxApi: string | null = null;

/**
 * The ESM entry of tsx's API, looked up in its package's export map: `require.resolve` would
 * give the CommonJS entry, whose `register()` cannot load the ESM hooks from a worker.
 */
function tsxApiUrl(): string {
  if (!tsxApi) {
    const manifest = createRequire(import.meta.url).resolve("tsx/package.json");
    const target = (JSON.parse(readFileSync(manifest, "utf8")) as {exports: Record<string, {import: {default: string}}>}).exports["./esm/api"].import.default;
    tsxApi = pathToFileURL(join(dirname(manifest), target)).href;
  }
  return tsxApi;
}

/** Starts a worker thread on the TypeScript module at `entry`. */
export function tsWorker(entry: URL, options: WorkerOptions = {}): Worker {
  const start = `import {register} from ${JSON.stringify(tsxApiUrl())}; register(); await import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(start)}`), options);
}
