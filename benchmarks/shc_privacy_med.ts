/**
 * PrivacyDetection: whether a patient portal message discloses private or sensitive information.
 * Source: a private Stanford Health Care CSV (`prompt`, `context`, `label`) that only Stanford
 * holds; bring your own copy as `MEDHELM_DATA_DIR/shc_privacy_med/data.csv` (see data-
 * loaders/shc.ts). Scored by exact match on the answer letter (multiple-choice-joint layout, one
 * output token).
 */
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {shcBenchmark} from "./families/shc.ts";

export default defineBenchmark(
  shcBenchmark({
    id: "shc_privacy_med",
    description: "Whether a patient portal message discloses private or sensitive information.",
    dataset: "Stanford Health Care patient portal messages (MedHELM PrivacyDetection)",
    framing: "You are reading a message sent through a patient portal to decide whether it discloses private or sensitive information.",
    choices: ["A", "B"],
    directive: "Reply 'A' for yes or 'B' for no, without any explanation."
  })
);
