// POST .../invocations-async (202, runs in the background) and GET .../async-invocations (read back).
import { parseEvent } from './body.js';
import { ApiError, toApiError } from './errors.js';
import { resolveTarget, type Invoker } from './invoke-api.js';
import type { AsyncStore } from './async-store.js';
import type { Registry } from './registry.js';
import { sendJson } from './respond.js';
import type { RouteContext } from './router.js';
import { asyncInvocationsQuerySchema } from './schemas.js';

/** Asynchronous request body limit (256 KB), as FunctionGraph enforces it. */
export const MAX_ASYNC_EVENT_BYTES = 256 * 1024;

/** Default and largest page of GET .../async-invocations. */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;

// Accept the event, answer 202 {request_id}, and hand the run to `background`.
export function asyncInvoke(registry: Registry, store: AsyncStore, invoke: Invoker, background: (task: Promise<void>) => void) {
  return async ({ res, params, body, requestId }: RouteContext): Promise<void> => {
    const fn = resolveTarget(registry, params);
    const event = parseEvent(body);
    store.accept(fn.urn, requestId);
    sendJson(res, 202, { request_id: requestId });
    const run = async () => {
      store.running(requestId);
      try {
        store.finish(requestId, await invoke(fn, event, requestId, { source: 'invoke-async' }));
      } catch (error) {
        const e = toApiError(error);
        store.fail(requestId, e.status, e.message);
      }
    };
    background(run());
  };
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
