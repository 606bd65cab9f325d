/**
 * `medhelm leaderboard` on the committed fixture result folders (a native jury run and an imported
 * HELM run): it prints the site's own win-rate table, in three formats, and names bad input.
 */
import {csvParse} from "d3-dsv";
import {describe, expect, it} from "vitest";
import {tableFromIPC} from "apache-arrow";
import type {CommandIO} from "../data-loaders/cli/command.ts";
import leaderboard, {type LeaderboardRow} from "../data-loaders/cli/commands/leaderboard.ts";
import {siteFiles} from "../data-loaders/site/archive.ts";

const dirs = ["test/fixtures/site-include/jury-run", "test/fixtures/site-include/helm-import"];

async function run(args: string[]): Promise<{code: number; out: string}> {
  let out = "";
  const io: CommandIO = {stdout: (t) => (out += t), stderr: () => {}, cwd: process.cwd(), env: {}, isTTY: false};
  const code = await leaderboard.run(args, io);
  return {code, out};
}

describe("medhelm leaderboard", () => {
  it("prints the site's win-rate table for the scope, entry by entry", async () => {
    const {code, out} = await run(["--results", dirs.join(","), "--published", "none", "--format", "json", "--resamples", "200", "--seed", "3"]);
    expect(code).toBe(0);
    const printed = JSON.parse(out) as {scope: string; seed: number; resamples: number; entries: LeaderboardRow[]};
    expect(printed).toMatchObject({scope: "all", seed: 3, resamples: 200});
    const files = await siteFiles({dirs, registry: [], dataDir: "data", publishRestrictedText: false, seed: 3, resamples: 200, log: () => {}});
    const site = tableFromIPC(files["win_rates.arrow"]).toArray().map((r) => r.toJSON()).filter((r) => r.scope === "all");
    expect(printed.entries.map((e) => [e.label, e.win_rate, e.win_rate_low, e.win_rate_high, e.rank, e.macro_avg])).toEqual(
      site.map((r) => [r.label, r.win_rate, r.win_rate_low, r.win_rate_high, r.rank, r.macro_avg])
    );
    // fixture/alpha scores above fixture/beta on both shared benchmarks; the imported entry shares none with two scored entries.
    expect(printed.entries.map((e) => [e.label, e.win_rate, e.rank, e.n_benchmarks])).toEqual([
      ["fixture/alpha", 1, 1, 2],
      ["fixture/beta", 0, 2, 2],
      ["openai/gpt-4o-2024-05-13 [helm-import]", null, null, 1]
    ]);
  });

  it("reads as a table with rank ranges and intervals, and as CSV with one row per entry", async () => {
    const table = (await run(["--results", dirs.join(","), "--published", "none", "--resamples", "50"])).out;
    expect(table.split("\n")[0]).toMatch(/^Rank \(95 %\)\s+Entry\s+Source\s+Win rate\s+95 % CI\s+Macro-avg\s+Benchmarks\s+Comparability$/);
    expect(table).toMatch(/^1 \(1-1\)\s+fixture\/alpha\s+native\s+1\.000\s+\[1\.000, 1\.000\]\s+0\.602\s+2\s+-$/m);
    expect(table).toContain("95 % intervals from 50 bootstrap resamples of instances, seed 0.");
    const csv = csvParse((await run(["--results", dirs.join(","), "--published", "none", "--resamples", "50", "--format", "csv"])).out);
    expect(csv.map((r) => r.label)).toEqual(["fixture/alpha", "fixture/beta", "openai/gpt-4o-2024-05-13 [helm-import]"]);
    expect(csv.columns.slice(0, 4)).toEqual(["rank", "rank_low", "rank_high", "label"]);
  });

  it("ranks within one category", async () => {
    const printed = JSON.parse((await run(["--results", dirs[0], "--published", "none", "--scope", "clinical_note_generation", "--format", "json", "--resamples", "50"])).out);
    expect(printed.entries.map((e: LeaderboardRow) => e.label)).toEqual(["fixture/alpha", "fixture/beta"]);
  });

  it("names a bad scope, format or folder", async () => {
    await expect(run(["--scope", "oncology"])).rejects.toThrow(/--scope must be "all" or a category id .*got oncology/);
    await expect(run(["--format", "xml"])).rejects.toThrow(/--format must be table, json or csv, got xml/);
    await expect(run(["--results", "test/fixtures/site-include"])).rejects.toThrow(/site-include is not a result folder \(no runs, .*\.parquet\)/);
    await expect(run(["--resamples", "0"])).rejects.toThrow(/--resamples must be an integer of at least 1, got 0/);
  });
});
