// The outcome of one request, as the library, CLI and server all report it.
import type { ErrorReason } from '../contract/errors.js';
import type { ErrorBody } from './texts.js';

export type InvocationStatus = 'success' | 'error' | 'timeout' | 'crash' | 'oom' | 'init-error';

export interface InvocationSummary {
  /** Measured duration of the handler (initializer excluded), ms with microsecond precision. */
  durationMs: number;
  /** Duration rounded up to the whole millisecond, as FunctionGraph bills it. */
  billedDurationMs: number;
  /** Configured memory, MB. */
  memorySizeMb: number;
  /** The instance's real peak RSS during this request, MB. */
  maxMemoryUsedMb: number;
  /** Instance start plus initializer, ms; present on a cold start only. */
  initDurationMs: number | null;
  /** Whether this request started a new instance. */
  coldStart: boolean;
}

export interface Invocation {
  requestId: string;
  runtime: string;
  /** Exact interpreter version, e.g. "3.12.1". */
  python: string;
  status: InvocationStatus;
  /** The handler's return value as JSON (null for None); on failure, the error body. */
  result: unknown;
  /** The response body FunctionGraph sends: None -> "", str as is, anything else JSON. */
  body: string;
  /** FunctionGraph's error body, or null on success. */
  error: ErrorBody | null;
  /** FunctionGraph's error code (X-Func-Err-Code): 0 on success, e.g. 4002 for the handler's exception. */
  errorCode: number;
  /** Which of FunctionGraph's errors this is (its code and message prefix), or null on success. */
  errorReason: ErrorReason | null;
  summary: InvocationSummary;
  /** The request's log: Start line, the function's output, Finish line. */
  log: string;
}
