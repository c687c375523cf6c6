// FunctionGraph's v2 API paths, written once: the router matches these patterns, and the banner,
// the console and the not-found message show the invoke URL built from them (docs/server.md).
import { parseUrn } from './urn.js';

export const FUNCTIONS_PATH = ['v2', '{project_id}', 'fgs', 'functions'];
const FUNCTION_PATH = [...FUNCTIONS_PATH, '{function_urn}'];
export const INVOKE_PATH = [...FUNCTION_PATH, 'invocations'];
export const INVOKE_ASYNC_PATH = [...FUNCTION_PATH, 'invocations-async'];
export const ASYNC_INVOCATIONS_PATH = [...FUNCTION_PATH, 'async-invocations'];

/** A pattern as text: "/v2/{project_id}/fgs/functions". */
export function pathText(pattern: readonly string[]): string {
  return `/${pattern.join('/')}`;
}

// The URL a client POSTs a synchronous invocation of `urn` to (its project is the URN's).
export function invokeUrl(serverUrl: string, urn: string): string {
  return serverUrl + pathText(INVOKE_PATH).replace('{project_id}', parseUrn(urn).projectId).replace('{function_urn}', urn);
}
