// The host stops lingering once the interpreter has kept waiting for the host's own CPU with no other
// free (src/instance/linger.ts, SHARED_CPU_LASTING_MS, SHARED_CPU_MS): forced here by pinning the
// host's main thread and the interpreter to CPU 0 and a busy process to CPU 1, where a spinning host
// only delays the interpreter. Both then block, and hand the CPU to each other.
import { execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Instance, protocolPair } from '../../src/instance/index.js';
import { resolveConfig } from '../../src/config/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';

// A thread's CPU list (taskset -p -c), and setting it.
const cpus = (pid: number): string => execFileSync('taskset', ['-p', '-c', String(pid)], { encoding: 'utf8' }).trim().split(': ')[1]!;
const pin = (pid: number, list: string): void => void execFileSync('taskset', ['-p', '-c', list, String(pid)], { stdio: 'ignore' });

/** Invokes made on one CPU before the test gives up on the pause (~1 ms each while the two share it). */
const MOST_INVOKES = 20000;

describeEachRuntime('the host on one CPU with its interpreter, the other CPU taken', (runtime) => {
  let instance: Instance;
  const event = Buffer.from('{"id": 1}');
  beforeAll(async () => {
    instance = new Instance({ config: resolveConfig({ code: fixture('bench-echo'), runtime: runtime.runtime, pythonPath: runtime.path }), runtime, protocol: await protocolPair() });
    expect((await instance.start()).kind).toBe('done');
  });
  afterAll(() => instance?.stop());

  it('stops lingering for a while once windows kept passing with the interpreter waiting for the host\'s CPU', async () => {
    const pace = (instance as unknown as { pace: { shared: number } }).pace;
    // Apart first: lingering settles in, and invokes go through the mapped channel.
    for (let i = 0; i < 300; i++) expect((await instance.invoke(`apart-${i}`, event)).kind).toBe('done');
    const own = cpus(process.pid);
    const its = cpus(instance.pid);
    let invokes = 0;
    pin(process.pid, '0');
    pin(instance.pid, '0');
    // And the other CPU taken: no CPU is free to move the interpreter to.
    const hog = spawn('taskset', ['-c', '1', 'yes'], { stdio: 'ignore' });
    try {
      // Until the pause is taken: the windows that pass must keep finding the interpreter waiting for
      // 4 ms (on a loaded machine perhaps before the pinning already, its pause then lasting through
      // it). Under more load than the test's own, a run takes longer to last; a rule that never
      // pauses goes through them all (a count, not a time: the machine may be slow).
      while (pace.shared === 0 && invokes < MOST_INVOKES) expect((await instance.invoke(`until-${invokes++}`, event)).kind).toBe('done');
    } finally {
      hog.kill('SIGKILL');
      pin(process.pid, own);
      pin(instance.pid, its);
    }
    expect(pace.shared, `no pause in ${invokes} invokes with both on CPU 0 and CPU 1 taken`).toBeGreaterThan(0);
  });
});
