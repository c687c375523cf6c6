// The function's APIG result {statusCode, headers, body, isBase64Encoded} as the HTTP response the
// gateway sends. A result of any other shape, or a failed invocation, is answered with 500 as the
// real gateway does (the body then says why: docs/server.md, "APIG gateway").
import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { Invocation } from '../../result/index.js';
import { ApiError } from '../errors.js';
import { apigResultSchema } from '../fgs/schemas.js';

export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

// The gateway's 500 for a function that failed: FunctionGraph's error body of the invocation.
function failed(invocation: Invocation): GatewayResponse {
  return { status: 500, headers: { 'Content-Type': 'application/json' }, body: Buffer.from(invocation.body, 'utf8') };
}

// The gateway's 500 for a result that is not an APIG response.
function notApig(why: string): GatewayResponse {
  const error = new ApiError('internal', `the function's result is not an APIG response (${why}); return {"statusCode": int, "headers": {...}, "body": "string", "isBase64Encoded": bool}`);
  return { status: 500, headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(error.body), 'utf8') };
}

export function gatewayResponse(invocation: Invocation): GatewayResponse {
  if (invocation.status !== 'success') return failed(invocation);
  const parsed = apigResultSchema.safeParse(invocation.result);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    return notApig(`${where}${issue.message}`);
  }
  const result = parsed.data;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    try {
      validateHeaderName(name);
      validateHeaderValue(name, String(value));
    } catch {
      return notApig(`headers.${name} is not a valid HTTP header`);
    }
    headers[name] = String(value);
  }
  const text = result.body ?? '';
  const body = result.isBase64Encoded ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { status: result.statusCode, headers, body };
}
