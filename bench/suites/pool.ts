// Throughput with pools of 1, 2 and 4 instances: a 1 ms CPU handler (how instances scale on the
// machine's cores) and the trivial handler (how much the host can push), each against raw echo
// processes doing the same.
import { figure, type Figure } from '../figures.js';
import { throughput } from '../measure.js';
import type { Plan } from '../plan.js';
import { RawEcho } from '../raw-echo.js';
import { benchEvent, benchFunction, invokeOk, type BenchFunction } from '../subjects.js';
import type { RuntimeInfo } from '../fgrun.js';

// Requests per second through a pool of `size` instances, every instance started before timing.
async function poolRate(runtime: RuntimeInfo, name: BenchFunction, size: number, calls: number, event: (i: number) => unknown): Promise<number> {
  const fn = await benchFunction(name, runtime, size);
  try {
    for (let round = 0; round < 3; round++) await Promise.all(Array.from({ length: size }, (_, i) => invokeOk(fn, event(i))));
    return await throughput(calls, size, (i) => invokeOk(fn, event(i)));
  } finally {
    await fn.close();
  }
}

// The same through `size` raw echo processes, one worker loop each; with `ms`, each call first
// keeps the CPU busy that long, as the bench-work handler does.
async function rawRate(runtime: RuntimeInfo, size: number, calls: number, ms?: number): Promise<number> {
  const echoes = Array.from({ length: size }, () => new RawEcho(runtime.path));
  try {
    const send = (i: number, w: number) => echoes[w]!.send(ms === undefined ? { id: i, event: benchEvent(i) } : { id: i, event: { ms }, ms });
    await throughput(size * 3, size, send);
    return await throughput(calls, size, send);
  } finally {
    await Promise.all(echoes.map((e) => e.close()));
  }
}

export async function pools(runtime: RuntimeInfo, plan: Plan): Promise<Figure[]> {
  const figures: Figure[] = [];
  const work = (): { ms: number } => ({ ms: plan.workMs });
  const rates = new Map<number, number>();
  for (const size of plan.poolSizes) {
    const rate = await poolRate(runtime, 'bench-work', size, plan.workCalls, work);
    rates.set(size, rate);
    const baseline = size === 1
      ? { label: `raw echo, ${plan.workMs} ms work`, value: await rawRate(runtime, 1, plan.workCalls, plan.workMs) }
      : { label: 'pool of 1', value: rates.get(1)! };
    figures.push(figure(`pool.${size}.rate`, `pool of ${size}, ${plan.workMs} ms handler`, 'req/s', rate, baseline, plan.workCalls));
  }
  for (const size of plan.poolSizes) {
    const rate = await poolRate(runtime, 'bench-echo', size, plan.poolCalls, (i) => benchEvent(i));
    const raw = await rawRate(runtime, size, plan.poolCalls);
    figures.push(figure(`pool.${size}.trivial`, `pool of ${size}, trivial handler`, 'req/s', rate, { label: `${size} raw echo process${size > 1 ? 'es' : ''}`, value: raw }, plan.poolCalls));
  }
  return figures;
}
