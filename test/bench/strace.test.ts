// The bench's opt-in syscall count (`--strace`): strace -c's table read back by name, and a count
// attached to a live process that makes a known number of one syscall while the action runs.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SMOKE_PLAN } from '../../bench/plan.js';
import { countSyscalls, parseStraceSummary, straceMissing } from '../../bench/strace.js';
import { straceSyscalls } from '../../bench/suites/syscalls.js';
import { describeEachRuntime } from '../helpers/runtimes.js';

// strace 6's -c table as it writes it (with and without an errors column).
const TABLE = `% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ------------------
 45.10    0.004513           2      2000           write
 30.02    0.003004           1      2000           read
 14.88    0.001489           0      2000        12 ioctl
 10.00    0.001000           0      2000           getrusage
------ ----------- ----------- --------- --------- ------------------
100.00    0.010006           1      8000        12 total
`;

describe('bench strace mode', () => {
  it('reads strace -c\'s table by syscall, without its total row', () => {
    expect(parseStraceSummary(TABLE)).toEqual({ write: 2000, read: 2000, ioctl: 2000, getrusage: 2000 });
    expect(parseStraceSummary('')).toEqual({});
  });

  it.skipIf(straceMissing() !== null)('counts the syscalls a live process makes while the action runs, and only those', async () => {
    // Waits for a line, then asks for its parent's pid 7 times (a getppid syscall each) and says so.
    const source = "process.stdin.once('data', () => { let p = 0; for (let i = 0; i < 7; i++) p += process.ppid; process.stdout.write(String(p > 0)); })";
    const child = spawn(process.execPath, ['-e', source], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await once(child, 'spawn');
      const [counts] = await countSyscalls([child.pid!], async () => {
        child.stdin.write('go\n');
        const [reply] = (await once(child.stdout, 'data')) as [Buffer];
        expect(reply.toString()).toBe('true');
      });
      expect(counts!.getppid).toBe(7);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describeEachRuntime('bench --strace suite', (runtime) => {
  it.skipIf(straceMissing() !== null)('counts each side of a warm request: what crosses each way, and the bootstrap\'s ioctl (exactly) and getrusage', async () => {
    const plan = { ...SMOKE_PLAN, warmup: 50, straceCalls: 200 };
    const figures = await straceSyscalls(runtime, plan);
    const byId = new Map(figures.map((f) => [f.id, f]));
    const per = (id: string): number => byId.get(id)?.value ?? 0;
    // The raw echo: one read and one write per request on each side. (The interpreter may miss the
    // read it was blocked in as strace attached: seen under load, 199 of 200.)
    for (const name of ['read', 'write']) {
      expect(byId.get(`strace.node.${name}`)!.baseline.value).toBeGreaterThanOrEqual(1);
      const raw = byId.get(`strace.python.${name}`)!.baseline.value;
      expect(raw).toBeGreaterThanOrEqual(1 - 1 / plan.straceCalls);
      expect(raw).toBeLessThan(1.05);
    }
    // fgrun: each request crosses each way, through the socket (read, write) or the mapped channel
    // (the host's pread64; its pwritev, one an invoke, and pwrite64 for its awake flag; the
    // interpreter's memory, no call). Node's side is this test process, which may read or write a
    // little besides (vitest's own pipes).
    expect(per('strace.node.read') + per('strace.node.pread64')).toBeGreaterThanOrEqual(1);
    expect(per('strace.node.write') + per('strace.node.pwrite64') + per('strace.node.pwritev')).toBeGreaterThanOrEqual(1);
    // The interpreter reads a frame or a bell, and writes a result or a bell, at most once a request
    // (a rare extra read when a frame arrives in two parts); the tracer slows both sides past the
    // spin's window, so most requests here go through the socket.
    for (const name of ['read', 'write']) expect(per(`strace.python.${name}`)).toBeLessThan(1.05);
    expect(byId.get('strace.python.ioctl')).toMatchObject({ value: 1, baseline: { value: 0 } });
    // One getrusage per request, and one more for a request after one that faulted a page (a new
    // baseline, docs/instances.md): rare on a warm instance (seen: 2 of 200 on 2.7, under load).
    const getrusage = byId.get('strace.python.getrusage')!;
    expect(getrusage.baseline.value).toBe(0);
    expect(getrusage.value).toBeGreaterThanOrEqual(1);
    expect(getrusage.value).toBeLessThan(1.05);
    expect(byId.get('strace.python')!.samples).toBe(plan.straceCalls);
  });
}, ['Python2.7', 'Python3.12']);
