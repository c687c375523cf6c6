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
}

// Build the Invocation for one request. The log text and a JSON result are rendered when first
// read (formatting two timestamps and parsing the body cost more than the rest of the warm path's
// JavaScript together); both stay own enumerable properties, in the usual key order, so spreads,
// Object.keys and JSON.stringify see them.
export function buildInvocation(facts: InvocationFacts, answer: Answer): Invocation {
  const summary = {
    durationMs: Math.round(facts.durationMs * 1000) / 1000,
    billedDurationMs: billedDuration(facts.durationMs),
    memorySizeMb: facts.config.memorySize,
    maxMemoryUsedMb: kbToMb(facts.maxRssKb),
    initDurationMs: facts.cold ? Math.round(facts.cold.initDurationMs * 1000) / 1000 : null,
    coldStart: facts.cold !== null,
  };
  const parts: Parts = { facts, summary: { ...summary }, body: '', log: null, result: null, failed: null };
  // Object literals and assignments, never `{ ...base, more }`: V8 (Node 20) takes ~2.5 us for a
  // spread plus added properties, and its results survive young-generation GCs.
  // Completed below, property by property in the usual key order; every Invocation field is set on every path.
  const invocation = { requestId: facts.requestId, runtime: facts.runtime, python: facts.python, summary } as Invocation;
  Object.defineProperty(invocation, PARTS, { value: parts });
  Object.defineProperty(invocation, 'log', LAZY_LOG);
  if (answer.status === 'success') {
    invocation.status = 'success';
    if (answer.kind === 'json') {
      parts.body = answer.body;
      Object.defineProperty(invocation, 'result', LAZY_RESULT);
    } else {
      invocation.result = answer.kind === 'str' ? answer.body : null;
    }
    invocation.body = answer.body;
    invocation.error = null;
    invocation.errorCode = 0;
    invocation.errorReason = null;
  } else {
    invocation.status = answer.status;
    invocation.result = answer.error;
    invocation.body = JSON.stringify(answer.error);
    invocation.error = answer.error;
    invocation.errorCode = ERROR_TEXT[answer.reason].code;
    invocation.errorReason = answer.reason;
    parts.failed = { reason: answer.reason, message: answer.error.errorMessage };
  }
  return invocation;
}

/** What the lazy properties are rendered from, kept on the invocation under a hidden symbol. */
interface Parts {
  facts: InvocationFacts;
  summary: Invocation['summary'];
  body: string;
  log: string | null;
  result: { value: unknown } | null;
  /** A failure's reason and message, for the log's ERROR line and Finish line; null on success. */
  failed: { reason: ErrorReason; message: string } | null;
}
const PARTS = Symbol('fgrun.invocation.parts');
type Carrier = { [PARTS]: Parts };

// The accessors are the same function objects on every invocation. Accessors made per object
// (closures, or getters in an object literal) give each object its own hidden class, which keeps
// each request's objects alive through young-generation GCs: measured ~1 KB promoted per request
// and 3-5 ms scavenges, the warm path's worst tail latency.
const LAZY_LOG: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: Carrier): string {
    const p = this[PARTS];
    return (p.log ??= renderLog(p.facts, p.summary, p.failed));
  },
  set(this: Carrier, value: string) {
    this[PARTS].log = value;
  },
};
const LAZY_RESULT: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: Carrier): unknown {
    const p = this[PARTS];
    return (p.result ??= { value: parseBody(p.body) }).value;
  },
  set(this: Carrier, value: unknown) {
    this[PARTS].result = { value };
  },
};

// Preamble (cold start), Start line, the function's output, Finish line (stamped at the start plus
// the request's duration). A function that could not be loaded gets its error as an ERROR line, as
// the cloud logs it; a failure's Finish line says "(invoke Failed[:reason])".
function renderLog(facts: InvocationFacts, summary: Invocation['summary'], failed: Parts['failed']): string {
  let log = facts.cold?.preamble ?? '';
  log += startLine(facts.requestId, facts.config.version, wallDate(facts.startedAt));
  log += facts.functionLog;
  if (facts.functionLog.length && !facts.functionLog.endsWith('\n')) log += '\n';
  const finishedAt = wallDate(facts.endedAt ?? facts.startedAt + facts.durationMs);
  if (failed?.reason === 'entry') log += `${logTimestamp(finishedAt)} ${facts.requestId} ERROR ${failed.message}\n`;
  const text = failed === null ? null : ERROR_TEXT[failed.reason];
  return log + finishLine(facts.requestId, summary, finishedAt, text === null ? null : 'logReason' in text ? text.logReason : '');
}

// A JSON body as a value; Python's json.dumps allows NaN/Infinity, which JSON.parse does not: keep the text.
function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
