// POST /v2/{project_id}/fgs/functions/{function_urn}/invocations: run the function and answer with
// FunctionGraph's headers and its v0 (raw) or v1 (envelope) body.
import { z } from 'zod';
import { logTail, type Invocation } from '../../result/index.js';
import { parseEvent } from '../body.js';
import type { InvocationSource } from '../invocation-feed.js';
import { ApiError } from '../errors.js';
import { reportFor } from './failure-report.js';
import type { MemorySize } from '../../config/index.js';
import { instanceMemory, type Registry, type ServedFunction } from '../registry.js';
import { send } from '../respond.js';
import type { RouteContext } from '../router.js';
import type { InvokeSummaryHeader, V1Envelope } from './schemas.js';
import { parseUrn } from './urn.js';

const invokeHeadersSchema = z.object({
  'x-cff-request-version': z.string().toLowerCase().pipe(z.enum(['v0', 'v1'])).optional(),
  'x-cff-log-type': z.string().optional(),
  'x-cff-instance-memory': z.string().optional(),
});

export interface InvokeHeaders {
  version: 'v0' | 'v1';
  tail: boolean;
  memorySize: MemorySize | undefined;
}

// The X-Cff-* request headers, or FSS.0400 naming the one that is wrong.
function invokeHeaders(headers: Record<string, string | string[] | undefined>): InvokeHeaders {
  const parsed = invokeHeadersSchema.safeParse(headers);
  if (!parsed.success) {
    throw new ApiError('invalid-parameter', `X-CFF-Request-Version must be v0 or v1, got '${String(headers['x-cff-request-version'])}'`);
  }
  const h = parsed.data;
  return { version: h['x-cff-request-version'] ?? 'v0', tail: h['x-cff-log-type']?.toLowerCase() === 'tail', memorySize: instanceMemory(h['x-cff-instance-memory']) };
}

// The function a request path names: the URN resolved, its project matching the path's.
export function resolveTarget(registry: Registry, params: Record<string, string>): ServedFunction {
  const urn = parseUrn(params.function_urn ?? '');
  if (urn.projectId !== params.project_id) {
    throw new ApiError('invalid-parameter', `the URN's project '${urn.projectId}' differs from the project in the path '${params.project_id}'; use the same project id in both`);
  }
  return registry.resolve(urn);
}

// FunctionGraph's response headers for a finished invocation.
function invocationHeaders(invocation: Invocation, version: 'v0' | 'v1', tail: boolean): Record<string, string> {
  const report = reportFor(invocation);
  const s = invocation.summary;
  const summary: InvokeSummaryHeader = { duration: s.durationMs, billingDuration: s.billedDurationMs, memorySize: s.memorySizeMb, memoryUsed: s.maxMemoryUsedMb };
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Cff-Request-Id': invocation.requestId,
    'X-Cff-Invoke-Summary': JSON.stringify(summary),
    'X-CFF-Billing-Duration': String(s.billedDurationMs),
    'X-Cff-Response-Version': version,
    'X-Func-Err-Code': String(report.funcErrCode),
    'X-Is-Func-Err': String(report.isFuncErr),
  };
  if (tail) headers['X-Cff-Function-Log'] = Buffer.from(logTail(invocation.log), 'utf8').toString('base64');
  return headers;
}

// The response body: the function's body (v0) or the v1 envelope around it.
function invocationBody(invocation: Invocation, version: 'v0' | 'v1', tail: boolean): string {
  if (version === 'v0') return invocation.body;
  const envelope: V1Envelope = { result: invocation.body, log: tail ? logTail(invocation.log) : '', status: reportFor(invocation).v1Status, request_id: invocation.requestId };
  return JSON.stringify(envelope);
}

/** How an invocation was asked for: its source, and the memory size when the caller chose one. */
interface InvokeVia {
  source: InvocationSource;
  memorySize?: MemorySize | undefined;
}

export type Invoker = (fn: ServedFunction, event: unknown, requestId: string, via: InvokeVia) => Promise<Invocation>;

// The sync invoke route's handler.
export function syncInvoke(registry: Registry, invoke: Invoker) {
  return async ({ req, res, params, body, requestId }: RouteContext): Promise<void> => {
    const fn = resolveTarget(registry, params);
    const headers = invokeHeaders(req.headers);
    const event = parseEvent(body);
    const invocation = await invoke(fn, event, requestId, { source: 'invoke', memorySize: fn.memoryFor(headers.memorySize) });
    send(res, reportFor(invocation).httpStatus, invocationHeaders(invocation, headers.version, headers.tail), invocationBody(invocation, headers.version, headers.tail));
  };
}
