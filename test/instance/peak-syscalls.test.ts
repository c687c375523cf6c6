// The per-request memory peak costs one syscall (getrusage) while requests fault no page, and reads
// the exact peak (VmHWM) when one did: counted in the bootstrap's own PeakRss, in-process.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/fixtures.js';
import { describeEachRuntime } from '../helpers/runtimes.js';

// reset() + peak_kb() as the runner calls them around each request, with every syscall PeakRss
// makes counted: os.write (clear_refs), the /proc reads, getrusage.
const COUNT = `
import json, os, sys
sys.path[:0] = [sys.argv[1]]
import fgrun_peak
calls = []
def counting(name, fn):
    def wrapped(*args):
        calls.append(name)
        return fn(*args)
    return wrapped
fgrun_peak.os.write = counting("write", os.write)
fgrun_peak._read_at_start = counting("read", fgrun_peak._read_at_start)
rss = fgrun_peak.PeakRss()
rss.rusage = counting("getrusage", rss.rusage)
quiet = []
for i in range(200):
    del calls[:]
    rss.reset()
    rss.peak_kb()
    quiet.append(len(calls))
del calls[:]
rss.reset()
block = bytearray(64 * 1024 * 1024)
for i in range(0, len(block), 4096):
    block[i] = 1
grown = rss.peak_kb()
grown_calls = list(calls)
del block
del calls[:]
rss.reset()
after = rss.peak_kb()
print(json.dumps({"quiet": quiet, "grown": grown, "grownCalls": grown_calls, "after": after, "afterCalls": list(calls)}))
`;

describeEachRuntime('memory peak syscalls', (runtime) => {
  it('costs one getrusage per request that faults nothing; the exact peak after one that grew, then a new baseline', () => {
    const out = JSON.parse(execFileSync(runtime.path, ['-c', COUNT, join(ROOT, 'bootstrap')], { encoding: 'utf8' })) as {
      quiet: number[]; grown: number; grownCalls: string[]; after: number; afterCalls: string[];
    };
    // The loop itself may fault now and then (a new page for Python's own objects): the common case.
    expect(out.quiet.filter((n) => n === 1).length).toBeGreaterThanOrEqual(180);
    expect(Math.max(...out.quiet)).toBeLessThanOrEqual(5);
    expect(out.grown).toBeGreaterThanOrEqual(64 * 1024);
    expect(out.grownCalls).toEqual(['getrusage', 'read']);
    // A new baseline (clear_refs, statm, the fault count), then the freed block is not counted.
    expect(out.afterCalls.slice(0, 3)).toEqual(['write', 'read', 'getrusage']);
    expect(out.after).toBeLessThan(out.grown - 32 * 1024);
  });
});
