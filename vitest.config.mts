import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Component tests run whole Pulumi programs under mocks and the nginx tests start real processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
