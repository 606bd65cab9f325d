/**
 * Discovers benchmarks: every `benchmarks/<id>.ts` default-exports a `BenchmarkSpec` whose id is
 * its file name. MedHELM's benchmarks take their taxonomy from the catalogue (taxonomy.ts); any
 * other benchmark (a team's own) states it in its `catalogue` field, so adding one is still one
 * file. Importing this module does no I/O;
 * `loadRegistry()` reads the folder when called (the site config and the CLI call it).
 */
import {existsSync, readdirSync} from "node:fs";
import {join, resolve} from "node:path";
import {fileURLToPath, pathToFileURL} from "node:url";
import {catalogue, catalogueEntry, subcategories, subcategory, type CatalogueEntry} from "./taxonomy.ts";
import type {Benchmark, BenchmarkSpec} from "./types.ts";

/**
 * The catalogue entry of a benchmark: MedHELM's, or one made from the benchmark's own
 * `catalogue` field. Throws, naming the file and field, when neither or both are there.
 */
export function catalogueEntryOf(spec: BenchmarkSpec, file: string): Omit<CatalogueEntry, "helmColumn"> {
  const entry = catalogueEntry(spec.id);
  if (entry) {
    if (spec.catalogue) throw new Error(`${file}: ${spec.id} is a MedHELM benchmark, whose taxonomy comes from data-loaders/taxonomy.ts; remove its "catalogue" field`);
    if (Boolean(spec.rubric) !== entry.openEnded) throw new Error(`benchmark ${spec.id}: a rubric is required exactly for open-ended benchmarks`);
    return entry;
  }
  const own = spec.catalogue;
  if (!own) throw new Error(`${file}: ${spec.id} is not in the MedHELM catalogue; give it a "catalogue" field {name, subcategory, access, task} (see README, "Adding a benchmark")`);
  if (typeof own.name !== "string" || !own.name.trim()) throw new Error(`${file}: catalogue.name must be a non-empty string`);
  if (!subcategories.some((s) => s.id === own.subcategory)) throw new Error(`${file}: catalogue.subcategory ${JSON.stringify(own.subcategory)} is not a MedHELM subcategory (one of ${subcategories.map((s) => s.id).join(", ")})`);
  if (!["public", "gated", "private"].includes(own.access)) throw new Error(`${file}: catalogue.access must be "public", "gated" or "private", got ${JSON.stringify(own.access)}`);
  if (typeof own.task !== "string" || !own.task.trim()) throw new Error(`${file}: catalogue.task must be a non-empty string`);
  return {id: spec.id, name: own.name, subcategory: own.subcategory, access: own.access, openEnded: Boolean(spec.rubric), mainMetric: spec.mainMetric, task: own.task, inPaperV1: false};
}

/** The project's `benchmarks/` folder. */
export const benchmarksDir = fileURLToPath(new URL("../benchmarks/", import.meta.url));

/** MedHELM's catalogue followed by the registered benchmarks outside it (a team's own), as catalogue entries. */
export function catalogueWith(registry: readonly Benchmark[]): Omit<CatalogueEntry, "helmColumn">[] {
  const own = registry.filter((b) => !catalogueEntry(b.id));
  return [...catalogue, ...own.map((b) => ({id: b.id, name: b.name, subcategory: b.subcategory, access: b.access, openEnded: b.openEnded, mainMetric: b.mainMetric, task: b.task, inPaperV1: false}))];
}

/** Checks a benchmark spec's shape; used by every benchmark file so mistakes fail at load. */
export function defineBenchmark(spec: BenchmarkSpec): BenchmarkSpec {
  if (!/^[a-z0-9_]+$/.test(spec.id)) throw new Error(`invalid benchmark id: ${spec.id}`);
  if (!Number.isInteger(spec.version) || spec.version < 1) throw new Error(`invalid version of ${spec.id}: ${spec.version}`);
  const juryMain = spec.rubric && spec.mainMetric === `${spec.id}_accuracy`;
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
  return spec.data.location === "shipped" ? join(benchmarksDir, "data", spec.id) : join(resolve(userDataDir), spec.id);
}

/** Whether every file the benchmark needs is present. */
export function dataAvailable(benchmark: Pick<BenchmarkSpec, "id" | "data">, userDataDir: string): boolean {
  const dir = dataDirOf(benchmark, userDataDir);
  return benchmark.data.files.every((f) => existsSync(join(dir, f)));
}

/** Benchmark ids that have a file, sorted; cheap (no imports). */
export function benchmarkIds(dir = benchmarksDir): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

/** Imports and validates every benchmark file, in catalogue order. */
export async function loadRegistry(dir = benchmarksDir): Promise<Benchmark[]> {
  const out: Benchmark[] = [];
  for (const id of benchmarkIds(dir)) {
    const file = join(dir, `${id}.ts`);
    const spec = (await import(pathToFileURL(file).href)).default as BenchmarkSpec | undefined;
    if (!spec || typeof spec !== "object") throw new Error(`benchmarks/${id}.ts has no default export`);
    if (spec.id !== id) throw new Error(`benchmark id ${spec.id} does not match its file name (benchmarks/${id}.ts)`);
    const entry = catalogueEntryOf(spec, `benchmarks/${id}.ts`);
    out.push({
      ...spec,
      name: entry.name,
      category: subcategory(entry.subcategory).category,
      subcategory: entry.subcategory,
      access: entry.access,
      openEnded: entry.openEnded,
      task: entry.task,
      file
    });
  }
  // MedHELM's benchmarks in catalogue order, then the others by id.
  const order = (b: Benchmark) => {
    const i = catalogueOrder.indexOf(b.id);
    return i < 0 ? catalogueOrder.length : i;
  };
  return out.sort((a, b) => order(a) - order(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
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
