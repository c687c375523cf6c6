// Recent asynchronous invocations and their outcomes, per function, bounded in count and size
// (oldest first out), read back through GET .../async-invocations.
import type { Invocation } from '../../result/index.js';
import { reportFor } from './failure-report.js';
import type { AsyncInvocation, AsyncStatus } from './schemas.js';

/** How many async invocations the server remembers. */
const ASYNC_HISTORY = 500;
/** A response body longer than this is not kept (`result` is null); the outcome still is. */
const ASYNC_RESULT_BYTES = 64 * 1024;

interface AsyncRecord {
  functionUrn: string;
  requestId: string;
  status: AsyncStatus;
  startedAt: Date;
  endedAt: Date | null;
  errorCode: number;
  errorMessage: string;
  result: string | null;
}

export interface AsyncFilter {
  requestId?: string;
  status?: AsyncStatus;
  begin?: Date;
  end?: Date;
}

export class AsyncStore {
  private readonly records = new Map<string, AsyncRecord>();

  constructor(private readonly capacity = ASYNC_HISTORY) {}

  // Remember a newly accepted invocation (status WAIT).
  accept(functionUrn: string, requestId: string): void {
    this.records.set(requestId, { functionUrn, requestId, status: 'WAIT', startedAt: new Date(), endedAt: null, errorCode: 0, errorMessage: '', result: null });
    while (this.records.size > this.capacity) this.records.delete(this.records.keys().next().value!);
  }

  running(requestId: string): void {
    const r = this.records.get(requestId);
    if (r && r.status === 'WAIT') r.status = 'RUNNING';
  }

  // Record the invocation's outcome: SUCCESS, or FAIL with the runtime code and error message.
  finish(requestId: string, invocation: Invocation): void {
    const r = this.records.get(requestId);
    if (!r) return;
    const report = reportFor(invocation);
    r.status = report.isFuncErr ? 'FAIL' : 'SUCCESS';
    r.endedAt = new Date();
    r.errorCode = report.funcErrCode;
    r.errorMessage = invocation.error?.errorMessage ?? '';
    r.result = Buffer.byteLength(invocation.body) <= ASYNC_RESULT_BYTES ? invocation.body : null;
  }

  // Record a failure that left no invocation (the server shut down, the event could not be sent).
  fail(requestId: string, errorCode: number, message: string): void {
    const r = this.records.get(requestId);
    if (!r) return;
    Object.assign(r, { status: 'FAIL', endedAt: new Date(), errorCode, errorMessage: message });
  }

  // A function's invocations, newest first.
  list(functionUrn: string, filter: AsyncFilter = {}): AsyncInvocation[] {
    const out: AsyncInvocation[] = [];
    for (const r of [...this.records.values()].reverse()) {
      if (r.functionUrn !== functionUrn) continue;
      if (filter.requestId !== undefined && r.requestId !== filter.requestId) continue;
      if (filter.status !== undefined && r.status !== filter.status) continue;
      if (filter.begin && r.startedAt < filter.begin) continue;
      if (filter.end && r.startedAt > filter.end) continue;
      out.push({
        request_id: r.requestId, status: r.status, error_message: r.errorMessage, error_code: r.errorCode,
        start_time: r.startedAt.toISOString(), end_time: r.endedAt ? r.endedAt.toISOString() : '', result: r.result,
      });
    }
    return out;
  }
}
