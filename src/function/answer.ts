// The Answer for an instance's Outcome: what FunctionGraph answers (a success body, or a status with
// its error body) for success, the handler's error, a timeout or a crash.
import type { ResultMessage } from '../protocol/index.js';
import type { Outcome } from '../instance/index.js';
import { errorBody, type ErrorBody, type ErrorReason, type InvocationStatus } from '../result/index.js';

/** What FunctionGraph answers for one request, before it is built into an Invocation. */
export type Answer =
  | { status: 'success'; kind: 'none' | 'str' | 'json'; body: string }
  | { status: Exclude<InvocationStatus, 'success'>; reason: ErrorReason; error: ErrorBody };

// An error answer with FunctionGraph's text for `key`.
export function errorAnswer(status: Exclude<InvocationStatus, 'success'>, key: ErrorReason, errorType: string, message: string, stackTrace: string[] = []): Answer {
  return { status, reason: key, error: errorBody(key, errorType, message, stackTrace) };
}

// "exited with code 3" / "killed by signal SIGKILL".
export function describeExit(exitCode: number | null, signal: string | null): string {
  if (signal) return `runtime process killed by signal ${signal}`;
  if (exitCode !== null) return `runtime process exited with code ${exitCode}`;
  return 'runtime process could not be started';
}

// The answer for an instance operation's outcome.
export function answerFor(outcome: Outcome<ResultMessage>, timeoutSeconds: number): Answer {
  switch (outcome.kind) {
    case 'done': {
      const m = outcome.message;
      if (m.ok) return { status: 'success', kind: m.kind ?? 'none', body: outcome.payload ? outcome.payload.toString('utf8') : '' };
      const e = m.error!;
      const key = e.code === 'result-invalid' || e.code === 'result-too-large' ? e.code : 'invocation';
      return errorAnswer('error', key, e.type, e.message, e.stackTrace);
    }
    case 'timeout':
      return errorAnswer('timeout', 'timeout', 'FunctionTimeout', `the function did not return within its timeout of ${timeoutSeconds}s`);
    case 'crash':
      return errorAnswer('crash', 'crash', 'RuntimeExited', outcome.reason ?? describeExit(outcome.exitCode, outcome.signal));
    case 'oom':
      return errorAnswer('oom', 'oom', 'RuntimeMemoryLimitExceeded', `memory used ${(outcome.peakKb / 1024).toFixed(3)}MB is over the function's memory size of ${outcome.limitMb}MB`);
    case 'protocol':
      return errorAnswer('crash', 'crash', 'ProtocolError', outcome.error.message);
  }
}
