// Cold start: createFunction + the first invoke of the trivial handler, vs a bare interpreter start
// importing the same standard-library modules as the bootstrap.
import { figure, type Figure } from '../figures.js';
import { timeMs } from '../measure.js';
import type { Plan } from '../plan.js';
import { bareStart, bootstrapImports } from '../raw-process.js';
import { summarize } from '../stats.js';
import { benchEvent, benchFunction, invokeOk } from '../subjects.js';
import type { FunctionHandle, RuntimeInfo } from '../fgrun.js';

// One cold start in ms; the instance is closed afterwards, outside the measurement.
async function coldStart(runtime: RuntimeInfo): Promise<number> {
  let fn: FunctionHandle | null = null;
  const ms = await timeMs(async () => {
    fn = await benchFunction('bench-echo', runtime);
    await invokeOk(fn, benchEvent(0));
  });
  await (fn as FunctionHandle | null)?.close();
  return ms;
}

export async function coldStarts(runtime: RuntimeInfo, plan: Plan): Promise<Figure[]> {
  const modules = bootstrapImports(runtime.path);
  // One of each first: the page cache and the runtime probe cache are warm for both after it.
  await bareStart(runtime.path, modules);
  await coldStart(runtime);
  const bare: number[] = [];
  const cold: number[] = [];
  for (let i = 0; i < plan.coldStarts; i++) {
    bare.push(await bareStart(runtime.path, modules));
    cold.push(await coldStart(runtime));
  }
  const b = summarize(bare);
  const c = summarize(cold);
  return [figure('cold.start', 'cold start p50', 'ms', c.p50, { label: `bare 'python -c "import ${modules.join(', ')}"' p50`, value: b.p50 }, c.n)];
}
