/**
 * The taxonomy page's data: MedHELM's categories, subcategories and the 37-benchmark catalogue
 * (`taxonomy.ts`), each benchmark marked with whether this workbench implements it (a file in
 * `benchmarks/`), whether its data is present, and how many instances the data holds. Absent or
 * unreadable data is a state with a reason, never a failure of the build. A team's benchmark
 * without a subcategory is a leaf of the unclassified group, after MedHELM's five categories.
 */
import {loadConfig} from "../runner/config.ts";
import {catalogueWith, dataAvailable, dataDirOf, projectRegistry} from "../benchmark/registry.ts";
import {categories, inTaxonomy, subcategories, subcategory, UNCLASSIFIED, unclassifiedCategory, unclassifiedSubcategory, type Access} from "../benchmark/taxonomy.ts";
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

/** A category of the tree; `in_taxonomy` is false for the group of benchmarks outside MedHELM's taxonomy. */
export interface TreeCategory {
  id: string;
  name: string;
  description: string;
  in_taxonomy: boolean;
}

/** A subcategory of the tree; `in_taxonomy` as for its category. */
export interface TreeSubcategory extends TreeCategory {
  category: string;
}

/**
 * The whole tree with the taxonomy's own descriptions: MedHELM's 5 categories and 22
 * subcategories, followed by the unclassified group (`UNCLASSIFIED` of taxonomy.ts) only when a
 * registered benchmark names no subcategory, so that every benchmark's ids resolve in the tree.
 */
export interface TaxonomyTree {
  categories: TreeCategory[];
  subcategories: TreeSubcategory[];
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
  const unclassified = benchmarks.some((b) => b.subcategory === UNCLASSIFIED);
  return {
    categories: [...categories, ...(unclassified ? [unclassifiedCategory] : [])].map(({id, name, description}) => ({id, name, description, in_taxonomy: inTaxonomy(id)})),
    subcategories: [...subcategories, ...(unclassified ? [unclassifiedSubcategory] : [])].map(({id, name, category, description}) => ({id, name, category, description, in_taxonomy: inTaxonomy(id)})),
    benchmarks
  };
}

/** One section of the site's navigation: a category and the pages of its registered benchmarks. */
export interface BenchmarkSection {
  name: string;
  pages: Array<{name: string; path: string}>;
}

/**
 * The navigation's benchmark sections: MedHELM's five categories in taxonomy order, then one
 * section of its own for benchmarks that name no subcategory, so that they are never filed under
 * a MedHELM category. A section without a registered benchmark is left out.
 */
export function benchmarkSections(registry: readonly Pick<Benchmark, "id" | "name" | "category">[]): BenchmarkSection[] {
  return [...categories, unclassifiedCategory]
    .map((c) => ({name: c.name, pages: registry.filter((b) => b.category === c.id).map((b) => ({name: b.name, path: `/benchmarks/${b.id}`}))}))
    .filter((section) => section.pages.length);
}

/** The tree for the project in `cwd`, with data looked up where the configuration says. */
export async function projectTaxonomyTree({cwd, env}: {cwd: string; env: Record<string, string | undefined>}): Promise<TaxonomyTree> {
  const config = loadConfig({cwd, env, file: env.MEDHELM_CONFIG});
  const {benchmarks: registry} = await projectRegistry(config);
  return taxonomyTree(registry, (b) => dataAvailable(b, config.dataDir), async (b) => (await b.load(dataDirOf(b, config.dataDir))).length);
}
