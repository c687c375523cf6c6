// Timing loops: sequential latency samples, interleaved subjects (with their CPU), and concurrent throughput.
import { childrenOf, lastCpu, processSyscalls, threadCpuNs, treeCpuNs, treeSyscalls } from './cpu.js';

export type Call = (i: number, worker: number) => Promise<unknown>;

export interface Timed {
  /** Latency of each call, µs. */
  samples: number[];
  /** Wall time spent in the measured calls, seconds. */
  seconds: number;
}

const now = (): bigint => process.hrtime.bigint();

// Run `n` calls one after another, timing each.
export async function timeCalls(n: number, call: Call, offset = 0): Promise<Timed> {
  const samples = new Array<number>(n);
  const t0 = now();
  for (let i = 0; i < n; i++) {
    const s = now();
    await call(offset + i, 0);
    samples[i] = Number(now() - s) / 1e3;
  }
  return { samples, seconds: Number(now() - t0) / 1e9 };
}

// Warm every subject up, then alternate blocks of calls so that all of them see the same machine
// (frequency, other load) over the run: total calls each, in `rounds` blocks. Each block starts
// with a few unrecorded calls: the first calls to a process that sat idle through the other's
// block pay for cold caches and a sleeping CPU (measured: the first 5-8 run 2-10x slower), which
// would otherwise be all of the p99.
export async function interleave<K extends string>(subjects: Record<K, Call>, total: number, rounds: number, warmup: number): Promise<Record<K, Timed>> {
  const names = Object.keys(subjects) as K[];
  const out = {} as Record<K, Timed>;
  for (const name of names) {
    await timeCalls(warmup, subjects[name], -warmup);
    out[name] = { samples: [], seconds: 0 };
  }
  const block = Math.max(1, Math.ceil(total / rounds));
  const rewarm = Math.min(warmup, Math.ceil(block / 10));
  for (let done = 0; done < total; done += block) {
    const n = Math.min(block, total - done);
    for (const name of names) {
      await timeCalls(rewarm, subjects[name], -rewarm);
      const timed = await timeCalls(n, subjects[name], done);
      out[name].samples.push(...timed.samples);
      out[name].seconds += timed.seconds;
    }
  }
  return out;
}

// `total` calls spread over `workers` concurrent loops (call gets the loop's index); calls per second.
export async function throughput(total: number, workers: number, call: Call): Promise<number> {
  let next = 0;
  const t0 = now();
  const worker = async (w: number): Promise<void> => {
    for (let i = next++; i < total; i = next++) await call(i, w);
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return total / (Number(now() - t0) / 1e9);
}

// Time one async action in milliseconds.
export async function timeMs(action: () => Promise<unknown>): Promise<number> {
  const s = now();
  await action();
  return Number(now() - s) / 1e6;
}

/** One subject of a rotating interleaved run: its call, and the processes whose CPU it costs. */
export interface Subject {
  call: Call;
  /** Its own processes (their whole trees are counted), besides this Node process. */
  pids: number[];
  /** The call resolves to latencies measured inside (µs), recorded instead of the call's own. */
  inside?: boolean;
}

export interface Measured extends Timed {
  /** Calls measured (the samples may be more, for an `inside` subject). */
  calls: number;
  /** CPU this Node process spent during the measured calls, ns. */
  nodeNs: number;
  /** Of which its main thread's (the rest: GC and libuv's threads). */
  nodeMainNs: number;
  /** CPU the subject's own processes spent during them, ns. */
  subjectNs: number;
  /** Read- and write-type syscalls this Node process (every thread) and the subject's processes made. */
  nodeSyscalls: number;
  subjectSyscalls: number;
  /** Blocks after which the subject's process had last run on the CPU Node's main thread had: the
   * scheduler's placement, which sets the round trip's cost (one core: two switches; two: two wake-ups). */
  sameCore: number;
  blocks: number;
}

// Every subject alive at once, warmed up, then `rounds` blocks each, the order rotating by one
// every round (so no subject always follows the same one), CPU read around each block. Each block
// starts with a few unrecorded calls (see interleave). A subject given as several processes alike
// (an array) runs its blocks on them in turn, each warmed up, and is measured as one.
export async function rotate<K extends string>(subjects: Record<K, Subject | Subject[]>, total: number, rounds: number, warmup: number): Promise<Record<K, Measured>> {
  const names = Object.keys(subjects) as K[];
  const copies = (name: K): Subject[] => {
    const s = subjects[name];
    return Array.isArray(s) ? s : [s];
  };
  const out = {} as Record<K, Measured>;
  for (const name of names) {
    for (const copy of copies(name)) await timeCalls(warmup, copy.call, -warmup);
    out[name] = { samples: [], seconds: 0, calls: 0, nodeNs: 0, nodeMainNs: 0, subjectNs: 0, nodeSyscalls: 0, subjectSyscalls: 0, sameCore: 0, blocks: 0 };
  }
  const block = Math.max(1, Math.ceil(total / rounds));
  const rewarm = Math.min(warmup, Math.ceil(block / 10));
  for (let round = 0, done = 0; done < total; round++, done += block) {
    const n = Math.min(block, total - done);
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length]!;
      const all = copies(name);
      const subject = all[round % all.length]!;
      await timeCalls(rewarm, subject.call, -rewarm);
      const sys0 = processSyscalls('self');
      const ownSys0 = subject.pids.reduce((s, pid) => s + treeSyscalls(pid), 0);
      const node0 = threadCpuNs('self');
      const own0 = subject.pids.reduce((s, pid) => s + treeCpuNs(pid), 0);
      const timed = subject.inside ? await insideCalls(n, subject.call, done) : await timeCalls(n, subject.call, done);
      const together = subject.pids.length > 0 && lastCpu(leaf(subject.pids[0]!)) === lastCpu(process.pid);
      const node1 = threadCpuNs('self');
      const own1 = subject.pids.reduce((s, pid) => s + treeCpuNs(pid), 0);
      const sys1 = processSyscalls('self');
      const ownSys1 = subject.pids.reduce((s, pid) => s + treeSyscalls(pid), 0);
      const m = out[name];
      for (const s of timed.samples) m.samples.push(s);
      m.seconds += timed.seconds;
      m.calls += n;
      m.nodeNs += node1.main + node1.others - node0.main - node0.others;
      m.nodeMainNs += node1.main - node0.main;
      m.subjectNs += own1 - own0;
      m.nodeSyscalls += sys1 - sys0;
      m.subjectSyscalls += ownSys1 - ownSys0;
      m.blocks++;
      if (together) m.sameCore++;
    }
  }
  return out;
}

// The process at the bottom of a subject's tree (the interpreter, when a shell started it).
function leaf(pid: number, depth = 0): number {
  const children = childrenOf(pid);
  return children.length && depth < 8 ? leaf(children[0]!, depth + 1) : pid;
}

// `n` calls whose results are latencies measured inside the subject.
async function insideCalls(n: number, call: Call, offset: number): Promise<Timed> {
  const samples: number[] = [];
  const t0 = now();
  for (let i = 0; i < n; i++) for (const s of (await call(offset + i, 0)) as number[]) samples.push(s);
  return { samples, seconds: Number(now() - t0) / 1e9 };
}
