// Wall-clock dates for performance.now() readings, so a request reads one clock (performance.now()
// at its start) and its Start/Finish lines still carry the wall time. The offset between the two
// clocks is re-read when a date is made more than a second after the last reading (NTP steps it;
// a suspended machine's monotonic clock stands still), and dates are made only when a log renders.
import { performance } from 'node:perf_hooks';

const RESYNC_MS = 1000;
let offset = Date.now() - performance.now();
let syncedAt = performance.now();

// The wall-clock Date of a performance.now() reading `at`.
export function wallDate(at: number): Date {
  const now = performance.now();
  if (now - syncedAt > RESYNC_MS) {
    offset = Date.now() - now;
    syncedAt = now;
  }
  return new Date(offset + at);
}
