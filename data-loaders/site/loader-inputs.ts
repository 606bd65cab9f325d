/**
 * What each of the site's data loaders reads, as a fingerprint, so that a build re-runs a loader
 * exactly when one of its inputs changed. Observable Framework's build reuses a cached loader
 * output whenever one exists, whatever changed since; without this, a second `npm run build`
 * after configuring a model would silently show the first build's results.
 *
 * A loader records the fingerprint of its inputs when it has written its output (`recordInputs`);
 * before the next build, `staleLoaders` compares that record with the inputs as they are now and
 * names the changed ones, and the build script deletes the stale cached outputs so Framework runs
 * those loaders again. The response cache keeps a re-run cheap, so when in doubt a loader re-runs.
 *
 * A fingerprint maps a readable input name ("medhelm.config.json", "$OPENAI_BASE_URL",
 * "benchmarks/med_qa.ts", "result folder results/helm") to a digest. Code and configuration are
 * hashed by content; data and result folders by their files' names, sizes and modification times
 * (cheap on large data). Secrets are never stored: a key variable is recorded as set or unset.
 */
import {createHash} from "node:crypto";
import {readdirSync, readFileSync, statSync} from "node:fs";
import {dirname, isAbsolute, join, relative, resolve} from "node:path";
import {CONFIG_FILE} from "../runner/config.ts";

/** A loader's inputs: a digest by input name. */
export type Fingerprint = Record<string, string>;

/** What reading the inputs needs from the file system (passed in, so the logic is testable). */
export interface InputFiles {
  /** A file's bytes, or null when there is no such file. */
  read: (path: string) => Uint8Array | null;
  /** A path's size, modification time and kind, or null when it does not exist. */
  stat: (path: string) => {size: number; mtimeMs: number; directory: boolean} | null;
  /** A folder's entry names. */
  list: (dir: string) => string[];
}

/** What a loader reads besides the engine's code, which every loader reads. */
export interface LoaderSpec {
  /** The loader's output, relative to the source root (`data/suite.tar`). */
  target: string;
  /** The short name used in the build log ("suite re-run: ..."). */
  label: string;
  /** The loader script, relative to the project root. */
  script: string;
  /** Reads the configuration file and the variables it names. */
  config: boolean;
  /** Reads the user's data folder (and the files named in `resources`). */
  data: boolean;
  /** Reads the result folders named in `site.include`. */
  results: boolean;
  /** Other project files it reads, relative to the project root (hashed by content). */
  files?: string[];
  /** Reads the completed rating sheets named by `clinicians.ratings` and the runs they rate. */
  clinicians?: boolean;
}

/** The site's loaders (src/data/*.ts) and what each reads. */
export const LOADERS: LoaderSpec[] = [
  {target: "data/suite.tar", label: "suite", script: "src/data/suite.tar.ts", config: true, data: true, results: true},
  {target: "data/taxonomy.json", label: "taxonomy", script: "src/data/taxonomy.json.ts", config: true, data: true, results: false},
  {target: "data/paper.zip", label: "paper", script: "src/data/paper.zip.ts", config: false, data: false, results: false},
  {target: "data/agreement.json", label: "agreement", script: "src/data/agreement.json.ts", config: true, data: false, results: true, clinicians: true},
  {target: "data/methods.html", label: "methods", script: "src/data/methods.html.ts", config: false, data: false, results: false, files: ["docs/methods.md"]}
];

/** Framework's source root (`root` in observablehq.config.ts) and its loader cache inside it. */
export const SOURCE_ROOT = "src";
const CACHE = join(SOURCE_ROOT, ".observablehq", "cache");
/** Where loaders record their inputs, inside Framework's cache so `npm run clean` drops both. */
const RECORDS = join(CACHE, ".medhelm-inputs");

/** Variables whose values are recorded (as digests). Keys are recorded only as set or unset. */
const PLAIN_VARIABLES = ["MEDHELM_CONFIG", "MEDHELM_DATA_DIR", "OPENAI_BASE_URL"];
const SECRET_VARIABLES = ["OPENAI_API_KEY"];

const sha = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex").slice(0, 16);

/** Digest of a folder's files by name, size and modification time (or by content when `content`). */
export function folderDigest(dir: string, fs: InputFiles, content = false): string {
  const lines: string[] = [];
  const walk = (path: string, depth: number) => {
    for (const name of fs.list(path).sort()) {
      const full = join(path, name);
      const info = fs.stat(full);
      if (!info) continue;
      if (info.directory) {
        if (depth < 12) walk(full, depth + 1);
        continue;
      }
      const rel = relative(dir, full);
      lines.push(content ? `${rel}\t${sha(fs.read(full) ?? "")}` : `${rel}\t${info.size}\t${info.mtimeMs}`);
    }
  };
  if (!fs.stat(dir)?.directory) return "absent";
  walk(dir, 0);
  return sha(lines.join("\n"));
}

/** Digest of one file by content, or "absent". */
function fileDigest(path: string, fs: InputFiles): string {
  const bytes = fs.read(path);
  return bytes ? sha(bytes) : "absent";
}

/** A path as shown in the log: relative to the project when inside it. */
function shown(path: string, root: string): string {
  const rel = relative(root, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

/** The configuration file as written, or an empty one when it is absent or not valid JSON (the loader reports that). */
function configSpec(path: string, fs: InputFiles): Record<string, any> {
  const bytes = fs.read(path);
  if (!bytes) return {};
  try {
    const spec = JSON.parse(new TextDecoder().decode(bytes));
    return spec && typeof spec === "object" ? spec : {};
  } catch {
    return {};
  }
}

/**
 * The fingerprint of a loader's inputs in the project at `root`, run from `cwd` with `env`
 * (the loader reads the configuration relative to `cwd`, as Framework runs it there).
 */
export function loaderInputs(spec: LoaderSpec, {root, cwd, env, fs}: {root: string; cwd: string; env: Record<string, string | undefined>; fs: InputFiles}): Fingerprint {
  const inputs: Fingerprint = {
    [spec.script]: fileDigest(join(root, spec.script), fs),
    "engine code (data-loaders/)": folderDigest(join(root, "data-loaders"), fs, true),
    "reference/": folderDigest(join(root, "reference"), fs, true),
    "package-lock.json": fileDigest(join(root, "package-lock.json"), fs),
    "benchmarks/data/": folderDigest(join(root, "benchmarks", "data"), fs)
  };
  for (const file of spec.files ?? []) inputs[file] = fileDigest(join(root, file), fs);
  // Benchmarks one by one, so the log names the one that was edited.
  for (const name of fs.list(join(root, "benchmarks")).sort()) {
    if (/\.(ts|ya?ml)$/.test(name)) inputs[`benchmarks/${name}`] = fileDigest(join(root, "benchmarks", name), fs);
  }
  // A MedHELM-format benchmark's prompt, judge prompt and CSV sit beside its YAML, in benchmarks/
  // or in a folder named by `benchmarkDirs`: those folders count by content.
  const benchmarksDir = join(root, "benchmarks");
  const besideBenchmarks = (dir: string) => fs.list(dir).filter((n) => dir !== benchmarksDir || (n !== "data" && !/\.(ts|ya?ml)$/.test(n)));
  inputs["benchmarks/ (families, prompts, CSVs)"] = folderDigest(benchmarksDir, {...fs, list: besideBenchmarks}, true);
  if (!spec.config) return inputs;
  const configPath = env.MEDHELM_CONFIG ? resolve(cwd, env.MEDHELM_CONFIG) : join(cwd, CONFIG_FILE);
  inputs[shown(configPath, root)] = fileDigest(configPath, fs);
  const config = configSpec(configPath, fs);
  const benchmarkDirs: unknown[] = Array.isArray(config.benchmarkDirs) ? config.benchmarkDirs : [];
  for (const dir of benchmarkDirs) {
    if (typeof dir === "string") inputs[`benchmark folder ${shown(resolve(cwd, dir), root)}`] = folderDigest(resolve(cwd, dir), fs, true);
  }
  for (const name of PLAIN_VARIABLES) inputs[`$${name}`] = env[name] ? sha(env[name]!) : "unset";
  const keyVariables = [
    ...SECRET_VARIABLES,
    ...Object.values(config.endpoints ?? {}).map((e: any) => e?.apiKeyEnv),
    config.bertscore?.apiKeyEnv
  ].filter((name): name is string => typeof name === "string" && name.length > 0);
  for (const name of keyVariables) inputs[`$${name} (set or not)`] = env[name] ? "set" : "unset";
  if (spec.data) {
    const dataDir = resolve(cwd, typeof config.dataDir === "string" ? config.dataDir : env.MEDHELM_DATA_DIR || "data");
    inputs[`data folder ${shown(dataDir, root)}`] = folderDigest(dataDir, fs);
    for (const [key, value] of Object.entries(config.resources ?? {})) {
      if (typeof value !== "string") continue;
      const path = resolve(cwd, value);
      const info = fs.stat(path);
      if (info) inputs[`resource ${key}`] = info.directory ? folderDigest(path, fs) : `${info.size}\t${info.mtimeMs}`;
    }
  }
  if (spec.results) {
    const include: unknown[] = Array.isArray(config.site?.include) ? config.site.include : [];
    for (const dir of include) if (typeof dir === "string") inputs[`result folder ${shown(resolve(cwd, dir), root)}`] = folderDigest(resolve(cwd, dir), fs);
  }
  if (spec.clinicians && typeof config.clinicians?.ratings === "string") {
    // The sheets, and the runs they rate: those named, else the run's own output folder.
    const base = dirname(configPath);
    inputs[`rating sheets ${shown(resolve(base, config.clinicians.ratings), root)}`] = folderDigest(resolve(base, config.clinicians.ratings), fs);
    const rated: unknown[] = Array.isArray(config.clinicians.results) ? config.clinicians.results : [typeof config.outDir === "string" ? config.outDir : "results/latest"];
    for (const dir of rated) if (typeof dir === "string") inputs[`rated results ${shown(resolve(base, dir), root)}`] = folderDigest(resolve(base, dir), fs);
  }
  return inputs;
}

/** The inputs that differ between a recorded fingerprint and the current one, as log phrases. */
export function changedInputs(recorded: Fingerprint, current: Fingerprint): string[] {
  const changes: string[] = [];
  for (const [name, digest] of Object.entries(current)) {
    if (!(name in recorded)) changes.push(`${name} added`);
    else if (recorded[name] !== digest) changes.push(`${name} changed`);
  }
  for (const name of Object.keys(recorded)) if (!(name in current)) changes.push(`${name} removed`);
  return changes;
}

/** Whether a cached loader output may be reused, and why not. */
export type Freshness =
  | {state: "missing"}
  | {state: "fresh"}
  | {state: "stale"; reasons: string[]};

/** Decides whether a cached output is stale: it is when no record of its inputs exists, or an input changed. */
export function freshness(cached: boolean, recorded: Fingerprint | null, current: Fingerprint): Freshness {
  if (!cached) return {state: "missing"};
  if (!recorded) return {state: "stale", reasons: ["no record of the inputs of its cached output"]};
  const reasons = changedInputs(recorded, current);
  return reasons.length ? {state: "stale", reasons} : {state: "fresh"};
}

/** The build log's line for a stale loader: "suite re-run: medhelm.config.json changed". */
export function staleMessage(label: string, reasons: string[], shownAtMost = 6): string {
  const listed = reasons.slice(0, shownAtMost).join(", ");
  const more = reasons.length > shownAtMost ? `, and ${reasons.length - shownAtMost} more` : "";
  return `${label} re-run: ${listed}${more}`;
}

/** Cached files of a loader's output: the output itself and, for an archive (zip or tar), the folder of its extracted members. */
export function cachedOutputs(root: string, spec: LoaderSpec): string[] {
  const output = join(root, CACHE, spec.target);
  const archive = /\.(zip|tar)$/.exec(spec.target);
  return archive ? [output, output.slice(0, -archive[0].length)] : [output];
}

/** Where a loader's input record is kept. */
export function recordPath(root: string, spec: LoaderSpec): string {
  return join(root, RECORDS, `${spec.target}.json`);
}

/** The real file system. */
export const nodeFiles: InputFiles = {
  read: (path) => {
    try {
      return readFileSync(path);
    } catch {
      return null;
    }
  },
  stat: (path) => {
    try {
      const s = statSync(path);
      return {size: s.size, mtimeMs: s.mtimeMs, directory: s.isDirectory()};
    } catch {
      return null;
    }
  },
  list: (dir) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  }
};
