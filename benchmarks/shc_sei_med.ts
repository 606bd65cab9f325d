/**
 * ADHD-MedEffects: whether a clinical note from a child's ADHD care documents that the clinician
 * asked about or discussed side effects of the ADHD medication. Source: a private Stanford Health
 * Care CSV (`prompt`, `context`, `label`) that only Stanford holds; bring your own copy as
 * `MEDHELM_DATA_DIR/shc_sei_med/data.csv` (see benchmarks/families/shc.ts). Scored by exact match on the
 * answer letter (multiple-choice-joint layout, one output token).
 */
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {shcBenchmark} from "./families/shc.ts";

export default defineBenchmark(
  shcBenchmark({
    id: "shc_sei_med",
    description: "Whether a clinical note from a child's ADHD care documents that the clinician asked about or discussed side effects of the ADHD medication.",
    dataset: "Stanford Health Care ADHD notes (MedHELM ADHD-MedEffects)",
    framing: "You are reading a clinical note from the record of a child with attention deficit hyperactivity disorder (ADHD), looking for documentation that medication side effects were asked about or discussed.",
    choices: ["A", "B"],
    directive: "Reply 'A' for yes or 'B' for no, without any explanation."
  })
);
