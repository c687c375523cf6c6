// The CPUs the host may keep busy (src/platform/cpu-budget.ts): its affinity, lowered to its
// cgroups' CFS quota, the lowest on the way up. A host whose budget is under two CPUs never lingers
// (the invoke frame says `"linger":false`): both sides spinning would burn a container's quota. A
// matrix runs as many runtimes at once as the budget has whole CPUs.
// Real cgroups where this machine lets the test make them (root, a cpu controller mounted); it says
// why it skips otherwise. This file moves its own process into a cgroup: it runs in a process of
// its own (vitest.config.ts).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import { Instance } from '../../src/instance/index.js';
import { cfsQuotaCpus, cpuMaxCpus } from '../../src/platform/cpu-budget.js';
import { cgroupCpuLimit, cpuBudget, cpuCgroup, cpuSlots } from '../../src/platform/index.js';
import { fixture } from '../helpers/fixtures.js';
import { invokeHeaders } from '../helpers/invoke-headers.js';
import { newestRuntime, runtimesFound } from '../helpers/runtimes.js';
import { fgrunInProcess } from '../helpers/cli-io.js';

it('reads a cgroup v2 cpu.max and a v1 quota over its period as CPUs', () => {
  expect(cpuMaxCpus('max 100000\n')).toBe(Infinity);
  expect(cpuMaxCpus('150000 100000\n')).toBe(1.5);
  expect(cpuMaxCpus('50000 100000')).toBe(0.5);
  expect(cpuMaxCpus('')).toBeNull();
  expect(cpuMaxCpus('0 100000')).toBeNull();
  expect(cfsQuotaCpus('-1\n', '100000\n')).toBe(Infinity);
  expect(cfsQuotaCpus('200000\n', '100000\n')).toBe(2);
  expect(cfsQuotaCpus('25000', '100000')).toBe(0.25);
  expect(cfsQuotaCpus('x', '100000')).toBeNull();
});

// A folder of our own under the host's cpu cgroup, or why there is none.
function makeable(): { root: string; version: 1 | 2 } | string {
  if (process.platform !== 'linux') return 'not Linux';
  const own = cpuCgroup('self');
  if (own === null) return 'no cpu controller mounted';
  const root = join(own.dir, `fgrun-test-${process.pid}`);
  try {
    mkdirSync(root);
    if (own.version === 2) readFileSync(join(root, 'cpu.max'));
    return { root, version: own.version };
  } catch (error) {
    try { rmdirSync(root); } catch { /* never made */ }
    return `cannot make a cpu cgroup here (${(error as NodeJS.ErrnoException).code})`;
  }
}

const made = makeable();
const where = typeof made === 'string' ? null : made;
const runtime = newestRuntime;

// Set a folder's limit: `cpus` CPUs per 100 ms period, or none (null).
function limit(dir: string, cpus: number | null): void {
  if (where!.version === 2) {
    writeFileSync(join(dir, 'cpu.max'), cpus === null ? 'max 100000' : `${Math.round(cpus * 100000)} 100000`);
    return;
  }
  writeFileSync(join(dir, 'cpu.cfs_period_us'), '100000');
  writeFileSync(join(dir, 'cpu.cfs_quota_us'), cpus === null ? '-1' : String(Math.round(cpus * 100000)));
}

describe.skipIf(where === null)(`a CPU quota (${typeof made === 'string' ? `skipped: ${made}` : `cgroup v${made.version}`})`, () => {
  const root = where?.root ?? '';
  const inner = join(root, 'inner');
  const home = cpuCgroup('self')?.dir ?? '';
  beforeAll(() => {
    limit(root, 1.5);
    mkdirSync(inner);
  });
  // Everything moved back home (the host and what it started inside: the instance's reaper lives
  // as long as the host), then both folders removed.
  afterAll(() => {
    for (const dir of [inner, root]) {
      for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'latin1').split('\n').filter(Boolean)) {
        try { writeFileSync(join(home, 'cgroup.procs'), pid); } catch { /* gone meanwhile */ }
      }
      rmdirSync(dir);
    }
  });

  it('gives the lowest limit from a process\'s cgroup up to the root', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(join(inner, 'cgroup.procs'), String(sleeper.pid));
      // Its folder, found from /proc/<pid>/cgroup and this namespace's mounts: the one made here.
      expect(cpuCgroup(sleeper.pid!)).toEqual({ version: where!.version, dir: inner, mount: cpuCgroup('self')!.mount });
      // Its own folder sets none: the parent's 1.5 CPUs hold.
      expect(cgroupCpuLimit(sleeper.pid!)).toBe(1.5);
      limit(inner, 0.5);
      expect(cgroupCpuLimit(sleeper.pid!)).toBe(0.5);
      limit(inner, null);
      expect(cgroupCpuLimit(sleeper.pid!)).toBe(1.5);
      // This process is not in it.
      expect(cgroupCpuLimit('self')).toBe(Infinity);
    } finally {
      sleeper.kill('SIGKILL');
      await new Promise<void>((resolve) => (sleeper.exitCode !== null || sleeper.signalCode !== null ? resolve() : sleeper.once('exit', () => resolve())));
    }
  });

  it.skipIf(runtime === undefined || availableParallelism() < 2)('never lingers in a host whose quota is under two CPUs (needs an interpreter and 2 CPUs)', async () => {
    // The host itself under the quota: its budget, read at first use, is 1.5.
    writeFileSync(join(root, 'cgroup.procs'), String(process.pid));
    expect(cpuBudget()).toBe(1.5);
    const instance = new Instance({ config: resolveConfig({ code: fixture('context-dump'), runtime: runtime!.runtime, pythonPath: runtime!.path }), runtime: runtime! });
    try {
      expect((await instance.start()).kind).toBe('done');
      const sent = await invokeHeaders([instance], async () => {
        for (const id of ['first', 'alone']) expect((await instance.invoke(id, Buffer.from('{}'))).kind).toBe('done');
      });
      // Alone in the host, on a 2-CPU machine: what says linger elsewhere (test/protocol/linger.test.ts).
      // (An instance's first invoke never lingers anywhere.)
      expect(sent).toEqual(['{"type":"invoke","id":"first","size":2,"timeoutMs":3000,"linger":false}', '{"type":"invoke","id":"alone","size":2,"timeoutMs":3000,"linger":false}']);
    } finally {
      await instance.stop();
    }
  });

  it.skipIf(runtimesFound.length < 2)('runs a matrix one runtime at a time under 1.5 CPUs (needs two runtimes)', async () => {
    writeFileSync(join(root, 'cgroup.procs'), String(process.pid));
    expect(cpuBudget()).toBe(1.5);
    expect(cpuSlots()).toBe(1);
    const two = runtimesFound.slice(-2).map((r) => r.runtime);
    const run = await fgrunInProcess(['matrix', fixture('echo'), '--runtimes', two.join(',')]);
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n')[0]).toBe(`fgrun matrix: ${two.join(', ')} (1 at a time), 1 event`);
  });
});
