/**
 * Publishing safely: the built site must not contain instance text (inputs, prompts, gold
 * answers, outputs, judge explanations, quoted judge replies) of gated or private benchmarks
 * unless the configuration allows it, while their aggregate scores stay published. The fixture
 * run test/fixtures/site-include/jury-run holds the gated MIMIC-RRS with a canary string in every
 * text field (scripts/synthetic-results.ts --fixtures writes it).
 */
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {gunzipSync, unzipSync} from "fflate";
import {describe, expect, it} from "vitest";
import {siteFiles} from "../data-loaders/site/archive.ts";
import {tarMembers} from "../data-loaders/formats/tar.ts";
import type {Benchmark} from "../data-loaders/benchmark/types.ts";
import {CANARY} from "../scripts/synthetic-results.ts";
import {builtTable, snapshotSite} from "./built-tables.ts";
import {query} from "./parquet-read.ts";
import {ensureSite} from "./site-build.ts";

const fixture = resolve(import.meta.dirname, "fixtures", "site-include", "jury-run");
const sql = (path: string) => `'${path.replaceAll("'", "''")}'`;

/** Every file under `dir`. */
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/**
 * Whether `bytes` (a file named `name`) contains `needle`: raw bytes for text, Arrow and JSON;
 * gzip files (compressed tables and text chunks) and zip and tar members unpacked first; Parquet
 * (zstd-compressed pages) decoded by DuckDB, every column as text.
 */
async function contains(name: string, bytes: Uint8Array, needle: string): Promise<boolean> {
  if (name.endsWith(".gz")) return contains(name.slice(0, -3), gunzipSync(bytes), needle);
  if (name.endsWith(".zip") || name.endsWith(".tar")) {
    const members = name.endsWith(".zip") ? unzipSync(bytes) : await tarMembers(bytes);
    for (const [member, data] of Object.entries(members)) if (await contains(member, data, needle)) return true;
    return false;
  }
  if (name.endsWith(".parquet")) {
    const dir = mkdtempSync(join(tmpdir(), "medhelm-governance-"));
    try {
      const file = join(dir, "table.parquet");
      writeFileSync(file, bytes);
      const [[row]] = await query(`SELECT count(*)::INTEGER AS hits FROM read_parquet(${sql(file)}) t WHERE CAST(t AS VARCHAR) LIKE '%${needle}%'`);
      return (row.hits as number) > 0;
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  }
  return Buffer.from(bytes).includes(needle);
}

/** The registry entries the fixture needs (a stub where a benchmark file does not exist yet). */
function stubRegistry(ids: string[]): Benchmark[] {
  return ids.map((id) => ({id, description: `${id} (fixture)`, data: {location: "local", files: ["missing"], dataset: id, license: "fixture"}}) as unknown as Benchmark);
}

describe("publishing restricted benchmarks", () => {
  it("the fixture really carries the canary in inputs, gold answers, outputs and judge explanations", async () => {
    const [[texts]] = await query(`
      SELECT
        (SELECT count(*) FROM read_parquet(${sql(join(fixture, "instances.parquet"))}) WHERE input_text LIKE '%${CANARY}%' AND gold_text LIKE '%${CANARY}%')::INTEGER AS instances,
        (SELECT count(*) FROM read_parquet(${sql(join(fixture, "completions.parquet"))}) WHERE output_text LIKE '%${CANARY}%')::INTEGER AS outputs,
        (SELECT count(*) FROM read_parquet(${sql(join(fixture, "judgments.parquet"))}) WHERE explanation LIKE '%${CANARY}%')::INTEGER AS explanations,
        (SELECT count(*) FROM read_parquet(${sql(join(fixture, "judgments.parquet"))}) WHERE reason LIKE '%${CANARY}%')::INTEGER AS reasons`);
    expect(texts).toEqual({instances: 2, outputs: 4, explanations: expect.any(Number), reasons: expect.any(Number)});
    expect(texts.explanations as number).toBeGreaterThan(0);
    expect(texts.reasons as number).toBeGreaterThan(0);
  });

  it("the built site contains no text of the gated benchmark, but its aggregate scores", async () => {
    const snapshot = snapshotSite(await ensureSite());
    const dist = snapshot.dir;
    try {
      const files = walk(dist);
      expect(files.some((f) => f.includes("/text/"))).toBe(true);
      const leaks: string[] = [];
      for (const file of files) if (await contains(file, new Uint8Array(readFileSync(file)), CANARY)) leaks.push(file);
      expect(leaks).toEqual([]);

      const [[expected]] = await query(`
        SELECT avg(value) AS value FROM read_parquet(${sql(join(fixture, "scores.parquet"))})
        WHERE benchmark = 'mimic_rrs' AND model = 'fixture/alpha' AND is_main`);
      const [cell] = builtTable(dist, "leaderboard").filter((d) => d.benchmark === "mimic_rrs" && d.label === "fixture/alpha" && d.is_main);
      expect(cell.access).toBe("gated");
      expect(cell.value as number).toBeCloseTo(expected.value as number, 12);
      expect(cell.ci_low).not.toBeNull();
    } finally {
      snapshot.remove();
    }
  }, 600_000);

  it("siteFiles() withholds restricted text by default and publishes it only when allowed", async () => {
    const input = {dirs: [fixture], registry: stubRegistry(["aci_bench", "mimic_rrs"]), dataDir: tmpdir(), seed: 0, resamples: 50, log: () => {}};
    const withheld = await siteFiles({...input, publishRestrictedText: false});
    for (const [name, bytes] of Object.entries(withheld)) expect(await contains(name, bytes, CANARY), name).toBe(false);
    const chunk = JSON.parse(Buffer.from(gunzipSync(withheld["text/mimic_rrs-0.json.gz"])).toString("utf8"));
    expect(chunk).toMatchObject({access: "gated", restricted: true, text_published: false});
    // The structure of each answer survives without its text: who answered, token counts, verdict scores.
    expect(chunk.instances).toHaveLength(1);
    expect(chunk.instances[0]).toMatchObject({input_text: null, gold_text: null, prompt_text: null});
    expect(chunk.completions.map((c: {label: string; output_text: unknown; input_tokens: unknown}) => [c.label, c.output_text, typeof c.input_tokens])).toEqual([
      ["fixture/alpha", null, "number"], ["fixture/beta", null, "number"]
    ]);
    expect(chunk.verdicts.length).toBeGreaterThan(0);
    expect(chunk.verdicts.every((v: {explanation: unknown}) => v.explanation === null)).toBe(true);
    // Public text is untouched.
    expect(Buffer.from(gunzipSync(withheld["text/aci_bench-0.json.gz"])).toString("utf8")).toMatch(/"input_text":"[A-Z]/);

    const published = await siteFiles({...input, publishRestrictedText: true});
    const leaked = [];
    for (const [name, bytes] of Object.entries(published)) if (await contains(name, bytes, CANARY)) leaked.push(name);
    expect(leaked.some((n) => n.startsWith("text/mimic_rrs-"))).toBe(true);
  }, 120_000);
});
