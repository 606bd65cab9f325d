/**
 * The taxonomy page's data: MedHELM's categories, subcategories and the 37-benchmark catalogue
 * (`taxonomy.ts`), each benchmark marked with whether this workbench implements it (a file in
 * `benchmarks/`), whether its data is present, and how many instances the data holds. Absent or
 * unreadable data is a state with a reason, never a failure of the build.
 */
import {loadConfig} from "../runner/config.ts";
import {catalogueWith, dataAvailable, dataDirOf, projectRegistry} from "../benchmark/registry.ts";
import {categories, subcategories, subcategory, type Access} from "../benchmark/taxonomy.ts";
import type {Benchmark} from "../benchmark/types.ts";

/** Where a benchmark stands in this workbench. */
export type Coverage = "available" | "no_data" | "not_implemented";

/** One leaf of the tree. */
export interface TreeBenchmark {
  id: string;
  name: string;
  category: string;
  subcategory: string;
  access: Access;
  open_ended: boolean;
  main_metric: string;
  task: string;
  /** In the 35-benchmark suite of the arXiv paper (false for MedQA and MedMCQA). */
  in_paper_v1: boolean;
  /** A `benchmarks/<id>.ts` file exists. */
  implemented: boolean;
  data_available: boolean;
  coverage: Coverage;
  /** Instances in the data (before the 1000-instance cap), null without readable data. */
  instances: number | null;
  /** Why there is no instance count, or null. */
  note: string | null;
  /** The benchmark file's description, or null when not implemented. */
  description: string | null;
  /** Dataset name and origin, or null when not implemented. */
  dataset: string | null;
  license: string | null;
}

/** The whole tree with the taxonomy's own descriptions. */
export interface TaxonomyTree {
  categories: Array<{id: string; name: string; description: string}>;
  subcategories: Array<{id: string; name: string; category: string; description: string}>;
  benchmarks: TreeBenchmark[];
}

/** Reads a benchmark's instances to count them; a failure becomes a note, not an exception. */
export type InstanceCounter = (benchmark: Benchmark) => Promise<number>;

/**
 * Places every catalogue benchmark in the tree, then the registered benchmarks outside MedHELM's
 * catalogue. `registry` holds the implemented benchmarks, `available` says whether one's data is
 * present, and `count` reads its instances.
 */
export async function taxonomyTree(registry: readonly Benchmark[], available: (b: Benchmark) => boolean, count: InstanceCounter): Promise<TaxonomyTree> {
  const benchmarks: TreeBenchmark[] = [];
  for (const entry of catalogueWith(registry)) {
    const b = registry.find((r) => r.id === entry.id);
    const hasData = b ? available(b) : false;
    let instances: number | null = null;
    let note: string | null = b ? (hasData ? null : `data not available: place it under MEDHELM_DATA_DIR/${entry.id}/`) : "no benchmark file yet";
    if (b && hasData) {
      try {
        instances = await count(b);
      } catch (error) {
        note = `data present but unreadable: ${(error as Error).message}`;
      }
    }
    const readable = hasData && instances !== null;
    benchmarks.push({
      id: entry.id, name: entry.name, category: subcategory(entry.subcategory).category, subcategory: entry.subcategory,
      access: entry.access, open_ended: entry.openEnded, main_metric: entry.mainMetric, task: entry.task, in_paper_v1: entry.inPaperV1,
      implemented: Boolean(b), data_available: readable, coverage: !b ? "not_implemented" : readable ? "available" : "no_data",
      instances, note, description: b?.description ?? null, dataset: b?.data.dataset ?? null, license: b?.data.license ?? null
    });
  }
  return {
    categories: categories.map(({id, name, description}) => ({id, name, description})),
    subcategories: subcategories.map(({id, name, category, description}) => ({id, name, category, description})),
    benchmarks
  };
}

/** The tree for the project in `cwd`, with data looked up where the configuration says. */
export async function projectTaxonomyTree({cwd, env}: {cwd: string; env: Record<string, string | undefined>}): Promise<TaxonomyTree> {
  const config = loadConfig({cwd, env, file: env.MEDHELM_CONFIG});
  const {benchmarks: registry} = await projectRegistry(config);
  return taxonomyTree(registry, (b) => dataAvailable(b, config.dataDir), async (b) => (await b.load(dataDirOf(b, config.dataDir))).length);
}
