// Who may call the invoke API: everyone (no credentials configured), holders of the configured AK/SK
// (SDK-HMAC-SHA256 signature) and holders of the configured X-Auth-Token. Refusals are FSS.0401 and
// never echo the secret key, the token or the signature.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from './errors.js';
import { CONTENT_SHA256_HEADER, parseAuthorization, parseSdkDate, sha256Hex, signature, UNSIGNED_PAYLOAD } from './signature.js';

/** How far X-Sdk-Date may be from the server's clock. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface AuthOptions {
  /** Access key the SDK signs with; requires `sk`. */
  ak?: string;
  /** Secret key matching `ak`. */
  sk?: string;
  /** A token accepted in X-Auth-Token. */
  token?: string;
}

export interface AuthRequest {
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

// Whether any credential is configured (otherwise every request is accepted).
export function authEnabled(options: AuthOptions): boolean {
  return Boolean((options.ak && options.sk) || options.token);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function refuse(why: string): ApiError {
  return new ApiError('unauthorized', `Incorrect IAM authentication information: ${why}`);
}

// Accept the request or throw FSS.0401 saying what was wrong (never the secret itself).
export function authenticate(options: AuthOptions, request: AuthRequest, now = new Date()): void {
  if (!authEnabled(options)) return;
  const token = header(request.headers, 'x-auth-token');
  if (token !== undefined && options.token) {
    if (sameText(token, options.token)) return;
    throw refuse('the X-Auth-Token is not the token fgrun serve was started with');
  }
  const authorization = header(request.headers, 'authorization');
  if (authorization === undefined) {
    throw refuse(options.ak ? 'sign the request with the AK/SK (SDK-HMAC-SHA256) or send X-Auth-Token' : 'send X-Auth-Token');
  }
  if (!options.ak || !options.sk) throw refuse('AK/SK signatures are not enabled on this server; send X-Auth-Token');
  const parsed = parseAuthorization(authorization);
  if (!parsed) throw refuse("the Authorization header is not 'SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...'");
  if (!sameText(parsed.access, options.ak)) throw refuse('unknown access key (AK)');
  const sdkDate = header(request.headers, 'x-sdk-date');
  const date = sdkDate === undefined ? null : parseSdkDate(sdkDate);
  if (!sdkDate || !date) throw refuse('X-Sdk-Date is missing or not YYYYMMDDTHHmmssZ');
  if (Math.abs(now.getTime() - date.getTime()) > MAX_CLOCK_SKEW_MS) throw refuse('X-Sdk-Date is more than 15 minutes away from the server clock');
  if (!parsed.signedHeaders.includes('x-sdk-date')) throw refuse('X-Sdk-Date must be among the signed headers');
  const headers: Record<string, string | undefined> = {};
  for (const name of parsed.signedHeaders) {
    const value = header(request.headers, name);
    if (value === undefined) throw refuse(`signed header ${name} is not in the request`);
    headers[name] = value;
  }
  const bodyHash = sha256Hex(request.body);
  let payloadHash = bodyHash;
  const declared = headers[CONTENT_SHA256_HEADER];
  if (declared !== undefined) {
    if (declared !== UNSIGNED_PAYLOAD && declared.toLowerCase() !== bodyHash) throw refuse('X-Sdk-Content-Sha256 does not match the body');
    payloadHash = declared;
  }
  const expected = signature(options.sk, sdkDate, {
    method: request.method, path: request.path, query: request.query, headers, signedHeaders: parsed.signedHeaders, payloadHash,
  });
  if (!sameText(expected, parsed.signature)) throw refuse('the signature does not match; check the secret key (SK) and that the body is sent as signed');
}
