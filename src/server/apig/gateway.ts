// ANY /apig/{function_name}/{path...}: an APIG-style gateway in front of a served function. For an
// HTTP function it streams (http-function/exchange.ts): the body goes to the function's server as
// it arrives, the response back as the server writes it; a failure before the response's head
// is answered as for event functions, one after it cuts the client's connection.
import type { ServerResponse } from 'node:http';
import { MAX_EVENT_BYTES } from '../../function/event.js';
import { openExchange } from '../../http-function/exchange.js';
import type { Invocation } from '../../result/index.js';
import { tooLarge } from '../body.js';
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

// Whether the gateway streams requests to `params.function_name` (an HTTP function).
export function streamsThrough(registry: Registry, params: Record<string, string>): boolean {
  return registry.byName(params.function_name ?? '')?.config.type === 'http';
}

export function gateway(registry: Registry, invoke: Invoker) {
  return async ({ req, res, params, query, body, requestId, streamed }: RouteContext): Promise<void> => {
    const name = params.function_name ?? '';
    const fn = registry.byName(name);
    if (!fn) {
      const names = registry.functions.map((f) => f.config.name).join(', ');
      throw new ApiError('function-not-found', `no served function is named '${name}'; the gateway serves /apig/{name}/... for: ${names}`);
    }
    const apigRequestId = requestId.replace(/-/g, '');
    const event = apigEvent({ method: req.method ?? 'GET', rest: restOfPath(req.url), query, headers: req.headers, body, apigRequestId, functionName: name }, fn.config.apigBase64);
    let invocation: Invocation;
    if (streamed) {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > MAX_EVENT_BYTES) throw closing(res, tooLarge(declared, MAX_EVENT_BYTES, 'a synchronous invocation'));
      const { exchange, close } = openExchange(requestId, req, res, { 'X-Request-Id': apigRequestId });
      try {
        invocation = await invoke(fn, event, requestId, { source: 'gateway' });
      } finally {
        close();
      }
      if (exchange.tooLarge !== null) throw closing(res, tooLarge(exchange.tooLarge, MAX_EVENT_BYTES, 'a synchronous invocation'));
      if (exchange.responded) {
        // Its head is sent: a failure after it (a timeout, a crash, 6 MB passed) cuts the connection.
        if (!res.writableEnded) res.destroy();
        return;
      }
      // A body the server never read is not drained: the connection is not reused.
      if (!req.complete) res.setHeader('Connection', 'close');
    } else {
      invocation = await invoke(fn, event, requestId, { source: 'gateway' });
    }
    const response = gatewayResponse(invocation);
    const headers: Record<string, string> = { 'X-Request-Id': apigRequestId };
    for (const [key, value] of Object.entries(response.headers)) {
      if (!HOP_BY_HOP.has(key.toLowerCase())) headers[key] = value;
    }
    send(res, response.status, headers, response.body);
  };
}

// `error`, the connection closing after it (the body was not read to its end).
function closing(res: ServerResponse, error: Error): Error {
  res.setHeader('Connection', 'close');
  return error;
}
