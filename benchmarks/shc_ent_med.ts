/**
 * ENT-Referral: questions about ear, nose and throat (ENT) referral notes, answered yes, no or not
 * mentioned. Source: a private Stanford Health Care CSV (`prompt`, `context`, `label`) that only
 * Stanford holds; bring your own copy as `MEDHELM_DATA_DIR/shc_ent_med/data.csv` (see data-
 * loaders/shc.ts). Scored by exact match on the answer letter (multiple-choice-joint layout, one
 * output token).
 */
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {shcBenchmark} from "./families/shc.ts";

export default defineBenchmark(
  shcBenchmark({
    id: "shc_ent_med",
    description: "Questions about ear, nose and throat (ENT) referral notes, answered yes, no or not mentioned.",
    dataset: "Stanford Health Care ENT referrals (MedHELM ENT-Referral)",
    framing: "You are reading a referral note for an ear, nose and throat (ENT) clinic and answering a question about it.",
    choices: ["A", "B", "C"],
    directive: "Reply 'A' for yes, 'B' for no or 'C' if the note does not mention it, without any explanation."
  })
);
