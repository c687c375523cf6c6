// The console's memory of invocations: the last 1,000 from the invocation feed, each trimmed to what
// the page shows (the log's last 4 KB, as FunctionGraph's console shows it; a body up to 64 KB).
import { logTail, type ErrorBody, type InvocationStatus, type InvocationSummary } from '../../result/index.js';
import type { InvocationFinished, InvocationSource } from '../invocation-feed.js';

/** How many invocations the console keeps. */
export const HISTORY_SIZE = 1000;
/** How many of them a live stream's snapshot carries (the rest: GET /console/api/invocations). */
export const SNAPSHOT_SIZE = 50;
/** The largest response body kept per invocation; a larger one is cut and its result dropped. */
const MAX_KEPT_BODY = 64 * 1024;

/** One invocation as the console's API returns it: the three parts and where it came from. */
export interface ConsoleInvocation {
  seq: number;
  /** When it finished, ISO 8601 UTC. */
  time: string;
  function: string;
  urn: string;
  source: InvocationSource;
  requestId: string;
  status: InvocationStatus;
  runtime: string;
  python: string;
  /** Part 1, the function return: the result (null when the body was cut), the body, the error body. */
  result: unknown;
  body: string;
  bodyTruncated: boolean;
  error: ErrorBody | null;
  /** Part 2, the execution summary, and the wall time in the server (queueing included). */
  summary: InvocationSummary & { wallMs: number };
  /** Part 3, the log output: its last 4 KB, Start and Finish lines included. */
  log: string;
}

// The record of one finished invocation, numbered `seq` by the console.
export function toConsoleInvocation(entry: InvocationFinished, seq: number): ConsoleInvocation {
  const i = entry.invocation;
  const s = i.summary;
  const cut = Buffer.byteLength(i.body) > MAX_KEPT_BODY;
  return {
    seq, time: new Date(entry.startedAt.getTime() + entry.elapsedMs).toISOString(), function: entry.function.name, urn: entry.function.urn, source: entry.source,
    requestId: i.requestId, status: i.status, runtime: i.runtime, python: i.python,
    result: cut ? null : i.result, body: cut ? Buffer.from(i.body).subarray(0, MAX_KEPT_BODY).toString('utf8') : i.body, bodyTruncated: cut, error: i.error,
    summary: { ...s, wallMs: Math.round(entry.elapsedMs * 1000) / 1000 },
    log: logTail(i.log),
  };
}

export class History {
  private readonly records: ConsoleInvocation[] = [];

  add(record: ConsoleInvocation): void {
    this.records.push(record);
    if (this.records.length > HISTORY_SIZE) this.records.splice(0, this.records.length - HISTORY_SIZE);
  }

  /** Oldest first. */
  all(): readonly ConsoleInvocation[] {
    return this.records;
  }

  /** The newest `n`, oldest first. */
  recent(n: number): readonly ConsoleInvocation[] {
    return this.records.slice(-n);
  }

  find(requestId: string): ConsoleInvocation | undefined {
    for (let i = this.records.length - 1; i >= 0; i--) if (this.records[i]!.requestId === requestId) return this.records[i];
    return undefined;
  }
}
