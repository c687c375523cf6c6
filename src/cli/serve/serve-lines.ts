// The lines `fgrun serve` prints on stderr: each log line of a function, prefixed with the function's
// name and a short request id, and one line per request with its outcome (docs/server.md, "Logs").
import type { InvocationFinished, RequestRecord } from '../../server/index.js';
import { reportFor } from '../../server/index.js';

const SGR = { reset: '\x1b[0m', dim: '\x1b[2m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', magenta: '\x1b[35m', cyan: '\x1b[36m' } as const;
type Colour = Exclude<keyof typeof SGR, 'reset'>;

/** How each status is coloured on a terminal. */
const STATUS_COLOUR: Record<string, Colour> = { success: 'green', error: 'red', 'init-error': 'red', timeout: 'yellow', crash: 'magenta', oom: 'magenta' };

export interface LinePainter {
  (colour: Colour, text: string): string;
}

// Colours only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org).
export function painter(isTTY: boolean, env: NodeJS.ProcessEnv = process.env): LinePainter {
  const on = isTTY && !env.NO_COLOR;
  return (colour, text) => (on ? `${SGR[colour]}${text}${SGR.reset}` : text);
}

// "[name 1a2b3c4d] ": the function and the first 8 characters of the request id.
export function linePrefix(name: string, requestId: string, paint: LinePainter): string {
  return `${paint('dim', '[')}${paint('cyan', name)} ${paint('dim', requestId.replace(/-/g, '').slice(0, 8) + ']')} `;
}

// What asked: "invoke", "invoke-async", or the gateway request's method and path.
function asked(finished: InvocationFinished, record?: RequestRecord): string {
  if (finished.source === 'gateway' && record) return `${record.method} ${record.path}`;
  return finished.source;
}

// "[echo 1a2b3c4d] invoke 200 error 4002  duration 1.234ms  billed 2ms  memory 12.344/128MB"
export function invocationLine(finished: InvocationFinished, paint: LinePainter, record?: RequestRecord): string {
  const { invocation } = finished;
  const s = invocation.summary;
  const code = reportFor(invocation).funcErrCode;
  const status = paint(STATUS_COLOUR[invocation.status] ?? 'red', invocation.status + (code === 0 ? '' : ` ${code}`));
  const fields = [
    `duration ${s.durationMs.toFixed(3)}ms`,
    `billed ${s.billedDurationMs}ms`,
    `memory ${s.maxMemoryUsedMb.toFixed(3)}/${s.memorySizeMb}MB`,
  ];
  if (s.coldStart && s.initDurationMs !== null) fields.push(`cold start ${s.initDurationMs.toFixed(1)}ms`);
  const http = record ? ` ${record.status}` : '';
  return `${linePrefix(finished.function.name, finished.requestId, paint)}${asked(finished, record)}${http} ${status}  ${paint('dim', fields.join('  '))}`;
}

// A request that ran no function (a listing, a 404, a refused signature).
export function httpLine(record: RequestRecord): string {
  return `${record.method} ${record.path} ${record.status} ${record.durationMs.toFixed(1)}ms ${record.requestId}`;
}
