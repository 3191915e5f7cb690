import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{packages,services,docker,scripts,test}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.serverless/**', '**/.esbuild/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
