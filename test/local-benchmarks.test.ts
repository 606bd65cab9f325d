/**
 * The bring-your-own-data loaders on their synthetic fixtures (test/fixtures/data): how many
 * instances each builds, their gold answers and subsets, and that a malformed file fails with an
 * error naming the file and the line, row or field at fault. Also the small format readers they
 * share (CSV, XML, MTSamples sections, MEDS timelines, per-subset caps).
 */
import {mkdtempSync, mkdirSync, rmSync, writeFileSync, cpSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {gzipSync} from "node:zlib";
import {afterAll, describe, expect, it} from "vitest";
import {delimitedRecords, parseDelimitedRows} from "../data-loaders/formats/csv.ts";
import {serializeTimeline, type MedsEvent} from "../benchmarks/families/meds.ts";
import {findSection, splitReport} from "../benchmarks/families/mtsamples.ts";
import {dataAvailable, loadRegistry} from "../data-loaders/benchmark/registry.ts";
import {capEachSubset} from "../data-loaders/benchmark/subsets.ts";
import type {Benchmark, Instance} from "../data-loaders/benchmark/types.ts";
import {childText, elements, parseXml, textContent} from "../data-loaders/formats/xml.ts";
import {xlsx} from "./fixtures/data/generate.ts";

const fixtures = fileURLToPath(new URL("./fixtures/data/", import.meta.url));
const registry = await loadRegistry();
const bench = (id: string): Benchmark => registry.find((b) => b.id === id)!;
const loadFixture = (id: string) => bench(id).load(join(fixtures, id));

const scratch = mkdtempSync(join(tmpdir(), "medhelm-local-"));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));
let n = 0;
/** A fresh data folder for one benchmark holding the given files (text or bytes). */
function folder(files: Record<string, string | Uint8Array>, copyFrom?: string): string {
  const dir = join(scratch, String(n++));
  if (copyFrom) cpSync(join(fixtures, copyFrom), dir, {recursive: true});
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), {recursive: true});
    writeFileSync(join(dir, name), data);
  }
  return dir;
}
const golds = (instances: Instance[]) => instances.map((i) => i.gold[0]);

describe("csv", () => {
  it("keeps quoted delimiters, doubled quotes and newlines inside fields, and records the line each record starts on", () => {
    const rows = parseDelimitedRows('a,b\n"x, y","say ""hi""\nthere"\r\n3,4\n\n');
    expect(rows).toEqual([
      {line: 1, values: ["a", "b"]},
      {line: 2, values: ["x, y", 'say "hi"\nthere']},
      {line: 4, values: ["3", "4"]}
    ]);
  });

  it("counts a CRLF inside a quoted field as one line and keeps it in the value", () => {
    expect(parseDelimitedRows('a,b\r\n"3\r\nx",4\r\n\r\n5,6\r\n')).toEqual([
      {line: 1, values: ["a", "b"]},
      {line: 2, values: ["3\r\nx", "4"]},
      {line: 5, values: ["5", "6"]}
    ]);
  });

  it("keeps a quote inside an unquoted field as text and reads UTF-8 after a byte-order mark", () => {
    expect(parseDelimitedRows('\uFEFFname,note\nAnn,5" tall\nZoë,"ok"\n')).toEqual([
      {line: 1, values: ["name", "note"]},
      {line: 2, values: ["Ann", '5" tall']},
      {line: 3, values: ["Zoë", "ok"]}
    ]);
  });

  it("names the file and line of a record whose field count differs from the header", () => {
    expect(() => delimitedRecords("a,b\n1,2\n1,2,3\n", "f.csv")).toThrow("f.csv line 3: 3 fields, the header has 2");
  });

  it("names the file and the missing column", () => {
    expect(() => delimitedRecords("a,b\n1,2\n", "f.csv", {required: ["label"]})).toThrow("f.csv: missing column label");
  });
});

describe("xml", () => {
  it("reads attributes, self-closing elements, CDATA and entities", () => {
    const xml = parseXml(`<?xml version="1.0"?><r><TEXT><![CDATA[a < b & c]]></TEXT><X met="not met" /><Q id='1'>fish &amp; chips &#233; &#x41;</Q></r>`);
    expect(childText(xml, "TEXT")).toBe("a < b & c");
    expect(elements(xml, "X")).toEqual([{name: "X", attributes: {met: "not met"}, children: []}]);
    expect(textContent(elements(xml, "Q")[0])).toBe("fish & chips é A");
  });

  it("does not mistake a longer tag for the one asked for", () => {
    const [answer] = elements(parseXml("<AnswerList><Answer A='1'>x</Answer></AnswerList>"), "Answer");
    expect(answer.attributes).toEqual({A: "1"});
    expect(textContent(answer)).toBe("x");
  });

  it("finds nested elements of the same tag, each with the text of its own subtree", () => {
    const sections = elements(parseXml("<doc><s>outer <s>inner</s> tail</s></doc>"), "s");
    expect(sections.map(textContent)).toEqual(["outer inner tail", "inner"]);
  });

  it("names the file, line and column of malformed XML", () => {
    expect(() => parseXml("<a>\n<b>\n</a>", "patient.xml")).toThrow(/^patient\.xml line 3, column \d+: Expected closing tag 'b'/);
  });
});

describe("mtsamples sections", () => {
  it("finds a compound heading and ends the section at the next heading", () => {
    const text = "HISTORY: pain.\nASSESSMENT AND PLAN: rest, ice.\nFOLLOW UP: two weeks.";
    const span = findSection(text, "PLAN")!;
    expect(text.slice(span.contentStart, span.end).trim()).toBe("rest, ice.");
    expect(splitReport(text, ["PLAN"])).toEqual({input: "HISTORY: pain.\nFOLLOW UP: two weeks.", reference: "rest, ice.", section: "PLAN"});
  });

  it("falls back to the next section name when the first is absent", () => {
    expect(splitReport("EXAM: knee.\nFINDINGS: normal.", ["PLAN", "SUMMARY", "FINDINGS"])?.section).toBe("FINDINGS");
    expect(splitReport("EXAM: knee.", ["PLAN"])).toBeNull();
  });
});

describe("meds timelines", () => {
  const events: MedsEvent[] = [
    {time: null, day: null, what: "Female", value: null},
    {time: 10, day: "2020-01-01", what: "Hemoglobin", value: 9.8},
    {time: 11, day: "2020-01-01", what: "Hemoglobin", value: 9.8},
    {time: 50, day: "2020-02-01", what: "Hypertension", value: null}
  ];

  it("lists static facts, then one line per day of distinct events up to the cutoff", () => {
    expect(serializeTimeline(events, 20, 1000)).toBe("Static: Female\n2020-01-01: Hemoglobin = 9.8");
  });

  it("drops a timeline longer than the limit instead of truncating it", () => {
    expect(serializeTimeline(events, 100, 20)).toBeNull();
  });
});

describe("capEachSubset", () => {
  const make = (subset: string, count: number): Instance[] => Array.from({length: count}, (_, i) => ({id: `${subset}-${i}`, input: "x", gold: [], subset}));

  it("keeps at most the cap of each subset, in dataset order, the same on every call", () => {
    const all = [...make("a", 10), ...make("b", 3)];
    const capped = capEachSubset(all, 4, "t");
    expect(capped.filter((i) => i.subset === "a")).toHaveLength(4);
    expect(capped.filter((i) => i.subset === "b").map((i) => i.id)).toEqual(["b-0", "b-1", "b-2"]);
    expect(capEachSubset(all, 4, "t")).toEqual(capped);
    const order = capped.filter((i) => i.subset === "a").map((i) => Number(i.id.slice(2)));
    expect([...order].sort((x, y) => x - y)).toEqual(order);
  });
});

describe("Stanford SHC CSV benchmarks", () => {
  it("build one letter-choice instance per row with the label as gold", async () => {
    const ent = await loadFixture("shc_ent_med");
    expect(golds(ent)).toEqual(["A", "B", "C"]);
    expect(ent[0].choices).toEqual(["A", "B", "C"]);
    expect(ent[2].input).toContain('"recurrent" infections');
    expect(golds(await loadFixture("shc_ptbm_med"))).toEqual(["A", "B", "A"]);
    expect((await loadFixture("shc_ptbm_med"))[1].input).toContain("18 mg daily.\nReturn in 3 months.");
  });

  it("keep one instance for a repeated prompt, with the last label, as HELM's dictionary does", async () => {
    const row = '"Is it?","Same note.",';
    const dir = folder({"data.csv": `prompt,context,label\n${row}A\n${row}B\n`});
    const instances = await bench("shc_bmt_med").load(dir);
    expect(instances).toHaveLength(1);
    expect(instances[0].gold).toEqual(["B"]);
  });

  it("name the file, line and column of an unknown label, after a multi-line field", async () => {
    const dir = folder({"data.csv": 'prompt,context,label\n"Q?","line one\nline two",A\n"Q2?",ctx,D\n'});
    await expect(bench("shc_cdi_med").load(dir)).rejects.toThrow(`${join(dir, "data.csv")} line 4: column label is "D", expected one of A, B`);
  });

  it("name the file, line and column of an empty context, and a missing column", async () => {
    const empty = folder({"data.csv": "prompt,context,label\nQ?,,A\n"});
    await expect(bench("shc_gip_med").load(empty)).rejects.toThrow(`${join(empty, "data.csv")} line 2: column context is empty`);
    const missing = folder({"data.csv": "prompt,context\nQ?,ctx\n"});
    await expect(bench("shc_gip_med").load(missing)).rejects.toThrow("missing column label");
  });

  it("are unavailable without the file, so the runner records no instances", () => {
    expect(dataAvailable(bench("shc_conf_med"), join(scratch, "nowhere"))).toBe(false);
    expect(dataAvailable(bench("shc_conf_med"), fixtures)).toBe(true);
  });
});

describe("CLEAR", () => {
  it("reads 13 condition workbooks into subsets, maps result_human 1/0/2 to A/B/C and skips blank rows", async () => {
    const instances = await loadFixture("clear");
    expect(instances).toHaveLength(39);
    expect(new Set(instances.map((i) => i.subset)).size).toBe(13);
    expect(golds(instances.filter((i) => i.subset === "homelessness"))).toEqual(["A", "B", "C"]);
    expect(instances[0].input).toContain("history of alcohol dependence");
  });

  it("caps each condition at 100 notes and lets the runner keep all 1,300", async () => {
    const rows: (string | number)[][] = [["text", "result_human"], ...Array.from({length: 130}, (_, i) => [`note ${i}`, i % 3])];
    const dir = folder({}, "clear");
    writeFileSync(join(dir, "chronic_pain.xlsx"), xlsx(rows));
    const instances = await bench("clear").load(dir);
    expect(instances.filter((i) => i.subset === "chronic_pain")).toHaveLength(100);
    expect(bench("clear").maxEvalInstances).toBe(1300);
  });

  it("names the file, row and column of an unknown result_human code", async () => {
    const dir = folder({}, "clear");
    writeFileSync(join(dir, "liver_disease.xlsx"), xlsx([["text", "result_human"], ["a note", 1], ["another note", 7]]));
    await expect(bench("clear").load(dir)).rejects.toThrow(`${join(dir, "liver_disease.xlsx")} row 3: column result_human is "7", expected 0, 1 or 2`);
  });
});

describe("MedicationQA", () => {
  it("keeps the workbook rows that have an answer", async () => {
    const instances = await loadFixture("medication_qa");
    expect(instances.map((i) => i.id)).toEqual(["row2", "row3"]);
    expect(instances[1].gold[0]).toMatch(/^Ibuprofen raises the bleeding risk/);
  });

  it("names the file that is not a workbook", async () => {
    const dir = folder({"MedInfo2019-QA-Medications.xlsx": "Question,Answer\n"});
    await expect(bench("medication_qa").load(dir)).rejects.toThrow(/MedInfo2019-QA-Medications\.xlsx: not a readable \.xlsx workbook/);
  });
});

describe("Medbullets and MedMCQA", () => {
  it("Medbullets maps answer_idx to the gold option of five", async () => {
    const instances = await loadFixture("medbullets");
    expect(instances).toHaveLength(3);
    expect(golds(instances)).toEqual(["Right coronary artery", "Oral iron supplementation", "Apixaban"]);
    expect(instances[0].choices).toHaveLength(5);
  });

  it("Medbullets names the line of a bad answer_idx", async () => {
    const dir = folder({"medbullets_op5.csv": "question,opa,opb,opc,opd,ope,answer_idx\nQ,a,b,c,d,e,F\n"});
    await expect(bench("medbullets").load(dir)).rejects.toThrow("medbullets_op5.csv line 2: column answer_idx is \"F\"");
  });

  it("MedMCQA reads the 1-based cop into the gold option and marks the valid split", async () => {
    const instances = await loadFixture("med_mcqa");
    expect(golds(instances)).toEqual(["Vitamin C", "Small intestine", "Ethosuximide"]);
    expect(instances.every((i) => i.split === "valid")).toBe(true);
  });

  it("MedMCQA names the line of invalid JSON and of an out-of-range cop", async () => {
    await expect(bench("med_mcqa").load(folder({"dev.json": '{"id":"1"\n'}))).rejects.toThrow("dev.json line 1: invalid JSON");
    const row = {id: "x", question: "q", opa: "a", opb: "b", opc: "c", opd: "d", cop: 0};
    await expect(bench("med_mcqa").load(folder({"dev.json": `\n${JSON.stringify(row)}\n`}))).rejects.toThrow("dev.json line 2: field cop is 0, expected 1-4");
  });
});

describe("gated clinical-note benchmarks", () => {
  it("MIMIC-RRS pairs findings and impressions by line", async () => {
    const instances = await loadFixture("mimic_rrs");
    expect(instances.map((i) => i.id)).toEqual(["test-1", "test-2", "test-3"]);
    expect(instances[1].gold[0]).toBe("right lower lobe pneumonia with small effusion .");
  });

  it("MIMIC-RRS names the impression file when the line counts differ", async () => {
    const dir = folder({"test.findings.tok": "a\nb\n", "test.impression.tok": "a\n"});
    await expect(bench("mimic_rrs").load(dir)).rejects.toThrow("test.impression.tok: 1 lines, but test.findings.tok has 2");
  });

  it("MIMIC-IV-BHC reads input and target per JSON line and names the line of a missing target", async () => {
    expect(golds(await loadFixture("mimic_bhc"))[1]).toMatch(/^34F with acute appendicitis/);
    const dir = folder({"data.jsonl": `${JSON.stringify({input: "x", target: "y"})}\n${JSON.stringify({input: "x"})}\n`});
    await expect(bench("mimic_bhc").load(dir)).rejects.toThrow("data.jsonl line 2: field target is missing or empty");
  });

  it("DischargeMe builds a hospital-course and an instructions instance per admission with its radiology reports", async () => {
    const instances = await loadFixture("dischargeme");
    expect(instances.map((i) => i.id)).toEqual(["20001/bhc", "20001/di", "20002/bhc", "20002/di"]);
    expect(instances[0].input).toContain("ECHO: mildly reduced ejection fraction.");
    expect(instances[3].gold[0]).toMatch(/appendix removed/);
    expect(instances[2].input).toContain("(no radiology report)");
  });

  it("DischargeMe names the target line whose admission has no discharge note", async () => {
    const dir = folder({}, "dischargeme");
    writeFileSync(join(dir, "test_phase_1/discharge_target.csv.gz"), gzipSync("note_id,hadm_id,discharge_instructions,brief_hospital_course\nx,999,di,bhc\n"));
    await expect(bench("dischargeme").load(dir)).rejects.toThrow("discharge_target.csv.gz line 2: hadm_id 999 has no discharge note");
  });

  it("MedAlign merges several clinicians' answers, skips unanswered instructions and embeds the patient's EHR", async () => {
    const instances = await loadFixture("medalign");
    expect(instances.map((i) => i.id)).toEqual(["101", "102", "103"]);
    expect(instances[1].gold).toHaveLength(2);
    expect(instances[2].input).toContain('name="penicillin"');
  });

  it("MedAlign names the line of an instruction whose patient has no EHR file", async () => {
    const dir = folder({"clinician-instruction-responses.tsv": "instruction_id\tperson_id\tquestion\tclinician_response\n1\t77\tq\ta\n", "ehrs/.keep": ""});
    await expect(bench("medalign").load(dir)).rejects.toThrow("clinician-instruction-responses.tsv line 2: person_id 77 has no EHR file");
  });

  it("MIMIC-IV Billing Code reads the feather file's text and list of target codes", async () => {
    const instances = await loadFixture("mimiciv_billing_code");
    expect(instances.map((i) => [i.id, i.gold[0]])).toEqual([["20000001", "E11.22, I10"], ["20000002", "J18.9, J45.909"]]);
  });

  it("MIMIC-IV Billing Code names a file that is not Arrow IPC", async () => {
    const dir = folder({"mimiciv_icd10.feather": "not arrow"});
    await expect(bench("mimiciv_billing_code").load(dir)).rejects.toThrow(/mimiciv_icd10\.feather: cannot read as an Arrow IPC \(feather v2\) file/);
  });

  it("N2C2 builds one instance per criterion and patient, with met as A", async () => {
    const instances = await loadFixture("n2c2_ct_matching");
    expect(instances.map((i) => `${i.id}=${i.gold[0]}`)).toEqual(["ABDOMINAL/101=A", "ABDOMINAL/102=B", "ADVANCED-CAD/101=A", "ADVANCED-CAD/102=B", "CREATININE/101=B", "CREATININE/102=A"]);
    expect(instances[0].input).toContain("sigmoid colectomy");
  });

  it("N2C2 names the file whose criterion tag is missing", async () => {
    const dir = folder({"test/9.xml": "<PatientMatching><TEXT><![CDATA[note]]></TEXT><TAGS><ABDOMINAL met=\"met\"/></TAGS></PatientMatching>"});
    await expect(bench("n2c2_ct_matching").load(dir)).rejects.toThrow(`${join(dir, "test", "9.xml")}: element ADVANCED-CAD has met=null`);
  });

  it("EHRSHOT serialises each MEDS timeline up to the prediction time, one subset per task", async () => {
    const instances = await loadFixture("ehrshot");
    expect(instances).toHaveLength(6);
    expect(new Set(instances.map((i) => i.subset))).toEqual(new Set(["guo_readmission", "new_hypertension", "lab_anemia"]));
    const anemia = instances.find((i) => i.subset === "lab_anemia" && i.gold[0] === "A")!;
    expect(anemia.input).toContain("Hemoglobin [Mass/volume] in Blood = 10.9");
    // The haemoglobin being predicted (drawn after the prediction time) must not leak into the prompt.
    expect(anemia.input).not.toContain("9.8");
    const readmission = instances.find((i) => i.subset === "guo_readmission" && i.gold[0] === "B")!;
    expect(readmission.input).not.toContain("Essential hypertension");
  });

  it("EHRSHOT names the label file that lacks a label column", async () => {
    const dir = folder({}, "ehrshot");
    cpSync(join(fixtures, "ehrshot", "metadata", "codes.parquet"), join(dir, "labels", "lab_anemia.parquet"));
    await expect(bench("ehrshot").load(dir)).rejects.toThrow(/lab_anemia\.parquet: missing column subject_id/);
  });
});

describe("open-ended public and private benchmarks", () => {
  it("MTSamples takes PLAN, else SUMMARY, else FINDINGS as the reference and skips reports with none", async () => {
    const instances = await loadFixture("mtsamples_replicate");
    expect(instances.map((i) => [i.id, i.extra?.section])).toEqual([["asthma-follow-up", "PLAN"], ["knee-xray", "FINDINGS"]]);
    expect(instances[0].input).not.toContain("inhaled corticosteroid");
  });

  it("MTSamples Procedures takes the plan of a compound ASSESSMENT AND PLAN heading", async () => {
    const instances = await loadFixture("mtsamples_procedures");
    expect(instances.find((i) => i.id === "carpal-tunnel")!.gold[0]).toMatch(/^Keep the dressing dry/);
  });

  it("MEDIQA takes the answer ranked first by experts and skips questions without one", async () => {
    const instances = await loadFixture("medi_qa");
    expect(instances.map((i) => i.id)).toEqual(["1", "2"]);
    expect(instances[0].gold[0]).toBe("Early signs include increased thirst, frequent urination, tiredness & blurred vision.");
    expect(instances[1].gold[0]).toMatch(/^Yes\. Shingles can recur/);
  });

  it("MedDialog keeps its two subsets and names a malformed example", async () => {
    const instances = await loadFixture("med_dialog");
    expect(instances.map((i) => i.subset)).toEqual(["healthcaremagic", "healthcaremagic", "icliniq"]);
    const dir = folder({"healthcaremagic/test.json": JSON.stringify({data: [{src: "a"}]}), "icliniq/test.json": "[]"});
    await expect(bench("med_dialog").load(dir)).rejects.toThrow("healthcaremagic/test.json: data[0].tgt is missing or empty");
  });

  it("MentalHealth, PatientInstruct and NoteExtract read their CSVs; PatientInstruct keeps QC = TRUE rows only", async () => {
    expect(await loadFixture("mental_health")).toHaveLength(2);
    const instructions = await loadFixture("starr_patient_instructions");
    expect(instructions).toHaveLength(2);
    expect(instructions[0].input).toMatch(/^Diagnosis: Symptomatic cholelithiasis\n\nProcedure: Laparoscopic cholecystectomy/);
    const notes = await loadFixture("chw_care_plan");
    expect(notes.every((i) => i.gold.length === 0 && i.input.includes("Not mentioned"))).toBe(true);
  });

  it("PatientInstruct names the line and column of an empty case field", async () => {
    const dir = folder({"data.csv": "diagnosis,procedure,history_physical,operative_report,patient_instructions,QC\nx,,h,o,p,TRUE\n"});
    await expect(bench("starr_patient_instructions").load(dir)).rejects.toThrow("data.csv line 2: column procedure is empty");
  });
});
