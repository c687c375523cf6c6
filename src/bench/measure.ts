// Timing loops: sequential latency samples, interleaved subjects, and concurrent throughput.

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
