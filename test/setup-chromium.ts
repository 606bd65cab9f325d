/**
 * vitest globalSetup: makes sure the browser tests have a Chromium that starts, before any test
 * runs. It finds one (see chromium.ts), installs Debian's when it may, and otherwise stops the
 * run at once with one line naming what to do, instead of every browser test failing on its own.
 * The path is handed to the test processes in CHROMIUM_PATH.
 */
import {spawnSync} from "node:child_process";
import {chromium} from "playwright-core";
import {APT_INSTALL, CHROMIUM_ARGS, localMachine, planBrowser} from "./chromium.ts";

/** Prints one line and ends the test run. */
function stop(line: string): never {
  process.stderr.write(`\n${line}\n\n`);
  process.exit(1);
}

export default async function setup(): Promise<void> {
  let plan = planBrowser(localMachine());
  if (plan.kind === "install") {
    process.stderr.write(`No Chromium found for the browser tests; installing Debian's: ${plan.shown}\n`);
    for (const [command, ...args] of plan.commands) {
      const done = spawnSync(command, args, {stdio: ["ignore", "inherit", "inherit"], env: {...process.env, DEBIAN_FRONTEND: "noninteractive"}});
      if (done.status !== 0) stop(`Installing Chromium failed (${[command, ...args].join(" ")} exited with ${done.status ?? done.error?.message}): run \`${plan.shown}\` yourself, or set CHROMIUM_PATH to a Chromium or Chrome executable`);
    }
    plan = planBrowser(localMachine());
    if (plan.kind !== "found") stop(`Chromium was installed but not found afterwards: set CHROMIUM_PATH to its executable`);
  }
  if (plan.kind === "fail") stop(plan.message);
  const {path, source} = plan;
  try {
    const browser = await chromium.launch({executablePath: path, args: CHROMIUM_ARGS, timeout: 60_000});
    await browser.close();
  } catch (error) {
    const reason = String((error as Error).message).split("\n").find((l) => l.trim()) ?? "unknown error";
    const fix = source === "CHROMIUM_PATH" ? "point CHROMIUM_PATH at a working Chromium or Chrome executable, or unset it" : `set CHROMIUM_PATH to a working Chromium or Chrome executable, or reinstall Debian's (${APT_INSTALL})`;
    stop(`Chromium at ${path} (from ${source}) does not start (${reason}): ${fix}`);
  }
  process.env.CHROMIUM_PATH = path;
}
