import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'src/**/*.test.ts',
            'src/**/*.test.tsx',
            'signaling/**/*.test.ts',
            'test/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each file launches two Chromium instances; two cores cannot run more at once.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'nat',
          include: ['test/nat/**/*.nat.ts'],
          environment: 'node',
          // A session that must fail takes the peer connection's 20 s timeout (src/rtc/peer-connection.ts); launches add a few seconds.
          testTimeout: 90_000,
          hookTimeout: 60_000,
          // Each file builds namespaces and launches two Chromium instances: one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
