// Connections: how many may be open, how long a client may take to send its headers and its whole
// request, and what happens to one whose bytes Node's parser rejects or that runs out of time. Such a
// socket gets its 400/408 (after any response still owed to an earlier request on it, in order) and
// is then destroyed, so that a slow or hostile client never keeps a descriptor.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ConfigError } from '../errors.js';
import { ApiError } from './errors.js';

export interface ConnectionLimits {
  /** Connections open at once; further ones are closed as they arrive. @default 1024 */
  maxConnections?: number;
  /** Time a client has to send a request's headers, in ms (408 after). @default 10000 */
  headersTimeoutMs?: number;
  /** Time a client has to send a whole request, body included, in ms (408 after). @default 60000 */
  requestTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this many ms. @default 5000 */
  keepAliveTimeoutMs?: number;
}

export const CONNECTION_DEFAULTS: Required<ConnectionLimits> = {
  maxConnections: 1024, headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000,
};

/** How long a refused socket may take to flush its 400/408 before it is destroyed anyway. */
const REFUSAL_FLUSH_MS = 1_000;

/** Each counted socket's budget: the sockets of its server that count against maxConnections. */
const budgets = new WeakMap<Socket, Set<Socket>>();

/** The last response each connection owes (pipelined responses go out in order). */
const owed = new WeakMap<Socket, Promise<void>>();
const refused = new WeakSet<Socket>();

// Remember the response a request on this socket will send, so a later refusal waits for it.
export function trackResponse(req: IncomingMessage, res: ServerResponse): void {
  owed.set(req.socket, new Promise((resolve) => res.once('close', resolve)));
}

// The limits with their defaults, or a ConfigError naming the flag that cannot work.
export function connectionLimits(limits: ConnectionLimits = {}): Required<ConnectionLimits> {
  const given = Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
  const l: Required<ConnectionLimits> = { ...CONNECTION_DEFAULTS, ...given };
  if (l.headersTimeoutMs > l.requestTimeoutMs) {
    throw new ConfigError(`the headers timeout (${l.headersTimeoutMs} ms) cannot exceed the request timeout (${l.requestTimeoutMs} ms); raise --request-timeout`, { field: '--headers-timeout' });
  }
  return l;
}

// The HTTP server with the limits applied (Node checks the timeouts every `connectionsCheckingInterval`).
export function createLimitedServer(l: Required<ConnectionLimits>): Server {
  const http = createServer({
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(l.headersTimeoutMs / 4))),
  });
  // maxConnections, counted here rather than by Node so that long-lived console streams can leave the budget.
  const counted = new Set<Socket>();
  http.on('connection', (socket: Socket) => {
    if (counted.size >= l.maxConnections) {
      socket.destroy();
      return;
    }
    counted.add(socket);
    budgets.set(socket, counted);
    socket.once('close', () => counted.delete(socket));
  });
  http.on('clientError', onClientError);
  return http;
}

// A long-lived response (a console stream) stops counting against maxConnections.
export function exemptFromBudget(socket: Socket | null): void {
  if (socket) budgets.get(socket)?.delete(socket);
}

// The 400 (malformed) or 408 (too slow) for a request Node's parser gave up on; the handler never sees it.
function onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // One refusal per connection: a malformed pipelined request waiting for the responses owed before
  // it is still "in progress" to Node's request timer, whose later 408 must not jump the queue.
  if (refused.has(socket)) return;
  refused.add(socket);
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const apiError = timedOut
    ? new ApiError('request-timeout', 'the request did not arrive in time; send the headers and body without pausing')
    : new ApiError('invalid-parameter', `malformed HTTP request (${error.code ?? error.message})`);
  const body = JSON.stringify(apiError.body);
  const refusal = `HTTP/1.1 ${timedOut ? '408 Request Timeout' : '400 Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
  const refuse = () => {
    if (socket.destroyed) return;
    const cut = setTimeout(() => socket.destroy(), REFUSAL_FLUSH_MS).unref();
    // A response already on the wire cannot be followed by another: cut it off instead.
    if (!socket.writable || (socket as { _httpMessage?: ServerResponse })._httpMessage?.headersSent) return void socket.destroy();
    socket.end(refusal, () => {
      clearTimeout(cut);
      socket.destroy();
    });
  };
  // A malformed request waits for the responses owed to the valid ones before it (in order); a timed
  // out one is the request in flight, so its 408 goes now.
  const pending = timedOut ? undefined : owed.get(socket);
  if (pending) void pending.then(refuse);
  else refuse();
}
