// The gateway's streaming path for HTTP functions (docs/http-functions.md, "Streaming through the
// gateway"): `/apig/<name>/...` opens an exchange under the request id before it invokes; the
// instance that takes the request streams the client's body to its server as it arrives, and the
// server's response (status, headers, then each piece as the server writes it) straight back to
// the client, within FunctionGraph's 6 MB limits each way. Invocations without an exchange (the
// invoke API, `fgrun invoke`, the library) are buffered as before.
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { MAX_EVENT_BYTES } from '../function/event.js';
import { MAX_RESPONSE_BYTES } from './apig-request.js';

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** Headers the gateway adds to the response (its request id). */
  extraHeaders: Record<string, string>;
  /** Whether the response's head has gone to the client (it can no longer be replaced). */
  responded: boolean;
  /** The request body's size when it went past the 6 MB limit, else null. */
  tooLarge: number | null;
}

/** What the server answered, once its response has ended. */
export interface Answered {
  /** The response body's size (past MAX_RESPONSE_BYTES: not all of it was kept or passed on). */
  size: number;
  /** The body (empty when it was streamed to the client). */
  body: Buffer;
}

const open = new Map<string, Exchange>();

/** Response headers of the connection, which the host's server sets itself. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'trailer']);

// Open the exchange of gateway request `requestId`; close() when its invocation has ended.
export function openExchange(requestId: string, req: IncomingMessage, res: ServerResponse, extraHeaders: Record<string, string>): { exchange: Exchange; close: () => void } {
  const exchange: Exchange = { req, res, extraHeaders, responded: false, tooLarge: null };
  open.set(requestId, exchange);
  return { exchange, close: () => open.delete(requestId) };
}

export function exchangeFor(requestId: string): Exchange | null {
  return open.get(requestId) ?? null;
}

// The body headers of the request to the server: the client's length, chunked when it sent none.
export function bodyHeaders(exchange: Exchange): Record<string, string> {
  const length = exchange.req.headers['content-length'];
  if (length !== undefined) return { 'content-length': length };
  return exchange.req.headers['transfer-encoding'] ? { 'transfer-encoding': 'chunked' } : { 'content-length': '0' };
}

// Stream the client's body to the server's request as it arrives (with backpressure); past 6 MB
// the request to the server is cut (the instance is then replaced) and the gateway answers 413.
export function sendBody(exchange: Exchange, to: ClientRequest): void {
  const { req } = exchange;
  let bytes = 0;
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > MAX_EVENT_BYTES) {
      exchange.tooLarge = bytes;
      req.pause();
      to.destroy(new Error(`the request body is over ${MAX_EVENT_BYTES} bytes`));
      return;
    }
    if (!to.write(chunk)) {
      req.pause();
      to.once('drain', () => req.resume());
    }
  });
  req.once('end', () => {
    if (exchange.tooLarge === null) to.end();
  });
}

// Pass the server's response to the client as it comes. A declared length over 6 MB is not passed
// on (the gateway answers the cloud's error); a body that grows past it mid-way cuts the client's
// connection (its head is gone already). A client that goes away mid-way: the rest is read and dropped.
export function streamResponse(exchange: Exchange, from: IncomingMessage): Promise<Answered> {
  const { res } = exchange;
  return new Promise((resolve) => {
    let size = 0;
    const declared = Number(from.headers['content-length'] ?? 0);
    let passing = declared <= MAX_RESPONSE_BYTES;
    if (passing) {
      const headers: Record<string, string | string[]> = { ...exchange.extraHeaders };
      for (const [name, value] of Object.entries(from.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
      }
      res.writeHead(from.statusCode ?? 502, headers);
      res.flushHeaders();
      exchange.responded = true;
    } else {
      size = declared;
    }
    from.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (passing && size > MAX_RESPONSE_BYTES) {
        passing = false;
        res.destroy();
      }
      if (!passing || res.destroyed) return;
      if (!res.write(chunk)) {
        from.pause();
        const resume = () => from.resume();
        res.once('drain', resume);
        res.once('close', resume);
      }
    });
    from.once('end', () => {
      if (passing && !res.destroyed) res.end();
      resolve({ size, body: Buffer.alloc(0) });
    });
  });
}

// Read the server's whole response (kept up to the 6 MB limit: past it only counted).
export function bufferResponse(from: IncomingMessage): Promise<Answered> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    from.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
    });
    from.once('end', () => resolve({ size, body: Buffer.concat(chunks) }));
  });
}
