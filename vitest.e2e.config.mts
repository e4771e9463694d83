import { defineConfig } from "vitest/config";

// The real-engine journey (`npm run e2e`): stacks, containers and load are real, so everything runs in order, once.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 15 * 60_000,
    hookTimeout: 20 * 60_000,
  },
});
