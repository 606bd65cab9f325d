/**
 * The shape of a `medhelm` sub-command. Each command lives in its own file under
 * `data-loaders/cli/commands/<name>.ts` and default-exports a `Command`; `cli.ts` discovers them by
 * file name, so adding a command touches one file.
 */
import {resolve} from "node:path";
import {parseArgs, type ParseArgsConfig} from "node:util";
import {loadConfig, type SuiteConfig} from "../runner/config.ts";

/** Where a command writes. Passed in so that tests capture output without spawning a process. */
export interface CommandIO {
  /** Machine-readable output and tables: the command's result. */
  stdout: (text: string) => void;
  /** Progress, warnings and errors: never parsed. */
  stderr: (text: string) => void;
  /** Working directory that relative paths resolve against. */
  cwd: string;
  /** Environment variables (secrets such as API keys come only from here). */
  env: Record<string, string | undefined>;
  /** True when stderr is an interactive terminal (live progress bars are drawn only then). */
  isTTY: boolean;
}

/** A `medhelm` sub-command. */
export interface Command {
  name: string;
  /** One line for `medhelm help`. */
  summary: string;
  /** Usage text printed by `medhelm <name> --help`. */
  usage: string;
  /** Runs the command with the arguments after its name; resolves to the process exit code. */
  run: (args: string[], io: CommandIO) => Promise<number>;
}

/** Thrown for bad invocations and configuration; the CLI prints the message without a stack and exits 2. */
export class UsageError extends Error {}

/** Node's `parseArgs`, with its errors (unknown flag, missing value, ...) reported as usage errors. */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A comma-separated flag as its non-empty, trimmed items; undefined when the flag is absent. */
export function listFlag(value: string | undefined): string[] | undefined {
  return value?.split(",").map((s) => s.trim()).filter(Boolean);
}

/**
 * An integer flag of at least `min` (0 by default); undefined when the flag is absent. Anything
 * else is a usage error naming the flag and the value given.
 */
export function integerFlag(value: string | undefined, flag: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be ${min === 0 ? "a non-negative integer" : `an integer of at least ${min}`}, got ${JSON.stringify(value)}`);
  if (Number(value) < min) throw new UsageError(`${flag} must be an integer of at least ${min}, got ${value}`);
  return Number(value);
}

/**
 * The result folders a `--results` flag names (comma-separated, relative to `cwd`), or
 * `fallback` when the flag is absent. A flag that names no folder is a usage error.
 */
export function resultFolders(flag: string | undefined, cwd: string, fallback: readonly string[] = []): string[] {
  if (flag === undefined) return [...fallback];
  const dirs = (listFlag(flag) ?? []).map((d) => resolve(cwd, d));
  if (!dirs.length) throw new UsageError("--results names no folder");
  return dirs;
}

/** The project's configuration as a command sees it: a bad configuration is a usage error naming the file and field. */
export function commandConfig(io: Pick<CommandIO, "cwd" | "env">, file: string | undefined): SuiteConfig {
  try {
    return loadConfig({cwd: io.cwd, env: io.env, file});
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
