// SDK-HMAC-SHA256, the AK/SK signature of Huawei Cloud's official SDKs, recomputed from the request
// the server received exactly as @huaweicloud/huaweicloud-sdk-core's AKSKSigner builds it:
//
//   CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n BodyHash
//   StringToSign     = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex(sha256(CanonicalRequest))
//   Signature        = hex(hmac-sha256(SK, StringToSign))
//
// CanonicalURI: every path segment URL-encoded keeping only A-Z a-z 0-9 - . _ ~ (so ':' is %3A), and a
// trailing '/'. CanonicalQuery: keys sorted, `key=value` encoded the same way, a key's values sorted.
// CanonicalHeaders: `lower(name):value\n` for each signed header, sorted. BodyHash: hex sha256 of the
// body, or the X-Sdk-Content-Sha256 header's value when that header is signed (UNSIGNED-PAYLOAD).
import { createHash, createHmac } from 'node:crypto';

const ALGORITHM = 'SDK-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const CONTENT_SHA256_HEADER = 'x-sdk-content-sha256';

export interface SignedRequest {
  method: string;
  /** The raw request target's path, percent-encoded or not (e.g. "/v2/p/fgs/functions/urn:fss:.../invocations"). */
  path: string;
  /** The raw query string without '?'. */
  query: string;
  /** Lower-case header name -> value, as received. */
  headers: Record<string, string | undefined>;
  signedHeaders: readonly string[];
  /** hex sha256 of the body, or the X-Sdk-Content-Sha256 value. */
  payloadHash: string;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

// The SDK's urlEncode: percent-encode UTF-8 bytes of everything but A-Z a-z 0-9 - . _ ~.
export function sdkEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

// Decode a path segment or query part as a client encoded it; a malformed escape stays as it is.
function decode(text: string, plusIsSpace = false): string {
  const value = plusIsSpace ? text.replace(/\+/g, ' ') : text;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function canonicalUri(path: string): string {
  const uri = path.split('/').map((segment) => sdkEncode(decode(segment))).join('/');
  return uri.endsWith('/') ? uri : uri + '/';
}

export function canonicalQuery(query: string): string {
  const values = new Map<string, string[]>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq), true);
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1), true);
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  const parts: string[] = [];
  for (const key of [...values.keys()].sort()) {
    for (const value of values.get(key)!.sort()) parts.push(`${sdkEncode(key)}=${sdkEncode(value)}`);
  }
  return parts.join('&');
}

function canonicalRequest(request: SignedRequest): string {
  const names = [...request.signedHeaders].sort();
  const headers = names.map((name) => `${name}:${request.headers[name] ?? ''}\n`).join('');
  return [request.method, canonicalUri(request.path), canonicalQuery(request.query), headers, names.join(';'), request.payloadHash].join('\n');
}

function stringToSign(sdkDate: string, canonical: string): string {
  return `${ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
}

// The hex signature a client holding `sk` sends for this request.
export function signature(sk: string, sdkDate: string, request: SignedRequest): string {
  return createHmac('sha256', sk).update(stringToSign(sdkDate, canonicalRequest(request))).digest('hex');
}

export interface AuthorizationHeader {
  access: string;
  signedHeaders: string[];
  signature: string;
}

// "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex", or null when it is not that shape.
export function parseAuthorization(value: string): AuthorizationHeader | null {
  const match = /^SDK-HMAC-SHA256\s+(.*)$/.exec(value.trim());
  if (!match) return null;
  const fields = new Map<string, string>();
  for (const part of match[1]!.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const access = fields.get('Access');
  const signed = fields.get('SignedHeaders');
  const sig = fields.get('Signature');
  if (!access || !signed || !sig) return null;
  return { access, signedHeaders: signed.split(';').map((h) => h.trim().toLowerCase()).filter((h) => h !== ''), signature: sig.toLowerCase() };
}

// X-Sdk-Date "YYYYMMDDTHHmmssZ" (UTC) as a Date, or null.
export function parseSdkDate(value: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return null;
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(date.getTime()) ? null : date;
}

// Format a Date as X-Sdk-Date.
export function formatSdkDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}
