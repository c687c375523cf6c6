// Splits the bootstrap's protocol stream into frames: a JSON header line, validated with zod, and
// for messages with `size` the raw payload that follows. Lines and payloads are capped in bytes;
// anything that is not protocol becomes a ProtocolError, never a crash and never silently skipped.
import { MAX_PAYLOAD_BYTES } from '../contract/limits.js';
import { ProtocolError } from '../errors.js';
import { pythonMessageSchema, type PythonMessage, type ResultMessage } from '../contract/messages.js';

const MAX_HEADER_BYTES = 8 * 1024 * 1024;

/**
 * Receives each frame: its message and, for a result with `size`, the payload (a view of the bytes
 * read). `lent`: the payload is a view of the reused read buffer, valid only until the call returns
 * (the reader's `lend` option); the receiver copies what it keeps.
 */
export type OnFrame = (message: PythonMessage, payload: Buffer | null, lent: boolean) => void;

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private pendingHeader: PythonMessage | null = null;
  private failed = false;
  /** How many leading chunks are known to hold no newline. */
  private searched = 0;

  constructor(
    private readonly onFrame: OnFrame,
    private readonly onError: (error: ProtocolError) => void,
    private readonly limits = { header: MAX_HEADER_BYTES, payload: MAX_PAYLOAD_BYTES },
    /** The chunks pushed are views of one buffer that is read into again once push() returns
     * (instance/protocol-socket.ts): what outlives the call (payloads, partial frames) is copied. */
    private readonly reused = false,
    /** With `reused`: a payload whole in the chunk is lent to onFrame uncopied (`lent`), for a
     * receiver that reads it at once (the warm path decodes it into the body in the same call). */
    private readonly lend = false,
  ) {}

  private own(bytes: Buffer): Buffer {
    return this.reused ? Buffer.from(bytes) : bytes;
  }

  // Feed bytes as they arrive; frames are emitted synchronously, in order.
  push(chunk: Buffer): void {
    if (this.failed) return;
    if (this.buffered === 0 && this.pendingHeader === null) {
      this.fastPath(chunk);
      return;
    }
    this.chunks.push(this.own(chunk));
    this.buffered += chunk.length;
    this.drain();
  }

  // The common case: a chunk holding whole frames and nothing buffered before it.
  private fastPath(chunk: Buffer): void {
    let offset = 0;
    while (!this.failed) {
      const nl = chunk.indexOf(10, offset);
      if (nl < 0) break;
      const message = this.parse(chunk.toString('latin1', offset, nl));
      if (!message) return;
      const size = 'size' in message && typeof message.size === 'number' ? message.size : null;
      if (size === null || message.type !== 'result') {
        offset = nl + 1;
        this.onFrame(message, null, false);
        continue;
      }
      if (size > this.limits.payload) return this.fail(`payload of ${size} bytes is over the ${this.limits.payload}-byte cap`);
      if (chunk.length - (nl + 1) >= size + 1) {
        const view = chunk.subarray(nl + 1, nl + 1 + size);
        const lent = this.reused && this.lend;
        offset = nl + 2 + size;
        this.onFrame(message, lent ? view : this.own(view), lent);
        continue;
      }
      this.pendingHeader = message;
      offset = nl + 1;
      break;
    }
    if (offset < chunk.length) {
      const rest = this.own(chunk.subarray(offset));
      this.chunks.push(rest);
      this.buffered = rest.length;
      if (this.pendingHeader === null && this.buffered > this.limits.header) this.fail(`protocol line over the ${this.limits.header}-byte cap`);
      else if (this.pendingHeader !== null) this.drain();
    }
  }

  private drain(): void {
    while (!this.failed) {
      if (this.pendingHeader) {
        const size = (this.pendingHeader as { size?: number }).size ?? 0;
        if (this.buffered < size + 1) return;
        const all = this.take(size + 1);
        const message = this.pendingHeader;
        this.pendingHeader = null;
        this.onFrame(message, all.subarray(0, size), false);
        continue;
      }
      const nl = this.findNewline();
      if (nl < 0) {
        if (this.buffered > this.limits.header) this.fail(`protocol line over the ${this.limits.header}-byte cap`);
        return;
      }
      const line = this.take(nl + 1);
      const message = this.parse(line.toString('latin1', 0, nl));
      if (!message) return;
      if (message.type === 'result' && typeof message.size === 'number') {
        if (message.size > this.limits.payload) return this.fail(`payload of ${message.size} bytes is over the ${this.limits.payload}-byte cap`);
        this.pendingHeader = message;
        continue;
      }
      this.onFrame(message, null, false);
    }
  }

  // Position of the first newline in the buffered chunks; chunks already searched are not searched
  // again, so a long line arriving in many chunks costs linear, not quadratic, time.
  private findNewline(): number {
    let before = 0;
    for (let i = 0; i < this.chunks.length; i++) {
      const chunk = this.chunks[i]!;
      if (i >= this.searched) {
        const at = chunk.indexOf(10);
        if (at >= 0) return before + at;
        this.searched = i + 1;
      }
      before += chunk.length;
    }
    return -1;
  }

  private take(n: number): Buffer {
    const joined = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const head = joined.subarray(0, n);
    const rest = joined.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    this.searched = 0;
    return head;
  }

  private parse(line: string): PythonMessage | null {
    const plain = plainResultLine(line);
    if (plain !== null) return plain;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (cause) {
      this.fail(`malformed protocol line: ${line.slice(0, 120)}`, cause);
      return null;
    }
    if (isPlainResult(raw)) return raw;
    const parsed = pythonMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.fail(`invalid protocol message: ${line.slice(0, 120)} (${parsed.error.issues[0]?.message ?? 'schema mismatch'})`);
      return null;
    }
    return parsed.data;
  }

  private fail(message: string, cause?: unknown): void {
    this.failed = true;
    this.chunks = [];
    this.buffered = 0;
    this.onError(new ProtocolError(message, { cause }));
  }
}

// The success result header exactly as the bootstrap formats it (fgrun_protocol.send_result),
// checked with one regular expression instead of JSON.parse and isPlainResult (~1-2 us less per
// request), then read at the places the check fixed: no capture groups, whose match array and
// strings were ~250 of the request's ~3000 bytes of garbage (docs/performance.md). An id with an
// escape, and anything else, goes the JSON.parse way. Equivalence tested (test/protocol/frame-reader.test.ts).
const RESULT_LINE = /^\{"type":"result","id":"[^"\\\x00-\x1f]*","ok":true,"kind":"(?:none|str|json)","size":\d+,"durationMs":(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?,"maxRssKb":\d+,"fenced":(?:true|false)\}$/;
/** Where the id starts: after `{"type":"result","id":"`. */
const ID_AT = 23;
/** From the id's closing quote to the kind: `","ok":true,"kind":"`. */
const TO_KIND = 20;
/** Digits past this may not be an exact double: Number() reads them. */
const EXACT_DIGITS = 15;

export function plainResultLine(line: string): ResultMessage | null {
  if (!RESULT_LINE.test(line)) return null;
  const idEnd = line.indexOf('"', ID_AT);
  const kindAt = idEnd + TO_KIND;
  const first = line.charCodeAt(kindAt);
  const kind = first === 106 ? 'json' : first === 110 ? 'none' : 'str';
  // `","size":`, `,"durationMs":`, `,"maxRssKb":`, `,"fenced":` and the value after each.
  const sizeAt = kindAt + kind.length + 9;
  const sizeEnd = line.indexOf(',', sizeAt);
  const durationAt = sizeEnd + 14;
  const durationEnd = line.indexOf(',', durationAt);
  const peakAt = durationEnd + 12;
  const peakEnd = line.indexOf(',', peakAt);
  const size = count(line, sizeAt, sizeEnd);
  const durationMs = decimal(line, durationAt, durationEnd);
  const maxRssKb = count(line, peakAt, peakEnd);
  if (!Number.isSafeInteger(size) || !Number.isSafeInteger(maxRssKb) || !Number.isFinite(durationMs)) return null;
  return { type: 'result', id: line.slice(ID_AT, idEnd), ok: true, kind, size, durationMs, maxRssKb, fenced: line.charCodeAt(peakEnd + 10) === 116 };
}

// The count in the digits from `from` to `to` (the check made sure they are digits).
function count(line: string, from: number, to: number): number {
  if (to - from > EXACT_DIGITS) return Number(line.slice(from, to));
  let n = 0;
  for (let j = from; j < to; j++) n = n * 10 + (line.charCodeAt(j) - 48);
  return n;
}

/** 10 ** k, exact as doubles up to 10 ** 22. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

// The number in `digits[.digits]` from `from` to `to` (the check fixed the form), as Number() reads
// it without the slice and its string-to-number conversion: up to 15 digits are an exact integer m,
// and m / 10 ** k (k the digits after the point, exact up to 22) is one correctly rounded division,
// so the very double Number() makes (the fast path of strtod, Clinger 1990). An exponent, or more
// digits, goes to Number().
function decimal(line: string, from: number, to: number): number {
  let m = 0;
  let point = -1;
  for (let j = from; j < to; j++) {
    const c = line.charCodeAt(j);
    if (c === 46) point = j;
    else if (c >= 48 && c <= 57) m = m * 10 + (c - 48);
    else return Number(line.slice(from, to));
  }
  const places = point < 0 ? 0 : to - point - 1;
  if (to - from - (point < 0 ? 0 : 1) > EXACT_DIGITS) return Number(line.slice(from, to));
  return places === 0 ? m : m / POWERS_OF_TEN[places]!;
}

const RESULT_KEYS = new Set(['type', 'id', 'ok', 'kind', 'size', 'durationMs', 'maxRssKb', 'fenced']);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

// The warm path's one message, checked by hand (the shape resultSchema accepts for a success
// without error; anything else, errors included, goes through zod): ~10x cheaper than safeParse.
// Equivalence with the schema is tested (test/protocol/frame-reader.test.ts).
export function isPlainResult(raw: unknown): raw is ResultMessage {
  if (typeof raw !== 'object' || raw === null) return false;
  const m = raw as Record<string, unknown>;
  if (m.type !== 'result' || m.ok !== true || typeof m.id !== 'string' || !isCount(m.maxRssKb)) return false;
  if (typeof m.durationMs !== 'number' || !(m.durationMs >= 0) || !Number.isFinite(m.durationMs)) return false;
  if (m.kind !== 'none' && m.kind !== 'str' && m.kind !== 'json') return false;
  if (!isCount(m.size) || (m.fenced !== undefined && typeof m.fenced !== 'boolean')) return false;
  for (const key in m) if (!RESULT_KEYS.has(key)) return false;
  return true;
}
