/**
 * `medhelm sql` as a user runs it (a real process) on the committed fixture result folders: the
 * notebook's table names over one and two folders, the three formats, derived site tables, and
 * DuckDB's own message with exit status 1 for a bad query or folder.
 */
import {csvParse} from "d3-dsv";
import {describe, expect, it} from "vitest";
import {medhelm} from "./cli.ts";

const jury = "test/fixtures/site-include/jury-run";
const helm = "test/fixtures/site-include/helm-import";

/** Runs the command and returns its exit code with both streams, whether it fails or not. */
async function sql(args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  try {
    return {code: 0, ...(await medhelm(["sql", ...args]))};
  } catch (error) {
    const e = error as {code: number; stdout: string; stderr: string};
    return {code: e.code, stdout: e.stdout, stderr: e.stderr};
  }
}

describe("medhelm sql", () => {
  it("counts a run's completions as JSON rows", async () => {
    const {code, stdout} = await sql(["SELECT count(*) AS n FROM completions", "--results", jury, "--format", "json"]);
    expect(code).toBe(0);
    // The jury fixture holds 6 + 6 ACI-Bench answers and 2 + 2 MIMIC-RRS answers of two models.
    expect(JSON.parse(stdout)).toEqual({rows: [{n: 16}]});
  }, 60_000);

  it("unions the rows of two folders and prints them as a table and as CSV", async () => {
    const query = "SELECT benchmark, model, count(*) AS n FROM completions GROUP BY ALL ORDER BY ALL";
    const table = await sql([query, "--results", `${jury},${helm}`]);
    expect(table.code).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(/^benchmark\s+model\s+n$/);
    expect(table.stdout).toMatch(/^pubmed_qa\s+openai\/gpt-4o-2024-05-13\s+5$/m);
    expect(table.stdout).toContain("(5 rows)");
    const csv = csvParse((await sql([query, "--results", `${jury},${helm}`, "--format", "csv"])).stdout);
    expect(csv.map((r) => [r.benchmark, r.model, r.n])).toEqual([
      ["aci_bench", "fixture/alpha", "6"], ["aci_bench", "fixture/beta", "6"],
      ["mimic_rrs", "fixture/alpha", "2"], ["mimic_rrs", "fixture/beta", "2"],
      ["pubmed_qa", "openai/gpt-4o-2024-05-13", "5"]
    ]);
  }, 60_000);

  it("derives the site's tables when the query names one", async () => {
    const {code, stdout} = await sql(["SELECT label, win_rate FROM win_rates WHERE scope = 'all' ORDER BY label", "--results", jury, "--format", "json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).rows).toEqual([{label: "fixture/alpha", win_rate: 1}, {label: "fixture/beta", win_rate: 0}]);
  }, 120_000);

  it("exits 1 with DuckDB's message and the folder for a bad query", async () => {
    const {code, stdout, stderr} = await sql(["SELECT nope FROM scores", "--results", jury]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/Binder Error: Referenced column "nope" not found/);
    expect(stderr).toContain("site-include/jury-run");
  }, 60_000);

  it("exits 1 naming a missing folder or one that is not a result folder", async () => {
    const missing = await sql(["SELECT 1", "--results", "test/fixtures/no-such-run"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/result folder .*test\/fixtures\/no-such-run does not exist/);
    const notResults = await sql(["SELECT 1", "--results", "test/fixtures"]);
    expect(notResults.code).toBe(1);
    expect(notResults.stderr).toMatch(/test\/fixtures is not a result folder \(no runs, benchmarks, .*\.parquet\)/);
    const format = await sql(["SELECT 1", "--results", jury, "--format", "xml"]);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("--format must be table, json or csv, got xml");
  }, 60_000);
});
