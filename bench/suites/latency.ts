// Warm invoke and Context round trip pinned (the extra rows, see placement.ts), and payload sizes,
// each against the raw echo measured alongside.
import { figure, type Figure } from '../figures.js';
import { interleave, timeCalls } from '../measure.js';
import { pinHost, pinPython, type Placement } from '../placement.js';
import type { Plan } from '../plan.js';
import { RawEcho } from '../raw-echo.js';
import { summarize } from '../stats.js';
import { benchEvent, benchFunction, invokeOk, type BenchFunction } from '../subjects.js';
import { type FunctionHandle, liveProcessGroups, type RuntimeInfo } from '../fgrun.js';

interface Subjects {
  raw: RawEcho;
  fn: FunctionHandle;
  close: () => Promise<void>;
}

// A raw echo and a warm instance of `name`, both placed; the instance started by a first call.
async function start(name: BenchFunction, runtime: RuntimeInfo, placement: Placement, first: unknown): Promise<Subjects> {
  pinHost(placement);
  const before = new Set(liveProcessGroups());
  const raw = new RawEcho(runtime.path);
  const fn = await benchFunction(name, runtime);
  await invokeOk(fn, first);
  await raw.send({ id: 0, event: benchEvent(0) });
  pinPython(placement, [raw.pid, ...liveProcessGroups().filter((pid) => !before.has(pid))]);
  return { raw, fn, close: async () => void (await Promise.all([fn.close(), raw.close()])) };
}

const tag = (label: string, placement: Placement): string => `${label} [${placement.label}]`;

// Warm invoke latency and throughput of the trivial handler vs the raw echo of the same event.
export async function warmInvoke(runtime: RuntimeInfo, plan: Plan, placement: Placement): Promise<Figure[]> {
  const { raw, fn, close } = await start('bench-echo', runtime, placement, benchEvent(0));
  try {
    const t = await interleave({
      raw: (i) => raw.send({ id: i, event: benchEvent(i) }),
      fgrun: (i) => invokeOk(fn, benchEvent(i)),
    }, plan.warmCalls, plan.rounds, plan.warmup);
    const r = summarize(t.raw.samples);
    const f = summarize(t.fgrun.samples);
    const n = f.n;
    const s = placement.suffix;
    return [
      figure(`warm.p50${s}`, tag('warm invoke p50', placement), 'µs', f.p50, { label: 'raw echo p50', value: r.p50 }, n),
      figure(`warm.p99${s}`, tag('warm invoke p99', placement), 'µs', f.p99, { label: 'raw echo p99', value: r.p99 }, n),
      figure(`warm.rate${s}`, tag('warm invoke throughput', placement), 'req/s', n / t.fgrun.seconds, { label: 'raw echo', value: r.n / t.raw.seconds }, n),
    ];
  } finally {
    await close();
  }
}

// One getRemainingTimeInMilliSeconds() round trip, timed inside the handler, vs the raw echo.
export async function contextCall(runtime: RuntimeInfo, plan: Plan, placement: Placement): Promise<Figure[]> {
  const { raw, fn, close } = await start('bench-context', runtime, placement, { calls: 1 });
  try {
    const calls = async (): Promise<number[]> => JSON.parse(await invokeOk(fn, { calls: plan.contextCalls })) as number[];
    for (let k = 0; k < Math.ceil(plan.warmup / plan.contextCalls); k++) await calls();
    await timeCalls(plan.warmup, (i) => raw.send({ id: i, event: benchEvent(i) }));
    const inside: number[] = [];
    const rawSamples: number[] = [];
    for (let k = 0; k < plan.contextInvokes; k++) {
      rawSamples.push(...(await timeCalls(plan.contextCalls, (i) => raw.send({ id: i, event: benchEvent(i) }))).samples);
      inside.push(...(await calls()));
    }
    const r = summarize(rawSamples);
    const c = summarize(inside);
    const s = placement.suffix;
    return [
      figure(`context.p50${s}`, tag('context call p50', placement), 'µs', c.p50, { label: 'raw echo p50', value: r.p50 }, c.n),
      figure(`context.p99${s}`, tag('context call p99', placement), 'µs', c.p99, { label: 'raw echo p99', value: r.p99 }, c.n),
    ];
  } finally {
    await close();
  }
}

// Echo of 1 KB .. 6 MB events vs the raw echo of the same event.
export async function payloads(runtime: RuntimeInfo, plan: Plan, placement: Placement): Promise<Figure[]> {
  const { raw, fn, close } = await start('bench-echo', runtime, placement, benchEvent(0));
  const figures: Figure[] = [];
  try {
    for (const size of plan.payloads) {
      const t = await interleave({
        raw: (i) => raw.send({ id: i, event: benchEvent(i, size.bytes) }),
        fgrun: (i) => invokeOk(fn, benchEvent(i, size.bytes)),
      }, size.calls, Math.min(plan.rounds, size.calls), Math.min(3, size.calls));
      const r = summarize(t.raw.samples);
      const f = summarize(t.fgrun.samples);
      const ms = size.bytes >= 1024 * 1024 ? 1000 : 1;
      figures.push(figure(`payload.${size.id}.p50${placement.suffix}`, tag(`payload ${size.label} p50`, placement), ms === 1 ? 'µs' : 'ms', f.p50 / ms, { label: `raw echo ${size.label} p50`, value: r.p50 / ms }, f.n));
    }
    return figures;
  } finally {
    await close();
  }
}
