/**
 * ClinicReferral: whether a referral sent to a specialty clinic meets that clinic's referral
 * criteria. Source: a private Stanford Health Care CSV (`prompt`, `context`, `label`) that only
 * Stanford holds; bring your own copy as `MEDHELM_DATA_DIR/shc_sequoia_med/data.csv` (see data-
 * loaders/shc.ts). Scored by exact match on the answer letter (multiple-choice-joint layout, one
 * output token).
 */
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {shcBenchmark} from "./families/shc.ts";

export default defineBenchmark(
  shcBenchmark({
    id: "shc_sequoia_med",
    description: "Whether a referral sent to a specialty clinic meets that clinic's referral criteria.",
    dataset: "Stanford Health Care referrals (MedHELM ClinicReferral)",
    framing: "You are reviewing a referral to a specialty clinic to decide whether it meets the clinic's criteria for accepting patients.",
    choices: ["A", "B"],
    directive: "Reply 'A' for yes or 'B' for no, without any explanation."
  })
);
