/**
 * The `medhelm` command line: `medhelm <command> [options]`. Commands are discovered from
 * `data-loaders/cli/commands/*.ts`; each is one file default-exporting a `Command`.
 */
import {readdirSync} from "node:fs";

import {UsageError, type Command, type CommandIO} from "./command.ts";

const commandsDir = new URL("./commands/", import.meta.url);

/** Every available command, by name. */
export async function loadCommands(): Promise<Map<string, Command>> {
  const commands = new Map<string, Command>();
  for (const file of readdirSync(commandsDir).filter((f) => f.endsWith(".ts")).sort()) {
    const command = (await import(new URL(file, commandsDir).href)).default as Command;
    commands.set(command.name, command);
  }
  return commands;
}

function help(commands: Map<string, Command>): string {
  const lines = [...commands.values()].map((c) => `  ${c.name.padEnd(12)} ${c.summary}`);
  return `usage: medhelm <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nRun "medhelm <command> --help" for a command's options.\n`;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: CommandIO): Promise<number> {
  const commands = await loadCommands();
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    io.stdout(help(commands));
    return name ? 0 : 2;
  }
  const command = commands.get(name);
  if (!command) {
    io.stderr(`medhelm: unknown command: ${name}\n${help(commands)}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`medhelm ${name}: ${error.message}\n`);
      return 2;
    }
    io.stderr(`medhelm ${name}: ${(error as Error).message}\n`);
    return 1;
  }
}

/** The process-bound IO of a real invocation. */
export function processIO(): CommandIO {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stderr.isTTY)
  };
}

