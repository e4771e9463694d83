import { defineConfig } from "vitest/config";

// The local cluster's own checks (`npm run test:cluster`): the cluster is stopped, killed and restarted under them, so
// everything runs in order, once, and only where a cluster may be taken down (CI, or on request).
export default defineConfig({
  test: {
    include: ["test/cluster/**/*.cluster.ts"],
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 10 * 60_000,
    hookTimeout: 15 * 60_000,
  },
});
