// For tests that count which invokes linger and which go through the mapped channel: the host's
// pause while the interpreter waits for the host's own CPU (src/instance/linger.ts SHARED_CPU_MS, a
// loaded machine's doing; its own test is test/instance/shared-cpu.test.ts) is taken out, so that
// lingering follows the caller's pace alone.
import type { Instance } from '../../src/instance/index.js';

export function unpaused(instance: Instance): Instance {
  (instance as unknown as { pace: { placement: unknown } }).pace.placement = null;
  return instance;
}
