/**
 * MIMIC-IV Billing Code: assign the ICD-10 codes of a hospital stay from its discharge note.
 * Source: MIMIC-IV discharge notes with their billed codes, `mimiciv_icd10.feather` (`text`,
 * `target`) as built by the medical-coding benchmark of Edin et al. (2023); gated (PhysioNet
 * credentialed access). Scored by set F1 of the codes in the answer against the billed codes
 * (precision and recall too); see data-loaders/metrics/billing.ts for how we differ from HELM's pattern.
 * The file may be uncompressed or compressed with LZ4 (pandas' default) or ZSTD (data-loaders/formats/feather.ts).
 */
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {billingMetric} from "../data-loaders/metrics/billing.ts";
import {readFeather} from "../data-loaders/formats/feather.ts";
import {contentId} from "../data-loaders/benchmark/instance-id.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const FILE = "mimiciv_icd10.feather";

/** The codes of a `target` cell: an Arrow list of strings, or one string of codes. */
function codesOf(cell: unknown): string[] | null {
  if (typeof cell === "string") return cell.split(/[,;\s]+/).filter(Boolean);
  if (cell && typeof (cell as Iterable<unknown>)[Symbol.iterator] === "function") return [...(cell as Iterable<unknown>)].map(String);
  return null;
}

export default defineBenchmark({
  id: "mimiciv_billing_code",
  version: 1,
  description: "Medical coding: reading a discharge note and listing the ICD-10 codes the stay should be billed under.",
  data: {location: "local", files: [FILE], dataset: "MIMIC-IV ICD-10 coding set (Edin et al., 2023) from MIMIC-IV-Note", license: "PhysioNet Credentialed Health Data License 1.5.0", url: "https://physionet.org/content/mimic-iv-note/"},
  async load(dir) {
    const file = join(dir, FILE);
    const table = await readFeather(await readFile(file), file);
    for (const column of ["text", "target"]) if (!table.getChild(column)) throw new Error(`${file}: missing column ${column}`);
    const idColumn = ["_id", "hadm_id", "note_id"].find((c) => table.getChild(c));
    const out: Instance[] = [];
    for (let row = 0; row < table.numRows; row++) {
      const text = table.getChild("text")!.get(row) as string | null;
      const codes = codesOf(table.getChild("target")!.get(row));
      if (!text?.trim()) throw new Error(`${file} row ${row}: column text is empty`);
      if (!codes?.length) throw new Error(`${file} row ${row}: column target holds no codes`);
      const id = idColumn ? String(table.getChild(idColumn)!.get(row)) : contentId(text);
      out.push({id, input: text, gold: [codes.join(", ")]});
    }
    return out;
  },
  prompt: {
    kind: "generation",
    instructions: "List every ICD-10 code that applies to the clinical note below, separated by commas.",
    inputNoun: "Note",
    outputNoun: "Predicted ICD-10 Codes"
  },
  maxTokens: 256,
  metrics: [billingMetric("f1"), billingMetric("precision"), billingMetric("recall")],
  mainMetric: "mimiciv_billing_code_f1"
});
