// The console: its page at `/`, its assets, and its API under /console/api (docs/console.md). It
// listens to the invocation feed, keeps the last 1,000 invocations and pushes them to open pages.
import { resolve } from 'node:path';
import { ConfigError, isFgrunError } from '../../errors.js';
import { EVENT_TEMPLATES, generateEvent } from '../../events/index.js';
import { MAX_EVENT_BYTES } from '../../function/index.js';
import { runMatrix } from '../../matrix/index.js';
import { logTail } from '../../result/index.js';
import { cpuSlots } from '../../platform/index.js';
import { parseEvent } from '../body.js';
import { ApiError } from '../errors.js';
import type { InvocationFeed } from '../invocation-feed.js';
import type { Invoker } from '../fgs/invoke-api.js';
import type { Registry, ServedFunction } from '../registry.js';
import { send, sendJson } from '../respond.js';
import type { Route, RouteContext } from '../router.js';
import { sendAsset, sendTokenPage } from './assets.js';
import { EventStream } from './event-stream.js';
import { functionView, type FunctionView } from './function-view.js';
import { ConsoleAccess } from './access.js';
import { History, SNAPSHOT_SIZE, toConsoleInvocation } from './history.js';
import { TestEventStore } from './test-events.js';
import { DEFAULT_STATE_DIR } from '../state-dir.js';

/** How often open pages get the instance counts when they changed. */
const SAMPLE_MS = 500;
const SMALL_BODY = 64 * 1024;
const API = ['console', 'api'];

export interface ConsoleOptions {
  /** The serve state folder; test events go to its events/ folder. @default ".fgrun" */
  stateDir?: string;
  /** The session token required beyond loopback. @default a random one */
  token?: string;
}

export interface ConsoleDeps {
  registry: Registry;
  feed: InvocationFeed;
  invoke: Invoker;
  host: string;
  port: number;
  /** The server's base URL. */
  url: string;
  /** Whether the invoke API requires credentials (the page's curl command then sends a token). */
  authEnabled: boolean;
  /** Whether any credentials are configured (invoke API or gateway): the console then needs its token on loopback too. */
  credentials: boolean;
  gatewayUrl: (fn: ServedFunction) => string | null;
}

type Handler = (context: RouteContext) => Promise<void>;

export class ConsoleApp {
  readonly access: ConsoleAccess;
  readonly store: TestEventStore;
  private readonly history = new History();
  private readonly stream = new EventStream();
  private readonly unsubscribe: () => void;
  private sampler: NodeJS.Timeout | null = null;
  private lastFunctions = '';
  private matrixRunning = false;
  private seq = 0;

  constructor(private readonly deps: ConsoleDeps, options: ConsoleOptions = {}) {
    this.access = new ConsoleAccess({ host: deps.host, port: deps.port, credentials: deps.credentials, token: options.token });
    this.store = new TestEventStore(resolve(options.stateDir ?? DEFAULT_STATE_DIR));
    this.unsubscribe = deps.feed.subscribe((event) => {
      if (event.type !== 'finish') return;
      const record = toConsoleInvocation(event, ++this.seq);
      this.history.add(record);
      this.stream.send('invocation', record);
      this.pushFunctions();
    }, { logs: false });
  }

  /** Live streams dropped because their page did not read. */
  get streamsDropped(): number {
    return this.stream.dropped;
  }

  /** The console's address, with the token when the bind needs one. */
  get url(): string {
    return `${this.deps.url}/${this.access.token ? `?token=${this.access.token}` : ''}`;
  }

  functions(): FunctionView[] {
    return this.deps.registry.functions.map((f) => functionView(f, this.deps.url, this.deps.gatewayUrl(f)));
  }

  // Send the functions to open pages when their instance counts changed.
  private pushFunctions(): void {
    const functions = this.functions();
    const text = JSON.stringify(functions);
    if (text === this.lastFunctions) return;
    this.lastFunctions = text;
    this.stream.send('functions', functions);
  }

  private served(urn: string): ServedFunction {
    const fn = this.deps.registry.functions.find((f) => f.urn === urn);
    if (!fn) throw new ApiError('function-not-found', `fgrun serve serves no function ${urn}; it serves: ${this.deps.registry.functions.map((f) => f.urn).join(', ')}`);
    return fn;
  }

  // The console's routes: the API's guard checks the token (access.ts), after the server's Host and Origin checks.
  routes(): Route[] {
    const api = (methods: string[], path: string[], handle: Handler, bodyLimit = SMALL_BODY): Route =>
      ({ methods, pattern: [...API, ...path], bodyLimit, bodyWhat: 'a console request', guard: this.access.apiGuard, handle });
    const fn = ['functions', '{urn}'];
    return [
      { methods: ['GET'], pattern: [''], bodyLimit: SMALL_BODY, bodyWhat: 'this request', guard: this.access.pageGuard, navigable: true, handle: (c) => this.page(c) },
      { methods: ['GET'], pattern: ['console', 'assets', '{file}'], bodyLimit: SMALL_BODY, bodyWhat: 'this request', guard: this.access.pageGuard, handle: (c) => sendAsset(c.res, c.params.file ?? '') },
      api(['GET'], ['functions'], async ({ res }) => sendJson(res, 200, { functions: this.functions() })),
      api(['GET'], ['templates'], async ({ res }) => sendJson(res, 200, { templates: EVENT_TEMPLATES.map(({ name, description }) => ({ name, description })) })),
      api(['GET'], ['templates', '{trigger}'], async ({ res, params }) => sendJson(res, 200, generateEvent(params.trigger ?? ''))),
      api(['GET'], [...fn, 'events'], async ({ res, params }) => sendJson(res, 200, { events: await this.store.list(this.served(params.urn!).config.name) })),
      api(['PUT'], [...fn, 'events', '{name}'], async ({ res, params, body }) =>
        sendJson(res, 200, await this.store.save(this.served(params.urn!).config.name, params.name!, body.toString('utf8'))), MAX_EVENT_BYTES),
      api(['POST'], [...fn, 'events', '{name}', 'rename'], async ({ res, params, body }) => {
        const to = (parseEvent(body) as { to?: unknown } | null)?.to;
        if (typeof to !== 'string') throw new ApiError('invalid-parameter', 'send {"to": "<new name>"} to rename a test event');
        sendJson(res, 200, await this.store.rename(this.served(params.urn!).config.name, params.name!, to));
      }),
      api(['DELETE'], [...fn, 'events', '{name}'], async ({ res, params }) => {
        await this.store.remove(this.served(params.urn!).config.name, params.name!);
        send(res, 204, {}, '');
      }),
      api(['POST'], [...fn, 'test'], (c) => this.test(c), MAX_EVENT_BYTES),
      api(['POST'], [...fn, 'matrix'], (c) => this.matrix(c), MAX_EVENT_BYTES),
      api(['GET'], ['invocations'], async ({ res }) => sendJson(res, 200, { invocations: this.history.all() })),
      api(['GET'], ['invocations.jsonl'], async ({ res }) => send(res, 200, {
        'Content-Type': 'application/x-ndjson; charset=utf-8', 'Content-Disposition': 'attachment; filename="fgrun-invocations.jsonl"',
      }, this.history.all().map((r) => JSON.stringify(r) + '\n').join(''))),
      api(['GET'], ['stream'], async ({ res }) => this.openStream(res)),
    ];
  }

  // GET /: the page. ?token= is taken once, kept in a cookie, and dropped from the address bar.
  private async page({ req, res, query }: RouteContext): Promise<void> {
    const token = new URLSearchParams(query).get('token') ?? undefined;
    if (token !== undefined && this.access.token !== null && this.access.hasToken(req, token)) {
      send(res, 302, { Location: '/', 'Set-Cookie': this.access.setCookie, 'Cache-Control': 'no-store' }, '');
      return;
    }
    if (!this.access.hasToken(req)) return sendTokenPage(res);
    await sendAsset(res, 'index.html');
  }

  // POST .../test: run the event (the request body) and answer the invocation's three parts.
  private async test({ res, params, body, requestId }: RouteContext): Promise<void> {
    const fn = this.served(params.urn!);
    const invocation = await this.deps.invoke(fn, parseEvent(body), requestId, { source: 'console' });
    const record = this.history.find(invocation.requestId);
    if (!record) throw new Error(`invocation ${invocation.requestId} did not reach the invocation feed`);
    sendJson(res, 200, record);
  }

  // POST .../matrix {name, event, ignore?}: the event on every runtime found, as `fgrun matrix` runs it
  // (`ignore`: the paths of `fgrun matrix --ignore`, left out of the comparison).
  private async matrix({ res, params, body }: RouteContext): Promise<void> {
    const fn = this.served(params.urn!);
    const request = parseEvent(body) as { name?: unknown; event?: unknown; ignore?: unknown } | null;
    if (request === null || typeof request !== 'object' || !('event' in request)) throw new ApiError('invalid-parameter', 'send {"name": "<event name>", "event": <the event>} to run a matrix');
    const ignore = request.ignore ?? [];
    if (!Array.isArray(ignore) || !ignore.every((p): p is string => typeof p === 'string')) throw new ApiError('invalid-parameter', 'ignore must be a list of paths, such as ["body.time", "headers.date"]');
    if (this.matrixRunning) throw new ApiError('too-many-requests', 'a matrix is already running in this console; wait for it to finish');
    this.matrixRunning = true;
    try {
      const { pythonPath: _p, runtime: _r, ...config } = fn.config;
      const name = typeof request.name === 'string' && request.name !== '' ? request.name : 'event';
      const report = await runMatrix(config, [{ name, event: request.event }], { env: fn.createOptions.env, concurrency: cpuSlots(), ignore });
      sendJson(res, 200, { ...report, rows: report.rows.map((r) => ({ ...r, log: logTail(r.log) })) });
    } catch (error) {
      if (error instanceof ConfigError || (isFgrunError(error) && !(error instanceof ApiError))) throw new ApiError('invalid-parameter', (error as Error).message, { cause: error });
      throw error;
    } finally {
      this.matrixRunning = false;
    }
  }

  private openStream(res: RouteContext['res']): void {
    this.stream.open(res, [['snapshot', { functions: this.functions(), invocations: this.history.recent(SNAPSHOT_SIZE), authEnabled: this.deps.authEnabled }]]);
    this.sampler ??= setInterval(() => {
      if (this.stream.size === 0) {
        clearInterval(this.sampler!);
        this.sampler = null;
        return;
      }
      this.pushFunctions();
    }, SAMPLE_MS).unref();
  }

  // Stop listening and end every open stream (the server is closing).
  close(): void {
    this.unsubscribe();
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
    this.stream.close();
  }
}
