// An HTTP request to /apig/{function_name}/{path} as the APIG trigger event FunctionGraph delivers
// (fixtures/events/apig_event*.json): the path after the function name, lower-cased headers, the
// query, the rest of the path as the unnamed path parameter, and the body: base64 by default, as the
// cloud sends it (APIG's backend setting x-apigateway-is-send-fg-body-base64; a real captured GET
// with no body has isBase64Encoded: true); with the function's apigBase64 off, text (base64 still
// for a body that is not valid UTF-8 text, which text cannot carry).
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApigEvent } from '../fgs/schemas.js';

/** Content types whose bodies are passed as text (when they are valid UTF-8). */
const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|graphql)|[^;]*\+(json|xml))/i;

export interface GatewayRequest {
  method: string;
  /** The raw path after /apig/{function_name} ("" or "/..."). */
  rest: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** 32 hex digits, as APIG's request ids are. */
  apigRequestId: string;
  functionName: string;
}

function decodePath(raw: string): string {
  return raw.split('/').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  }).join('/');
}

// Whether the body travels as text: a text content type (or none) and valid UTF-8.
function isTextBody(body: Buffer, contentType: string | undefined): boolean {
  if (body.length === 0) return true;
  if (contentType !== undefined && !TEXT_TYPES.test(contentType.trim())) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}

// A stable APIG api id per function name (32 hex digits).
function apiId(functionName: string): string {
  return createHash('md5').update(`fgrun-apig:${functionName}`).digest('hex');
}

export function apigEvent(request: GatewayRequest, base64 = true): ApigEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  headers['x-request-id'] = request.apigRequestId;
  const queryStringParameters: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(request.query)) queryStringParameters[key] = value;
  const path = decodePath(request.rest === '' ? '/' : request.rest);
  const proxy = path.replace(/^\/+/, '');
  const text = !base64 && isTextBody(request.body, headers['content-type']);
  return {
    httpMethod: request.method,
    path,
    headers,
    queryStringParameters,
    pathParameters: proxy === '' ? {} : { '': proxy },
    body: text ? request.body.toString('utf8') : request.body.toString('base64'),
    isBase64Encoded: !text,
    requestContext: { apiId: apiId(request.functionName), requestId: request.apigRequestId, stage: 'RELEASE' },
  };
}
