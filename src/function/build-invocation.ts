// Turns an instance's outcome into the Invocation every front end reports: status, body,
// FunctionGraph's error body, the summary with billing, and the log framed by Start/Finish lines.
import { billedDuration, errorBody, finishLine, kbToMb, startLine, type ErrorBody, type ErrorTextKey, type Invocation, type InvocationStatus } from '../result/index.js';
import type { ResolvedConfig } from '../config/index.js';

export interface ColdStart {
  initDurationMs: number;
  /** Output printed while the module was imported and the initializer ran. */
  preamble: string;
}

export interface InvocationFacts {
  requestId: string;
  config: ResolvedConfig;
  runtime: string;
  python: string;
  startedAt: Date;
  cold: ColdStart | null;
  durationMs: number;
  maxRssKb: number;
  functionLog: string;
}

export type Answer =
  | { status: 'success'; kind: 'none' | 'str' | 'json'; body: string }
  | { status: Exclude<InvocationStatus, 'success'>; error: ErrorBody };

// Build the Invocation for one request.
export function buildInvocation(facts: InvocationFacts, answer: Answer): Invocation {
  const summary = {
    durationMs: Math.round(facts.durationMs * 1000) / 1000,
    billedDurationMs: billedDuration(facts.durationMs),
    memorySizeMb: facts.config.memorySize,
    maxMemoryUsedMb: kbToMb(facts.maxRssKb),
    initDurationMs: facts.cold ? Math.round(facts.cold.initDurationMs * 1000) / 1000 : null,
    coldStart: facts.cold !== null,
  };
  let log = facts.cold?.preamble ?? '';
  log += startLine(facts.requestId, facts.config.version, facts.startedAt);
  log += facts.functionLog;
  if (facts.functionLog.length && !facts.functionLog.endsWith('\n')) log += '\n';
  log += finishLine(facts.requestId, summary);
  const base = { requestId: facts.requestId, runtime: facts.runtime, python: facts.python, summary, log };
  if (answer.status === 'success') {
    const invocation = { ...base, status: 'success' as const, result: null as unknown, body: answer.body, error: null };
    if (answer.kind === 'str') invocation.result = answer.body;
    else if (answer.kind === 'json') defineLazyResult(invocation, answer.body);
    return invocation;
  }
  return { ...base, status: answer.status, result: answer.error, body: JSON.stringify(answer.error), error: answer.error };
}

// Parse a JSON body into `result` only when someone reads it (large bodies cost nothing otherwise).
function defineLazyResult(target: { result: unknown }, body: string): void {
  let cached: { value: unknown } | null = null;
  Object.defineProperty(target, 'result', {
    enumerable: true,
    configurable: true,
    get() {
      if (cached === null) {
        try {
          cached = { value: JSON.parse(body) };
        } catch {
          // Python's json.dumps allows NaN/Infinity, which JSON.parse does not: keep the text.
          cached = { value: body };
        }
      }
      return cached.value;
    },
    set(value: unknown) {
      cached = { value };
    },
  });
}

// An error answer with FunctionGraph's text for `key`.
export function failure(status: Exclude<InvocationStatus, 'success'>, key: ErrorTextKey, errorType: string, message: string, stackTrace: string[] = []): Answer {
  return { status, error: errorBody(key, errorType, message, stackTrace) };
}
