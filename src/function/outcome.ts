// The answer for an invoke outcome: success, the handler's error, a timeout or a crash.
import type { ResultMessage } from '../protocol/index.js';
import type { Outcome } from '../instance/index.js';
import { failure, type Answer } from './build-invocation.js';

// "exited with code 3" / "killed by signal SIGKILL".
export function describeExit(exitCode: number | null, signal: string | null): string {
  if (signal) return `runtime process killed by signal ${signal}`;
  if (exitCode !== null) return `runtime process exited with code ${exitCode}`;
  return 'runtime process could not be started';
}

export function answerFor(outcome: Outcome<ResultMessage>, timeoutSeconds: number): Answer {
  switch (outcome.kind) {
    case 'done': {
      const m = outcome.message;
      if (m.ok) return { status: 'success', kind: m.kind ?? 'none', body: outcome.payload ? outcome.payload.toString('utf8') : '' };
      const e = m.error!;
      const key = e.code === 'result-invalid' || e.code === 'result-too-large' ? e.code : 'invocation';
      return failure('error', key, e.type, e.message, e.stackTrace);
    }
    case 'timeout':
      return failure('timeout', 'timeout', 'FunctionTimeout', `the function did not return within its timeout of ${timeoutSeconds}s`);
    case 'crash':
      return failure('crash', 'crash', 'RuntimeExited', outcome.reason ?? describeExit(outcome.exitCode, outcome.signal));
    case 'oom':
      return failure('oom', 'oom', 'RuntimeMemoryLimitExceeded', `memory used ${(outcome.peakKb / 1024).toFixed(3)}MB is over the function's memory size of ${outcome.limitMb}MB`);
    case 'protocol':
      return failure('crash', 'crash', 'ProtocolError', outcome.error.message);
  }
}
