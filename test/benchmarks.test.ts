/**
 * The contract every benchmark file keeps, checked for each registered benchmark without naming
 * any: it matches its catalogue entry, loads non-empty instances with unique ids (shipped data, or
 * the synthetic fixtures of test/fixtures/data for bring-your-own-data benchmarks), builds the
 * same prompts every time, gives an oracle answer the top score and an empty answer the bottom (or
 * no) score through the runner's own scoring path, and documents itself in a header comment.
 */
import {readFileSync} from "node:fs";
import {basename, join} from "node:path";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import {scoreAnswer} from "../data-loaders/metrics/metrics.ts";
import {extractAnswer, goldLetter, promptText} from "../data-loaders/benchmark/prompt.ts";
import {dataDirOf, loadRegistry} from "../data-loaders/benchmark/registry.ts";
import {catalogueEntry} from "../data-loaders/benchmark/taxonomy.ts";
import type {Benchmark, Instance, Metric, MetricValue, ScoringOptions} from "../data-loaders/benchmark/types.ts";

const fixtures = fileURLToPath(new URL("./fixtures/data/", import.meta.url));
const benchmarks = await loadRegistry();
const scoring: ScoringOptions = {helmCompat: false, resources: {}};

/**
 * Benchmarks whose main metric, faithful to HELM, does not give an empty answer the bottom score.
 * Listed with the reason so that the exception is visible and fails once it no longer holds.
 */
const EMPTY_ANSWER_EXCEPTIONS: Record<string, string> = {};

const load = (b: Benchmark) => b.load(dataDirOf(b, fixtures));

/** What the runner scores for a raw output: the extracted answer through every metric named. */
async function score(b: Benchmark, metric: Metric, instance: Instance, output: string): Promise<MetricValue> {
  return scoreAnswer(metric, {output, answer: extractAnswer(b, output, instance), instance}, scoring);
}

/** The metric an oracle is checked on: the main metric, or ROUGE-L for jury benchmarks (the jury needs judges). */
function checkedMetric(b: Benchmark): Metric | undefined {
  return b.rubric ? b.metrics.find((m) => m.name === "rouge_l") : b.metrics.find((m) => m.name === b.mainMetric);
}

/** The output of a model that knows the answer. */
function oracle(b: Benchmark, instance: Instance): string {
  if (b.prompt.kind === "multiple_choice_joint") return goldLetter(instance) ?? "";
  return instance.gold[0] ?? "";
}

it("the registry holds at least the 28 bring-your-own-data benchmarks and the shipped ones", () => {
  expect(benchmarks.length).toBeGreaterThanOrEqual(31);
  expect(benchmarks.filter((b) => b.data.location === "local").length).toBeGreaterThanOrEqual(28);
});

for (const b of benchmarks) {
  describe(b.id, () => {
    it("is the file of the same name and agrees with its catalogue entry", () => {
      expect(basename(b.file)).toBe(`${b.id}.ts`);
      const entry = catalogueEntry(b.id);
      expect(entry).toBeDefined();
      expect(b.mainMetric).toBe(entry!.mainMetric);
      expect(b.openEnded).toBe(entry!.openEnded);
      expect(Boolean(b.rubric)).toBe(entry!.openEnded);
    });

    it("opens with a header comment that explains it", () => {
      const source = readFileSync(b.file, "utf8");
      expect(source.startsWith("/**\n")).toBe(true);
      const header = source.slice(0, source.indexOf("*/"));
      expect(header.split("\n").filter((l) => /^ \* \S/.test(l)).length).toBeGreaterThanOrEqual(3);
    });

    it("declares its data files and, for local data, ships a fixture of them", () => {
      expect(b.data.files.length).toBeGreaterThan(0);
      expect(b.data.license.trim()).not.toBe("");
      if (b.data.location === "local") expect(dataDirOf(b, fixtures)).toBe(join(fixtures, b.id));
    });

    it("loads non-empty instances with unique ids and, for multiple choice, a gold among the choices", async () => {
      const instances = await load(b);
      expect(instances.length).toBeGreaterThan(0);
      expect(new Set(instances.map((i) => i.id)).size).toBe(instances.length);
      for (const instance of instances) {
        expect(instance.input.trim()).not.toBe("");
        if (b.prompt.kind === "multiple_choice_joint") expect(goldLetter(instance)).not.toBeNull();
      }
    });

    it("builds the same prompts on every load, and its first prompt matches the snapshot", async () => {
      const first = (await load(b)).map((i) => promptText(b.prompt, i));
      const second = (await load(b)).map((i) => promptText(b.prompt, i));
      expect(second).toEqual(first);
      expect(first[0].slice(0, 2000)).toMatchSnapshot();
    });

    it("gives an answer equal to the gold reference the top score (main metric, or ROUGE-L for jury benchmarks)", async () => {
      const metric = checkedMetric(b);
      const instances = (await load(b)).slice(0, 3);
      if (!metric) {
        // Only a jury benchmark without any reference (NoteExtract) has nothing deterministic to check.
        expect(b.rubric?.showGold).toBe(false);
        expect(instances.every((i) => i.gold.length === 0)).toBe(true);
        return;
      }
      for (const instance of instances) {
        const result = await score(b, metric, instance, oracle(b, instance));
        if (result.value === null) {
          // A main metric that needs an external resource (EHRSQL's eICU database) is unscored, with the reason.
          expect(result.reason).toMatch(/\S/);
          expect(b.rubric).toBeUndefined();
        } else expect(result.value).toBeCloseTo(metric.range[1], 9);
      }
    });

    it("gives an empty answer the bottom score or leaves it unscored with a reason", async () => {
      const metric = checkedMetric(b);
      if (!metric) return expect(b.metrics).toEqual([]);
      const [instance] = await load(b);
      const result = await score(b, metric, instance, "");
      if (b.id in EMPTY_ANSWER_EXCEPTIONS) expect(result.value).not.toBe(metric.range[0]);
      else if (result.value === null) expect(result.reason).toMatch(/\S/);
      else expect(result.value).toBe(metric.range[0]);
    });

    it("has a rubric with non-empty criteria on an ordered scale exactly when it is open-ended", () => {
      if (!b.openEnded) return expect(b.rubric).toBeUndefined();
      const rubric = b.rubric!;
      expect(rubric.scale[0]).toBeLessThan(rubric.scale[1]);
      expect(Object.keys(rubric.criteria).length).toBeGreaterThan(0);
      for (const question of Object.values(rubric.criteria)) expect(question.trim()).not.toBe("");
      expect(rubric.role.trim()).not.toBe("");
      expect(rubric.inputTag).toMatch(/^[a-z_]+$/);
      expect(b.mainMetric).toBe(`${b.id}_accuracy`);
    });
  });
}
