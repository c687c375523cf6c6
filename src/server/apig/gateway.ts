// ANY /apig/{function_name}/{path...}: an APIG-style gateway in front of a served function.
import { apigEvent } from './event.js';
import { gatewayResponse } from './response.js';
import { ApiError } from '../errors.js';
import type { Invoker } from '../fgs/invoke-api.js';
import type { Registry } from '../registry.js';
import { send } from '../respond.js';
import { splitTarget, type RouteContext } from '../router.js';

/** The gateway's path prefix. */
export const GATEWAY_PREFIX = '/apig';

/** Headers the server owns; a function's values for them are dropped. */
const HOP_BY_HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

// The raw rest of the path after /apig/{function_name}.
function restOfPath(url: string | undefined): string {
  const { path } = splitTarget(url);
  const afterPrefix = path.slice(GATEWAY_PREFIX.length + 1);
  const slash = afterPrefix.indexOf('/');
  return slash < 0 ? '' : afterPrefix.slice(slash);
}

export function gateway(registry: Registry, invoke: Invoker) {
  return async ({ req, res, params, query, body, requestId }: RouteContext): Promise<void> => {
    const name = params.function_name ?? '';
    const fn = registry.byName(name);
    if (!fn) {
      const names = registry.functions.map((f) => f.config.name).join(', ');
      throw new ApiError('function-not-found', `no served function is named '${name}'; the gateway serves /apig/{name}/... for: ${names}`);
    }
    const apigRequestId = requestId.replace(/-/g, '');
    const event = apigEvent({ method: req.method ?? 'GET', rest: restOfPath(req.url), query, headers: req.headers, body, apigRequestId, functionName: name }, fn.config.apigBase64);
    const response = gatewayResponse(await invoke(fn, event, requestId, { source: 'gateway' }));
    const headers: Record<string, string> = { 'X-Request-Id': apigRequestId };
    for (const [key, value] of Object.entries(response.headers)) {
      if (!HOP_BY_HOP.has(key.toLowerCase())) headers[key] = value;
    }
    send(res, response.status, headers, response.body);
  };
}
