import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/helpers/setup.ts"],
    globalSetup: ["test/helpers/global-setup.ts"],
    pool: "forks",
    // Timeouts only turn a hang into a failure; tests wait on state, never on the clock, so a
    // loaded machine makes them slow, not red. 30 s was reached by healthy runs under a CPU hog.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // e2e tests spawn real processes; two cores, so keep parallelism modest.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
