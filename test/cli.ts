/** Runs the `medhelm` CLI as a real process, the way a user does, for end-to-end tests. */
import {execFile} from "node:child_process";
import {join} from "node:path";
import {promisify} from "node:util";

const exec = promisify(execFile);
const bin = join(process.cwd(), "bin/medhelm.mjs");

/**
 * Runs `medhelm <args>` in `cwd` with only PATH, HOME and `env` in its environment, so that no
 * endpoint or key of the developer's shell leaks into a test. Rejects on a non-zero exit with
 * `stdout` and `stderr` on the error.
 */
export function medhelm(args: string[], {cwd = process.cwd(), env = {}}: {cwd?: string; env?: Record<string, string>} = {}): Promise<{stdout: string; stderr: string}> {
  return exec(process.execPath, [bin, ...args], {cwd, env: {PATH: process.env.PATH!, HOME: process.env.HOME ?? "", ...env}, maxBuffer: 64 * 1024 * 1024});
}
