// How much each benchmark measures: the full run (`npm run bench`) and the smoke run (`--smoke`,
// a few calls each, for CI: it proves the bench still runs, its figures mean nothing).

interface PayloadSize {
  id: string;
  label: string;
  /** Bytes of the event's JSON (the padding fills it up to this, a little under). */
  bytes: number;
  calls: number;
}

export interface Plan {
  /** Calls before anything is measured, per subject. */
  warmup: number;
  /** The headline run: calls per subject in `rounds` rotating blocks; Context calls per invoke; the
   * processes each subject runs as (its blocks go to them in turn). */
  headline: { calls: number; rounds: number; contextCalls: number; processes: number };
  /** Saturation: calls per round, rounds alternating between fgrun and the raw echoes. */
  saturation: { calls: number; rounds: number };
  /** `--strace`: warm requests counted, per subject. */
  straceCalls: number;
  /** Whole-process CLI runs of each command. */
  cliRuns: number;
  /** Blocks the calls are split into, alternating between subjects. */
  rounds: number;
  warmCalls: number;
  contextInvokes: number;
  /** getRemainingTimeInMilliSeconds() calls per context invoke. */
  contextCalls: number;
  coldStarts: number;
  payloads: PayloadSize[];
  poolSizes: number[];
  /** Calls per pool size with the trivial handler. */
  poolCalls: number;
  /** CPU time of the pool benchmark's handler, ms per call. */
  workMs: number;
  workCalls: number;
  logLines: number;
  logWidth: number;
  logRuns: number;
  memoryInstances: number;
}

const KB = 1024;
const MB = 1024 * KB;
/** The largest event a synchronous invoke accepts; its echo must also fit the 6 MB result cap. */
const SIX_MB = 6 * MB - 64;

export const FULL_PLAN: Plan = {
  // 3000: V8 is still compiling and deoptimizing the warm path after 500 calls (p99 4x higher).
  warmup: 3000,
  // 3 processes a subject: one process's placement by the scheduler moved its CPU per request by up
  // to 35% against an identical one in the same run (docs/performance.md, "Issue 22: what the
  // remaining gap is made of"); spread over three, no single placement decides a run's ratios.
  headline: { calls: 20000, rounds: 21, contextCalls: 20, processes: 3 },
  saturation: { calls: 10000, rounds: 3 },
  straceCalls: 2000,
  cliRuns: 10,
  rounds: 10,
  warmCalls: 5000,
  contextInvokes: 50,
  contextCalls: 100,
  coldStarts: 20,
  payloads: [
    { id: '1kb', label: '1 KB', bytes: KB, calls: 2000 },
    { id: '100kb', label: '100 KB', bytes: 100 * KB, calls: 500 },
    { id: '1mb', label: '1 MB', bytes: MB, calls: 100 },
    { id: '6mb', label: '6 MB', bytes: SIX_MB, calls: 30 },
  ],
  poolSizes: [1, 2, 4],
  poolCalls: 5000,
  workMs: 1,
  workCalls: 1000,
  logLines: 10 * KB,
  logWidth: KB,
  logRuns: 10,
  memoryInstances: 8,
};

/** Smoke: every suite runs, on as little work as shows it works (a few seconds on an idle machine). */
export const SMOKE_PLAN: Plan = {
  ...FULL_PLAN,
  warmup: 5,
  headline: { calls: 20, rounds: 2, contextCalls: 5, processes: 2 },
  saturation: { calls: 20, rounds: 1 },
  straceCalls: 10,
  cliRuns: 1,
  rounds: 2,
  warmCalls: 20,
  contextInvokes: 2,
  contextCalls: 5,
  coldStarts: 1,
  payloads: FULL_PLAN.payloads.slice(0, 2).map((p) => ({ ...p, calls: 1 })),
  poolSizes: [1, 2],
  poolCalls: 8,
  workCalls: 8,
  logLines: 256,
  logRuns: 1,
  memoryInstances: 1,
};
