import { defineConfig } from 'vitest/config';

// MLOPS_TEST_REPORT=<file> adds a JSON report (read by .ci/run for its closing "N passed, N failed" line).
const jsonReport = process.env.MLOPS_TEST_REPORT;

export default defineConfig({
  test: {
    include: ['{packages,services,docker,scripts,test}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.serverless/**', '**/.esbuild/**'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // The functions' Powertools logs and metrics stay quiet in tests (assertions read records, not logs).
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
