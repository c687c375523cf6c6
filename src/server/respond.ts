// Writing responses: JSON bodies, FSS error bodies, and the last-resort answer when headers are gone.
import type { ServerResponse } from 'node:http';
import type { ApiError } from './errors.js';

// Send a complete response once; later calls (or a destroyed socket) are ignored.
export function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, { 'Content-Type': 'application/json', ...headers }, JSON.stringify(value));
}

// FunctionGraph's error body; a response already under way is cut off instead (nothing else is possible).
export function sendError(res: ServerResponse, error: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // APIG's own refusals carry the request id (32 hex digits) in the body, as the real gateway's do.
  const body = error.fssCode.startsWith('APIG.') ? { ...error.body, request_id: String(res.getHeader('X-Request-Id') ?? '').replace(/-/g, '') } : error.body;
  sendJson(res, error.status, body, error.headers);
}
