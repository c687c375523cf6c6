// Opt-in soak (FGRUN_SOAK=1 npx vitest run test/faults/soak.test.ts): 1,000 requests with faults
// of every kind on a pool of 4, 50 in flight at a time. Every request must be answered once with
// its own result, and afterwards no process fgrun started (interpreters or their children) may be
// left, nor a zombie of ours. Prints the figures (requests, faults, wall time, processes, RSS).
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { createFunction, type Invocation } from '../../src/index.js';
import { liveProcessGroups } from '../../src/instance/index.js';
import { newestRuntime, runtimesFound } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';
import { stillRunning } from './processes.js';

const REQUESTS = Number(process.env.FGRUN_SOAK_REQUESTS ?? 1000);
const IN_FLIGHT = 50;
const KINDS = ['ok', 'log', 'raise', 'exit', 'segfault', 'child', 'child-exit', 'memory', 'sleep'] as const;
type Kind = (typeof KINDS)[number];

// A deterministic mix: mostly successes, ~22% faults, 5 timeouts.
function kindOf(i: number): Kind {
  if (i % 200 === 199) return 'sleep';
  const r = (i * 7919) % 100;
  if (r < 60) return 'ok';
  if (r < 70) return 'log';
  if (r < 78) return 'raise';
  if (r < 83) return 'exit';
  if (r < 87) return 'segfault';
  if (r < 93) return 'child';
  if (r < 96) return 'child-exit';
  return 'memory';
}

const STATUS: Record<Kind, string> = { ok: 'success', log: 'success', raise: 'error', exit: 'crash', segfault: 'crash', child: 'success', 'child-exit': 'crash', memory: 'oom', sleep: 'timeout' };

// Processes in any of `groups`, and zombies whose parent is this host.
function leftovers(groups: Set<number>): { inGroups: number[]; zombies: number[] } {
  const inGroups: number[] = [];
  const zombies: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z' && groups.has(Number(pgrp))) inGroups.push(Number(name));
      if (state === 'Z' && Number(ppid) === process.pid) zombies.push(Number(name));
    } catch {
      // gone
    }
  }
  return { inGroups, zombies };
}

const soakRuntimes = process.env.FGRUN_SOAK_ALL ? runtimesFound : newestRuntime ? [newestRuntime] : [];

describe.runIf(process.env.FGRUN_SOAK)('soak', () => {
  it.each(soakRuntimes.map((r) => [r.runtime, r] as const))('1,000 requests with faults on %s', async (_, runtime) => {
    const rssBefore = process.memoryUsage().rss;
    const fn = await createFunction({ code: fixture('fault-soak'), runtime: runtime.runtime, pythonPath: runtime.path, timeout: 3, memorySize: 128 }, { maxInstances: 4 });
    const t0 = performance.now();
    const answers: Invocation[] = new Array(REQUESTS);
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        const i = next++;
        answers[i] = await fn.invoke({ n: i, do: kindOf(i) }, { requestId: `soak-${i}` });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const wallMs = performance.now() - t0;
    const stats = fn.stats();
    await fn.close();
    const rssAfter = process.memoryUsage().rss;

    const pids = new Set<number>();
    const faults: Record<string, number> = {};
    answers.forEach((a, i) => {
      const kind = kindOf(i);
      expect([a.requestId, a.status]).toEqual([`soak-${i}`, STATUS[kind]]);
      if (a.status === 'success') {
        const r = a.result as { n: number; pid: number; child?: number };
        expect(r.n).toBe(i);
        pids.add(r.pid);
        if (r.child) pids.add(r.child);
      }
      for (const m of a.log.matchAll(/^child (\d+)$/gm)) pids.add(Number(m[1]));
      if (kind !== 'ok' && kind !== 'log' && kind !== 'child') faults[kind] = (faults[kind] ?? 0) + 1;
    });
    const groups = new Set([...pids].filter((p) => answers.some((a) => (a.result as { pid?: number } | null)?.pid === p)));
    const running = await stillRunning([...pids]);
    const left = leftovers(groups);
    const figures = {
      runtime: `${runtime.runtime} ${runtime.version}`, requests: REQUESTS, faults, faultTotal: Object.values(faults).reduce((a, b) => a + b, 0),
      wallSeconds: Math.round(wallMs) / 1000, instancesStarted: stats.started, peakInstances: stats.peakInstances,
      pidsChecked: pids.size, leftoverProcesses: running.length + left.inGroups.length, zombiesOfHost: left.zombies.length,
      liveGroups: liveProcessGroups().length, hostRssMb: { before: Math.round(rssBefore / 1048576), after: Math.round(rssAfter / 1048576) },
    };
    console.log(`soak figures: ${JSON.stringify(figures)}`);
    expect([running, left.inGroups, left.zombies, liveProcessGroups()]).toEqual([[], [], [], []]);
  }, 300_000);
});
