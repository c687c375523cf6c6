// Request bodies: read with a byte cap (the excess is drained, not kept, so the client still reads
// the 413), and parsed as the JSON event.
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.js';

/** Past this many bytes an oversized body is no longer drained: the connection is closed. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

export type BodyRead = { ok: true; body: Buffer } | { ok: false; bytes: number };

// The whole body, or the number of bytes seen when it is over `limit`.
export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_DRAIN_BYTES) {
      resolve({ ok: false, bytes: declared });
      return;
    }
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limit) chunks.push(chunk);
      else if (chunks.length) chunks.length = 0;
      if (bytes > MAX_DRAIN_BYTES) {
        req.pause();
        resolve({ ok: false, bytes });
      }
    });
    req.once('end', () => resolve(bytes > limit ? { ok: false, bytes } : { ok: true, body: Buffer.concat(chunks) }));
    req.once('error', reject);
    req.once('aborted', () => reject(new Error('the client closed the request before its body ended')));
  });
}

// FSS.0413 for a body over the limit, naming the limit.
export function tooLarge(bytes: number, limit: number, what: string): ApiError {
  const size = limit >= 1024 * 1024 ? `${limit / 1024 / 1024} MB` : `${limit / 1024} KB`;
  return new ApiError('too-large', `the request body is ${bytes} bytes; FunctionGraph accepts at most ${limit} bytes (${size}) for ${what}`);
}

// The event a body carries: its JSON (an empty body is {}), or FSS.0406 saying where it broke.
export function parseEvent(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ApiError('bad-json', `the request body is not valid JSON (${(cause as Error).message}); send the event as a JSON document`, { cause });
  }
}
