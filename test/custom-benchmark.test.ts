/**
 * A team's own benchmark: one file in the benchmarks folder, with its taxonomy in its `catalogue`
 * field, is registered, run, placed in the taxonomy tree and shown in the site's catalogue next
 * to MedHELM's 37 (its text withheld as its access tier says), and a wrong `catalogue` field
 * fails naming the file and field.
 */
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {tableFromIPC} from "apache-arrow";
import {gunzipSync} from "fflate";
import {afterAll, describe, expect, it} from "vitest";
import {baselineModel} from "../data-loaders/models/baseline.ts";
import {parquetSink} from "../data-loaders/formats/parquet.ts";
import {reproducePaper} from "../data-loaders/paper/recomputed.ts";
import {loadRegistry} from "../data-loaders/benchmark/registry.ts";
import {runSuite} from "../data-loaders/runner/run.ts";
import {siteFiles} from "../data-loaders/site/archive.ts";
import {taxonomyTree} from "../data-loaders/site/taxonomy-tree.ts";
import {fileCache} from "../data-loaders/cache/cache.ts";
import {UNCLASSIFIED} from "../data-loaders/benchmark/taxonomy.ts";

const root = mkdtempSync(join(tmpdir(), "medhelm-custom-"));
afterAll(() => rmSync(root, {recursive: true, force: true}));

const engine = (module: string) => JSON.stringify(join(process.cwd(), "data-loaders", module));

/** A benchmarks folder holding one file `<id>.ts` whose spec gets `extra` fields. */
function folder(id: string, catalogue: unknown): string {
  const dir = mkdtempSync(join(root, "benchmarks-"));
  writeFileSync(join(dir, `${id}.ts`), `
import {defineBenchmark} from ${engine("benchmark/registry.ts")};
import {exactMatch} from ${engine("metrics/metrics.ts")};
export default defineBenchmark({
  id: ${JSON.stringify(id)},
  version: 1,
  description: "Triage urgency of emergency department notes (a team's own benchmark).",
  data: {location: "local", files: [], dataset: "synthetic", license: "CC0"},
  load: async () => [1, 2, 3, 4].map((i) => ({id: "note-" + i, input: "Note " + i + ": chest pain.", choices: ["urgent", "routine"], gold: [i % 2 ? "urgent" : "routine"]})),
  prompt: {kind: "multiple_choice_joint", instructions: "Is the visit urgent? Answer with the letter.", inputNoun: "Note", outputNoun: "Answer"},
  maxTokens: 1,
  stop: ["\\n"],
  metrics: [exactMatch()],
  mainMetric: "exact_match",
  ${catalogue === undefined ? "" : `catalogue: ${JSON.stringify(catalogue)},`}
});
`);
  return dir;
}

const triage = {name: "ED-Triage", subcategory: "planning_treatments", access: "private", task: "Decide how urgent an emergency visit is."};

describe("a benchmark outside MedHELM's catalogue", () => {
  it("is registered from its own catalogue field, in its subcategory's category", async () => {
    const [b] = await loadRegistry(folder("ed_triage", triage));
    expect(b).toMatchObject({id: "ed_triage", name: "ED-Triage", category: "clinical_decision_support", subcategory: "planning_treatments", access: "private", openEnded: false, task: triage.task});
  });

  it("without a subcategory in its catalogue field, is registered in the unclassified group, outside MedHELM's categories", async () => {
    const {subcategory: _, ...unplaced} = triage;
    const [b] = await loadRegistry(folder("ed_triage", unplaced));
    expect(b).toMatchObject({id: "ed_triage", category: UNCLASSIFIED, subcategory: UNCLASSIFIED, access: "private"});
  });

  it("is refused without a catalogue field, or with a bad one, naming the file and field", async () => {
    await expect(loadRegistry(folder("ed_triage", undefined))).rejects.toThrow(/benchmarks\/ed_triage\.ts: ed_triage is not in the MedHELM catalogue; give it a "catalogue" field/);
    await expect(loadRegistry(folder("ed_triage", {...triage, subcategory: "triage"}))).rejects.toThrow(/benchmarks\/ed_triage\.ts: catalogue\.subcategory "triage" is not a MedHELM subcategory \(one of supporting_diagnostic_decisions, /);
    await expect(loadRegistry(folder("ed_triage", {...triage, access: "internal"}))).rejects.toThrow(/catalogue\.access must be "public", "gated" or "private", got "internal"/);
    await expect(loadRegistry(folder("pubmed_qa", triage))).rejects.toThrow(/benchmarks\/pubmed_qa\.ts: pubmed_qa is a MedHELM benchmark, whose taxonomy comes from data-loaders\/benchmark\/taxonomy\.ts; remove its "catalogue" field/);
  });

  it("runs like any benchmark, is placed in the taxonomy after MedHELM's 37, and appears in the site's catalogue and leaderboard", async () => {
    const registry = await loadRegistry(folder("ed_triage", triage));
    const out = join(root, "results");
    const sink = await parquetSink(out);
    const cache = fileCache(join(root, "cache"));
    const summary = await runSuite(
      {runId: "run-custom", benchmarks: registry, models: [baselineModel("first-choice")], judges: [], seed: 0, limit: null, maxEvalInstances: 1000, concurrency: 2,
        scoring: {helmCompat: false, resources: {}}, dataDir: join(root, "data"), excludeSelfJudging: false, excludeSameVendorJudging: false, manifest: {}, toolVersion: "test"},
      {cache, sink, log: () => {}}
    );
    await sink.close();
    cache.close();
    expect(summary.benchmarks).toEqual([{id: "ed_triage", dataAvailable: true, instances: 4, answers: 4}]);

    const tree = await taxonomyTree(registry, () => true, async (b) => (await b.load("")).length);
    expect(tree.benchmarks).toHaveLength(38);
    expect(tree.benchmarks[37]).toMatchObject({id: "ed_triage", category: "clinical_decision_support", in_paper_v1: false, implemented: true, coverage: "available", instances: 4});

    const files = await siteFiles({dirs: [out], registry, dataDir: join(root, "data"), publishRestrictedText: false, seed: 0, resamples: 20, log: () => {}});
    const rows = (name: string) => tableFromIPC(files[`${name}.arrow`]).toArray().map((r) => r.toJSON());
    expect(rows("catalogue").find((r) => r.benchmark === "ed_triage")).toMatchObject({name: "ED-Triage", category_name: "Clinical Decision Support", access: "private", registered: true, data_available: true, position: 37});
    // first-choice always answers A ("urgent"), right on notes 1 and 3.
    expect(rows("leaderboard").find((r) => r.benchmark === "ed_triage" && r.is_main)).toMatchObject({label: "baseline/first-choice (baseline)", value: 0.5, n: 4});
    // Its access tier is private, so its notes stay out of the site's text chunks.
    const chunks = Object.keys(files).filter((f) => f.startsWith("text/ed_triage-"));
    expect(chunks.length).toBeGreaterThan(0);
    for (const f of chunks) expect(new TextDecoder().decode(gunzipSync(files[f]))).not.toContain("chest pain");
  });

  it("has no published result, and stays out of the published entries' win rates", async () => {
    // The previous test's run of ed_triage, now beside the published MedHELM results (v2).
    const registry = await loadRegistry(folder("ed_triage", triage));
    const files = await siteFiles({dirs: [join(root, "results")], registry, dataDir: join(root, "data"), publishRestrictedText: false, seed: 0, resamples: 20, published: "v2", log: () => {}});
    const rows = (name: string) => tableFromIPC(files[`${name}.arrow`]).toArray().map((r) => r.toJSON());
    expect(rows("catalogue").find((r) => r.benchmark === "ed_triage")).toMatchObject({published_result: false});
    expect(rows("catalogue").find((r) => r.benchmark === "pubmed_qa")).toMatchObject({published_result: true});
    expect(rows("comparability").filter((r) => r.benchmark === "ed_triage")).toEqual([
      {label: "baseline/first-choice (baseline)", benchmark: "ed_triage", kind: "published", reason: "no published result: the MedHELM paper (v2) has no ed_triage"}
    ]);
    const published = rows("win_rates").filter((r) => r.scope === "all" && r.source === "medhelm-paper");
    const paper = reproducePaper().v2.table1;
    expect(published).toHaveLength(9);
    for (const r of published) {
      expect(r.n_benchmarks).toBe(37);
      expect(r.win_rate).toBe(paper.find((p) => p.model === r.model)!.win_rate);
    }
  });

});
