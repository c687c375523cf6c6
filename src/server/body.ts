// Request bodies: read with a byte cap (the excess is drained, not kept, so the client still reads
// the 413), and parsed as the JSON event.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BodyCheck } from './auth/admission.js';
import { ApiError } from './errors.js';
import type { Route } from './router.js';

/** Past this many bytes an oversized body is no longer drained: the connection is closed. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

type BodyRead = { ok: true; body: Buffer } | { ok: false; bytes: number };

// The whole body, or the number of bytes seen when it is over `limit`.
function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolvePromise, rejectPromise) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_DRAIN_BYTES) {
      resolvePromise({ ok: false, bytes: declared });
      return;
    }
    // The HTTP server keeps a socket half-open when its client ends it mid-body (no 'aborted' until
    // the server closes it): the socket's own 'end' settles the read. Removed once settled, since a
    // keep-alive socket carries later requests.
    const socket = req.socket;
    const settle = () => socket.off('end', cut);
    const resolve = (read: BodyRead) => { settle(); resolvePromise(read); };
    const reject = (error: Error) => { settle(); rejectPromise(error); };
    const gone = () => reject(new Error('the client closed the request before its body ended'));
    const cut = () => { if (!req.complete) gone(); };
    socket.once('end', cut);
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
    req.once('aborted', gone);
    req.once('close', cut);
  });
}

/** Bodies over this size whose signature can only be checked once they are in count as unverified uploads. */
const LARGE_BODY_BYTES = 64 * 1024;
/** Unverified large uploads read at once; more are refused on the head (429): a caller who knows the AK
 * but not the SK can make the server hold at most this many bodies. */
export const MAX_UNVERIFIED_BODIES = 8;

export class UploadGate {
  private unverified = 0;

  // The body of an admitted request. One whose signature waits for it, and that is large (or of
  // unknown length), takes one of MAX_UNVERIFIED_BODIES places while it is read, or is refused (429).
  async read(req: IncomingMessage, res: ServerResponse, route: Route, checkBody: BodyCheck | null, expectsContinue: boolean): Promise<Buffer> {
    const length = req.headers['content-length'];
    const large = checkBody !== null && !checkBody.headVerified && (length === undefined ? req.headers['transfer-encoding'] !== undefined : Number(length) > LARGE_BODY_BYTES);
    if (large && this.unverified >= MAX_UNVERIFIED_BODIES) {
      res.setHeader('Connection', 'close');
      throw new ApiError('too-many-requests', `${MAX_UNVERIFIED_BODIES} signed uploads are already being read and verified; retry, or sign X-Sdk-Content-Sha256 so that the signature is checked before the body is sent`);
    }
    if (large) this.unverified++;
    try {
      if (expectsContinue) res.writeContinue();
      const read = await readBody(req, route.bodyLimit);
      if (!read.ok) {
        res.setHeader('Connection', 'close');
        throw tooLarge(read.bytes, route.bodyLimit, route.bodyWhat);
      }
      return read.body;
    } finally {
      if (large) this.unverified--;
    }
  }
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
