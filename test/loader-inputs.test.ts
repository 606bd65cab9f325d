import {readdirSync, readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {cachedOutputs, changedInputs, folderDigest, freshness, LOADERS, loaderInputs, staleMessage, type InputFiles} from "../data-loaders/site/loader-inputs.ts";

/** An in-memory project: files by absolute path, with a size and modification time each. */
function files(tree: Record<string, string | {size: number; mtimeMs: number}>): InputFiles {
  const entries = Object.entries(tree);
  const isDir = (path: string) => entries.some(([p]) => p.startsWith(`${path}/`));
  return {
    read: (path) => (typeof tree[path] === "string" ? new TextEncoder().encode(tree[path] as string) : null),
    stat: (path) => {
      const v = tree[path];
      if (v !== undefined) return typeof v === "string" ? {size: v.length, mtimeMs: 1, directory: false} : {...v, directory: false};
      return isDir(path) ? {size: 0, mtimeMs: 0, directory: true} : null;
    },
    list: (dir) => [...new Set(entries.filter(([p]) => p.startsWith(`${dir}/`)).map(([p]) => p.slice(dir.length + 1).split("/")[0]))]
  };
}

const suite = LOADERS.find((l) => l.target === "data/suite.tar")!;
const paper = LOADERS.find((l) => l.target === "data/paper.zip")!;
const project = {
  "/p/src/data/suite.tar.ts": "shim",
  "/p/src/data/paper.zip.ts": "shim",
  "/p/data-loaders/runner/run.ts": "engine",
  "/p/data-loaders/models/openai.ts": "client",
  "/p/reference/prices.json": "{}",
  "/p/package-lock.json": "{}",
  "/p/benchmarks/med_qa.ts": "medqa v1",
  "/p/benchmarks/clear.ts": "clear v1",
  "/p/benchmarks/data/med_qa/q.jsonl": {size: 10, mtimeMs: 5},
  "/p/data/clear/notes.csv": {size: 100, mtimeMs: 7},
  "/p/results/helm/scores.parquet": {size: 50, mtimeMs: 9}
};
const inputsOf = (tree: typeof project | Record<string, string | {size: number; mtimeMs: number}>, env: Record<string, string | undefined> = {}, spec = suite) =>
  loaderInputs(spec, {root: "/p", cwd: "/p", env, fs: files(tree)});
const withConfig = (config: object, extra: Record<string, string | {size: number; mtimeMs: number}> = {}) => ({...project, "/p/medhelm.config.json": JSON.stringify(config), ...extra});
const changes = (before: Record<string, string>, after: Record<string, string>) => changedInputs(before, after);

describe("the suite loader's inputs", () => {
  const base = withConfig({models: ["baseline/constant"], site: {include: ["results/helm"]}});
  it("are the same when nothing changed", () => {
    expect(changes(inputsOf(base), inputsOf(base))).toEqual([]);
  });
  it("name the configuration file when it changes", () => {
    const after = withConfig({models: ["baseline/constant", "local/m"], site: {include: ["results/helm"]}});
    expect(changes(inputsOf(base), inputsOf(after))).toEqual(["medhelm.config.json changed"]);
  });
  it("follow MEDHELM_CONFIG to another file, and name the variable", () => {
    const tree = {...base, "/p/other.json": JSON.stringify({limit: 3})};
    expect(changes(inputsOf(tree), inputsOf(tree, {MEDHELM_CONFIG: "other.json"}))).toEqual(["other.json added", "$MEDHELM_CONFIG changed", "medhelm.config.json removed", "result folder results/helm removed"]);
  });
  it("name a MedHELM-format benchmark's YAML, its CSV beside it, and a benchmarkDirs folder when they change", () => {
    const yaml = {...base, "/p/benchmarks/triage.yaml": "name: triage", "/p/benchmarks/triage/data.csv": "q,correct_answer\n"};
    expect(changes(inputsOf(yaml), inputsOf({...yaml, "/p/benchmarks/triage.yaml": "name: triage v2"}))).toEqual(["benchmarks/triage.yaml changed"]);
    expect(changes(inputsOf(yaml), inputsOf({...yaml, "/p/benchmarks/triage/data.csv": "q,correct_answer\nx,y\n"}))).toEqual(["benchmarks/ (families, prompts, CSVs) changed"]);
    const team = withConfig({benchmarkDirs: ["team"]}, {"/p/team/ed.yaml": "name: ed", "/p/team/ed.txt": "Question: {q}"});
    expect(changes(inputsOf(team), inputsOf({...team, "/p/team/ed.txt": "Q: {q}"}))).toEqual(["benchmark folder team changed"]);
  });
  it("name OPENAI_BASE_URL when it is set or changed", () => {
    const before = inputsOf(base);
    const set = inputsOf(base, {OPENAI_BASE_URL: "http://127.0.0.1:9/v1"});
    expect(changes(before, set)).toEqual(["$OPENAI_BASE_URL changed"]);
    expect(changes(set, inputsOf(base, {OPENAI_BASE_URL: "http://127.0.0.1:10/v1"}))).toEqual(["$OPENAI_BASE_URL changed"]);
  });
  it("record whether a key is set, never its value, for OPENAI_API_KEY and the variables endpoints name", () => {
    const config = withConfig({endpoints: {azure: {baseURL: "http://127.0.0.1:9", apiKeyEnv: "AZ_KEY"}}});
    const a = inputsOf(config, {OPENAI_API_KEY: "sk-one", AZ_KEY: "secret-one"});
    const b = inputsOf(config, {OPENAI_API_KEY: "sk-two", AZ_KEY: "secret-two"});
    expect(a["$OPENAI_API_KEY (set or not)"]).toBe("set");
    expect(a["$AZ_KEY (set or not)"]).toBe("set");
    expect(changes(a, b)).toEqual([]);
    expect(JSON.stringify(a)).not.toMatch(/sk-one|secret-one/);
    expect(changes(a, inputsOf(config, {AZ_KEY: "secret-one"}))).toEqual(["$OPENAI_API_KEY (set or not) changed"]);
  });
  it("name the benchmark file that was edited", () => {
    expect(changes(inputsOf(base), inputsOf({...base, "/p/benchmarks/clear.ts": "clear v2"}))).toEqual(["benchmarks/clear.ts changed"]);
  });
  it("name a new benchmark file", () => {
    expect(changes(inputsOf(base), inputsOf({...base, "/p/benchmarks/ours.ts": "ours"}))).toEqual(["benchmarks/ours.ts added"]);
  });
  it("name the data folder when a file is added to it or rewritten (by size or time, not content)", () => {
    expect(changes(inputsOf(base), inputsOf({...base, "/p/data/medalign/a.json": {size: 3, mtimeMs: 1}}))).toEqual(["data folder data changed"]);
    expect(changes(inputsOf(base), inputsOf({...base, "/p/data/clear/notes.csv": {size: 100, mtimeMs: 8}}))).toEqual(["data folder data changed"]);
  });
  it("read the data folder from MEDHELM_DATA_DIR, and from dataDir in the file before it", () => {
    const tree = {...base, "/p/gated/x.csv": {size: 1, mtimeMs: 1}};
    expect(Object.keys(inputsOf(tree, {MEDHELM_DATA_DIR: "/p/gated"}))).toContain("data folder gated");
    expect(Object.keys(inputsOf(withConfig({dataDir: "elsewhere"}), {MEDHELM_DATA_DIR: "/p/gated"}))).toContain("data folder elsewhere");
  });
  it("name an included result folder whose tables changed", () => {
    expect(changes(inputsOf(base), inputsOf({...base, "/p/results/helm/scores.parquet": {size: 51, mtimeMs: 10}}))).toEqual(["result folder results/helm changed"]);
  });
  it("name the engine code, shipped benchmark data and the loader script when they change", () => {
    const after = {...base, "/p/data-loaders/models/openai.ts": "client v2", "/p/benchmarks/data/med_qa/q.jsonl": {size: 11, mtimeMs: 6}, "/p/src/data/suite.tar.ts": "shim v2"};
    expect(changes(inputsOf(base), inputsOf(after))).toEqual(["src/data/suite.tar.ts changed", "engine code (data-loaders/) changed", "benchmarks/data/ changed"]);
  });
  it("survive a configuration that is not valid JSON (the loader reports it), naming the file", () => {
    const broken = {...base, "/p/medhelm.config.json": "{\"models\": ["};
    expect(changes(inputsOf(base), inputsOf(broken))).toEqual(["medhelm.config.json changed", "result folder results/helm removed"]);
  });
});

describe("a loader that reads no configuration", () => {
  it("ignores the configuration, the variables and the data folder", () => {
    const before = inputsOf(withConfig({limit: 1}), {}, paper);
    const after = inputsOf({...withConfig({limit: 2}), "/p/data/new/x": {size: 1, mtimeMs: 1}}, {OPENAI_BASE_URL: "http://x"}, paper);
    expect(changes(before, after)).toEqual([]);
  });
  it("re-runs when the engine code changes", () => {
    expect(changes(inputsOf(project, {}, paper), inputsOf({...project, "/p/data-loaders/runner/run.ts": "engine v2"}, {}, paper))).toEqual(["engine code (data-loaders/) changed"]);
  });
});

describe("deciding whether a cached output is reused", () => {
  const now = {"a": "1", "b": "2"};
  it("is missing without a cached output, whatever the record says", () => {
    expect(freshness(false, now, now)).toEqual({state: "missing"});
  });
  it("is fresh when the record matches the inputs", () => {
    expect(freshness(true, {...now}, now)).toEqual({state: "fresh"});
  });
  it("is stale without a record (an output cached before records existed, or by another tool)", () => {
    expect(freshness(true, null, now)).toEqual({state: "stale", reasons: ["no record of the inputs of its cached output"]});
  });
  it("is stale naming each changed, added and removed input", () => {
    expect(freshness(true, {a: "0", c: "3"}, now)).toEqual({state: "stale", reasons: ["a changed", "b added", "c removed"]});
  });
  it("says in one line which inputs changed, shortening long lists", () => {
    expect(staleMessage("suite", ["medhelm.config.json changed"])).toBe("suite re-run: medhelm.config.json changed");
    expect(staleMessage("suite", ["a changed", "b changed", "c changed"], 2)).toBe("suite re-run: a changed, b changed, and 1 more");
  });
});

describe("folder digests", () => {
  const tree = files({"/d/a.txt": "x", "/d/sub/b.txt": "yy"});
  it("are 'absent' for a folder that does not exist", () => {
    expect(folderDigest("/nope", tree)).toBe("absent");
  });
  it("change with the content of a file when content is asked for, not otherwise", () => {
    const edited = files({"/d/a.txt": "z", "/d/sub/b.txt": "yy"});
    expect(folderDigest("/d", tree, true)).not.toBe(folderDigest("/d", edited, true));
    expect(folderDigest("/d", tree)).toBe(folderDigest("/d", edited));
  });
});

describe("the list of loaders", () => {
  it("names every loader in src/data/, and each records its inputs through runLoader", () => {
    const scripts = readdirSync("src/data").filter((f) => f.endsWith(".ts")).map((f) => `src/data/${f}`).sort();
    expect(LOADERS.map((l) => l.script).sort()).toEqual(scripts);
    for (const spec of LOADERS) {
      expect(spec.script).toBe(`src/${spec.target}.ts`);
      expect(readFileSync(spec.script, "utf8")).toContain(`runLoader("${spec.target}"`);
    }
  });
});

describe("a loader's cached outputs", () => {
  it("include the folder of an archive's extracted members, for tar as for zip, which Framework would otherwise reuse", () => {
    expect(cachedOutputs("/p", suite)).toEqual(["/p/src/.observablehq/cache/data/suite.tar", "/p/src/.observablehq/cache/data/suite"]);
    expect(cachedOutputs("/p", paper)).toEqual(["/p/src/.observablehq/cache/data/paper.zip", "/p/src/.observablehq/cache/data/paper"]);
    expect(cachedOutputs("/p", LOADERS.find((l) => l.target === "data/taxonomy.json")!)).toEqual(["/p/src/.observablehq/cache/data/taxonomy.json"]);
  });
});
