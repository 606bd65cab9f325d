/**
 * Reads the tables of a built site (Framework copies archive members to `_file/data/suite/` with
 * a content hash in the name), so that browser tests can compare a page with the data it shows.
 */
import {cpSync, mkdtempSync, readdirSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {tableFromIPC} from "apache-arrow";
import {gunzipSync} from "fflate";
import {afterAll, beforeAll} from "vitest";
import {startHarness, type Harness} from "./browser.ts";
import {ensureSite} from "./site-build.ts";

/**
 * The rows of `<name>.arrow` (or of the compressed `<name>.arrow.gz`, which Framework names
 * `<name>.arrow.<hash>.gz`) in the built site under `dist` (a folder such as `bench` may prefix the name).
 */
export function builtTable(dist: string, name: string): Array<Record<string, unknown>> {
  const slash = name.lastIndexOf("/");
  const dir = join(dist, "_file", "data", "suite", name.slice(0, slash + 1));
  const base = name.slice(slash + 1);
  const file = readdirSync(dir).find((f) => new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(\\.[0-9a-f]{8}\\.arrow|\\.arrow\\.[0-9a-f]{8}\\.gz)$`).test(f));
  if (!file) throw new Error(`built site lacks ${name}.arrow in ${dir}`);
  const bytes = readFileSync(join(dir, file));
  return tableFromIPC(file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toArray().map((row) => row.toJSON() as Record<string, unknown>);
}

/**
 * A private copy of the built site, so that a test file keeps serving the build it checked even
 * if another test run rebuilds the shared `dist-test/` meanwhile. Returns the copy and a remover.
 */
export function snapshotSite(dist: string): {dir: string; remove: () => void} {
  const dir = mkdtempSync(join(tmpdir(), "medhelm-site-copy-"));
  cpSync(dist, dir, {recursive: true});
  return {dir, remove: () => rmSync(dir, {recursive: true, force: true})};
}

/** The served private copy of the shared test build, filled in by `serveBuiltSite`'s hooks. */
export interface ServedSite {
  harness: Harness;
  dist: string;
}

/**
 * Registers hooks that build (once per test run) and serve a private copy of the test site for
 * the calling test file or `describe` block, and close it afterwards.
 */
export function serveBuiltSite(): ServedSite {
  const site = {} as ServedSite;
  let snapshot: ReturnType<typeof snapshotSite> | undefined;
  beforeAll(async () => {
    snapshot = snapshotSite(await ensureSite());
    site.dist = snapshot.dir;
    site.harness = await startHarness(site.dist);
  }, 600_000);
  afterAll(async () => {
    await site.harness?.close();
    snapshot?.remove();
  });
  return site;
}
