/**
 * EHRSHOT: predict a patient outcome (30-day readmission, a first hypertension diagnosis within a
 * year, an anaemic result of the haemoglobin test being ordered) from the coded record up to the
 * prediction time. Source: Stanford's EHRSHOT in MEDS format (Wornow et al., 2023); gated
 * (research data use agreement on Redivis). Scored by exact match on the yes/no letter; each task
 * is a MedHELM sub-run capped at 1,000 labels and the score is the mean over the three.
 */
import {join} from "node:path";
import {contentId, uniqueIds} from "../data-loaders/benchmark/instance-id.ts";
import {readMedsLabels, serializeTimeline, stageEvents, subjectEvents, withDuckDB, type MedsLabel} from "./families/meds.ts";
import {exactMatch, quasiExactMatch} from "../data-loaders/metrics/metrics.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {capEachSubset} from "../data-loaders/benchmark/subsets.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

/** The three EHRSHOT tasks MedHELM evaluates, with the question each asks (our wording). */
export const TASKS: Record<string, string> = {
  guo_readmission: "Will the patient be readmitted to the hospital within 30 days of the discharge at the end of this record?",
  new_hypertension: "Will the patient receive a first diagnosis of hypertension within the next year?",
  lab_anemia: "A haemoglobin test is being ordered at the end of this record. Will its result show anaemia?"
};

const PER_TASK = 1000;

/** MedHELM drops prompts above 100k tokens; we drop timelines above about as many characters x 4. */
export const MAX_TIMELINE_CHARS = 400_000;

export default defineBenchmark({
  id: "ehrshot",
  version: 1,
  description: "Risk prediction from a longitudinal coded health record, as a yes/no question at a point in time.",
  data: {
    location: "local",
    files: ["data", "metadata/codes.parquet", ...Object.keys(TASKS).map((t) => `labels/${t}.parquet`)],
    dataset: "EHRSHOT (Wornow et al., 2023), MEDS release",
    license: "Stanford research data use agreement; not redistributable"
  },
  async load(dir) {
    return withDuckDB(async (connection) => {
      // Draw each task's labels first, so that only the chosen ones are serialised.
      const stubs: Instance[] = [];
      for (const task of Object.keys(TASKS)) {
        const labels = await readMedsLabels(connection, join(dir, "labels", `${task}.parquet`));
        stubs.push(...uniqueIds(labels.map((label) => ({id: `${task}/${label.subject}/${contentId(label.at)}`, input: "", gold: [], subset: task, extra: {label}}))));
      }
      const chosen = capEachSubset(stubs, PER_TASK, "ehrshot");
      const subjects = [...new Set(chosen.map((s) => (s.extra!.label as MedsLabel).subject))];
      await stageEvents(connection, {dataGlob: join(dir, "data", "**", "*.parquet"), codesFile: join(dir, "metadata", "codes.parquet"), subjects});
      const out: Instance[] = [];
      const bySubject = new Map<string, Instance[]>();
      for (const stub of chosen) {
        const subject = (stub.extra!.label as MedsLabel).subject;
        if (!bySubject.has(subject)) bySubject.set(subject, []);
        bySubject.get(subject)!.push(stub);
      }
      const built = new Map<string, Instance>();
      for (const [subject, stubsOfSubject] of bySubject) {
        const events = await subjectEvents(connection, subject);
        for (const stub of stubsOfSubject) {
          const label = stub.extra!.label as MedsLabel;
          const timeline = serializeTimeline(events, label.time, MAX_TIMELINE_CHARS);
          if (timeline === null || !timeline) continue;
          built.set(stub.id, {
            id: stub.id,
            input: `Patient record up to ${label.at}, one line per day of coded events:\n${timeline}\n\nQuestion: ${TASKS[stub.subset!]} Answer 'A' for yes or 'B' for no.`,
            choices: ["A", "B"],
            gold: [label.value ? "A" : "B"],
            subset: stub.subset
          });
        }
      }
      // Keep the sampled order (task, then dataset order).
      for (const stub of chosen) if (built.has(stub.id)) out.push(built.get(stub.id)!);
      return out;
    });
  },
  prompt: {kind: "multiple_choice_joint", instructions: "Answer A for yes, B for no.", inputNoun: "", outputNoun: ""},
  maxTokens: 1,
  stop: ["\n"],
  metrics: [exactMatch(), quasiExactMatch()],
  mainMetric: "exact_match",
  maxEvalInstances: Object.keys(TASKS).length * PER_TASK
});
