// Who may call a route: everyone, holders of the configured IAM credentials (AK/SK signature
// SDK-HMAC-SHA256, or the X-Auth-Token), or holders of the gateway's app key and secret (APIG App
// authentication: the same signature with the app key as Access). Everything the headers can tell is
// checked before the body is read; the signature, which covers the body's hash, is checked after.
// Refusals say what was wrong and never echo a secret, a token or a signature.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError, type ApiErrorKind } from '../errors.js';
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

/** What a route's guard sees before the body is read. */
export interface RequestHead {
  method: string;
  /** The raw path, without the query. */
  path: string;
  /** The raw query string, without '?'. */
  query: string;
  headers: IncomingHttpHeaders;
}

export interface AuthRequest extends RequestHead {
  body: Buffer;
}

/** The check that needs the body (a signature covers its hash); throws the refusal. */
export interface BodyCheck {
  (body: Buffer): void;
  /** True when the signature was verified on the head (a signed X-Sdk-Content-Sha256): only the body's hash is left. */
  headVerified?: boolean;
}

/** A key pair requests are signed with: the IAM AK/SK, or an APIG app's key and secret. */
interface SigningKeys {
  key: string;
  secret: string;
  /** How refusals name the key: "access key (AK)", "app key". */
  keyName: string;
  secretName: string;
}

// Whether any IAM credential is configured (otherwise the invoke API accepts every request).
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

/** Builds the refusal of one family: FSS.0401 (invoke API), APIG.0301 (gateway, IAM), APIG.0303 (gateway, App). */
export type Refuse = (why: string) => ApiError;

// A refusal maker: `kind` picks the code, `prefix` the message's start as the real service words it.
export function refusals(kind: ApiErrorKind, prefix: string): Refuse {
  return (why) => new ApiError(kind, `${prefix}: ${why}`);
}

const iamRefusal = refusals('unauthorized', 'Incorrect IAM authentication information');

// Check an SDK-HMAC-SHA256 request's head against `keys`; returns the check of the body's hash.
function signedHead(keys: SigningKeys, head: RequestHead, authorization: string, now: Date, refuse: Refuse): BodyCheck {
  const parsed = parseAuthorization(authorization);
  if (!parsed) throw refuse("the Authorization header is not 'SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...'");
  if (!sameText(parsed.access, keys.key)) throw refuse(`unknown ${keys.keyName}`);
  const sdkDate = header(head.headers, 'x-sdk-date');
  const date = sdkDate === undefined ? null : parseSdkDate(sdkDate);
  if (!sdkDate || !date) throw refuse('X-Sdk-Date is missing or not YYYYMMDDTHHmmssZ');
  if (Math.abs(now.getTime() - date.getTime()) > MAX_CLOCK_SKEW_MS) throw refuse('X-Sdk-Date is more than 15 minutes away from the server clock');
  if (!parsed.signedHeaders.includes('x-sdk-date')) throw refuse('X-Sdk-Date must be among the signed headers');
  const headers: Record<string, string | undefined> = {};
  for (const name of parsed.signedHeaders) {
    const value = header(head.headers, name);
    if (value === undefined) throw refuse(`signed header ${name} is not in the request`);
    headers[name] = value;
  }
  const verify = (payloadHash: string) => {
    const expected = signature(keys.secret, sdkDate, {
      method: head.method, path: head.path, query: head.query, headers, signedHeaders: parsed.signedHeaders, payloadHash,
    });
    if (!sameText(expected, parsed.signature)) throw refuse(`the signature does not match; check the ${keys.secretName} and that the body is sent as signed`);
  };
  const declared = headers[CONTENT_SHA256_HEADER];
  if (declared !== undefined) {
    // The body's hash is declared and signed: the signature is checked now, before the body is read.
    verify(declared);
    const check: BodyCheck = (body) => {
      if (declared !== UNSIGNED_PAYLOAD && declared.toLowerCase() !== sha256Hex(body)) throw refuse('X-Sdk-Content-Sha256 does not match the body');
    };
    check.headVerified = true;
    return check;
  }
  return (body) => verify(sha256Hex(body));
}

// IAM: the configured X-Auth-Token, or an AK/SK signature. Throws before the body when it can.
export function admitIam(options: AuthOptions, head: RequestHead, now = new Date(), refuse: Refuse = iamRefusal): BodyCheck | null {
  const token = header(head.headers, 'x-auth-token');
  if (token !== undefined && options.token) {
    if (sameText(token, options.token)) return null;
    throw refuse('the X-Auth-Token is not the token fgrun serve was started with');
  }
  const authorization = header(head.headers, 'authorization');
  if (authorization === undefined) {
    throw refuse(options.ak ? 'sign the request with the AK/SK (SDK-HMAC-SHA256) or send X-Auth-Token' : 'send X-Auth-Token');
  }
  if (!options.ak || !options.sk) throw refuse('AK/SK signatures are not enabled on this server; send X-Auth-Token');
  return signedHead({ key: options.ak, secret: options.sk, keyName: 'access key (AK)', secretName: 'secret key (SK)' }, head, authorization, now, refuse);
}

// APIG App authentication: an SDK-HMAC-SHA256 signature made with the app key and secret.
export function admitApp(appKey: string, appSecret: string, head: RequestHead, now: Date, refuse: Refuse): BodyCheck {
  const authorization = header(head.headers, 'authorization');
  if (authorization === undefined) throw refuse('sign the request with the app key and secret (SDK-HMAC-SHA256 with X-Sdk-Date)');
  return signedHead({ key: appKey, secret: appSecret, keyName: 'app key', secretName: 'app secret' }, head, authorization, now, refuse);
}

// Accept the request or throw FSS.0401 saying what was wrong (every IAM check, body included).
export function authenticate(options: AuthOptions, request: AuthRequest, now = new Date()): void {
  if (!authEnabled(options)) return;
  admitIam(options, request, now)?.(request.body);
}
