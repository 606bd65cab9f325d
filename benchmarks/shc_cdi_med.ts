/**
 * CDI-QA: clinical documentation integrity queries: whether a note's documentation supports what a
 * query asks about. Source: a private Stanford Health Care CSV (`prompt`, `context`, `label`) that
 * only Stanford holds; bring your own copy as `MEDHELM_DATA_DIR/shc_cdi_med/data.csv` (see data-
 * loaders/shc.ts). Scored by exact match on the answer letter (multiple-choice-joint layout, one
 * output token).
 */
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {shcBenchmark} from "./families/shc.ts";

export default defineBenchmark(
  shcBenchmark({
    id: "shc_cdi_med",
    description: "Clinical documentation integrity queries: whether a note's documentation supports what a query asks about.",
    dataset: "Stanford Health Care notes (MedHELM CDI-QA)",
    framing: "You are a clinical documentation integrity reviewer answering a query about what a clinical note documents.",
    choices: ["A", "B"],
    directive: "Reply 'A' for yes or 'B' for no, without any explanation."
  })
);
