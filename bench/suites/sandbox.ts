// What --sandbox costs (docs/sandbox.md): the cold start (createFunction + first invoke of the trivial
// handler) and the warm invoke p50, each sandboxed vs the same without the sandbox.
import { figure, type Figure } from '../figures.js';
import { interleave, timeMs } from '../measure.js';
import type { Plan } from '../plan.js';
import { summarize } from '../stats.js';
import { benchEvent, FUNCTIONS, invokeOk } from '../subjects.js';
import { createFunction, type FunctionHandle, type RuntimeInfo } from '../fgrun.js';

function echo(runtime: RuntimeInfo, sandbox: boolean): Promise<FunctionHandle> {
  return createFunction({ code: FUNCTIONS + 'bench-echo', runtime: runtime.runtime, pythonPath: runtime.path, timeout: 60, sandbox }, { maxInstances: 1 });
}

// One cold start in ms; the instance is closed afterwards, outside the measurement.
async function coldStart(runtime: RuntimeInfo, sandbox: boolean): Promise<number> {
  let fn: FunctionHandle | null = null;
  const ms = await timeMs(async () => {
    fn = await echo(runtime, sandbox);
    await invokeOk(fn, benchEvent(0));
  });
  await (fn as FunctionHandle | null)?.close();
  return ms;
}

export async function sandboxCost(runtime: RuntimeInfo, plan: Plan): Promise<Figure[]> {
  await coldStart(runtime, false);
  await coldStart(runtime, true);
  const plain: number[] = [];
  const boxed: number[] = [];
  for (let i = 0; i < plan.coldStarts; i++) {
    plain.push(await coldStart(runtime, false));
    boxed.push(await coldStart(runtime, true));
  }
  const [fnPlain, fnBoxed] = await Promise.all([echo(runtime, false), echo(runtime, true)]);
  try {
    const t = await interleave({ plain: (i) => invokeOk(fnPlain, benchEvent(i)), boxed: (i) => invokeOk(fnBoxed, benchEvent(i)) }, plan.warmCalls, plan.rounds, plan.warmup);
    const c = summarize(boxed);
    const w = summarize(t.boxed.samples);
    return [
      figure('sandbox.cold', 'cold start p50 with --sandbox', 'ms', c.p50, { label: 'cold start p50 without', value: summarize(plain).p50 }, c.n),
      figure('sandbox.warm.p50', 'warm invoke p50 with --sandbox', 'µs', w.p50, { label: 'warm invoke p50 without', value: summarize(t.plain.samples).p50 }, w.n),
    ];
  } finally {
    await Promise.all([fnPlain.close(), fnBoxed.close()]);
  }
}
