/**
 * Builds the site once for all browser tests, even when vitest runs test files in parallel
 * processes: the first caller takes a lock (an atomic mkdir), builds into `dist-test/`, and writes
 * a stamp; the others wait for the stamp. The build uses a fixed test configuration: the offline
 * baselines on a limited run, plus every result folder under `test/fixtures/site-include/`
 * (for example a fixture run with a gated benchmark, used by the data-governance test).
 */
import {execFile} from "node:child_process";
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {join, resolve} from "node:path";
import {promisify} from "node:util";

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, "..");
/** Where the test site is built. */
export const TEST_DIST = join(root, "dist-test");
const work = join(root, ".medhelm", "site-test");
const lock = join(work, "lock");
const stamp = join(work, "stamp.json");
const includeRoot = join(root, "test", "fixtures", "site-include");

/** Instances per benchmark in the test build. */
export const TEST_LIMIT = 40;

/** The configuration the test site is built with. */
export function testSiteConfig() {
  const include = existsSync(includeRoot) ? readdirSync(includeRoot).map((d) => join(includeRoot, d)) : [];
  // A small clinician study of a loopback run, for the agreement page's own-study section.
  const clinicians = {ratings: join(root, "test", "fixtures", "clinician-study", "S"), results: [join(root, "test", "fixtures", "clinician-study", "R")]};
  return {limit: TEST_LIMIT, outDir: join(work, "results"), cacheDir: join(work, "cache"), site: {include}, clinicians};
}

async function build(): Promise<void> {
  const config = join(work, "medhelm.config.json");
  writeFileSync(config, JSON.stringify(testSiteConfig()));
  // Framework reuses cached loader output during a build; drop it so the test config is used.
  rmSync(join(root, "src/.observablehq/cache/data"), {recursive: true, force: true});
  const env = {...process.env, MEDHELM_CONFIG: config, MEDHELM_SITE_OUT: TEST_DIST, OPENAI_BASE_URL: "", OPENAI_API_KEY: ""};
  try {
    await exec("npm", ["run", "build"], {cwd: root, env, maxBuffer: 256 * 1024 * 1024});
  } finally {
    rmSync(join(root, "src/.observablehq/cache/data"), {recursive: true, force: true});
  }
}

/** Ensures `dist-test/` holds a fresh test build made by this test run; returns its path. */
export async function ensureSite(): Promise<string> {
  mkdirSync(work, {recursive: true});
  // A stamp from an earlier vitest invocation is stale: the run id of this invocation must match.
  const runTag = process.env.VITEST_RUN_TAG ?? String(process.ppid);
  const fresh = () => existsSync(stamp) && JSON.parse(readFileSync(stamp, "utf8")).runTag === runTag;
  if (fresh()) return TEST_DIST;
  let owner = false;
  try {
    mkdirSync(lock);
    owner = true;
  } catch {
    // Another process is building; wait for its stamp (or for the lock to disappear on failure).
  }
  if (owner) {
    try {
      if (!fresh()) {
        rmSync(stamp, {force: true});
        await build();
        writeFileSync(stamp, JSON.stringify({runTag, builtAt: new Date().toISOString()}));
      }
    } finally {
      rmSync(lock, {recursive: true, force: true});
    }
    return TEST_DIST;
  }
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    if (fresh()) return TEST_DIST;
    if (!existsSync(lock)) return ensureSite();
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("timed out waiting for the test site build");
}
