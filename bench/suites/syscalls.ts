// `--strace`: every syscall per warm request, by name and side (this Node process with all its
// threads; the subject's process), fgrun's trivial handler against the raw echo, one after the other
// after the warm-up. The tracer slows every call, so this run times nothing: it only counts.
import type { RuntimeInfo } from '../fgrun.js';
import { figure, type Figure } from '../figures.js';
import { timeCalls, type Call } from '../measure.js';
import type { Plan } from '../plan.js';
import { RawEcho } from '../raw-echo.js';
import { countSyscalls, type SyscallCounts } from '../strace.js';
import { benchEvent, invokeOk, warmFunction } from '../subjects.js';

/** A syscall gets its own row when either subject makes at least this many per request on a side. */
const ROW_MIN = 0.05;

export async function straceSyscalls(runtime: RuntimeInfo, plan: Plan): Promise<Figure[]> {
  const n = plan.straceCalls;
  const raw = new RawEcho(runtime.path);
  const echo = await warmFunction('bench-echo', runtime, benchEvent(0)).catch(async (error: unknown) => {
    await raw.close();
    throw error;
  });
  try {
    const rawCall: Call = (i) => raw.send({ id: i, event: benchEvent(i) });
    const fgCall: Call = (i) => invokeOk(echo.fn, benchEvent(i));
    await timeCalls(plan.warmup, rawCall);
    await timeCalls(plan.warmup, fgCall);
    const [rawNode, rawPython] = await countSyscalls([process.pid, raw.pid], async () => void (await timeCalls(n, rawCall)));
    const [fgNode, fgPython] = await countSyscalls([process.pid, echo.pids[0]!], async () => void (await timeCalls(n, fgCall)));
    return [...side('node', 'Node', fgNode!, rawNode!, n), ...side('python', 'Python', fgPython!, rawPython!, n)];
  } finally {
    await echo.fn.close();
    await raw.close();
  }
}

// The total and the rows of one side, per request.
function side(id: string, label: string, fgrun: SyscallCounts, raw: SyscallCounts, n: number): Figure[] {
  const total = (c: SyscallCounts): number => Object.values(c).reduce((a, b) => a + b, 0) / n;
  const names = [...new Set([...Object.keys(fgrun), ...Object.keys(raw)])]
    .filter((name) => ((fgrun[name] ?? 0) / n >= ROW_MIN || (raw[name] ?? 0) / n >= ROW_MIN))
    .sort((a, b) => (fgrun[b] ?? 0) - (fgrun[a] ?? 0));
  return [
    figure(`strace.${id}`, `syscalls per request (strace), ${label}`, 'calls', total(fgrun), { label: 'raw echo', value: total(raw) }, n),
    ...names.map((name) => figure(`strace.${id}.${name}`, `  ${name}`, 'calls', (fgrun[name] ?? 0) / n, { label: 'raw echo', value: (raw[name] ?? 0) / n }, n)),
  ];
}
