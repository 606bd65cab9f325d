// The two toggles every paper page shares: published results vs our own runs, and the paper version.
import * as Inputs from "npm:@observablehq/inputs";

/** The published MedHELM results or the results of this workbench's own runs. */
export function SourceInput(id) {
  const input = Inputs.radio(["published", "own"], {
    label: "Results",
    value: "published",
    format: (s) => (s === "published" ? "published (MedHELM paper)" : "our own runs")
  });
  input.id = id;
  return input;
}

/** The paper version: v1 is the arXiv suite of 35 benchmarks, v2 adds MedQA and MedMCQA. */
export function VersionInput(id) {
  const input = Inputs.radio(["v1", "v2"], {
    label: "Paper version",
    value: "v1",
    format: (v) => (v === "v1" ? "v1: arXiv, 35 benchmarks" : "v2: 37 benchmarks (adds MedQA, MedMCQA)")
  });
  input.id = id;
  return input;
}

/** Greys out the version toggle while our own runs are shown, since versions exist only for the paper. */
export function syncVersion(versionInput, source) {
  for (const radio of versionInput.querySelectorAll("input")) radio.disabled = source !== "published";
  versionInput.title = source === "published" ? "" : "The version applies to the published results only.";
}
