/**
 * MedConfInfo: whether a clinical note holds information that must stay confidential to the
 * patient, such as what an adolescent would not share with a guardian. Source: a private Stanford
 * Health Care CSV (`prompt`, `context`, `label`) that only Stanford holds; bring your own copy as
 * `MEDHELM_DATA_DIR/shc_conf_med/data.csv` (see benchmarks/families/shc.ts). Scored by exact match on the
 * answer letter (multiple-choice-joint layout, one output token).
 */
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {shcBenchmark} from "./families/shc.ts";

export default defineBenchmark(
  shcBenchmark({
    id: "shc_conf_med",
    description: "Whether a clinical note holds information that must stay confidential to the patient, such as what an adolescent would not share with a guardian.",
    dataset: "Stanford Health Care notes (MedHELM MedConfInfo)",
    framing: "You are reviewing a clinical note to decide whether it contains confidential information about the patient that should not be disclosed to others, such as a parent or guardian.",
    choices: ["A", "B"],
    directive: "Reply 'A' for yes or 'B' for no, without any explanation."
  })
);
