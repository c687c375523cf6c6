// A log-heavy handler (10 MB of prints) vs the same prints from a plain Python process to a pipe.
import { figure, type Figure } from '../figures.js';
import { interleave } from '../measure.js';
import type { Plan } from '../plan.js';
import { RawPrinter } from '../raw-process.js';
import { summarize } from '../stats.js';
import { benchFunction, invokeOk } from '../subjects.js';
import type { RuntimeInfo } from '../fgrun.js';

export async function logHeavy(runtime: RuntimeInfo, plan: Plan): Promise<Figure[]> {
  const printer = new RawPrinter(runtime.path);
  const fn = await benchFunction('bench-logs', runtime);
  const bytes = plan.logLines * plan.logWidth;
  try {
    const t = await interleave({
      raw: async () => {
        const got = await printer.print(plan.logLines, plan.logWidth);
        if (got !== bytes) throw new Error(`the raw printer wrote ${got} bytes, expected ${bytes}`);
      },
      fgrun: () => invokeOk(fn, { lines: plan.logLines, width: plan.logWidth }),
    }, plan.logRuns, plan.logRuns, 1);
    const r = summarize(t.raw.samples);
    const f = summarize(t.fgrun.samples);
    const label = bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
    return [figure('logs.p50', `log-heavy handler (${label} of prints) p50`, 'ms', f.p50 / 1000, { label: `python printing ${label} to a pipe`, value: r.p50 / 1000 }, f.n)];
  } finally {
    await Promise.all([fn.close(), printer.close()]);
  }
}
