/**
 * The file side of loader freshness (see loader-inputs.ts): a loader writes its output and then
 * records the inputs it was made from; before a build, stale cached outputs are deleted so that
 * Framework runs their loaders again.
 */
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {dirname} from "node:path";
import {fileURLToPath} from "node:url";
import {cachedOutputs, freshness, LOADERS, loaderInputs, nodeFiles, recordPath, staleMessage, type Fingerprint, type Freshness, type InputFiles, type LoaderSpec} from "./loader-inputs.ts";

/** The project's root folder (where package.json is). */
export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A loader's spec by its output path; throws for a loader this module does not know. */
export function loaderSpec(target: string): LoaderSpec {
  const spec = LOADERS.find((l) => l.target === target);
  if (!spec) throw new Error(`no input list for the loader of ${target}: add it to LOADERS in data-loaders/site/loader-inputs.ts`);
  return spec;
}

/**
 * Runs a loader: fingerprints its inputs first (so a change made while it runs triggers the next
 * re-run), writes what `produce` returns to stdout, and then records the fingerprint. A loader that
 * fails records nothing, and Framework keeps no output of it, so the next build runs it again.
 */
export async function runLoader(target: string, produce: () => Promise<Uint8Array | string> | Uint8Array | string, {cwd = process.cwd(), env = process.env}: {cwd?: string; env?: Record<string, string | undefined>} = {}): Promise<void> {
  const spec = loaderSpec(target);
  const inputs = loaderInputs(spec, {root: PROJECT_ROOT, cwd, env, fs: nodeFiles});
  const output = await produce();
  await new Promise<void>((ok, fail) => process.stdout.write(output, (error) => (error ? fail(error) : ok())));
  const path = recordPath(PROJECT_ROOT, spec);
  mkdirSync(dirname(path), {recursive: true});
  writeFileSync(path, JSON.stringify({target, recordedAt: new Date().toISOString(), inputs}, null, 1));
}

/** The recorded fingerprint of a loader's cached output, or null. */
function recorded(root: string, spec: LoaderSpec): Fingerprint | null {
  try {
    return JSON.parse(readFileSync(recordPath(root, spec), "utf8")).inputs ?? null;
  } catch {
    return null;
  }
}

/**
 * Deletes the cached outputs of loaders whose inputs changed, logging which input changed, and
 * reports what it decided for each loader.
 */
export function invalidateStaleLoaders({root = PROJECT_ROOT, cwd = process.cwd(), env = process.env, fs = nodeFiles, log}: {
  root?: string; cwd?: string; env?: Record<string, string | undefined>; fs?: InputFiles; log: (m: string) => void;
}): Array<{spec: LoaderSpec; freshness: Freshness}> {
  return LOADERS.map((spec) => {
    const outputs = cachedOutputs(root, spec);
    const state = freshness(existsSync(outputs[0]), recorded(root, spec), loaderInputs(spec, {root, cwd, env, fs}));
    if (state.state === "stale") {
      log(staleMessage(spec.label, state.reasons));
      for (const path of [...outputs, recordPath(root, spec)]) rmSync(path, {recursive: true, force: true});
    } else if (state.state === "fresh") log(`${spec.label}: inputs unchanged, reusing the cached output`);
    else {
      log(`${spec.label}: no cached output, running it`);
      // Without the archive, extracted members left from an earlier build would be reused as they
      // are (Framework's build takes any cached file), so they go too.
      for (const path of outputs.slice(1)) rmSync(path, {recursive: true, force: true});
    }
    return {spec, freshness: state};
  });
}
