import {defineConfig} from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // Integration and browser tests start servers and Chromium; two workers match the two cores.
    pool: "forks",
    poolOptions: {forks: {maxForks: 2, minForks: 1}},
    env: {TZ: "UTC"}
  }
});
