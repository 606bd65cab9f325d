/**
 * Discovers benchmarks: every `benchmarks/<id>.ts` default-exports a `BenchmarkSpec` whose id is
 * its file name, and every `<id>.yaml` is a MedHELM-format no-code benchmark (YAML, prompt
 * template, CSV; see benchmark/medhelm-yaml.ts). The config's `benchmarkDirs` add folders of either
 * kind. MedHELM's benchmarks take their taxonomy from the catalogue (taxonomy.ts); any other
 * benchmark (a team's own) states it in its `catalogue` field or YAML, so adding one is still one
 * file. A team's benchmark that names no subcategory is registered in the `UNCLASSIFIED` group. A file that fails to load is reported on its own (`loadRegistryReport`) and the others
 * still load. Importing this module does no I/O; the loaders read the folders when called (the
 * site config and the CLI call them).
 */
import {existsSync, readdirSync} from "node:fs";
import {basename, join, resolve} from "node:path";
import {fileURLToPath, pathToFileURL} from "node:url";
import {catalogue, catalogueEntry, subcategories, subcategory, UNCLASSIFIED, type CatalogueEntry} from "./taxonomy.ts";
import {isBenchmarkYaml, judgeResolver, readMedhelmBenchmark, shown, type JudgeResolver} from "./medhelm-yaml.ts";
import type {Benchmark, BenchmarkSpec} from "./types.ts";

/**
 * The catalogue entry of a benchmark: MedHELM's, or one made from the benchmark's own
 * `catalogue` field. Throws, naming the file and field, when neither or both are there.
 */
export function catalogueEntryOf(spec: BenchmarkSpec, file: string): Omit<CatalogueEntry, "helmColumn"> {
  const entry = catalogueEntry(spec.id);
  if (entry) {
    if (spec.catalogue) throw new Error(`${file}: ${spec.id} is a MedHELM benchmark, whose taxonomy comes from data-loaders/benchmark/taxonomy.ts; remove its "catalogue" field`);
    if (Boolean(spec.rubric) !== entry.openEnded) throw new Error(`benchmark ${spec.id}: a rubric is required exactly for open-ended benchmarks`);
    return entry;
  }
  const own = spec.catalogue;
  if (!own) throw new Error(`${file}: ${spec.id} is not in the MedHELM catalogue; give it a "catalogue" field {name, subcategory, access, task} (see README, "Adding a benchmark")`);
  if (typeof own.name !== "string" || !own.name.trim()) throw new Error(`${file}: catalogue.name must be a non-empty string`);
  // Without a subcategory the benchmark is kept outside MedHELM's taxonomy; a wrong one is still a mistake.
  if (own.subcategory !== undefined && !subcategories.some((s) => s.id === own.subcategory)) {
    throw new Error(`${file}: catalogue.subcategory ${JSON.stringify(own.subcategory)} is not a MedHELM subcategory (one of ${subcategories.map((s) => s.id).join(", ")}; leave it out to keep the benchmark outside MedHELM's taxonomy)`);
  }
  if (!["public", "gated", "private"].includes(own.access)) throw new Error(`${file}: catalogue.access must be "public", "gated" or "private", got ${JSON.stringify(own.access)}`);
  if (typeof own.task !== "string" || !own.task.trim()) throw new Error(`${file}: catalogue.task must be a non-empty string`);
  // Open-ended when the jury's score is the headline (a MedHELM YAML may list jury_score after another metric).
  const openEnded = Boolean(spec.rubric) && (spec.juryMetric === undefined || spec.juryMetric === spec.mainMetric);
  return {id: spec.id, name: own.name, subcategory: own.subcategory ?? UNCLASSIFIED, access: own.access, openEnded, mainMetric: spec.mainMetric, task: own.task, inPaperV1: false};
}

/** The project's `benchmarks/` folder. */
export const benchmarksDir = fileURLToPath(new URL("../../benchmarks/", import.meta.url));

/** MedHELM's catalogue followed by the registered benchmarks outside it (a team's own), as catalogue entries. */
export function catalogueWith(registry: readonly Benchmark[]): Omit<CatalogueEntry, "helmColumn">[] {
  const own = registry.filter((b) => !catalogueEntry(b.id));
  return [...catalogue, ...own.map((b) => ({id: b.id, name: b.name, subcategory: b.subcategory, access: b.access, openEnded: b.openEnded, mainMetric: b.mainMetric, task: b.task, inPaperV1: false}))];
}

/** Checks a benchmark spec's shape; used by every benchmark file so mistakes fail at load. */
export function defineBenchmark(spec: BenchmarkSpec): BenchmarkSpec {
  if (!/^[a-z0-9_]+$/.test(spec.id)) throw new Error(`invalid benchmark id: ${spec.id}`);
  if (!Number.isInteger(spec.version) || spec.version < 1) throw new Error(`invalid version of ${spec.id}: ${spec.version}`);
  const juryMain = spec.rubric && spec.mainMetric === (spec.juryMetric ?? `${spec.id}_accuracy`);
  if (!juryMain && !spec.metrics.some((m) => m.name === spec.mainMetric)) throw new Error(`main metric ${spec.mainMetric} of ${spec.id} is neither its jury score nor among its metrics`);
  const names = spec.metrics.map((m) => m.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`duplicate metric ${dup} in ${spec.id}`);
  if (spec.rubric) {
    const [lo, hi] = spec.rubric.scale;
    if (!(lo < hi) || !Object.keys(spec.rubric.criteria).length) throw new Error(`invalid rubric of ${spec.id}`);
  }
  return spec;
}

/** Where a benchmark's data is read from: its shipped folder or the user's data folder. */
export function dataDirOf(spec: Pick<BenchmarkSpec, "id" | "data">, userDataDir: string): string {
  if (spec.data.dir) return spec.data.dir;
  return spec.data.location === "shipped" ? join(benchmarksDir, "data", spec.id) : join(resolve(userDataDir), spec.id);
}

/** Whether every file the benchmark needs is present. */
export function dataAvailable(benchmark: Pick<BenchmarkSpec, "id" | "data">, userDataDir: string): boolean {
  const dir = dataDirOf(benchmark, userDataDir);
  return benchmark.data.files.every((f) => existsSync(join(dir, f)));
}

/** Benchmark ids that have a file (TypeScript or MedHELM-format YAML), sorted; cheap (no imports). */
export function benchmarkIds(dir = benchmarksDir): string[] {
  return [...new Set(benchmarkFiles(dir).map((f) => f.id))].sort();
}

/** The benchmark files of a folder: `<id>.ts` files and MedHELM-format `<id>.yaml`/`.yml` files, by id. */
export function benchmarkFiles(dir: string): BenchmarkFile[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f): BenchmarkFile[] => {
      if (f.endsWith(".ts") && !f.endsWith(".d.ts")) return [{id: f.slice(0, -3), file: join(dir, f), kind: "ts"}];
      if (isBenchmarkYaml(f)) return [{id: f.replace(/\.ya?ml$/i, ""), file: join(dir, f), kind: "yaml"}];
      return [];
    });
}

/** One benchmark file: a TypeScript spec or a MedHELM-format YAML. */
export interface BenchmarkFile {
  id: string;
  file: string;
  kind: "ts" | "yaml";
}

/** A benchmark file that could not be registered, and why (the message names the file, line and field). */
export interface BenchmarkLoadError {
  id: string;
  file: string;
  message: string;
}

/** The registered benchmarks and the files that failed to load, each failure on its own. */
export interface RegistryLoad {
  benchmarks: Benchmark[];
  errors: BenchmarkLoadError[];
}

/** Where benchmarks come from besides the project's folder, and how judges named by MedHELM YAML files map to our models. */
export interface RegistryOptions {
  /** Further folders scanned after the first (the config's `benchmarkDirs`). */
  dirs?: readonly string[];
  /** Maps a MedHELM YAML's judges to our model ids; absent, no judge name is ours and a jury benchmark fails to load. */
  resolveJudge?: JudgeResolver;
  /** Appended to an unmapped judge's error (e.g. which endpoints are configured). */
  judgeHint?: string;
}

/** Reads one benchmark file into a spec; throws naming the file. */
async function readSpec(entry: BenchmarkFile, label: string, options: RegistryOptions): Promise<BenchmarkSpec> {
  if (entry.kind === "yaml" && catalogueEntry(entry.id)) throw new Error(`${label}: ${entry.id} is the id of a MedHELM benchmark; a YAML benchmark's id is its file name, so rename the file`);
  if (entry.kind === "yaml") return defineBenchmark(readMedhelmBenchmark(entry.file, {resolveJudge: options.resolveJudge ?? (() => null), judgeHint: options.judgeHint}));
  const spec = (await import(pathToFileURL(entry.file).href)).default as BenchmarkSpec | undefined;
  if (!spec || typeof spec !== "object") throw new Error(`${label} has no default export`);
  if (spec.id !== entry.id) throw new Error(`benchmark id ${spec.id} does not match its file name (${label})`);
  return spec;
}

/**
 * Imports and validates every benchmark file of `dir` and `options.dirs`, in catalogue order. A
 * file that fails is reported in `errors` and the others still load, so one team's typo does not
 * hide the suite.
 */
export async function loadRegistryReport(dir = benchmarksDir, options: RegistryOptions = {}): Promise<RegistryLoad> {
  const out: Benchmark[] = [];
  const errors: BenchmarkLoadError[] = [];
  const from = new Map<string, string>();
  for (const [i, folder] of [dir, ...(options.dirs ?? [])].entries()) {
    let entries: BenchmarkFile[];
    try {
      entries = benchmarkFiles(folder);
    } catch (error) {
      errors.push({id: "", file: folder, message: `benchmark folder ${folder} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`});
      continue;
    }
    for (const entry of entries) {
      // The project's own folder keeps its short label; a team's folder is named in full.
      const label = i === 0 ? `benchmarks/${basename(entry.file)}` : shown(entry.file);
      try {
        const first = from.get(entry.id);
        if (first) throw new Error(`${label}: benchmark id ${entry.id} is already defined by ${first}`);
        const spec = await readSpec(entry, label, options);
        const catalogued = catalogueEntryOf(spec, label);
        from.set(entry.id, label);
        out.push({
          ...spec,
          name: catalogued.name,
          category: subcategory(catalogued.subcategory).category,
          subcategory: catalogued.subcategory,
          access: catalogued.access,
          openEnded: catalogued.openEnded,
          task: catalogued.task,
          file: entry.file
        });
      } catch (error) {
        errors.push({id: entry.id, file: entry.file, message: (error as Error).message});
      }
    }
  }
  // MedHELM's benchmarks in catalogue order, then the others by id.
  const order = (b: Benchmark) => {
    const i = catalogueOrder.indexOf(b.id);
    return i < 0 ? catalogueOrder.length : i;
  };
  return {benchmarks: out.sort((a, b) => order(a) - order(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), errors};
}

/** Imports and validates every benchmark file, in catalogue order; throws the first file's error. */
export async function loadRegistry(dir = benchmarksDir, options: RegistryOptions = {}): Promise<Benchmark[]> {
  const {benchmarks, errors} = await loadRegistryReport(dir, options);
  if (errors.length) throw new Error(errors[0].message);
  return benchmarks;
}

/**
 * What the registry needs of the project's configuration (`runner/config.ts` reads the file; the
 * registry stays below the runner, so it names only these fields).
 */
export interface RegistrySource {
  /** Folders of a team's own benchmarks, besides `benchmarks/`. */
  benchmarkDirs: string[];
  /** HELM model or deployment names -> our model ids. */
  helmModels: Record<string, string>;
  /** The configured endpoints, by name (a judge id names one). */
  endpoints: ReadonlyArray<{name: string}>;
}

/**
 * The project's registry as its configuration defines it: `benchmarks/` and the config's
 * `benchmarkDirs`, with MedHELM YAML judges mapped through `helmModels` and the endpoints.
 */
export async function projectRegistry(config: RegistrySource): Promise<RegistryLoad> {
  const endpoints = config.endpoints.map((e) => e.name);
  const judgeHint = ` (configured endpoints: ${endpoints.length ? endpoints.join(", ") : "none"})`;
  return loadRegistryReport(benchmarksDir, {dirs: config.benchmarkDirs, resolveJudge: judgeResolver({helmModels: config.helmModels, endpoints}), judgeHint});
}

const catalogueOrder = catalogue.map((b) => b.id);

/** Picks benchmarks by id, failing on unknown ids before any work is done. */
export function selectBenchmarks(all: Benchmark[], ids: string[] | null | undefined): Benchmark[] {
  if (!ids?.length) return all;
  return ids.map((id) => {
    const found = all.find((b) => b.id === id);
    if (!found) throw new Error(`unknown benchmark: ${id} (known: ${all.map((b) => b.id).join(", ")})`);
    return found;
  });
}
