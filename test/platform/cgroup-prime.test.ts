// primeCgroupJoin (src/platform/cgroup.ts): the host writes its own pid into the cgroup it is already
// in, on the thread pool, so that the kernel's wait of the next instance's join has passed. It must
// move nothing: the host stays where it was, and a join right after it still holds its process.
// Where this machine gives fgrun no cgroup, the prime is a no-op and the test says why it skips.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cgroupFolder, InstanceCgroup, primeCgroupJoin, primeSettled } from '../../src/platform/index.js';

const folder = cgroupFolder();
const ownLine = () => readFileSync('/proc/self/cgroup', 'latin1').split('\n').find((l) => l.startsWith('0::'));

describe.skipIf(folder === null)('the cgroup join primed ahead (no cgroup v2 writable here: skipped)', () => {
  it('leaves the host in its own cgroup, and the next join holds the instance', async () => {
    const before = ownLine();
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      primeCgroupJoin();
      primeCgroupJoin(); // one in flight at a time: the second is dropped
      const cgroup = InstanceCgroup.join(sleeper.pid!);
      expect(cgroup).not.toBeNull();
      expect(readFileSync(join(cgroup!.dir, 'cgroup.procs'), 'latin1').trim()).toBe(String(sleeper.pid));
      // The prime's own write lands in the host's cgroup, whose members are unchanged by it.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await expect.poll(() => readFileSync(join(folder!, '..', 'cgroup.procs'), 'latin1').split('\n')).toContain(String(process.pid));
      expect(ownLine()).toBe(before);
      cgroup!.kill();
      await new Promise<void>((resolve) => sleeper.once('exit', () => resolve()));
      await expect.poll(() => cgroup!.remove()).toBe(true);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('holds its descriptor only until primeSettled() resolves (a server listens after it: its fd count is its clients\')', async () => {
    await primeSettled();
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    primeCgroupJoin();
    expect(fds()).toBe(before + 1);
    await primeSettled();
    expect(fds()).toBe(before);
  });
});
