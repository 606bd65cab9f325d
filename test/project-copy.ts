/**
 * A private copy of the project (its tracked and new files, with `node_modules` linked), for
 * tests that build the site and change its inputs: configuration, benchmark files, result
 * folders. Building in a copy keeps those changes and Framework's cache away from the working
 * tree, where other test files build the shared test site at the same time.
 */
import {execFile} from "node:child_process";
import {copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync} from "node:fs";
import {tmpdir} from "node:os";
import {dirname, join, resolve} from "node:path";
import {promisify} from "node:util";

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, "..");

/** A copy of the project and how to remove it. */
export interface ProjectCopy {
  dir: string;
  remove: () => void;
}

/** Copies the project's files (as `git ls-files` lists them, untracked ones included) to a temporary folder. */
export async function copyProject(): Promise<ProjectCopy> {
  const dir = mkdtempSync(join(tmpdir(), "medhelm-project-"));
  const {stdout} = await exec("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {cwd: root, maxBuffer: 1 << 26});
  for (const file of stdout.split("\0").filter(Boolean)) {
    mkdirSync(dirname(join(dir, file)), {recursive: true});
    try {
      copyFileSync(join(root, file), join(dir, file));
    } catch (error) {
      // A file deleted in the working tree but not yet in the index is not part of the project.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  return {dir, remove: () => rmSync(dir, {recursive: true, force: true})};
}

/** The result of `npm run build` in a copy: exit code and the whole log. */
export interface BuildResult {
  code: number;
  log: string;
}

/**
 * Runs `npm run build` in `dir` with `env` on top of an environment stripped of the variables
 * the suite reads, so the developer's own settings never leak into the test.
 */
export async function buildProject(dir: string, env: Record<string, string> = {}): Promise<BuildResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(MEDHELM_|OPENAI_)/.test(k)));
  try {
    const {stdout, stderr} = await exec("npm", ["run", "build"], {cwd: dir, env: {...base, ...env}, maxBuffer: 256 * 1024 * 1024});
    return {code: 0, log: stdout + stderr};
  } catch (error) {
    const e = error as {code?: number; stdout?: string; stderr?: string};
    return {code: typeof e.code === "number" ? e.code : 1, log: `${e.stdout ?? ""}${e.stderr ?? ""}`};
  }
}
