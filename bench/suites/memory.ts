// The host's (Node's) memory per warm instance: the slope of Node's RSS over batches of instances
// started and kept warm (a slope, so the heap's own ups and downs average out).
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { figure, type Figure } from '../figures.js';
import type { Plan } from '../plan.js';
import { benchEvent, benchFunction, invokeOk } from '../subjects.js';
import { type FunctionHandle, liveProcessGroups, type RuntimeInfo } from '../fgrun.js';

const MB = 1024 * 1024;
const BATCHES = 3;

// Full garbage collections once the pipes settled, so the figures hold live memory only; `rounds`
// more after the other benchmarks' garbage (V8 gives pages back to the system in the background).
async function settle(rounds = 1): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < rounds; i++) {
    await new Promise((r) => setTimeout(r, 50));
    gc();
  }
}

// VmRSS of a process in bytes (0 when /proc cannot tell).
function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

// `count` warm instances: count concurrent invokes on a pool of that size, a few times over.
async function warmInstances(runtime: RuntimeInfo, count: number): Promise<FunctionHandle> {
  const fn = await benchFunction('bench-echo', runtime, count);
  for (let round = 0; round < 3; round++) await Promise.all(Array.from({ length: count }, (_, i) => invokeOk(fn, benchEvent(i))));
  return fn;
}

// Least-squares slope of y over x.
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

export async function hostMemory(runtime: RuntimeInfo, plan: Plan): Promise<Figure[]> {
  const n = plan.memoryInstances;
  // Once before measuring: code paths, caches and the pipes' first buffers are then in place.
  await (await warmInstances(runtime, n)).close();
  await settle(6);
  const groupsBefore = new Set(liveProcessGroups());
  const rss: Array<[number, number]> = [[0, process.memoryUsage().rss]];
  const js: Array<[number, number]> = [[0, heapOf(process.memoryUsage())]];
  const handles: FunctionHandle[] = [];
  try {
    for (let b = 1; b <= BATCHES; b++) {
      handles.push(await warmInstances(runtime, n));
      await settle();
      const m = process.memoryUsage();
      rss.push([b * n, m.rss]);
      js.push([b * n, heapOf(m)]);
    }
    const pids = liveProcessGroups().filter((pid) => !groupsBefore.has(pid));
    const python = pids.reduce((sum, pid) => sum + rssOf(pid), 0) / Math.max(1, pids.length);
    const base = { label: "the Python instance's own RSS", value: python / MB };
    const instances = BATCHES * n;
    return [
      figure('memory.host', 'host memory per warm instance (RSS)', 'MB', slope(rss) / MB, base, instances),
      figure('memory.js', 'host JS heap + external per instance', 'MB', slope(js) / MB, base, instances),
    ];
  } finally {
    await Promise.all(handles.map((h) => h.close()));
  }
}

function heapOf(m: NodeJS.MemoryUsage): number {
  return m.heapUsed + m.external;
}
