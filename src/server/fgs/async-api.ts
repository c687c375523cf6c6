// POST .../invocations-async (202, runs in the background) and GET .../async-invocations (read back).
import { parseEvent } from '../body.js';
import { ApiError, toApiError } from '../errors.js';
import { resolveTarget, type Invoker } from './invoke-api.js';
import type { AsyncJournal } from './async-journal.js';
import type { AsyncStore } from './async-store.js';
import type { Registry, ServedFunction } from '../registry.js';
import { sendJson } from '../respond.js';
import type { RouteContext } from '../router.js';
import { asyncInvocationsQuerySchema } from './schemas.js';

/** Asynchronous request body limit (256 KB), as FunctionGraph enforces it. */
export const MAX_ASYNC_EVENT_BYTES = 256 * 1024;

/** Default and largest page of GET .../async-invocations. */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;

export interface AsyncDeps {
  registry: Registry;
  store: AsyncStore;
  invoke: Invoker;
  /** Work close() waits for. */
  background: (task: Promise<void>) => void;
  /** Where acceptances are kept until they complete (none: in memory only). */
  journal: AsyncJournal | null;
}

// Run an accepted invocation in the background. One cut short by shutdown (503) stays pending in the
// journal, to run again on the next start; any other outcome completes it.
function runAsync(d: AsyncDeps, fn: ServedFunction, event: unknown, requestId: string): void {
  d.store.accept(fn.urn, requestId);
  const run = async () => {
    d.store.running(requestId);
    try {
      d.store.finish(requestId, await d.invoke(fn, event, requestId, { source: 'invoke-async' }));
    } catch (error) {
      const e = toApiError(error);
      d.store.fail(requestId, e.status, e.message);
      if (e.reason === 'unavailable') return;
    }
    d.journal?.done(requestId);
  };
  d.background(run());
}

// Accept the event (journaled first), answer 202 {request_id}, and run it in the background.
export function asyncInvoke(d: AsyncDeps) {
  return async ({ res, params, body, requestId }: RouteContext): Promise<void> => {
    const fn = resolveTarget(d.registry, params);
    if (fn.config.type === 'http') {
      throw new ApiError('invalid-parameter', `function ${fn.config.name} is an HTTP function, and HTTP functions cannot be invoked asynchronously (FunctionGraph: "HTTP Functions"); call .../invocations (synchronous) or the APIG gateway /apig/${fn.config.name}/ instead`);
    }
    const event = parseEvent(body);
    d.journal?.accept(requestId, fn.urn, body.toString('utf8'));
    sendJson(res, 202, { request_id: requestId });
    runAsync(d, fn, event, requestId);
  };
}

// Run what a previous server accepted and left pending; returns how many of them it serves.
export function resumeAsync(d: AsyncDeps): { resumed: number; unserved: number } {
  let resumed = 0;
  let unserved = 0;
  for (const entry of d.journal?.left ?? []) {
    const fn = d.registry.functions.find((f) => f.urn === entry.urn);
    if (!fn) {
      unserved++;
      continue;
    }
    runAsync(d, fn, parseEvent(Buffer.from(entry.event, 'utf8')), entry.id);
    resumed++;
  }
  return { resumed, unserved };
}

// "YYYY-MM-DDTHH:mm:ss" (UTC) from a query parameter, or FSS.0400 naming it.
function queryTime(name: string, value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : value + 'Z');
  if (Number.isNaN(date.getTime())) throw new ApiError('invalid-parameter', `${name} must be YYYY-MM-DDTHH:mm:ss (UTC), got '${value}'`);
  return date;
}

// The function's recent async invocations, newest first, a page at a time.
export function listAsyncInvocations(registry: Registry, store: AsyncStore) {
  return async ({ res, params, query }: RouteContext): Promise<void> => {
    const fn = resolveTarget(registry, params);
    const parsed = asyncInvocationsQuerySchema.safeParse(Object.fromEntries(new URLSearchParams(query)));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ApiError('invalid-parameter', `query parameter ${issue.path.join('.')}: ${issue.message}`);
    }
    const q = parsed.data;
    const all = store.list(fn.urn, {
      requestId: q.request_id, status: q.status,
      begin: queryTime('query_begin_time', q.query_begin_time), end: queryTime('query_end_time', q.query_end_time),
    });
    const marker = Number(q.marker ?? 0);
    const limit = Math.min(Number(q.limit ?? DEFAULT_LIMIT) || DEFAULT_LIMIT, MAX_LIMIT);
    const page = all.slice(marker, marker + limit);
    sendJson(res, 200, { invocations: page, count: all.length, next_marker: marker + page.length });
  };
}
