// FunctionGraph's log framing and summary texts (docs/cloud-reference.md, "Result and errors").
import { cpuMillicores } from '../context.js';
import { LOG_TAIL_BYTES } from '../contract/limits.js';
import type { InvocationSummary } from './invocation.js';


// "2026-03-17T10:13:22Z": UTC, whole seconds, as the service stamps log lines. The text of the last
// second is kept: a request's Start and Finish lines, and the next request's, mostly share it
// (toISOString twice per log was ~1 us of rendering one, docs/performance.md).
let stampSecond = NaN;
let stampText = '';
export function logTimestamp(date = new Date()): string {
  const second = Math.floor(date.getTime() / 1000);
  if (second !== stampSecond) {
    stampText = new Date(second * 1000).toISOString().slice(0, 19) + 'Z';
    stampSecond = second;
  }
  return stampText;
}

// Billing rounds the duration up to the whole millisecond (2.049 -> 3), at least 1.
export function billedDuration(durationMs: number): number {
  return Math.max(1, Math.ceil(Math.round(durationMs * 1000) / 1000));
}

export function kbToMb(kb: number): number {
  return Math.round((kb / 1024) * 1000) / 1000;
}

export function startLine(requestId: string, version: string, at = new Date()): string {
  return `${logTimestamp(at)} Start invoke request '${requestId}', version: ${version}\n`;
}

// `failed`: null on success, else the reason word the cloud prints after "invoke Failed" ('' for none).
export function finishLine(requestId: string, summary: InvocationSummary, at = new Date(), failed: string | null = null): string {
  const cpu = (cpuMillicores(summary.memorySizeMb) / 1000).toFixed(3);
  const outcome = failed === null ? '' : failed === '' ? '(invoke Failed)' : `(invoke Failed:${failed})`;
  return `${logTimestamp(at)} Finish invoke request '${requestId}'${outcome}, duration: ${summary.durationMs.toFixed(3)}ms, ` +
    `billing duration: ${summary.billedDurationMs}ms, memory used: ${summary.maxMemoryUsedMb.toFixed(3)}MB, ` +
    `billing memory: ${summary.memorySizeMb}MB, cpu used: ${cpu}U\n`;
}

// The last `bytes` of a log, cut at a UTF-8 character boundary.
export function logTail(log: string, bytes = LOG_TAIL_BYTES): string {
  const buf = Buffer.from(log, 'utf8');
  if (buf.length <= bytes) return log;
  let start = buf.length - bytes;
  while (start < buf.length && (buf[start]! & 0xc0) === 0x80) start++;
  return buf.subarray(start).toString('utf8');
}

// The one-line summary `fgrun invoke` prints after a request.
export function summaryLine(requestId: string, summary: InvocationSummary, runtime: string, python: string): string {
  const init = summary.coldStart && summary.initDurationMs !== null ? `  Init duration: ${summary.initDurationMs.toFixed(3)}ms` : '';
  return `Request ID: ${requestId}  Runtime: ${runtime} (${python})  Memory: ${summary.memorySizeMb}MB  ` +
    `Duration: ${summary.durationMs.toFixed(3)}ms  Billed duration: ${summary.billedDurationMs}ms  ` +
    `Max memory used: ${summary.maxMemoryUsedMb.toFixed(3)}MB${init}`;
}
