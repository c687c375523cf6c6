// Turns an instance's outcome into the Invocation every front end reports: status, body,
// FunctionGraph's error body, the summary with billing, and the log framed by Start/Finish lines.
import { billedDuration, ERROR_TEXT, finishLine, kbToMb, logTimestamp, startLine, type ErrorReason, type Invocation } from '../result/index.js';
import type { ResolvedConfig } from '../config/index.js';
import type { Answer } from './answer.js';
import { wallDate } from './clock.js';

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
  /** performance.now() at the request's start (clock.ts makes the wall time of the log lines). */
  startedAt: number;
  /** performance.now() at its end, when read; else the start plus `durationMs`. */
  endedAt?: number;
  cold: ColdStart | null;
  durationMs: number;
  maxRssKb: number;
  functionLog: string;
  /** A success's body as the function returned it (a JSON result is parsed from it); '' for a failure. */
  body: string;
  /** A failure's reason and message, for the log's ERROR line and Finish line; absent on success. */
  failed?: { reason: ErrorReason; message: string };
}

// Build the Invocation for one request from its facts and its Answer (off the warm path: the
// facts are copied with the answer's body).
export function buildInvocation(facts: Omit<InvocationFacts, 'body'>, answer: Answer): Invocation {
  if (answer.status === 'success') return successInvocation({ ...facts, body: answer.body }, answer.kind);
  return failedInvocation({ ...facts, body: '', failed: { reason: answer.reason, message: answer.error.errorMessage } }, answer);
}

// The Invocation of a success, by the `kind` of value the handler returned, with its encoded body in
// the facts. The warm path calls it with the instance's result as it came: no Answer of its own.
export function successInvocation(facts: InvocationFacts, kind: 'none' | 'str' | 'json'): Invocation {
  const body = facts.body;
  const invocation = base(facts);
  invocation.status = 'success';
  if (kind === 'json') Object.defineProperty(invocation, 'result', LAZY_RESULT);
  else invocation.result = kind === 'str' ? body : null;
  invocation.body = body;
  invocation.error = null;
  invocation.errorCode = 0;
  invocation.errorReason = null;
  return invocation;
}

// The Invocation of a failure: its status and FunctionGraph's error body.
function failedInvocation(facts: InvocationFacts, answer: Extract<Answer, { reason: unknown }>): Invocation {
  const invocation = base(facts);
  invocation.status = answer.status;
  invocation.result = answer.error;
  invocation.body = JSON.stringify(answer.error);
  invocation.error = answer.error;
  invocation.errorCode = ERROR_TEXT[answer.reason].code;
  invocation.errorReason = answer.reason;
  return invocation;
}

// The fields every Invocation starts with, in the usual key order (the rest follow, set on every
// path). The log text and a JSON result are rendered when first read (formatting two timestamps
// and parsing the body cost more than the rest of the warm path's JavaScript together) from the
// facts, kept under a hidden symbol: the request's own objects are the Invocation, its summary and
// the facts it was built from. Read or set once, each becomes a plain data property. Object
// literals and assignments, never `{ ...base, more }`: V8 (Node 20) takes ~2.5 us for a spread
// plus added properties, and its results survive young-generation GCs.
function base(facts: InvocationFacts): Invocation {
  const invocation = { requestId: facts.requestId, runtime: facts.runtime, python: facts.python, summary: summaryOf(facts) } as Invocation;
  Object.defineProperty(invocation, FACTS, { value: facts });
  Object.defineProperty(invocation, 'log', LAZY_LOG);
  return invocation;
}

function summaryOf(facts: InvocationFacts): Invocation['summary'] {
  return {
    durationMs: Math.round(facts.durationMs * 1000) / 1000,
    billedDurationMs: billedDuration(facts.durationMs),
    memorySizeMb: facts.config.memorySize,
    maxMemoryUsedMb: kbToMb(facts.maxRssKb),
    initDurationMs: facts.cold ? Math.round(facts.cold.initDurationMs * 1000) / 1000 : null,
    coldStart: facts.cold !== null,
  };
}

const FACTS = Symbol('fgrun.invocation.facts');
type Carrier = Invocation & { [FACTS]: InvocationFacts };

// Make `key` a plain data property holding `value` (it keeps its place in the key order).
function settle(target: object, key: 'log' | 'result', value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

// The accessors are the same function objects on every invocation. Accessors made per object
// (closures, or getters in an object literal) give each object its own hidden class, which keeps
// each request's objects alive through young-generation GCs: measured ~1 KB promoted per request
// and 3-5 ms scavenges, the warm path's worst tail latency.
const LAZY_LOG: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: Carrier): string {
    const log = renderLog(this[FACTS]);
    settle(this, 'log', log);
    return log;
  },
  set(this: Carrier, value: string) {
    settle(this, 'log', value);
  },
};
// A JSON body parsed from the body as the function returned it (`body` itself may be set since).
const LAZY_RESULT: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: Carrier): unknown {
    const value = parseBody(this[FACTS].body);
    settle(this, 'result', value);
    return value;
  },
  set(this: Carrier, value: unknown) {
    settle(this, 'result', value);
  },
};

// Preamble (cold start), Start line, the function's output, Finish line (stamped at the start plus
// the request's duration), with the summary's figures as the facts give them.
function renderLog(facts: InvocationFacts): string {
  let log = facts.cold?.preamble ?? '';
  log += startLine(facts.requestId, facts.config.version, wallDate(facts.startedAt));
  log += facts.functionLog;
  if (facts.functionLog.length && !facts.functionLog.endsWith('\n')) log += '\n';
  const finishedAt = wallDate(facts.endedAt ?? facts.startedAt + facts.durationMs);
  const failed = facts.failed;
  // A function that could not be loaded gets its error as an ERROR line, as the cloud logs it; a
  // failure's Finish line says "(invoke Failed[:reason])".
  if (failed?.reason === 'entry') log += `${logTimestamp(finishedAt)} ${facts.requestId} ERROR ${failed.message}\n`;
  const text = failed === undefined ? null : ERROR_TEXT[failed.reason];
  return log + finishLine(facts.requestId, summaryOf(facts), finishedAt, text === null ? null : 'logReason' in text ? text.logReason : '');
}

// A JSON body as a value; Python's json.dumps allows NaN/Infinity, which JSON.parse does not: keep the text.
function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
