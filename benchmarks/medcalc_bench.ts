/**
 * MedCalc-Bench: compute a clinical score or value (e.g. CHA2DS2-VASc, creatinine clearance, due
 * date) from a patient note. Source: ncbi-nlp/MedCalc-Bench v1.0 `test_data.csv` (CC BY-SA 4.0),
 * 1,047 rows. Scored by MedCalc accuracy: exact integers, decimals within the dataset's limits,
 * dates; `helmCompat` reproduces HELM's category-based scoring (see data-loaders/metrics/medcalc.ts).
 */
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {csvParse} from "d3-dsv";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {medcalcAccuracy} from "../data-loaders/metrics/medcalc.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

export default defineBenchmark({
  id: "medcalc_bench",
  version: 1,
  description: "Clinical calculation from free-text notes: rule-based scores, lab-derived equations, dosage conversions and dates.",
  data: {location: "shipped", files: ["test_data.csv"], dataset: "MedCalc-Bench v1.0 (Khandekar et al., 2024)", license: "CC BY-SA 4.0", url: "https://github.com/ncbi-nlp/MedCalc-Bench"},
  async load(dir) {
    const file = join(dir, "test_data.csv");
    const rows = csvParse(await readFile(file, "utf8"));
    return rows.map((row, i): Instance => {
      for (const column of ["Row Number", "Patient Note", "Question", "Ground Truth Answer", "Category", "Output Type"]) {
        if (!row[column]) throw new Error(`${file} line ${i + 2}: column ${column} is empty`);
      }
      return {
        id: `row${row["Row Number"]}`,
        input: `Patient note: ${row["Patient Note"]}\n\nQuestion: ${row["Question"]}`,
        gold: [row["Ground Truth Answer"]!],
        extra: {category: row["Category"], outputType: row["Output Type"], lowerLimit: row["Lower Limit"] ?? "", upperLimit: row["Upper Limit"] ?? "", calculator: row["Calculator Name"]}
      };
    });
  },
  prompt: {
    kind: "generation",
    instructions: "Read the patient note and work out the value the clinical question asks for.",
    inputNoun: null,
    outputNoun: "Answer only the requested quantity without units. No explanation needed"
  },
  maxTokens: 10,
  metrics: [{name: "medcalc_bench_accuracy", range: [0, 1], score: (answer, options) => medcalcAccuracy(answer, options.helmCompat)}],
  mainMetric: "medcalc_bench_accuracy"
});
