import {defineConfig} from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Finds (or installs) the browser before any test runs, or stops the run with one line.
    globalSetup: ["test/setup-chromium.ts"],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // Integration and browser tests start servers and Chromium; two workers match the two cores.
    pool: "forks",
    poolOptions: {forks: {maxForks: 2, minForks: 1}},
    env: {TZ: "UTC"}
  }
});
