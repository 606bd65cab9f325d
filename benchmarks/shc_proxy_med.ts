/**
 * ProxySender: who wrote a patient portal message: the patient or a proxy writing on the patient's
 * behalf. Source: a private Stanford Health Care CSV (`prompt`, `context`, `label`) that only
 * Stanford holds; bring your own copy as `MEDHELM_DATA_DIR/shc_proxy_med/data.csv` (see data-
 * loaders/shc.ts). Scored by exact match on the answer letter (multiple-choice-joint layout, one
 * output token).
 */
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {shcBenchmark} from "./families/shc.ts";

export default defineBenchmark(
  shcBenchmark({
    id: "shc_proxy_med",
    description: "Who wrote a patient portal message: the patient or a proxy writing on the patient's behalf.",
    dataset: "Stanford Health Care patient portal messages (MedHELM ProxySender)",
    framing: "You are reading a message sent through a patient portal to decide who wrote it: the patient, or a proxy such as a parent, relative or caregiver writing on the patient's behalf.",
    choices: ["A", "B", "C"],
    directive: "Reply with only the letter 'A', 'B' or 'C' that the question gives to your answer, without any explanation."
  })
);
