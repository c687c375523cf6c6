// The server's routes: FunctionGraph's v2 invoke API and the APIG-style gateway.
import { MAX_EVENT_BYTES } from '../function/index.js';
import { asyncInvoke, listAsyncInvocations, MAX_ASYNC_EVENT_BYTES, type AsyncDeps } from './fgs/async-api.js';
import { gateway, streamsThrough } from './apig/gateway.js';
import { syncInvoke } from './fgs/invoke-api.js';
import { listFunctions } from './fgs/list-api.js';
import { ASYNC_INVOCATIONS_PATH, FUNCTIONS_PATH, INVOKE_ASYNC_PATH, INVOKE_PATH } from './fgs/api-paths.js';
import type { Guards } from './auth/route-auth.js';
import type { Route } from './router.js';

/** Body cap for requests that carry none (GET). */
const NO_BODY_BYTES = 64 * 1024;

export interface RouteDeps extends AsyncDeps {
  startedAt: Date;
  guards: Guards;
}

export function buildRoutes(d: RouteDeps): Route[] {
  return [
    { methods: ['POST'], pattern: INVOKE_PATH, bodyLimit: MAX_EVENT_BYTES, bodyWhat: 'a synchronous invocation', guard: d.guards.invoke, handle: syncInvoke(d.registry, d.invoke) },
    { methods: ['POST'], pattern: INVOKE_ASYNC_PATH, bodyLimit: MAX_ASYNC_EVENT_BYTES, bodyWhat: 'an asynchronous invocation', guard: d.guards.invoke, handle: asyncInvoke(d) },
    { methods: ['GET'], pattern: ASYNC_INVOCATIONS_PATH, bodyLimit: NO_BODY_BYTES, bodyWhat: 'this request', guard: d.guards.invoke, handle: listAsyncInvocations(d.registry, d.store) },
    { methods: ['GET'], pattern: FUNCTIONS_PATH, bodyLimit: NO_BODY_BYTES, bodyWhat: 'this request', guard: d.guards.invoke, handle: listFunctions(d.registry, d.startedAt) },
    { methods: 'ANY', pattern: ['apig', '{function_name}', '{path...}'], bodyLimit: MAX_EVENT_BYTES, bodyWhat: 'a synchronous invocation', guard: d.guards.gateway, streamsBody: (params) => streamsThrough(d.registry, params), handle: gateway(d.registry, d.invoke) },
  ];
}
