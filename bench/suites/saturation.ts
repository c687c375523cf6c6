// Saturation throughput: a pool sized to the machine's cores, with more concurrent callers than
// instances so that it never idles, against as many raw echo processes driven the same way (each
// call takes a free process, or waits for one in order). Rounds alternate between the two.
import { cpus } from 'node:os';
import type { RuntimeInfo } from '../fgrun.js';
import { figure, type Figure } from '../figures.js';
import { throughput } from '../measure.js';
import type { Plan } from '../plan.js';
import { RawEcho } from '../raw-echo.js';
import { benchEvent, benchFunction, invokeOk } from '../subjects.js';

/** Callers per instance: enough that a finished request always finds the next one waiting. */
const CALLERS_PER_INSTANCE = 4;

// Raw echo processes behind a free list: what a pool does, without anything else.
class RawPool {
  private readonly free: RawEcho[];
  private readonly waiting: Array<(echo: RawEcho) => void> = [];

  constructor(readonly echoes: RawEcho[]) {
    this.free = [...echoes];
  }

  async send(message: unknown): Promise<string> {
    const echo = this.free.pop() ?? (await new Promise<RawEcho>((r) => this.waiting.push(r)));
    try {
      return await echo.send(message);
    } finally {
      const next = this.waiting.shift();
      if (next) next(echo);
      else this.free.push(echo);
    }
  }
}

export async function saturation(runtime: RuntimeInfo, plan: Plan): Promise<Figure[]> {
  const size = cpus().length;
  const callers = size * CALLERS_PER_INSTANCE;
  const s = plan.saturation;
  const pool = new RawPool(Array.from({ length: size }, () => new RawEcho(runtime.path)));
  const fn = await benchFunction('bench-echo', runtime, size);
  try {
    const raw = (i: number) => pool.send({ id: i, event: benchEvent(i) });
    const fgrun = (i: number) => invokeOk(fn, benchEvent(i));
    // Every instance started and both sides warm before timing.
    await throughput(plan.warmup, callers, raw);
    await throughput(plan.warmup, callers, fgrun);
    let rawSeconds = 0;
    let fgrunSeconds = 0;
    for (let round = 0; round < s.rounds; round++) {
      rawSeconds += s.calls / (await throughput(s.calls, callers, raw));
      fgrunSeconds += s.calls / (await throughput(s.calls, callers, fgrun));
    }
    const total = s.calls * s.rounds;
    return [figure('saturation', `saturation: pool of ${size}, ${callers} callers`, 'req/s', total / fgrunSeconds, { label: `${size} raw echo processes`, value: total / rawSeconds }, total)];
  } finally {
    await Promise.all([fn.close(), ...pool.echoes.map((e) => e.close())]);
  }
}
