/**
 * Medec (MEDEC): find the one medical error, if any, in a clinical text given sentence by
 * sentence, and correct it. Source: abachaa/MEDEC@49c59dc, the MS test set
 * `MEDEC-MS-TestSet-with-GroundTruth-and-ErrorType.csv` (CC BY 4.0), 597 texts. Scored by error
 * flag accuracy (does the answer say correct vs. erroneous rightly) and error sentence accuracy
 * (is the right sentence named), as MedHELM does (see data-loaders/metrics/medec.ts).
 */
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {csvParse} from "d3-dsv";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {medecErrorFlagAccuracy, medecErrorSentenceAccuracy, medecReference} from "../data-loaders/metrics/medec.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const FILE = "MEDEC-MS-TestSet-with-GroundTruth-and-ErrorType.csv";

export default defineBenchmark({
  id: "medec",
  version: 1,
  description: "Medical error detection and correction: is one sentence of a clinical text medically wrong, which one, and what should it say?",
  data: {location: "shipped", files: [FILE], dataset: "MEDEC, MS test set (Ben Abacha et al., 2024)", license: "CC BY 4.0", url: "https://github.com/abachaa/MEDEC"},
  async load(dir) {
    const file = join(dir, FILE);
    const rows = csvParse(await readFile(file, "utf8"));
    const out: Instance[] = [];
    rows.forEach((row, i) => {
      // The file ends with empty placeholder rows for the UW test set, which is not public; HELM skips rows without sentences.
      if (!row["Sentences"]?.trim()) return;
      const line = i + 2;
      for (const column of ["Text ID", "Error Flag", "Error Sentence ID"]) {
        if (!row[column]?.trim()) throw new Error(`${file} line ${line}: column ${column} is empty`);
      }
      const flag = row["Error Flag"]!.trim();
      if (flag !== "0" && flag !== "1") throw new Error(`${file} line ${line}: Error Flag is ${JSON.stringify(flag)}, expected 0 or 1`);
      out.push({
        id: row["Text ID"]!.trim(),
        // Python's universal newlines turn the file's CRLF line ends into "\n" when HELM reads it.
        input: row["Sentences"].trim().replace(/\r\n?/g, "\n"),
        gold: [medecReference(flag, row["Error Sentence ID"]!, row["Corrected Sentence"] ?? "")],
        extra: {errorType: row["Error Type"] || null}
      });
    });
    return out;
  },
  prompt: {
    kind: "generation",
    instructions:
      "You are a physician checking a clinical text about a patient. Each line is one sentence, preceded by its sentence ID and a space. " +
      "The text contains either no medical error or exactly one erroneous sentence; examine every sentence. " +
      "If nothing is wrong, output the single word CORRECT and nothing else. " +
      "Otherwise output the ID of the erroneous sentence, a space, and the sentence rewritten so that it is medically correct.",
    inputNoun: "Clinical text",
    outputNoun: "Answer"
  },
  maxTokens: 256,
  metrics: [medecErrorFlagAccuracy(), medecErrorSentenceAccuracy()],
  mainMetric: "medec_error_flag_accuracy"
});
