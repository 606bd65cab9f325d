/**
 * The clinician study end to end, as a team runs it: a three-judge ACI-Bench run against the
 * loopback server (judges whose verdicts vary with the answer), `medhelm ratings sample`, sheets
 * filled in by the test (one rater in Excel, two in CSV), `medhelm agreement --results --ratings`;
 * its figures must equal an independent computation of ICC(3,k) on z-scores from the same sheets
 * and the same Parquet tables. Also: the sheets are blinded, and each kind of bad sheet is
 * refused with the file, row and column, importing nothing.
 */
import {cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {csvFormatRows, csvParseRows} from "d3-dsv";
import {readSheet} from "read-excel-file/node";
import writeXlsxFile from "write-excel-file/node";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {ownClinicianStudy} from "../data-loaders/clinicians/agreement-page.ts";
import {readCompletedSheets} from "../data-loaders/clinicians/completed.ts";
import {readJudgedResponses, type JudgedResponse} from "../data-loaders/clinicians/judged.ts";
import {loadRegistry} from "../data-loaders/benchmark/registry.ts";
import type {Rubric} from "../data-loaders/benchmark/types.ts";
import {medhelm} from "./cli.ts";
import {query} from "./parquet-read.ts";
import {startFakeOpenAI, type FakeServer} from "./server.ts";

const JUDGES = ["fake/judge-a", "fake/judge-b", "fake/judge-d"];
const MODELS = ["fake/test-model", "fake/test-model-2"];
const CRITERIA = ["accuracy", "completeness", "clarity"];
const RATERS = ["r1", "r2", "r3"];

let server: FakeServer;
let dir: string;
let results: string;
let sheets: string;
let sampleJson: Record<string, unknown>;
/** packet -> the response it stands for. */
let key: Map<string, {run_id: string; instance_id: string; model: string}>;
/** rater -> packet -> criterion -> score written into the sheet. */
const filled = new Map<string, Map<string, Record<string, number>>>();
let judged: JudgedResponse[];
let rubrics: Record<string, Rubric>;

/** A deterministic -1, 0 or +1 for a rater, packet and criterion: clinicians disagree a little. */
function noise(text: string): number {
  let h = 7;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) % 1000003;
  return (h % 3) - 1;
}

beforeAll(async () => {
  server = await startFakeOpenAI({FAKE_VERDICT_SPREAD: "1", FAKE_MODELS: "test-model,test-model-2,judge-a,judge-b,judge-d"});
  dir = mkdtempSync(join(tmpdir(), "medhelm-ratings-"));
  writeFileSync(join(dir, "medhelm.config.json"), JSON.stringify({endpoints: {fake: {baseURL: server.baseURL, maxRetries: 0}}}));
  results = join(dir, "R");
  sheets = join(dir, "S");
  await medhelm(["run", "--benchmarks", "aci_bench", "--models", MODELS.join(","), "--judges", JUDGES.join(","), "--limit", "20", "--cache", "cache", "--out", "R", "--format", "json"], {cwd: dir});
  const {stdout} = await medhelm(["ratings", "sample", "--results", "R", "--benchmarks", "aci_bench", "--responses", "40", "--raters", RATERS.join(","), "--overlap", "2", "--out", "S", "--format", "json"], {cwd: dir});
  sampleJson = JSON.parse(stdout);
  const keyRows = csvParseRows(readFileSync(join(sheets, "key.csv"), "utf8"));
  key = new Map(keyRows.slice(1).map((r) => [r[0], {run_id: r[1], instance_id: r[3], model: r[4]}]));

  // Clinicians score near the jury's per-criterion mean, each a little off in their own way.
  const [jury] = await query(`SELECT run_id, instance_id, model, criterion, avg(score) AS score FROM '${join(results, "judgments.parquet")}' WHERE parse_status = 'ok' GROUP BY ALL`);
  const juryOf = new Map(jury.map((j) => [`${j.run_id}|${j.instance_id}|${j.model}|${j.criterion}`, Number(j.score)]));
  const score = (rater: string, packet: string, criterion: string) => {
    const k = key.get(packet)!;
    const base = juryOf.get(`${k.run_id}|${k.instance_id}|${k.model}|${criterion}`)!;
    return Math.min(5, Math.max(1, Math.round(base + noise(`${rater}/${packet}/${criterion}`))));
  };
  for (const rater of RATERS) {
    const scores = new Map<string, Record<string, number>>();
    filled.set(rater, scores);
    if (rater === "r1") {
      // r1 works in Excel: fill the workbook and leave the CSV twin blank.
      const rows = (await readSheet(join(sheets, "r1.xlsx"))) as unknown[][];
      const header = rows[0].map(String);
      for (const row of rows.slice(1)) {
        const packet = String(row[0]);
        scores.set(packet, Object.fromEntries(CRITERIA.map((c) => [c, score(rater, packet, c)])));
        for (const c of CRITERIA) row[header.indexOf(c)] = scores.get(packet)![c];
      }
      await writeXlsxFile(rows.map((r) => r.map((cell) => (cell === null || cell === undefined ? null : (cell as string | number))))).toFile(join(sheets, "r1.xlsx"));
    } else {
      const rows = csvParseRows(readFileSync(join(sheets, `${rater}.csv`), "utf8"));
      const header = rows[0];
      for (const row of rows.slice(1)) {
        scores.set(row[0], Object.fromEntries(CRITERIA.map((c) => [c, score(rater, row[0], c)])));
        for (const c of CRITERIA) row[header.indexOf(c)] = String(scores.get(row[0])![c]);
      }
      writeFileSync(join(sheets, `${rater}.csv`), csvFormatRows(rows));
    }
  }
  judged = await readJudgedResponses([results]);
  rubrics = Object.fromEntries((await loadRegistry()).filter((b) => b.rubric).map((b) => [b.id, b.rubric!]));
}, 180_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, {recursive: true, force: true});
});

/** ICC(3,k) of two columns after z-scoring each, from the two-way ANOVA mean squares. */
function icc3kOfZ(x: readonly number[], y: readonly number[]): number {
  const z = (v: readonly number[]) => {
    const m = v.reduce((s, a) => s + a, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, a) => s + (a - m) ** 2, 0) / (v.length - 1));
    return v.map((a) => (a - m) / sd);
  };
  const [a, b] = [z(x), z(y)];
  const n = a.length;
  const grand = (a.reduce((s, v) => s + v, 0) + b.reduce((s, v) => s + v, 0)) / (2 * n);
  const rowMeans = a.map((v, i) => (v + b[i]) / 2);
  const ssRows = 2 * rowMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const colMeans = [a, b].map((c) => c.reduce((s, v) => s + v, 0) / n);
  const ssCols = n * colMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
  const ssTotal = [...a, ...b].reduce((s, v) => s + (v - grand) ** 2, 0);
  const msRows = ssRows / (n - 1);
  const msError = (ssTotal - ssRows - ssCols) / (n - 1);
  return (msRows - msError) / msRows;
}

describe("clinician study of a three-judge ACI-Bench run", () => {
  it("samples 40 responses, 20 per model, each to two of three raters with loads 27, 27, 26 in some order", () => {
    expect(sampleJson.packets).toBe(40);
    expect((sampleJson.benchmarks as {by_model: Record<string, number>}[])[0].by_model).toEqual({"fake/test-model": 20, "fake/test-model-2": 20});
    expect(Object.values(sampleJson.raters as Record<string, number>).sort()).toEqual([26, 27, 27]);
    expect([...key.keys()]).toHaveLength(40);
  });

  it("writes blinded sheets: no model or judge name, no jury score column, a random order per rater", async () => {
    const names = [...MODELS, ...JUDGES, "test-model", "judge-a", "judge-b", "judge-d", "fake/"];
    const texts = [
      ...RATERS.map((r) => readFileSync(join(sheets, `${r}.csv`), "utf8")),
      ...(await Promise.all(["r2", "r3"].map(async (r) => JSON.stringify(await readSheet(join(sheets, `${r}.xlsx`))))))
    ];
    for (const text of texts) for (const name of names) expect(text).not.toContain(name);
    const header = csvParseRows(readFileSync(join(sheets, "r2.csv"), "utf8"))[0];
    expect(header).toEqual(["packet_id", "benchmark", "input", "response", "gold_response", "criteria", "scale", "accuracy", "completeness", "clarity"]);
    const orders = ["r2", "r3"].map((r) => csvParseRows(readFileSync(join(sheets, `${r}.csv`), "utf8")).slice(1).map((row) => row[0]));
    for (const order of orders) expect(order).not.toEqual([...order].sort());
  });

  it("puts the judges' input, the answer and the gold note into each row, with the rubric and an empty score per criterion", async () => {
    const blank = (await readSheet(join(sheets, "r2.xlsx"))) as unknown[][];
    const row = blank[1].map((c) => (c === null ? "" : String(c)));
    const k = key.get(row[0])!;
    const response = judged.find((r) => r.run_id === k.run_id && r.instance_id === k.instance_id && r.model === k.model)!;
    expect(row[1]).toBe("ACI-Bench");
    // read-excel-file trims the ends of cell text; the texts are otherwise exact.
    expect(row[2]).toBe(response.input.trim());
    expect(row[3]).toBe(response.response.trim());
    expect(row[4]).toBe(response.gold.trim());
    expect(row[5]).toMatch(/^accuracy: .+\ncompleteness: .+\nclarity: .+$/);
    expect(row[6]).toBe("1-5 (1 = very poor, 5 = excellent)");
    expect(row.slice(7)).toEqual(["", "", ""]);
  });

  it("gives the jury, each judge and ROUGE-L the ICC(3,k) on z-scores an independent computation gets from the same sheets", async () => {
    const {stdout} = await medhelm(["agreement", "--results", "R", "--ratings", "S", "--format", "json"], {cwd: dir});
    const out = JSON.parse(stdout);
    const aci = out.datasets.aci_bench;

    // Independent side: the clinicians' mean per response from what the test wrote into the sheets ...
    const human = new Map<string, number[]>();
    for (const [, scores] of filled) for (const [packet, s] of scores) human.set(packet, [...(human.get(packet) ?? []), CRITERIA.reduce((t, c) => t + s[c], 0) / 3]);
    const packets = [...human.keys()].sort();
    const humanMean = packets.map((p) => human.get(p)!.reduce((s, x) => s + x, 0) / human.get(p)!.length);
    // ... and the jury's composites straight from the Parquet tables with SQL.
    const [perJudge, rouge] = await query(
      `SELECT run_id, instance_id, model, judge, criterion, score FROM '${join(results, "judgments.parquet")}' WHERE parse_status = 'ok'`,
      `SELECT run_id, instance_id, model, value FROM '${join(results, "scores.parquet")}' WHERE metric = 'rouge_l'`
    );
    const at = (p: string) => key.get(p)!;
    const same = (row: Record<string, unknown>, p: string) => row.run_id === at(p).run_id && row.instance_id === at(p).instance_id && row.model === at(p).model;
    const composite = (p: string, judges: string[]) => {
      const rows = perJudge.filter((r) => same(r, p) && judges.includes(String(r.judge)));
      return CRITERIA.map((c) => {
        const xs = rows.filter((r) => r.criterion === c).map((r) => Number(r.score));
        return xs.reduce((s, x) => s + x, 0) / xs.length;
      }).reduce((s, x) => s + x, 0) / CRITERIA.length;
    };

    expect(aci.icc3k_z.n).toBe(40);
    expect(aci.icc3k_z.value).toBeCloseTo(icc3kOfZ(humanMean, packets.map((p) => composite(p, JUDGES))), 10);
    expect(Object.keys(aci.per_judge).sort()).toEqual(JUDGES);
    for (const judge of JUDGES) expect(aci.per_judge[judge].icc3k_z.value).toBeCloseTo(icc3kOfZ(humanMean, packets.map((p) => composite(p, [judge]))), 10);
    expect(aci.rouge_l_icc3k_z.value).toBeCloseTo(icc3kOfZ(humanMean, packets.map((p) => Number(rouge.find((r) => same(r, p))!.value))), 10);
    expect(aci.bertscore_f1_icc3k_z).toBeNull();

    // Seven panels, each scored and counted at 40 calls per judge; the loopback models have no price.
    expect(aci.panels).toHaveLength(7);
    const pair = aci.panels.find((p: {judges: string[]}) => p.judges.join() === "fake/judge-a,fake/judge-d");
    expect(pair.icc3k_z.value).toBeCloseTo(icc3kOfZ(humanMean, packets.map((p) => composite(p, ["fake/judge-a", "fake/judge-d"]))), 10);
    expect(aci.panels.map((p: {calls: number}) => p.calls)).toEqual([120, 80, 80, 80, 40, 40, 40]);
    expect(aci.panels.every((p: {cost_usd: number | null}) => p.cost_usd === null)).toBe(true);

    // Clinician pairs: three, each sharing about 13 responses; the combined result pools the one benchmark.
    expect(aci.clinician_icc3k_z.pairs).toBe(3);
    expect(out.datasets.combined.icc3k_z.value).toBeCloseTo(aci.icc3k_z.value, 12);
    expect(out.sheets.rated).toBe(80);
    expect(out.sheets.files.map((f: string) => f.split("/").pop())).toEqual(["r1.xlsx", "r2.csv", "r3.csv"]);
    expect(out.sheets.skipped.map((s: {file: string}) => s.file.split("/").pop())).toEqual(["r1.csv", "r2.xlsx", "r3.xlsx"]);
  });
});

describe("bad rating sheets", () => {
  /** A copy of the completed sheets with r2.csv rewritten by `edit`; returns the folder. */
  function variant(edit: (rows: string[][]) => void, {dropKey = false} = {}): string {
    const copy = mkdtempSync(join(dir, "bad-"));
    cpSync(sheets, copy, {recursive: true});
    const rows = csvParseRows(readFileSync(join(copy, "r2.csv"), "utf8"));
    edit(rows);
    writeFileSync(join(copy, "r2.csv"), csvFormatRows(rows));
    if (dropKey) rmSync(join(copy, "key.csv"));
    return copy;
  }
  const col = (rows: string[][], name: string) => rows[0].indexOf(name);
  const read = (folder: string) => readCompletedSheets([folder], judged, rubrics);

  it("refuses a score outside the scale, naming file, row and column", async () => {
    const folder = variant((rows) => (rows[3][col(rows, "accuracy")] = "7"));
    await expect(read(folder)).rejects.toThrow(new RegExp(`${join(folder, "r2.csv")} row 4, column accuracy: 7 is outside the scale 1-5`));
  });

  it("refuses a score that is not a number", async () => {
    const folder = variant((rows) => (rows[2][col(rows, "clarity")] = "five"));
    await expect(read(folder)).rejects.toThrow(/r2\.csv row 3, column clarity: "five" is not a number from 1 to 5/);
  });

  it("refuses an unknown packet id", async () => {
    const folder = variant((rows) => (rows[5][0] = "P9999"));
    await expect(read(folder)).rejects.toThrow(/r2\.csv row 6, column packet_id: unknown packet "P9999" \(not in .*key\.csv\)/);
  });

  it("refuses a packet id that appears twice", async () => {
    const folder = variant((rows) => rows.push([...rows[1]]));
    await expect(read(folder)).rejects.toThrow(new RegExp(`r2\\.csv row 28, column packet_id: packet ${"P\\d{4}"} already on row 2`));
  });

  it("refuses an edited response", async () => {
    const folder = variant((rows) => (rows[1][col(rows, "response")] += " (edited)"));
    await expect(read(folder)).rejects.toThrow(/r2\.csv row 2, column response: the response of packet P\d{4} differs from the answer in the results/);
  });

  it("refuses a sheet whose criterion column was deleted", async () => {
    const folder = variant((rows) => {
      const i = col(rows, "clarity");
      for (const row of rows) row.splice(i, 1);
    });
    await expect(read(folder)).rejects.toThrow(/r2\.csv row 1, column clarity: missing criterion column \(the aci_bench rubric scores accuracy, completeness, clarity\)/);
  });

  it("refuses sheets with no key beside them", async () => {
    const folder = variant(() => {}, {dropKey: true});
    await expect(read(folder)).rejects.toThrow(/r2\.csv: no key\.csv beside the sheet/);
  });

  it("reports blank cells as not rated, leaves those packets out, and never reads them as zero", async () => {
    const folder = variant((rows) => {
      rows[1][col(rows, "accuracy")] = "";
      for (const c of CRITERIA) rows[2][col(rows, c)] = "";
    });
    const completed = await read(folder);
    expect(completed.unrated.map((u) => [u.rater, u.row, u.blank])).toEqual([["r2", 2, ["accuracy"]], ["r2", 3, CRITERIA]]);
    expect(completed.ratings).toHaveLength(78);
    expect(completed.ratings.every((r) => Object.values(r.scores).every((x) => x >= 1))).toBe(true);
  });

  it("imports nothing through the command when one sheet is bad: exit code 1, no figures, the problem on stderr", async () => {
    const folder = variant((rows) => (rows[3][col(rows, "completeness")] = "0"));
    const failure = await medhelm(["agreement", "--results", "R", "--ratings", folder, "--format", "json"], {cwd: dir}).catch((e) => e);
    expect(failure.code).toBe(1);
    expect(failure.stdout).toBe("");
    expect(failure.stderr).toMatch(/nothing imported[\s\S]*r2\.csv row 4, column completeness: 0 is outside the scale 1-5/);
    expect(readdirSync(folder).sort()).toEqual(["key.csv", "r1.csv", "r1.xlsx", "r2.csv", "r2.xlsx", "r3.csv", "r3.xlsx"]);
  });
});

describe("the agreement page's study of the site's own runs", () => {
  it("reads the configured sheets and gives the command's figures with a verdict in words", async () => {
    const cwd = mkdtempSync(join(dir, "site-"));
    writeFileSync(join(cwd, "medhelm.config.json"), JSON.stringify({clinicians: {ratings: sheets, results: [results]}}));
    const own = await ownClinicianStudy({cwd, env: {}});
    expect(own.status).toBe("ok");
    expect(own.message).toBe("80 ratings by 3 clinicians of 40 responses.");
    const {stdout} = await medhelm(["agreement", "--results", "R", "--ratings", "S", "--format", "json"], {cwd: dir});
    const cli = JSON.parse(stdout).datasets.aci_bench;
    const row = own.rows.find((r) => r.id === "aci_bench")!;
    expect(row.icc3k_z).toBeCloseTo(cli.icc3k_z.value, 12);
    expect(row.clinician_icc3k_z).toBeCloseTo(cli.clinician_icc3k_z.value, 12);
    expect(row.rouge_l_icc3k_z).toBeCloseTo(cli.rouge_l_icc3k_z.value, 12);
    expect(own.panels.filter((p) => p.id === "aci_bench").map((p) => p.judges)).toEqual(cli.panels.map((p: {judges: string[]}) => p.judges.join(" + ")));
    const f = (x: number) => x.toFixed(2);
    expect(row.verdict).toContain(`On these 40 responses the jury agrees with your clinicians at ${f(cli.icc3k_z.value)} [${f(cli.icc3k_z.ci_low)}, ${f(cli.icc3k_z.ci_high)}]; clinicians with each other at ${f(cli.clinician_icc3k_z.value)}`);
    expect(row.verdict).toMatch(/The best-agreeing panel is fake\/judge-[abd]/);
  });

  it("says how to set a study up when none is configured, and what is wrong when the sheets are bad, without failing the build", async () => {
    const none = mkdtempSync(join(dir, "site-"));
    expect(await ownClinicianStudy({cwd: none, env: {}})).toMatchObject({status: "none", message: expect.stringMatching(/^No clinician study of these runs is configured\. Sample responses with "medhelm ratings sample"/)});
    const bad = mkdtempSync(join(dir, "site-"));
    cpSync(sheets, join(bad, "S"), {recursive: true});
    const rows = csvParseRows(readFileSync(join(bad, "S", "r3.csv"), "utf8"));
    rows[1][rows[0].indexOf("accuracy")] = "9";
    writeFileSync(join(bad, "S", "r3.csv"), csvFormatRows(rows));
    writeFileSync(join(bad, "medhelm.config.json"), JSON.stringify({clinicians: {ratings: "S", results: [results]}}));
    const own = await ownClinicianStudy({cwd: bad, env: {}});
    expect(own.status).toBe("error");
    expect(own.message).toMatch(/^The clinician study in S could not be read: rating sheets: 1 problem, nothing imported\n {2}.*r3\.csv row 2, column accuracy: 9 is outside the scale 1-5$/);
    expect(own.rows).toEqual([]);
  });
});
