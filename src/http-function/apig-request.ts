// An invoke's event as the HTTP request an HTTP function's server receives, and its HTTP response as
// the APIG result the caller gets (docs/http-functions.md): as the cloud does it, an APIG event's
// method, path, query, headers and body (base64-decoded when isBase64Encoded) make the request, and
// the response comes back as {statusCode, headers, body, isBase64Encoded: true}, the body base64.
// An event that is not APIG-shaped (no httpMethod) is POSTed to / as its JSON text.
import type { ResolvedConfig } from '../config/index.js';

/** FunctionGraph's limit on a synchronous response (RUNTIME_MAX_RESP_BODY_SIZE). */
export const MAX_RESPONSE_BYTES = 6291456;

/** Headers of the connection, not of the request: the host's HTTP client sets its own. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'proxy-connection', 'te', 'trailer', 'host']);

export interface ServerRequest {
  method: string;
  /** Path and query, as the request line carries them. */
  target: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ApigResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// The x-cff-* headers the platform adds to every request (FunctionGraph developer guide, "HTTP
// Functions": x-cff-project-id and x-cff-region carry fixed values there; fgrun sends the config's).
export function cffHeaders(config: ResolvedConfig, requestId: string): Record<string, string> {
  const headers: Record<string, string> = {
    'x-cff-request-id': requestId,
    'x-cff-memory': String(config.memorySize),
    'x-cff-timeout': String(config.timeout),
    'x-cff-func-version': config.version,
    'x-cff-func-name': config.name,
    'x-cff-project-id': config.projectId,
    'x-cff-package': config.package,
    'x-cff-region': 'local',
  };
  // Only with an agency (the credentials): its token and temporary keys.
  const c = config.credentials;
  if (c.token) headers['x-cff-auth-token'] = c.token;
  if (c.securityAccessKey) headers['x-cff-security-access-key'] = c.securityAccessKey;
  if (c.securitySecretKey) headers['x-cff-security-secret-key'] = c.securitySecretKey;
  if (c.securityToken) headers['x-cff-security-token'] = c.securityToken;
  return headers;
}

// The request line's target: the event's path and query string.
function target(event: Json): string {
  const path = typeof event.path === 'string' && event.path.startsWith('/') ? event.path : '/';
  // The event's path is decoded (APIG decodes it): encoded again, but for the characters a path may hold as they are.
  const encoded = encodeURI(path).replace(/\?/g, '%3F').replace(/#/g, '%23');
  const query = new URLSearchParams();
  if (isObject(event.queryStringParameters)) {
    for (const [key, value] of Object.entries(event.queryStringParameters)) {
      for (const one of Array.isArray(value) ? value : [value]) query.append(key, String(one));
    }
  }
  const text = query.toString();
  return text ? `${encoded}?${text}` : encoded;
}

// The HTTP request for an invoke's event (UTF-8 JSON).
export function serverRequest(event: unknown, cff: Record<string, string>): ServerRequest {
  if (!isObject(event) || typeof event.httpMethod !== 'string') {
    const body = Buffer.from(JSON.stringify(event ?? {}), 'utf8');
    return { method: 'POST', target: '/', headers: { 'content-type': 'application/json', ...cff }, body };
  }
  const headers: Record<string, string> = {};
  if (isObject(event.headers)) {
    for (const [name, value] of Object.entries(event.headers)) {
      const key = name.toLowerCase();
      if (!HOP_BY_HOP.has(key) && !key.startsWith('x-cff-') && value !== undefined && value !== null) headers[key] = String(value);
    }
  }
  const text = typeof event.body === 'string' ? event.body : '';
  const body = event.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { method: event.httpMethod.toUpperCase(), target: target(event), headers: { ...headers, ...cff }, body };
}

// The APIG result for the server's response; header values that repeat are joined with ", ".
export function apigResult(statusCode: number, rawHeaders: string[], body: Buffer): ApigResult {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (HOP_BY_HOP.has(name.toLowerCase())) continue;
    const known = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
    if (known) headers[known] += `, ${rawHeaders[i + 1]!}`;
    else headers[name] = rawHeaders[i + 1]!;
  }
  return { statusCode, headers, body: body.toString('base64'), isBase64Encoded: true };
}
