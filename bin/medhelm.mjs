#!/usr/bin/env node
// Entry point of `npx medhelm`: registers tsx so the TypeScript engine runs without a build step.
import {register} from "tsx/esm/api";

register();
const {main, processIO} = await import("../data-loaders/cli/cli.ts");
process.exitCode = await main(process.argv.slice(2), processIO());
