/**
 * BMT-Status: a patient's bone marrow transplant status, as documented in a clinical note, for
 * research record keeping. Source: a private Stanford Health Care CSV (`prompt`, `context`,
 * `label`) that only Stanford holds; bring your own copy as
 * `MEDHELM_DATA_DIR/shc_bmt_med/data.csv` (see benchmarks/families/shc.ts). Scored by exact match on the
 * answer letter (multiple-choice-joint layout, one output token).
 */
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {shcBenchmark} from "./families/shc.ts";

export default defineBenchmark(
  shcBenchmark({
    id: "shc_bmt_med",
    description: "A patient's bone marrow transplant status, as documented in a clinical note, for research record keeping.",
    dataset: "Stanford Health Care notes (MedHELM BMT-Status)",
    framing: "You are reading a clinical note to determine the patient's bone marrow transplant (BMT) status.",
    choices: ["A", "B"],
    directive: "Reply 'A' for yes or 'B' for no, without any explanation."
  })
);
