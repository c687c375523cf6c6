// Spin-then-block for the next request (bootstrap/fgrun_linger.py, docs/performance.md "Linger"):
// when the interpreter polls for the next request after a result, and when it stops. The policy is
// driven with a clock and a poll of the test's own (each poll takes 26 µs of that clock: a window
// of 100 µs is 4 polls), so every
// count is exact; then the real poll on a real socket pair. The host's side (`linger` in the invoke
// frame, only while one operation runs in the host) is checked through a real instance.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Instance } from '../../src/instance/index.js';
import { soleWorker } from '../../src/instance/memory-watch.js';
import { resolveConfig } from '../../src/config/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { fixture, ROOT } from '../helpers/fixtures.js';
import { invokeHeaders } from '../helpers/invoke-headers.js';
import { cpuBudget } from '../../src/platform/index.js';

// What each snippet starts with: the bootstrap's folder on the path, fgrun_linger as L.
const IMPORT_LINGER = [
  'import json, socket, sys',
  `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'bootstrap'))})`,
  'import fgrun_linger as L',
];

const POLICY = [
  ...IMPORT_LINGER,
  't = [0.0]',
  'ready = [False]',
  'polls = [0]',
  'made = [0]',
  'def clock():',
  '    return t[0]',
  'def poller(fd):',
  '    made[0] += 1',
  '    def poll(ms):',
  '        polls[0] += 1',
  '        t[0] += 0.000026',
  '        return [(fd, 1)] if ready[0] else []',
  '    return poll',
  'g = L.Linger(7, poller, clock)',
  'out = []',
  'def step(name, gap, allowed=True):',
  '    t[0] += gap',
  '    before = polls[0]',
  '    found = g.after_result(allowed)',
  '    out.append([name, found, polls[0] - before, g.active, made[0]])',
  'step("first result", 0)',
  'step("50 us later: lingers, nothing comes (miss 1)", 0.00005)',
  'ready[0] = True',
  'step("the next request is there", 0.00005)',
  'ready[0] = False',
  'for n in range(4):',
  '    step("miss %d" % (n + 1), 0.00005)',
  'step("stopped: 1 result let pass", 0.00005)',
  'step("lingers again (miss 1)", 0.00005)',
  'for n in range(3):',
  '    step("miss %d" % (n + 2), 0.00005)',
  'step("stopped: 2 results let pass (1)", 0.00005)',
  'step("stopped: 2 results let pass (2)", 0.00005)',
  'ready[0] = True',
  'step("lingers again, catches one", 0.00005)',
  'step("the host says another operation runs", 0.00005, False)',
  'step("alone again", 0.00005)',
  'ready[0] = False',
  'for n in range(4):',
  '    step("miss %d" % (n + 1), 0.00005)',
  'step("stopped: 1 result let pass (back to 1 after a catch)", 0.00005)',
  'step("2 ms later: a caller spaced out", 0.002)',
  'step("50 us later again", 0.00005)',
  'sys.stdout.write(json.dumps({"steps": out, "window": L.WINDOW, "arm": L.ARM}))',
].join('\n');

// The spin on a mapped channel (fgrun_map.Mapped's ready/wake, faked): nothing ever comes, each
// pause moves the clock 10 µs, so the pauses count the window: WINDOW after a result, RECOVER after
// one that found the host asleep (the map's host_slept, cleared once used, also by a result the host
// did not let linger).
const MAPPED = [
  ...IMPORT_LINGER,
  't = [0.0]',
  'pauses = [0]',
  'def clock():',
  '    return t[0]',
  'def tick():',
  '    pauses[0] += 1',
  '    t[0] += 0.00001',
  'L.yielder = lambda: tick',
  'def poller(fd):',
  '    return lambda ms: []',
  'class Map(object):',
  '    host_slept = False',
  '    def ready(self):',
  '        return False',
  '    def wake(self):',
  '        pass',
  'm = Map()',
  'g = L.Linger(7, poller, clock)',
  'g.mapped = m',
  'out = []',
  'def step(name, slept=False, allowed=True):',
  '    t[0] += 0.00005',
  '    m.host_slept = slept',
  '    before = pauses[0]',
  '    found = g.after_result(allowed)',
  '    out.append([name, found, pauses[0] - before, m.host_slept])',
  'step("first result: no spin")',
  'step("lingers: WINDOW")',
  'step("the host slept: RECOVER", True)',
  'step("then WINDOW again")',
  'step("the host slept, but said not to linger", True, False)',
  'step("the flag was used: WINDOW")',
  'sys.stdout.write(json.dumps({"steps": out, "recover": L.RECOVER}))',
].join('\n');

const REAL = [
  ...IMPORT_LINGER,
  'a, b = socket.socketpair()',
  'g = L.Linger(a.fileno())',
  'out = [g.after_result(), g.after_result()]',
  'b.sendall(b"next\\n")',
  'out.append(g.after_result())',
  'a.recv(16)',
  'out.append(g.after_result())',
  'b.close()',
  'out.append(g.after_result())',
  'out.append(L.Linger.for_reader(object()) is None)',
  'sys.stdout.write(json.dumps(out))',
].join('\n');

// The pause between polls: sched_yield(2) on every runtime, 2.7's through _ctypes (its os has none).
const YIELD = [
  ...IMPORT_LINGER,
  'y = L.yielder()',
  'sys.stdout.write(json.dumps([y is L._noop, y(), "ctypes" in sys.modules]))',
].join('\n');

describeEachRuntime('linger after a result', (runtime) => {
  it('starts when two results come less than ARM apart, spins at most WINDOW, stops after 4 misses for twice as long each time', () => {
    const { steps, window, arm } = JSON.parse(execFileSync(runtime.path, ['-c', POLICY]).toString()) as { steps: Array<[string, boolean, number, boolean, number]>; window: number; arm: number };
    expect([window, arm]).toEqual([0.0001, 0.001]);
    // [step, found input, polls made, lingering after it, pollers made]
    expect(steps).toEqual([
      ['first result', false, 0, false, 0],
      ['50 us later: lingers, nothing comes (miss 1)', false, 4, true, 1],
      ['the next request is there', true, 1, true, 1],
      ['miss 1', false, 4, true, 1],
      ['miss 2', false, 4, true, 1],
      ['miss 3', false, 4, true, 1],
      ['miss 4', false, 4, false, 1],
      ['stopped: 1 result let pass', false, 0, false, 1],
      ['lingers again (miss 1)', false, 4, true, 1],
      ['miss 2', false, 4, true, 1],
      ['miss 3', false, 4, true, 1],
      ['miss 4', false, 4, false, 1],
      ['stopped: 2 results let pass (1)', false, 0, false, 1],
      ['stopped: 2 results let pass (2)', false, 0, false, 1],
      ['lingers again, catches one', true, 1, true, 1],
      ['the host says another operation runs', false, 0, true, 1],
      ['alone again', true, 1, true, 1],
      ['miss 1', false, 4, true, 1],
      ['miss 2', false, 4, true, 1],
      ['miss 3', false, 4, true, 1],
      ['miss 4', false, 4, false, 1],
      ['stopped: 1 result let pass (back to 1 after a catch)', false, 0, false, 1],
      ['2 ms later: a caller spaced out', false, 0, false, 1],
      ['50 us later again', false, 4, true, 1],
    ]);
  });

  it('spins RECOVER instead of WINDOW on the mapped channel after a result that found the host asleep, once', () => {
    const { steps, recover } = JSON.parse(execFileSync(runtime.path, ['-c', MAPPED]).toString()) as { steps: Array<[string, boolean, number, boolean]>; recover: number };
    expect(recover).toBe(0.0005);
    // [step, found input, pauses (10 µs each), host_slept after it]: 100 µs is 10 pauses, 500 µs 50
    // (the clock's sums of 10 µs land on or just past each limit).
    expect(steps).toEqual([
      ['first result: no spin', false, 0, false],
      ['lingers: WINDOW', false, 10, false],
      ['the host slept: RECOVER', false, 50, false],
      ['then WINDOW again', false, 10, false],
      ['the host slept, but said not to linger', false, 0, false],
      ['the flag was used: WINDOW', false, 10, false],
    ]);
  });

  it('yields the CPU between polls on every runtime: os.sched_yield, or libc\'s on 2.7', () => {
    const out = JSON.parse(execFileSync(runtime.path, ['-S', '-c', YIELD]).toString()) as unknown[];
    // [no yield at all, what a yield returned, ctypes imported]: os.sched_yield returns None; on
    // 2.7 the C function returns its int, 0 (a success), and only _ctypes is loaded, not ctypes.
    expect(out).toEqual(runtime.version.startsWith('2.') ? [false, 0, false] : [false, null, false]);
  });

  it('polls a real socket: finds input that is there, and the peer\'s close', () => {
    const out = JSON.parse(execFileSync(runtime.path, ['-c', REAL]).toString()) as boolean[];
    // Two results in a row arm it (the second spins its window and finds nothing); input waiting
    // is found; drained, a window passes empty; a closed peer ends the poll at once (POLLHUP).
    expect(out).toEqual([false, false, true, false, true, true]);
  });
});

describeEachRuntime('the host\'s word on lingering', (runtime) => {
  const config = () => resolveConfig({ code: fixture('context-dump'), runtime: runtime.runtime, pythonPath: runtime.path });
  let instances: Instance[] = [];
  beforeAll(async () => {
    instances = [new Instance({ config: config(), runtime }), new Instance({ config: config(), runtime })];
    for (const instance of instances) expect((await instance.start()).kind).toBe('done');
  });
  afterAll(async () => {
    for (const instance of instances) await instance.stop();
  });

  const headers = (body: () => Promise<unknown>): Promise<string[]> => invokeHeaders(instances, body);

  it('says linger while its operation is the only one running in the host, with two CPUs to keep busy', async () => {
    const multicore = cpuBudget() >= 2;
    expect(soleWorker()).toBe(false);
    // An instance's first invoke never lingers: nothing is known of the caller's pace yet (and a
    // one-shot `fgrun invoke` never reads the CPU budget).
    const first = await headers(async () => {
      for (const instance of instances) expect((await instance.invoke('zero', Buffer.from('{}'))).kind).toBe('done');
    });
    expect(first).toEqual(['{"type":"invoke","id":"zero","size":2,"timeoutMs":3000,"linger":false}', '{"type":"invoke","id":"zero","size":2,"timeoutMs":3000,"linger":false}']);
    const alone = await headers(async () => expect((await instances[0]!.invoke('one', Buffer.from('{}'))).kind).toBe('done'));
    expect(alone).toEqual([`{"type":"invoke","id":"one","size":2,"timeoutMs":3000,"linger":${multicore}}`]);
    // Two at once: the first begins alone, the second does not.
    const both = await headers(() => Promise.all([instances[0]!.invoke('a', Buffer.from('{}')), instances[1]!.invoke('b', Buffer.from('{}'))]));
    expect(both).toEqual([
      `{"type":"invoke","id":"a","size":2,"timeoutMs":3000,"linger":${multicore}}`,
      '{"type":"invoke","id":"b","size":2,"timeoutMs":3000,"linger":false}',
    ]);
    expect(soleWorker()).toBe(false);
  });
});
