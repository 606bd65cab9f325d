/**
 * MedHELM's no-code benchmark format read as HELM reads it: the two documented demos (our own
 * content, examples/medhelm-format/) give HELM's prompts, exact-match scores and jury means; each
 * kind of bad input is reported naming its file, line and field while the other benchmarks still
 * load; a benchmark without an access tier is private, so its text stays out of the site; and a
 * benchmark without a subcategory is kept outside MedHELM's taxonomy, in a group of its own.
 */
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {gunzipSync} from "node:zlib";
import {tableFromIPC} from "apache-arrow";
import {afterAll, describe, expect, it} from "vitest";
import {judgeResolver, parseTemplate, rubricCriteria} from "../data-loaders/benchmark/medhelm-yaml.ts";
import {fileCache} from "../data-loaders/cache/cache.ts";
import {loadConfig} from "../data-loaders/runner/config.ts";
import {aggregateJury, judgePrompt, parseVerdict} from "../data-loaders/runner/jury.ts";
import {parquetSink} from "../data-loaders/formats/parquet.ts";
import {promptText} from "../data-loaders/benchmark/prompt.ts";
import {loadRegistry, loadRegistryReport, projectRegistry, type RegistryOptions} from "../data-loaders/benchmark/registry.ts";
import {runSuite} from "../data-loaders/runner/run.ts";
import {siteFiles} from "../data-loaders/site/archive.ts";
import type {CommandIO} from "../data-loaders/cli/command.ts";
import leaderboard from "../data-loaders/cli/commands/leaderboard.ts";
import {benchmarkSections, taxonomyTree} from "../data-loaders/site/taxonomy-tree.ts";
import {catalogueWith} from "../data-loaders/benchmark/registry.ts";
import {categories, subcategories, UNCLASSIFIED} from "../data-loaders/benchmark/taxonomy.ts";
// @ts-expect-error: a plain browser module without type declarations.
import {icicle} from "../src/components/paperIcicle.js";
import type {Benchmark, Model} from "../data-loaders/benchmark/types.ts";
import {memorySink} from "./memory-sink.ts";

const examples = resolve(import.meta.dirname, "..", "examples", "medhelm-format");
const root = mkdtempSync(join(tmpdir(), "medhelm-yaml-"));
afterAll(() => rmSync(root, {recursive: true, force: true}));

// The demo's three HELM judges, mapped to our ids as a config's "helmModels" would map them.
const helmModels = {
  "openai/gpt-4o-2024-05-13": "fake/judge-a",
  "together/llama-3.3-70b-instruct-turbo": "fake/judge-dd",
  "anthropic/claude-3-7-sonnet-20250219": "fake/judge-c"
};
const options: RegistryOptions = {resolveJudge: judgeResolver({helmModels, endpoints: ["fake"]})};

/** Loads only the given folder's benchmarks (the project's own are left out by an empty first folder). */
async function loadFolder(dir: string, opts = options) {
  const empty = mkdtempSync(join(root, "empty-"));
  return loadRegistryReport(empty, {...opts, dirs: [dir]});
}

/** A copy of the demos, with files replaced or added. */
function demoCopy(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(root, "demo-"));
  cpSync(examples, dir, {recursive: true});
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const demo = async (id: string) => {
  const {benchmarks, errors} = await loadFolder(examples);
  expect(errors).toEqual([]);
  return benchmarks.find((b) => b.id === id)!;
};

describe("the exact-match demo in MedHELM's format", () => {
  it("is registered under its file name with its YAML's name, description, additions and HELM's main metric", async () => {
    const b = await demo("exact_match_demo");
    expect(b).toMatchObject({
      id: "exact_match_demo", name: "EXACT-MATCH-DEMO", category: "clinical_decision_support", subcategory: "providing_clinical_knowledge_support",
      access: "public", openEnded: false, mainMetric: "exact_match", maxTokens: 1, task: "Answer a factual question about a patient's chart."
    });
    expect(b.description).toMatch(/^EXACT-MATCH-DEMO asks yes\/no questions/);
    expect(b.metrics.map((m) => m.name)).toEqual(["exact_match", "quasi_exact_match"]);
  });

  it("fills the template from each row's columns and adds HELM's input suffix, as HELM's generation adapter does", async () => {
    const b = await demo("exact_match_demo");
    const [first] = await b.load("");
    expect(promptText(b.prompt, first)).toBe([
      "You are a clinical assistant. Read the patient note and answer the question about it.", "",
      "Patient ID: A-101", "",
      "Note:", "58-year-old man on lisinopril 20 mg daily for hypertension; blood pressure today 132/84.", "",
      "Question: Is the patient treated for high blood pressure?", "",
      "Reply with exactly one word: Yes or No.", "", ""
    ].join("\n"));
    expect(first.gold).toEqual(["Yes"]);
    expect(first.extra).toEqual({line: 2, incorrect_answers: ["No"]});
  });

  it("scores exact match against correct_answer: a model that always says Yes gets the share of Yes rows (4 of 6)", async () => {
    const b = await demo("exact_match_demo");
    const yes: Model = {id: "fake/yes", kind: "llm", vendor: "fake", endpoint: null, supports: () => true,
      generate: async () => ({text: " Yes\n", inputTokens: 1, outputTokens: 1, latencyMs: 0, finishReason: "stop", cached: false})};
    const sink = memorySink();
    await runSuite({runId: "r", benchmarks: [b], models: [yes], judges: [], seed: 0, limit: null, maxEvalInstances: 1000, concurrency: 2,
      scoring: {helmCompat: false, resources: {}}, dataDir: "unused", excludeSelfJudging: false, excludeSameVendorJudging: false, manifest: {}, toolVersion: "test"},
    {cache: fileCache(mkdtempSync(join(root, "cache-"))), sink, log: () => {}});
    const em = sink.rows.scores.filter((s) => s.metric === "exact_match");
    expect(em).toHaveLength(6);
    expect(em.every((s) => s.is_main)).toBe(true);
    expect(em.reduce((sum, s) => sum + (s.value as number), 0) / em.length).toBeCloseTo(4 / 6, 12);
    expect(sink.rows.benchmarks[0]).toMatchObject({benchmark: "exact_match_demo", main_metric: "exact_match", main_metric_min: 0, main_metric_max: 1, open_ended: false});
  });
});

describe("the jury-score demo in MedHELM's format", () => {
  it("has the judge prompt's four criteria on 0-5, its own three judges mapped to our ids, and is private without an access tier", async () => {
    const b = await demo("llm_jury_score_demo");
    expect(b).toMatchObject({mainMetric: "jury_score", juryMetric: "jury_score", openEnded: true, access: "private", judges: ["fake/judge-a", "fake/judge-dd", "fake/judge-c"]});
    expect(Object.keys(b.rubric!.criteria)).toEqual(["accuracy", "completeness", "clarity", "safety"]);
    expect(b.rubric!.scale).toEqual([0, 5]);
    expect(b.data.license).toMatch(/no access tier in its YAML, so treated as private/);
  });

  it("fills the judge prompt's {QUESTION}, {RESPONSE} and {GOLD_RESPONSE} with the filled prompt, the answer and correct_answer", async () => {
    const b = await demo("llm_jury_score_demo");
    const [first] = await b.load("");
    const text = judgePrompt(b.rubric!, {input: first.input, response: "Take {RESPONSE} apixaban.", gold: first.gold[0]});
    const template = readFileSync(join(examples, "llm_jury_score_demo_judge_prompt.txt"), "utf8");
    expect(text).toBe(template.replace("{QUESTION}", first.input).replace("{RESPONSE}", "Take {RESPONSE} apixaban.").replace("{GOLD_RESPONSE}", first.gold[0]));
    expect(text).toContain("<QUESTION>\nYou are a clinical assistant. Explain the medication change");
    expect(text).toContain("We stopped your warfarin");
  });

  it("gives HELM's jury score, the plain mean over judges x criteria, and leaves out a judge whose reply does not parse", async () => {
    const b = await demo("llm_jury_score_demo");
    const reply = (scores: number[]) => `<rubric_criteria>${JSON.stringify(Object.fromEntries(["accuracy", "completeness", "clarity", "safety"].map((c, i) => [c, {score: scores[i], explanation: "x"}])))}</rubric_criteria>`;
    const verdicts = [
      {judge: "a", verdict: parseVerdict(reply([4, 5, 3, 4]), b.rubric!)},
      {judge: "b", verdict: parseVerdict(reply([5, 3, 4, 5]), b.rubric!)},
      {judge: "c", verdict: parseVerdict("I cannot rate this.", b.rubric!)}
    ];
    // HELM: sum(int(score)) / count over the parsed annotations = 33 / 8.
    const jury = aggregateJury(verdicts, b.rubric!);
    expect(jury.score).toBe(4.125);
    expect(jury.perCriterion).toEqual({accuracy: 4.5, completeness: 4, clarity: 3.5, safety: 4.5});
    expect(jury.judges).toBe(2);
    // A score of 0 is on HELM's scale; 6 is not.
    expect(parseVerdict(reply([0, 0, 0, 0]), b.rubric!).valid).toBe(true);
    expect(parseVerdict(reply([6, 0, 0, 0]), b.rubric!).criteria[0]).toMatchObject({status: "out_of_range"});
  });
});

describe("a MedHELM YAML whose first metric is ROUGE and whose second is the jury", () => {
  it("records all six summarization metrics against correct_answer, ROUGE-L as the headline and the jury score beside it on 0-5", async () => {
    const dir = demoCopy({
      "llm_jury_score_demo.yaml": readFileSync(join(examples, "llm_jury_score_demo.yaml"), "utf8").replace("metrics:\n", "metrics:\n  - name: rouge_l\n")
    });
    const {benchmarks, errors} = await loadFolder(dir);
    expect(errors).toEqual([]);
    const b = benchmarks.find((x) => x.id === "llm_jury_score_demo")!;
    expect(b).toMatchObject({mainMetric: "rouge_l", juryMetric: "jury_score", openEnded: false});
    expect(b.metrics.map((m) => m.name)).toEqual(["rouge_1", "rouge_2", "rouge_l", "bertscore_precision", "bertscore_recall", "bertscore_f1"]);
    const [first] = await b.load("");
    // An answer equal to correct_answer has ROUGE-L 1; without an embedding server BERTScore is unscored with a reason.
    const echo: Model = {id: "fake/echo", kind: "llm", vendor: "fake", endpoint: null, supports: () => true,
      generate: async (_request, {instance}) => ({text: instance.gold[0], inputTokens: 1, outputTokens: 1, latencyMs: 0, finishReason: "stop", cached: false})};
    const judge: Model = {id: "fake/judge-a", kind: "llm", vendor: "judge", endpoint: null, supports: () => true,
      generate: async () => ({text: JSON.stringify({accuracy: {score: 5, explanation: "x"}, completeness: {score: 4, explanation: "x"}, clarity: {score: 3, explanation: "x"}, safety: {score: 0, explanation: "x"}}), inputTokens: 1, outputTokens: 1, latencyMs: 0, finishReason: "stop", cached: false})};
    const sink = memorySink();
    await runSuite({runId: "r", benchmarks: [b], models: [echo], judges: [], judgePanels: {[b.id]: [judge]}, seed: 0, limit: 1, maxEvalInstances: 1000, concurrency: 1,
      scoring: {helmCompat: false, resources: {}}, dataDir: "unused", excludeSelfJudging: false, excludeSameVendorJudging: false, manifest: {}, toolVersion: "test"},
    {cache: fileCache(mkdtempSync(join(root, "cache-"))), sink, log: () => {}});
    const score = (metric: string) => sink.rows.scores.find((s) => s.metric === metric)!;
    expect(sink.rows.instances[0]).toMatchObject({gold_text: first.gold[0]});
    expect(score("rouge_l")).toMatchObject({value: 1, is_main: true});
    expect(score("jury_score")).toMatchObject({value: 3, is_main: false, value_normalized: 0.6});
    expect(score("bertscore_f1")).toMatchObject({value: null, unscored_reason: expect.stringMatching(/./)});
    expect(sink.rows.benchmarks[0]).toMatchObject({main_metric: "rouge_l", main_metric_min: 0, main_metric_max: 1, open_ended: false});
  });
});

describe("benchmarkDirs and helmModels in the config", () => {
  /** A working directory holding a config file with `spec`. */
  const project = (spec: unknown) => {
    const cwd = mkdtempSync(join(root, "project-"));
    writeFileSync(join(cwd, "medhelm.config.json"), JSON.stringify(spec));
    return cwd;
  };

  it("adds the folders (relative to the working directory) to the project's registry, with judges mapped through helmModels", async () => {
    const cwd = project({benchmarkDirs: ["team"], helmModels, endpoints: {fake: {baseURL: "http://127.0.0.1:9/v1"}}});
    cpSync(examples, join(cwd, "team"), {recursive: true});
    const config = loadConfig({cwd, env: {}});
    expect(config.benchmarkDirs).toEqual([join(cwd, "team")]);
    const {benchmarks, errors} = await projectRegistry(config);
    expect(errors).toEqual([]);
    expect(benchmarks).toHaveLength(39);
    expect(benchmarks.slice(37).map((b) => [b.id, b.judges ?? null])).toEqual([["exact_match_demo", null], ["llm_jury_score_demo", ["fake/judge-a", "fake/judge-dd", "fake/judge-c"]]]);
  });

  it("reports a folder that does not exist as a load error, and the project's benchmarks still load", async () => {
    const cwd = project({benchmarkDirs: ["nowhere"]});
    const {benchmarks, errors} = await projectRegistry(loadConfig({cwd, env: {}}));
    expect(benchmarks).toHaveLength(37);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^benchmark folder .*nowhere cannot be read \(ENOENT\)/)]);
  });

  it("refuses a malformed benchmarkDirs or helmModels, naming the field", () => {
    expect(() => loadConfig({cwd: project({benchmarkDirs: "team"}), env: {}})).toThrow(/medhelm\.config\.json: benchmarkDirs must be a list of non-empty strings, got "team"/);
    expect(() => loadConfig({cwd: project({helmModels: {"openai/gpt-4o": "gpt-4o"}}), env: {}})).toThrow(/medhelm\.config\.json: helmModels\["openai\/gpt-4o"\] must be one of our model ids \(<endpoint>\/<model>\), got "gpt-4o"/);
  });
});

describe("template and rubric parsing with HELM's rules", () => {
  it("reads {column} placeholders with Python's format rules: doubled braces are literal", () => {
    expect(parseTemplate("a {x}\n{{literal}} {y}", "p.txt")).toEqual([{text: "a "}, {column: "x", line: 1}, {text: "\n{literal} "}, {column: "y", line: 2}]);
    expect(() => parseTemplate("line one\nvalue: {x:>5}", "p.txt")).toThrow(/^p\.txt:2: placeholder \{x:>5\} uses a format specification/);
    expect(() => parseTemplate("a }", "p.txt")).toThrow(/^p\.txt:1: a single "\}" outside a placeholder; write "\}\}"/);
    expect(() => parseTemplate("{}", "p.txt")).toThrow(/empty placeholder/);
  });

  it("takes the criteria from the <rubric_criteria> JSON block, each needing a score", () => {
    expect(rubricCriteria('x\n<rubric_criteria>\n{"a": {"score": 0, "explanation": ""}, "b": {"score": 0}}\n</rubric_criteria>', "j.txt")).toEqual({a: ["score", "explanation"], b: ["score"]});
    expect(() => rubricCriteria("x\n<rubric_criteria>{\"a\": 1}</rubric_criteria>", "j.txt")).toThrow(/^j\.txt:2: criterion "a" in <rubric_criteria> must be an object with a "score"/);
    expect(() => rubricCriteria("x\n<rubric_criteria>{a: 1}</rubric_criteria>", "j.txt")).toThrow(/^j\.txt:2: the <rubric_criteria> block is not valid JSON/);
  });

  it("maps a HELM judge through helmModels by name or model_name, and takes one of our ids as it is", () => {
    const resolve = judgeResolver({helmModels: {"huggingface/qwen2.5-7b-instruct": "local/qwen"}, endpoints: ["local", "router"]});
    expect(resolve({name: "huggingface/qwen2.5-7b-instruct", model_name: "qwen/qwen2.5-7b-instruct"})).toBe("local/qwen");
    expect(resolve({name: "x/y", model_name: "router/meta/llama"})).toBe("router/meta/llama");
    expect(resolve({name: "together/llama", model_name: "meta/llama"})).toBeNull();
  });
});

describe("bad input is reported naming the file, line and field, and the other benchmarks still load", () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ["a placeholder without a column", {"exact_match_demo_prompt.txt": "Note: {note}\nQuestion: {question}\nAge: {age}\n"}, /exact_match_demo_prompt\.txt:3: placeholder \{age\} has no column in .*exact_match_demo_dataset\.csv \(its columns: patient_id, note, question, correct_answer, incorrect_answers\)/],
    ["a missing correct_answer column", {"exact_match_demo_dataset.csv": "patient_id,note,question\nA,b,c\n"}, /exact_match_demo_dataset\.csv:1: the dataset has no "correct_answer" column, which exact_match compare\(s\) against/],
    ["incorrect_answers that is not a JSON list", {"exact_match_demo_dataset.csv": 'patient_id,note,question,correct_answer,incorrect_answers\nA,b,c,Yes,"[""No""]"\nB,"two\nlines",c,No,Yes\n'}, /exact_match_demo_dataset\.csv:3: incorrect_answers of row 2 is not a JSON list: "Yes"/],
    ["an unknown metric", {"exact_match_demo.yaml": "name: X\ndescription: d\nprompt_file: exact_match_demo_prompt.txt\ndataset_file: exact_match_demo_dataset.csv\nsubcategory: planning_treatments\nmetrics:\n  - name: exact_match\n  - name: f1_score\n"}, /exact_match_demo\.yaml:8: unknown metric "f1_score" \(known: exact_match, rouge_1/],
    ["a judge prompt without {RESPONSE}", {"llm_jury_score_demo_judge_prompt.txt": "Rate {QUESTION}.\n<rubric_criteria>{\"a\": {\"score\": 0}}</rubric_criteria>\n"}, /llm_jury_score_demo_judge_prompt\.txt: the judge prompt has no \{RESPONSE\} placeholder/],
    ["a judge prompt without <rubric_criteria>", {"llm_jury_score_demo_judge_prompt.txt": "Rate {RESPONSE} on accuracy from 0 to 5 as JSON.\n"}, /llm_jury_score_demo_judge_prompt\.txt: the judge prompt has no <rubric_criteria>\{\.\.\.\}<\/rubric_criteria> block/],
    ["a CSV that does not parse", {"exact_match_demo_dataset.csv": 'patient_id,note,question,correct_answer,incorrect_answers\nA,b,c,Yes,"[""No""]"\nB,"bad"quote,c,No,"[]"\n'}, /exact_match_demo_dataset\.csv:3: the CSV does not parse \(column "note"\): Invalid Closing Quote/],
    ["an unknown subcategory", {"exact_match_demo.yaml": "name: X\ndescription: d\nprompt_file: exact_match_demo_prompt.txt\ndataset_file: exact_match_demo_dataset.csv\nsubcategory: triage\nmetrics:\n  - name: exact_match\n"}, /exact_match_demo\.yaml:5: "subcategory" "triage" is not a MedHELM subcategory \(one of supporting_diagnostic_decisions, .*; leave it out to keep the benchmark outside MedHELM's taxonomy\)/],
    ["an unknown access tier", {"llm_jury_score_demo.yaml": readFileSync(join(examples, "llm_jury_score_demo.yaml"), "utf8") + "access: internal\n"}, /llm_jury_score_demo\.yaml:\d+: "access" must be public, gated or private, got "internal"/]
  ];
  for (const [what, files, message] of cases) {
    it(`reports ${what}`, async () => {
      const {benchmarks, errors} = await loadFolder(demoCopy(files));
      expect(errors).toHaveLength(1);
      expect(errors[0].message).toMatch(message);
      // The demo that was not broken still loads.
      expect(benchmarks).toHaveLength(1);
    });
  }

  it("reports a judge name the config does not map, naming the YAML line of the judge", async () => {
    const {benchmarks, errors} = await loadFolder(examples, {resolveJudge: judgeResolver({helmModels: {}, endpoints: ["local"]}), judgeHint: " (configured endpoints: local)"});
    expect(errors.map((e) => e.id)).toEqual(["llm_jury_score_demo"]);
    expect(errors[0].message).toMatch(/llm_jury_score_demo\.yaml:16: judge "openai\/gpt-4o-2024-05-13" \(model_name "openai\/gpt-4o-2024-05-13"\) is not one of our model ids; map it in the config's "helmModels", e\.g\. \{"openai\/gpt-4o-2024-05-13": "<endpoint>\/<model>"\} \(configured endpoints: local\)/);
    expect(benchmarks.map((b) => b.id)).toEqual(["exact_match_demo"]);
  });

  it("keeps loadRegistry strict (the first error throws) for callers that want all or nothing", async () => {
    const empty = mkdtempSync(join(root, "empty-"));
    await expect(loadRegistry(empty, {dirs: [demoCopy({"exact_match_demo_dataset.csv": "patient_id,note,question\nA,b,c\n"})], ...options})).rejects.toThrow(/no "correct_answer" column/);
  });

  it("refuses a YAML named like one of MedHELM's benchmarks, or a second file with the same id", async () => {
    const dir = demoCopy();
    cpSync(join(dir, "exact_match_demo.yaml"), join(dir, "pubmed_qa.yaml"));
    cpSync(join(dir, "exact_match_demo.yaml"), join(dir, "exact_match_demo.yml"));
    const {errors} = await loadFolder(dir);
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/exact_match_demo\.yml: benchmark id exact_match_demo is already defined by .*exact_match_demo\.yaml/),
      expect.stringMatching(/pubmed_qa\.yaml: pubmed_qa is the id of a MedHELM benchmark; a YAML benchmark's id is its file name, so rename the file/)
    ]);
  });
});

describe("a private-by-default benchmark on the site", () => {
  it("publishes its scores but none of its notes, prompts, gold answers or outputs", async () => {
    const b = await demo("llm_jury_score_demo");
    const canary = "apixaban";
    const writer: Model = {id: "fake/writer", kind: "llm", vendor: "fake", endpoint: null, supports: () => true,
      generate: async () => ({text: "Your new blood thinner is apixaban.", inputTokens: 1, outputTokens: 1, latencyMs: 0, finishReason: "stop", cached: false})};
    const judge = (id: string, scores: number[]): Model => ({id, kind: "llm", vendor: id, endpoint: null, supports: () => true,
      generate: async () => ({text: JSON.stringify(Object.fromEntries(["accuracy", "completeness", "clarity", "safety"].map((c, i) => [c, {score: scores[i], explanation: `mentions ${canary}`}]))), inputTokens: 1, outputTokens: 1, latencyMs: 0, finishReason: "stop", cached: false})});
    const out = join(root, "site-results");
    const sink = await parquetSink(out);
    const cache = fileCache(join(root, "site-cache"));
    await runSuite({runId: "r-site", benchmarks: [b], models: [writer], judges: [], judgePanels: {[b.id]: [judge("fake/judge-a", [4, 5, 3, 4]), judge("fake/judge-dd", [5, 3, 4, 5])]},
      seed: 0, limit: null, maxEvalInstances: 1000, concurrency: 2, scoring: {helmCompat: false, resources: {}}, dataDir: "unused",
      excludeSelfJudging: false, excludeSameVendorJudging: false, manifest: {}, toolVersion: "test"}, {cache, sink, log: () => {}});
    await sink.close();
    cache.close();
    const registry: Benchmark[] = [b];
    const files = await siteFiles({dirs: [out], registry, dataDir: "unused", publishRestrictedText: false, seed: 0, resamples: 20, log: () => {}});
    const rows = (name: string) => tableFromIPC(files[`${name}.arrow`]).toArray().map((r) => r.toJSON());
    expect(rows("catalogue").find((r) => r.benchmark === b.id)).toMatchObject({access: "private", license: expect.stringMatching(/treated as private/)});
    expect(rows("leaderboard").find((r) => r.benchmark === b.id && r.is_main)).toMatchObject({metric: "jury_score", value: 4.125, n: 3});
    // Arrow and JSON files hold their text as bytes; the compressed detail files are unpacked first.
    const plain = (name: string, bytes: Uint8Array) => Buffer.from(name.endsWith(".gz") ? gunzipSync(bytes) : bytes);
    const leaks = (all: Record<string, Uint8Array>, needle: string) => Object.entries(all).filter(([name, bytes]) => !name.endsWith(".parquet") && plain(name, bytes).includes(needle)).map(([name]) => name);
    expect(leaks(files, canary)).toEqual([]);
    expect(leaks(files, "warfarin")).toEqual([]);
    // The control: allowed to publish, the same run's text is there.
    const open = await siteFiles({dirs: [out], registry, dataDir: "unused", publishRestrictedText: true, seed: 0, resamples: 20, log: () => {}});
    expect(leaks(open, canary).length).toBeGreaterThan(0);
    expect(leaks(open, "warfarin").length).toBeGreaterThan(0);
  });
});

describe("a MedHELM YAML without a subcategory", () => {
  // Two copies of the exact-match demo's questions: one names no subcategory, one names planning_treatments.
  const yaml = (name: string, extra: string) => [
    `name: ${name}`, "description: Yes/no questions about short notes.",
    `prompt_file: ${JSON.stringify(join(examples, "exact_match_demo_prompt.txt"))}`,
    `dataset_file: ${JSON.stringify(join(examples, "exact_match_demo_dataset.csv"))}`,
    "max_tokens: 1", "metrics:", "  - name: exact_match", "access: public", extra, ""
  ].join("\n");
  const dir = mkdtempSync(join(root, "unplaced-"));
  writeFileSync(join(dir, "unplaced_demo.yaml"), yaml("UNPLACED", ""));
  writeFileSync(join(dir, "placed_demo.yaml"), yaml("PLACED", "subcategory: planning_treatments"));
  const load = async () => {
    const {benchmarks, errors} = await loadFolder(dir);
    expect(errors).toEqual([]);
    return benchmarks;
  };
  const answering = (id: string, text: string): Model => ({id, kind: "llm", vendor: "fake", endpoint: null, supports: () => true,
    generate: async () => ({text, inputTokens: 1, outputTokens: 1, latencyMs: 0, finishReason: "stop", cached: false})});

  it("loads, with category and subcategory the reserved unclassified id, which is not one of MedHELM's 5 categories or 22 subcategories", async () => {
    const benchmarks = await load();
    expect(benchmarks.map((b) => [b.id, b.category, b.subcategory])).toEqual([
      ["placed_demo", "clinical_decision_support", "planning_treatments"],
      ["unplaced_demo", UNCLASSIFIED, UNCLASSIFIED]
    ]);
    expect(categories).toHaveLength(5);
    expect(subcategories).toHaveLength(22);
    expect([...categories, ...subcategories].map((c) => c.id)).not.toContain(UNCLASSIFIED);
    expect(catalogueWith(benchmarks).slice(37).map((e) => [e.id, e.subcategory])).toEqual([["placed_demo", "planning_treatments"], ["unplaced_demo", UNCLASSIFIED]]);
  });

  it("is a leaf of its own group after MedHELM's five categories in the taxonomy tree and icicle, and gets its own navigation section", async () => {
    const benchmarks = await load();
    const tree = await taxonomyTree(benchmarks, () => true, async (b) => (await b.load("")).length);
    expect(tree.categories.map((c) => [c.id, c.in_taxonomy])).toEqual([...categories.map((c) => [c.id, true]), [UNCLASSIFIED, false]]);
    expect(tree.categories.at(-1)!.name).toBe("Not in MedHELM's taxonomy");
    expect(tree.subcategories.at(-1)).toMatchObject({id: UNCLASSIFIED, category: UNCLASSIFIED, in_taxonomy: false});
    expect(tree.benchmarks.find((b) => b.id === "unplaced_demo")).toMatchObject({category: UNCLASSIFIED, subcategory: UNCLASSIFIED, coverage: "available", instances: 6});
    // The icicle's last block of each column is the unclassified group, holding only this benchmark.
    const blocks = icicle(tree.benchmarks, tree) as Array<{depth: number; id: string; n: number}>;
    expect(blocks.filter((b) => b.depth === 0).map((b) => b.id)).toEqual([...categories.map((c) => c.id), UNCLASSIFIED]);
    expect(blocks.filter((b) => b.depth < 2 && b.id === UNCLASSIFIED).map((b) => b.n)).toEqual([1, 1]);
    expect(blocks.filter((b) => b.depth === 2).at(-1)!.id).toBe("unplaced_demo");

    const sections = benchmarkSections(benchmarks);
    expect(sections.map((s) => s.name)).toEqual(["Clinical Decision Support", "Not in MedHELM's taxonomy"]);
    expect(sections[1].pages).toEqual([{name: "UNPLACED", path: "/benchmarks/unplaced_demo"}]);
    // Without such a benchmark there is no unclassified group anywhere.
    const placed = benchmarks.filter((b) => b.id === "placed_demo");
    expect(benchmarkSections(placed).map((s) => s.name)).toEqual(["Clinical Decision Support"]);
    expect((await taxonomyTree(placed, () => true, async () => 6)).categories.every((c) => c.in_taxonomy)).toBe(true);
  });

  it("counts in the overall win rate and in a scope of its own on the site, never in a MedHELM category, and has no published result", async () => {
    const benchmarks = await load();
    const out = join(root, "unplaced-results");
    const sink = await parquetSink(out);
    const cache = fileCache(join(root, "unplaced-cache"));
    await runSuite({runId: "r-unplaced", benchmarks, models: [answering("fake/yes", "Yes"), answering("fake/no", "No")], judges: [], seed: 0, limit: null, maxEvalInstances: 1000,
      concurrency: 2, scoring: {helmCompat: false, resources: {}}, dataDir: "unused", excludeSelfJudging: false, excludeSameVendorJudging: false, manifest: {}, toolVersion: "test"},
    {cache, sink, log: () => {}});
    await sink.close();
    cache.close();
    const files = await siteFiles({dirs: [out], registry: benchmarks, dataDir: "unused", publishRestrictedText: false, seed: 0, resamples: 20, published: "v2", log: () => {}});
    const rows = (name: string) => tableFromIPC(files[`${name}.arrow`]).toArray().map((r) => r.toJSON());

    const catalogue = rows("catalogue");
    expect(catalogue.find((r) => r.benchmark === "unplaced_demo")).toMatchObject({
      category: UNCLASSIFIED, category_name: "Not in MedHELM's taxonomy", subcategory: UNCLASSIFIED, subcategory_name: "Not in MedHELM's taxonomy", in_taxonomy: false, published_result: false
    });
    expect(catalogue.find((r) => r.benchmark === "placed_demo")).toMatchObject({category: "clinical_decision_support", in_taxonomy: true});
    expect(catalogue.filter((r) => !r.in_taxonomy).map((r) => r.benchmark)).toEqual(["unplaced_demo"]);
    expect(rows("leaderboard").find((r) => r.benchmark === "unplaced_demo" && r.label === "fake/yes" && r.is_main)).toMatchObject({category: UNCLASSIFIED, value: 4 / 6});

    // "Yes" is right on four of six questions in both benchmarks, so fake/yes wins both.
    const yes = rows("win_rates").filter((r) => r.label === "fake/yes").map(({scope, scope_name, n_benchmarks, win_rate}) => ({scope, scope_name, n_benchmarks, win_rate}));
    expect(yes).toEqual(expect.arrayContaining([
      {scope: "all", scope_name: "All benchmarks", n_benchmarks: 2, win_rate: expect.any(Number)},
      {scope: "clinical_decision_support", scope_name: "Clinical Decision Support", n_benchmarks: 1, win_rate: expect.any(Number)},
      {scope: UNCLASSIFIED, scope_name: "Not in MedHELM's taxonomy", n_benchmarks: 1, win_rate: 1}
    ]));
    expect(yes).toHaveLength(3);
    // The published entries have no cell in the unclassified scope and keep their 37 benchmarks overall.
    const published = rows("win_rates").filter((r) => r.source === "medhelm-paper");
    expect(published.filter((r) => r.scope === UNCLASSIFIED)).toEqual([]);
    expect(published.filter((r) => r.scope === "all").every((r) => r.n_benchmarks === 37)).toBe(true);
    expect(rows("comparability").filter((r) => r.benchmark === "unplaced_demo" && r.label === "fake/yes")).toEqual([
      {label: "fake/yes", benchmark: "unplaced_demo", kind: "published", reason: "no published result: the MedHELM paper (v2) has no unplaced_demo"}
    ]);
    // The paper's category tables cover MedHELM's benchmarks only.
    expect(rows("own_category_scores").map((r) => r.category)).not.toContain(UNCLASSIFIED);

    // `medhelm leaderboard` ranks within the same scope, knowing the benchmark only from its results.
    let printed = "";
    const io: CommandIO = {stdout: (t) => void (printed += t), stderr: () => {}, cwd: root, env: {}, isTTY: false};
    expect(await leaderboard.run(["--results", out, "--published", "none", "--scope", UNCLASSIFIED, "--resamples", "20"], io)).toBe(0);
    // Six instances leave the bootstrap's rank range wide; the point rank and win rate are fixed.
    expect(printed).toMatch(/^1 \(1-\d\)\s+fake\/yes\s+native\s+1\.000\s.*\n2 \(\d-2\)\s+fake\/no\s+native\s+0\.000\s/m);
    expect(printed).toContain("Mean win rate over Not in MedHELM's taxonomy (HELM's algorithm)");
  });
});
