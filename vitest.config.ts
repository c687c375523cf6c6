import { defineConfig } from 'vitest/config';

// Files that need a process of their own (docs/testing.md, "How the suite runs"): each reads state a
// module keeps for the life of its process (a once-per-process notice, sweep or probe cache, its own descriptor count, the log
// folder under $TMPDIR, the cgroup switch) or sets the environment before the modules it tests load.
const OWN_PROCESS = [
  'test/build/**/*.test.ts',
  'test/runtimes/**/*.test.ts',
  'test/package/deep-zip.test.ts',
  'test/faults/escape-tree.test.ts',
  'test/faults/soak.test.ts',
  'test/instance/work-dir.test.ts',
  'test/http-function/host-port.test.ts',
  'test/platform/cgroup-prime.test.ts',
  'test/platform/cpu-budget.test.ts',
];

const shared = {
  testTimeout: 60_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    // Two workers on 2 cores. A third was ~10% faster here, but starves each worker more under load:
    // two CPU hogs beside it brought out a crash test's race with a 250 ms grace, since fixed (docs/testing.md).
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      // One pool run for both (the same groupOrder: no barrier between them); vitest queues projects
      // in name order, so 'own-process' files start first and the many short shared files even out the end.
      { test: { ...shared, name: 'own-process', include: OWN_PROCESS, isolate: true } },
      // The rest share a worker (and its imported modules) file after file.
      {
        test: {
          ...shared, name: 'shared', include: ['test/**/*.test.ts'], exclude: OWN_PROCESS, isolate: false,
          setupFiles: ['test/helpers/restore-env.ts'],
        },
      },
    ],
  },
});
