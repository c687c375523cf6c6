// Host -> Python frames: one ASCII JSON line, optionally followed by raw payload bytes and "\n".
import type { HostMessage } from './messages.js';

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

const NEWLINE = Buffer.from('\n');

// The invoke frame: header (ASCII even when the request id is not), payload, "\n".
export function encodeInvokeBytes(id: string, payload: Buffer): Buffer {
  const header = Buffer.from(`{"type":"invoke","id":${asciiJson(id)},"size":${payload.length}}\n`, 'latin1');
  return Buffer.concat([header, payload, NEWLINE]);
}
