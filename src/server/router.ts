// Routing: a request's method and path to one route and its path parameters, or FSS.0404 / FSS.0405.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './errors.js';
import type { Guard } from './auth/route-auth.js';
import { FUNCTIONS_PATH, INVOKE_PATH, pathText } from './fgs/api-paths.js';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** This HTTP request's id (X-Request-Id, and the invocation's request id). */
  requestId: string;
  /** Decoded `{name}` parameters; a trailing `{name...}` holds the raw rest of the path. */
  params: Record<string, string>;
  /** The raw query string, without '?'. */
  query: string;
  body: Buffer;
  /** The body was left unread for the route to stream (Route.streamsBody); `body` is then empty. */
  streamed: boolean;
}

export interface Route {
  /** Methods served, or 'ANY'. */
  methods: readonly string[] | 'ANY';
  /** Path segments: literals, `{name}`, or a final `{name...}` matching the rest (possibly empty). */
  pattern: readonly string[];
  bodyLimit: number;
  /** Who may call it, checked before the body is read. */
  guard: Guard;
  /** A page that links from other sites may open (no Sec-Fetch-Site refusal; see auth/site-check.ts). */
  navigable?: boolean;
  /** What a body over `bodyLimit` is called in the 413 message. */
  bodyWhat: string;
  /** Whether the route reads this request's body itself, as it arrives (when no guard checks it). */
  streamsBody?: (params: Record<string, string>) => boolean;
  handle(context: RouteContext): Promise<void>;
}

export interface RequestTarget {
  path: string;
  query: string;
}

// Split "/a/b?x=1" into path and raw query.
export function splitTarget(url: string | undefined): RequestTarget {
  const target = url ?? '/';
  const q = target.indexOf('?');
  return q < 0 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch (cause) {
    throw new ApiError('invalid-parameter', `the path segment '${segment}' is not valid percent-encoding`, { cause });
  }
}

// The path parameters when `pattern` matches `segments`, else null.
function matchPattern(pattern: readonly string[], segments: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i]!;
    if (part.endsWith('...}')) {
      params[part.slice(1, -4)] = segments.slice(i).join('/');
      return params;
    }
    const segment = segments[i];
    if (segment === undefined) return null;
    if (part.startsWith('{')) {
      if (segment === '') return null;
      params[part.slice(1, -1)] = decodeSegment(segment);
    } else if (part !== segment) {
      return null;
    }
  }
  return segments.length === pattern.length ? params : null;
}

// The route for a request, or FSS.0404 (no such path) / FSS.0405 (path known, method not).
export function matchRoute(routes: readonly Route[], method: string, path: string): { route: Route; params: Record<string, string> } {
  const segments = path.split('/').slice(1);
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPattern(route.pattern, segments);
    if (!params) continue;
    if (route.methods === 'ANY' || route.methods.includes(method)) return { route, params };
    allowed.push(...route.methods);
  }
  if (allowed.length) {
    throw new ApiError('method-not-allowed', `${method} is not allowed on ${path}; use ${allowed.join(' or ')}`, { headers: { Allow: allowed.join(', ') } });
  }
  throw new ApiError('not-found', `no API at ${path}: fgrun serve answers POST ${pathText(INVOKE_PATH)}[-async], GET ${pathText(FUNCTIONS_PATH)}[/{function_urn}/async-invocations] and ANY /apig/{function_name}/{path}`);
}
