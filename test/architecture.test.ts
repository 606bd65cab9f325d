/**
 * The direction of dependencies between the engine's folders, checked on the real import graph.
 * Each folder of `data-loaders/` may import only the folders listed for it here (and itself);
 * the READMEs in those folders say the same in words. Pages never import the engine: only the
 * loaders in `src/data/` run engine code, at build time.
 */
import {readdirSync, readFileSync, statSync} from "node:fs";
import {dirname, join, normalize, relative} from "node:path";
import {describe, expect, it} from "vitest";

const root = process.cwd();

/** Folders of ours a folder may import. A folder not listed here may import nothing of ours. */
const ALLOWED: Record<string, string[]> = {
  "data-loaders/formats": [],
  "data-loaders/stats": [],
  "data-loaders/concurrency": [],
  "data-loaders/cost": [],
  "data-loaders/benchmark": ["data-loaders/formats", "data-loaders/stats", "data-loaders/cache", "data-loaders/metrics"],
  "data-loaders/cache": ["data-loaders/benchmark"],
  "data-loaders/models": ["data-loaders/benchmark", "data-loaders/concurrency", "data-loaders/stats", "data-loaders/cache"],
  "data-loaders/metrics": ["data-loaders/benchmark", "data-loaders/formats", "data-loaders/stats", "data-loaders/cache", "data-loaders/concurrency", "data-loaders/models"],
  "data-loaders/runner": ["data-loaders/benchmark", "data-loaders/cache", "data-loaders/concurrency", "data-loaders/cost", "data-loaders/formats", "data-loaders/metrics", "data-loaders/models", "data-loaders/stats"],
  "data-loaders/paper": ["data-loaders/benchmark", "data-loaders/stats", "data-loaders/cost", "data-loaders/formats", "data-loaders/cache"],
  "data-loaders/clinicians": ["data-loaders/benchmark", "data-loaders/stats", "data-loaders/formats", "data-loaders/metrics", "data-loaders/cost", "data-loaders/runner"],
  "data-loaders/helm": ["data-loaders/benchmark", "data-loaders/cache", "data-loaders/formats", "data-loaders/stats", "data-loaders/metrics", "data-loaders/cost"],
  "data-loaders/site": ["data-loaders/benchmark", "data-loaders/cache", "data-loaders/clinicians", "data-loaders/cost", "data-loaders/formats", "data-loaders/helm", "data-loaders/metrics", "data-loaders/models", "data-loaders/paper", "data-loaders/runner", "data-loaders/stats"],
  "data-loaders/cli": ["*"],
  "benchmarks": ["data-loaders/benchmark", "data-loaders/formats", "data-loaders/metrics", "benchmarks/families"],
  "benchmarks/families": ["data-loaders/benchmark", "data-loaders/formats", "data-loaders/metrics"],
  "src/data": ["*"],
  "src/pages": []
};

/** The folder a file belongs to for these rules. */
export function folderOf(file: string): string | null {
  const parts = file.split("/");
  if (parts[0] === "data-loaders") return parts.length > 2 ? `data-loaders/${parts[1]}` : "data-loaders";
  if (parts[0] === "benchmarks") return parts[1] === "families" ? "benchmarks/families" : parts.length === 2 ? "benchmarks" : null;
  if (parts[0] === "src") return parts[1] === "data" ? "src/data" : "src/pages";
  return null;
}

/** Relative specifiers of static and dynamic imports and re-exports in a source text. */
export function importsOf(source: string): string[] {
  return [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]);
}

/** Every import that crosses into a folder its folder may not import, as "a -> b" lines. */
export function wrongArrows(files: Record<string, string>): string[] {
  const wrong: string[] = [];
  for (const [file, source] of Object.entries(files)) {
    const from = folderOf(file);
    if (!from) continue;
    for (const specifier of importsOf(source)) {
      const target = normalize(join(dirname(file), specifier));
      const to = folderOf(target);
      if (!to || to === from) continue;
      const allowed = ALLOWED[from];
      if (allowed === undefined) wrong.push(`${file} -> ${target} (${from} has no rule; add it to ALLOWED)`);
      else if (!allowed.includes("*") && !allowed.includes(to)) wrong.push(`${file} -> ${target} (${from} may not import ${to})`);
    }
  }
  return wrong;
}

function sources(dir: string, out: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(join(root, dir))) {
    const path = `${dir}/${name}`;
    if (name === "node_modules" || name === ".observablehq" || path === "benchmarks/data") continue;
    if (statSync(join(root, path)).isDirectory()) sources(path, out);
    else if (/\.(ts|js|mjs|md)$/.test(name) && !name.endsWith(".d.ts") && name !== "README.md") out[path] = readFileSync(join(root, path), "utf8");
  }
  return out;
}

describe("dependency direction", () => {
  const files = {...sources("data-loaders"), ...sources("benchmarks"), ...sources("src")};

  it("holds for every import of the engine, the benchmarks and the pages", () => {
    expect(Object.keys(files).length).toBeGreaterThan(100);
    expect(wrongArrows(files)).toEqual([]);
  });

  it("gives every folder of data-loaders a rule, and leaves no module at its top level", () => {
    const folders = new Set(Object.keys(files).map(folderOf));
    for (const folder of folders) if (folder) expect(ALLOWED, `no rule for ${folder}`).toHaveProperty([folder]);
    expect(Object.keys(files).filter((f) => folderOf(f) === "data-loaders")).toEqual([]);
  });

  it("names both files of a planted wrong import: statistics reaching into the runner", () => {
    const planted = {...files, "data-loaders/stats/icc.ts": `${files["data-loaders/stats/icc.ts"]}\nimport {runSuite} from "../runner/run.ts";\n`};
    expect(wrongArrows(planted)).toEqual(["data-loaders/stats/icc.ts -> data-loaders/runner/run.ts (data-loaders/stats may not import data-loaders/runner)"]);
  });

  it("names a page that imports the engine", () => {
    expect(wrongArrows({"src/components/format.js": `import {catalogue} from "../../data-loaders/benchmark/taxonomy.ts";`})).toEqual([
      "src/components/format.js -> data-loaders/benchmark/taxonomy.ts (src/pages may not import data-loaders/benchmark)"
    ]);
  });

  it("keeps every folder of data-loaders at 20 modules or fewer", () => {
    const counts = new Map<string, number>();
    for (const file of Object.keys(files)) if (file.startsWith("data-loaders/") && file.endsWith(".ts")) counts.set(dirname(file), (counts.get(dirname(file)) ?? 0) + 1);
    for (const [folder, count] of counts) expect(count, folder).toBeLessThanOrEqual(20);
  });
});
