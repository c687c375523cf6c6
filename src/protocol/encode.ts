// Host -> Python frames: one ASCII JSON line, optionally followed by raw payload bytes and "\n".
import type { HostMessage } from '../contract/messages.js';

// Escape non-ASCII so every protocol line is ASCII, as the protocol requires.
function asciiJson(value: unknown): string {
  const text = JSON.stringify(value);
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(text) ? text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : text;
}

// A frame without payload.
export function encodeMessage(message: HostMessage): string {
  return asciiJson(message) + '\n';
}

// Byte length of the event as it will travel (for the payload limit), without encoding twice.
export function eventBytes(event: unknown): Buffer {
  return Buffer.from(JSON.stringify(event === undefined ? null : event), 'utf8');
}

/** Printable ASCII but `"` and `\\`: an id JSON.stringify quotes as it is. */
const PLAIN_ID = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

// The invoke frame's header line (ASCII even when the request id is not) for a payload of `size`
// bytes. bootstrap/fgrun_protocol.py reads this exact header without json.loads.
function invokeHeader(id: string, size: number, timeoutMs: number, linger: boolean): string {
  const quoted = PLAIN_ID.test(id) ? `"${id}"` : asciiJson(id);
  return `{"type":"invoke","id":${quoted},"size":${size},"timeoutMs":${timeoutMs},"linger":${linger}}\n`;
}

// The invoke frame: header, payload bytes, "\n", in one buffer.
export function encodeInvokeBytes(id: string, payload: Buffer | string, timeoutMs: number, linger = false): Buffer {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.length;
  const header = invokeHeader(id, size, timeoutMs, linger);
  const frame = Buffer.allocUnsafe(header.length + size + 1);
  frame.write(header, 0, 'latin1');
  if (typeof payload === 'string') frame.write(payload, header.length, 'utf8');
  else payload.copy(frame, header.length);
  frame[frame.length - 1] = 10;
  return frame;
}

// The same frame as text, for an event that is JSON text: the pipe's write encodes it to UTF-8 in
// one pass, with no buffer of its own (the same bytes as encodeInvokeBytes, tested).
export function encodeInvokeText(id: string, payload: string, timeoutMs: number, linger = false): string {
  return invokeHeader(id, Buffer.byteLength(payload, 'utf8'), timeoutMs, linger) + payload + '\n';
}

// An event text up to this long goes as one string, which Node encodes into a stack buffer of 16 KB
// and writes at once (~5% less of Node's CPU per warm request than a frame buffer made in JavaScript);
// a longer one as one buffer: a string there is flattened, copied and written in pieces (a 6 MB
// event measured 38 ms of Node's CPU against 29 ms, docs/performance.md).
const SMALL_EVENT_CHARS = 4096;

// The invoke frame in the form the pipe writes fastest: text for a short event text, else bytes.
export function encodeInvoke(id: string, event: Buffer | string, timeoutMs: number, linger = false): string | Buffer {
  return typeof event === 'string' && event.length <= SMALL_EVENT_CHARS ? encodeInvokeText(id, event, timeoutMs, linger) : encodeInvokeBytes(id, event, timeoutMs, linger);
}
