// `fgrun serve` as a library: an HTTP server (node:http) speaking FunctionGraph's v2 invoke API and an
// APIG-style gateway for the functions it serves. Every request gets exactly one response; a bad
// request never takes the server down. close(): stop accepting, let in-flight requests finish (up to
// a grace period, then answer them 503), kill every instance.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { FunctionConfigInput } from '../config/index.js';
import type { AsyncJournal } from './fgs/async-journal.js';
import { trackResponse, type ConnectionLimits } from './connections.js';
import type { AuthOptions, BodyCheck, RequestHead } from './auth/admission.js';
import { UploadGate } from './body.js';
import { ApiError, toApiError } from './errors.js';
import { GATEWAY_PREFIX } from './apig/gateway.js';
import { ConsoleApp, type ConsoleOptions } from './console/index.js';
import type { GatewayAuthOptions, Guards } from './auth/route-auth.js';
import { SiteCheck } from './auth/site-check.js';
import type { Invoker } from './fgs/invoke-api.js';
import { InvocationFeed, type FeedFunction, type InvocationFinished } from './invocation-feed.js';
import { Registry, type HandleFactory, type ServedFunction } from './registry.js';
import type { Invocation } from '../result/index.js';
import type { LogPart } from '../function/index.js';
import { sendError } from './respond.js';
import { matchRoute, splitTarget, type Route } from './router.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8000;
export { DEFAULT_STATE_DIR } from './state-dir.js';
/** How long close() waits for in-flight requests before answering them 503. */
export const SHUTDOWN_GRACE_MS = 10_000;
/** After the 503s, how long to let responses flush before connections are cut. */
const FLUSH_MS = 1_000;

export interface ServeOptions {
  functions: readonly FunctionConfigInput[];
  /** @default "127.0.0.1" */
  host?: string;
  /** 0 picks a free port. @default 8000 */
  port?: number;
  /** IAM credentials the invoke API requires; none configured = every request accepted. */
  auth?: AuthOptions;
  /** How the APIG gateway authenticates (default: as the invoke API when credentials are configured). */
  gatewayAuth?: GatewayAuthOptions;
  /** Instances each function may run at once, whatever the memory sizes asked for (passed to createFunction). */
  maxInstances?: number;
  /** The most memory X-Cff-Instance-Memory may ask for, in MB. @default each function's own memory */
  maxMemory?: number;
  /** Where interpreters are discovered (createFunction's env). */
  env?: NodeJS.ProcessEnv;
  /** Internal errors, and one line per request when `onRequest` is not given; never headers or secrets. */
  log?: (line: string) => void;
  /** Where invocations are published (a new feed when not given; read it as `server.feed`). */
  feed?: InvocationFeed;
  /** Each HTTP request once answered, with the invocation it ran (async ones finish later: see `feed`). */
  onRequest?: (record: RequestRecord) => void;
  /** @default 10000 */
  shutdownGraceMs?: number;
  /** Serve a debugger for the first function on this port, the next on port + 1, ... (createFunction's debugPort). */
  debugPort?: number;
  /** One-line notices of the functions (build out of date, where to attach a debugger). @default stderr */
  onNotice?: (line: string) => void;
  /** Open connections and read times (docs/server.md, "Connections"). */
  limits?: ConnectionLimits;
  /** The serve state folder: accepted async invocations are journaled there until they complete, and
   * those a previous server left pending run at start. None: async invocations live in memory only. */
  stateDir?: string;
  /** How each function's handle is made (e.g. createWatchedFunction for --watch). @default createFunction */
  createHandle?: HandleFactory;
  /** Browser origins (scheme://host[:port]) allowed to send state-changing requests, with CORS headers (--cors). @default none */
  cors?: readonly string[];
  /** The browser console at `/` (docs/console.md), or false for none. @default {} (served) */
  console?: ConsoleOptions | false;
}

/** One answered HTTP request. */
export interface RequestRecord {
  method: string;
  path: string;
  /** The HTTP status sent. */
  status: number;
  durationMs: number;
  requestId: string;
  /** The invocation this request ran and answered with (invoke API sync, gateway), if it got that far. */
  invocation?: InvocationFinished;
}

export interface ServedFunctionInfo {
  name: string;
  urn: string;
  runtime: string;
  /** The gateway URL, or null when an earlier served function already has this name. */
  gatewayUrl: string | null;
}

export class FgrunServer {
  readonly url: string;
  readonly functions: ServedFunctionInfo[];
  readonly authEnabled: boolean;
  /** Who may call the invoke API and the gateway. */
  readonly guards: Guards;
  /** Async invocations a previous server left pending: resumed now, and kept for functions not served now. */
  resumed = { resumed: 0, unserved: 0 };
  /** The async journal, when a state folder is used. */
  journal: AsyncJournal | null = null;
  private stopping = false;
  private closing: Promise<void> | null = null;
  private readonly tasks = new Set<Promise<unknown>>();
  private readonly requests = new Set<Promise<void>>();
  private abort!: (error: ApiError) => void;
  private readonly aborted: Promise<never>;
  /** Every invocation: start, live log output, finish (docs/server.md, "Logs"). */
  readonly feed: InvocationFeed;
  /** The console, or null with `console: false`. */
  readonly console: ConsoleApp | null;
  /** Finished invocations by request id, until their HTTP request's record is made. */
  private readonly answered = new Map<string, InvocationFinished>();
  /** Host and Origin, checked on every request. */
  private readonly site: SiteCheck;
  /** Reads admitted bodies, a few unverified large ones at a time. */
  private readonly uploads = new UploadGate();

  constructor(private readonly http: Server, private readonly registry: Registry, readonly host: string, readonly port: number, private readonly options: ServeOptions, guards: Guards) {
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.feed = options.feed ?? new InvocationFeed();
    this.guards = guards;
    this.authEnabled = guards.invoke.mode !== 'none';
    this.site = new SiteCheck(host, options.cors);
    this.aborted = new Promise<never>((_, reject) => { this.abort = reject; });
    this.aborted.catch(() => {});
    this.functions = registry.functions.map((f) => ({
      name: f.config.name, urn: f.urn, runtime: f.handle.runtime.runtime,
      gatewayUrl: registry.byName(f.config.name) === f ? `${this.url}${GATEWAY_PREFIX}/${encodeURIComponent(f.config.name)}/` : null,
    }));
    this.console = options.console === false ? null : new ConsoleApp({
      registry, feed: this.feed, invoke: this.invoke, host, port, url: this.url, authEnabled: this.authEnabled,
      credentials: this.authEnabled || guards.gateway.mode !== 'none',
      gatewayUrl: (f) => this.functions.find((info) => info.urn === f.urn)?.gatewayUrl ?? null,
    }, options.console);
  }

  /** The console's address (with ?token= when the bind needs one), or null without a console. */
  get consoleUrl(): string | null {
    return this.console?.url ?? null;
  }

  /** Invocations run through here: published on the feed, tracked for close(), and cut short with 503 after the grace period. */
  readonly invoke: Invoker = (fn, event, requestId, via) => {
    const run = this.run(fn, event, requestId, via);
    this.track(this.tasks, run);
    return Promise.race([run, this.aborted]);
  };

  // One invocation, with its start, log output and finish on the feed.
  private async run(fn: ServedFunction, event: unknown, requestId: string, via: Parameters<Invoker>[3]): Promise<Invocation> {
    const info: FeedFunction = { name: fn.config.name, urn: fn.urn, config: fn.config };
    const { source } = via;
    const startedAt = new Date();
    const t0 = performance.now();
    const feed = this.feed;
    feed.publish({ type: 'start', function: info, source, requestId, startedAt });
    const onLog = feed.active ? (text: string, part: LogPart) => feed.publish({ type: 'log', function: info, source, requestId, text, part }) : undefined;
    const invocation = await fn.invoke(event, requestId, via.memorySize, onLog);
    const finished: InvocationFinished = { type: 'finish', function: info, source, requestId, invocation, startedAt, elapsedMs: performance.now() - t0 };
    if (source !== 'invoke-async') this.answered.set(requestId, finished);
    feed.publish(finished);
    return invocation;
  }

  private track<T>(set: Set<Promise<T>>, promise: Promise<T>): void {
    set.add(promise);
    const done = () => set.delete(promise);
    promise.then(done, done);
  }

  // Answer one request; never throws.
  async handle(routes: readonly Route[], req: IncomingMessage, res: ServerResponse, expectsContinue = false): Promise<void> {
    const t0 = performance.now();
    const requestId = randomUUID();
    const finished = new Promise<void>((resolve) => res.once('close', resolve));
    trackResponse(req, res);
    this.track(this.requests, finished);
    res.setHeader('X-Request-Id', requestId);
    const { path, query } = splitTarget(req.url);
    const method = req.method ?? 'GET';
    try {
      if (this.stopping) {
        res.setHeader('Connection', 'close');
        throw new ApiError('unavailable', 'fgrun serve is shutting down and takes no new requests');
      }
      const head = { method, path, query, headers: req.headers };
      this.admitHost(head, res);
      if (this.site.answerCors(head, res)) return this.record(method, path, res.statusCode, requestId, t0);
      const { route, params } = matchRoute(routes, method, path);
      // Refused on its head: the body is never read (nor kept), and the connection is not reused.
      const checkBody = this.admit(route, head, res);
      // A route that streams the body (an HTTP function's gateway, when no signature needs the body)
      // reads it itself; every other body is read here, capped.
      const streamed = !checkBody && route.streamsBody?.(params) === true;
      if (streamed && expectsContinue) res.writeContinue();
      const read = streamed ? Buffer.alloc(0) : await this.uploads.read(req, res, route, checkBody, expectsContinue);
      checkBody?.(read);
      await route.handle({ req, res, requestId, params, query, body: read, streamed });
      if (!res.headersSent) throw new Error(`the route for ${method} ${path} sent no response`);
    } catch (error) {
      const apiError = toApiError(error);
      // A failure inside fgrun keeps its stack in the log (the client only gets FSS.0500).
      if (apiError.reason === 'internal' && !(error instanceof ApiError)) this.options.log?.(`internal error: ${(error as Error)?.stack ?? String(error)}`);
      sendError(res, apiError);
    }
    this.record(method, path, res.statusCode, requestId, t0);
  }

  // The answered request's record (or log line).
  private record(method: string, path: string, status: number, requestId: string, t0: number): void {
    const durationMs = performance.now() - t0;
    const invocation = this.answered.get(requestId);
    this.answered.delete(requestId);
    if (this.options.onRequest) {
      this.options.onRequest({ method, path, status, durationMs, requestId, ...(invocation ? { invocation } : {}) });
    } else {
      this.options.log?.(`${method} ${path} ${status} ${durationMs.toFixed(1)}ms ${requestId}`);
    }
  }

  // The Host check (DNS rebinding); a refusal closes the connection instead of reading the body.
  private admitHost(head: RequestHead, res: ServerResponse): void {
    try {
      this.site.checkHost(head);
    } catch (error) {
      res.setHeader('Connection', 'close');
      throw error;
    }
  }

  // The route's guard on the request head; a refusal closes the connection instead of reading the body.
  private admit(route: Route, head: RequestHead, res: ServerResponse): BodyCheck | null {
    try {
      this.site.checkOrigin(head, route.navigable);
      return route.guard.admit(head);
    } catch (error) {
      res.setHeader('Connection', 'close');
      throw error;
    }
  }

  // Background work (async invocations) that close() waits for.
  background = (task: Promise<void>): void => {
    this.track(this.tasks, task);
  };

  close(graceMs = this.options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS): Promise<void> {
    if (this.closing) return this.closing;
    this.stopping = true;
    this.console?.close();
    this.closing = (async () => {
      const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
      this.http.closeIdleConnections();
      const grace = new Promise<false>((resolve) => setTimeout(() => resolve(false), graceMs).unref());
      const settled = Promise.allSettled([...this.tasks, ...this.requests]).then(() => true);
      const drained = await Promise.race([settled, grace]);
      this.abort(new ApiError('unavailable', 'fgrun serve shut down before the function finished'));
      // Nothing left running: stop instances politely; otherwise kill them (their requests got 503).
      await this.registry.close({ mode: drained ? 'drain' : 'cancel' });
      const flush = new Promise<void>((resolve) => setTimeout(resolve, FLUSH_MS).unref());
      await Promise.race([Promise.allSettled([...this.requests]), flush]);
      this.http.closeAllConnections();
      await closed;
      this.journal?.close();
    })();
    return this.closing;
  }
}
