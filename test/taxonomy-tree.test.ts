import {describe, expect, it} from "vitest";
import {taxonomyTree} from "../data-loaders/site/taxonomy-tree.ts";
import {catalogue} from "../data-loaders/benchmark/taxonomy.ts";
import type {Benchmark} from "../data-loaders/benchmark/types.ts";

/** A registered benchmark with just the fields the tree reads. */
const registered = (id: string): Benchmark => ({id, description: `about ${id}`, data: {location: "local", files: [], dataset: `${id} data`, license: "CC0"}}) as unknown as Benchmark;

describe("taxonomyTree", () => {
  it("places all 37 catalogue benchmarks and marks coverage, data and instance counts", async () => {
    const registry = [registered("pubmed_qa"), registered("ehrshot"), registered("aci_bench")];
    const tree = await taxonomyTree(registry, (b) => b.id !== "ehrshot", async (b) => {
      if (b.id === "aci_bench") throw new Error("bad json");
      return 1000;
    });
    expect(tree.categories).toHaveLength(5);
    expect(tree.subcategories).toHaveLength(22);
    expect(tree.benchmarks.map((b) => b.id)).toEqual(catalogue.map((b) => b.id));
    const by = (id: string) => tree.benchmarks.find((b) => b.id === id)!;
    expect(by("pubmed_qa")).toMatchObject({
      category: "medical_research_assistance", subcategory: "conducting_literature_research", access: "public", open_ended: false,
      implemented: true, data_available: true, coverage: "available", instances: 1000, note: null, description: "about pubmed_qa", license: "CC0"
    });
    expect(by("ehrshot")).toMatchObject({implemented: true, data_available: false, coverage: "no_data", instances: null, note: "data not available: place it under MEDHELM_DATA_DIR/ehrshot/"});
    expect(by("aci_bench")).toMatchObject({data_available: false, coverage: "no_data", note: "data present but unreadable: bad json"});
    expect(by("clear")).toMatchObject({implemented: false, coverage: "not_implemented", description: null, note: "no benchmark file yet"});
    expect(by("med_qa").in_paper_v1).toBe(false);
  });
});
