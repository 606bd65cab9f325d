/**
 * HospiceReferral: whether a hospitalised patient meets the criteria for general inpatient (GIP)
 * hospice care. Source: a private Stanford Health Care CSV (`prompt`, `context`, `label`) that
 * only Stanford holds; bring your own copy as `MEDHELM_DATA_DIR/shc_gip_med/data.csv` (see data-
 * loaders/shc.ts). Scored by exact match on the answer letter (multiple-choice-joint layout, one
 * output token).
 */
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {shcBenchmark} from "./families/shc.ts";

export default defineBenchmark(
  shcBenchmark({
    id: "shc_gip_med",
    description: "Whether a hospitalised patient meets the criteria for general inpatient (GIP) hospice care.",
    dataset: "Stanford Health Care notes (MedHELM HospiceReferral)",
    framing: "You are reading the clinical record of a hospitalised patient to decide whether the patient qualifies for general inpatient (GIP) hospice care.",
    choices: ["A", "B"],
    directive: "Reply 'A' for yes or 'B' for no, without any explanation."
  })
);
