import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    // No AWS configuration but what each test sets, and never the instance metadata service.
    setupFiles: ['test/support/vitest-setup.ts'],
    // Two cores: integration tests start real servers and child processes.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
