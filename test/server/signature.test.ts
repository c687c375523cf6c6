// SDK-HMAC-SHA256 verification against the official SDK's own signer, request by request.
import { stringify } from 'node:querystring';
import { describe, expect, it } from 'vitest';
import { authenticate, type AuthRequest } from '../../src/server/auth/admission.js';
import { ApiError } from '../../src/server/errors.js';
import { canonicalQuery, canonicalUri, formatSdkDate, parseAuthorization, parseSdkDate, sdkEncode } from '../../src/server/auth/signature.js';
import { sdkSign, type SdkSignInput } from './sdk-signer.js';

const AK = 'AKLOCAL123';
const SK = 'sk-secret-456';
const NOW = new Date(Date.UTC(2026, 2, 17, 10, 13, 22));
const DATE = formatSdkDate(NOW);
const URN = 'urn:fss:cn-north-4:proj1:function:default:hello:latest';

// The request the server receives for what the SDK signed (axios sends the path raw, the query via querystring).
function received(input: SdkSignInput, signed: Record<string, string>, body: Buffer): AuthRequest {
  const url = new URL(input.endpoint);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed)) headers[name.toLowerCase()] = value;
  return { method: input.method, path: decodeURI(url.pathname), query: stringify(input.queryParams ?? {}), headers, body };
}

function signedRequest(input: Omit<SdkSignInput, 'headers'> & { headers?: Record<string, string> }, sk = SK, ak = AK) {
  const full: SdkSignInput = { ...input, headers: { 'X-Sdk-Date': DATE, ...input.headers } };
  const body = input.data === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(input.data));
  return received(full, sdkSign(full, ak, sk), body);
}

function refusal(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).fssCode).toBe('FSS.0401');
    return (error as ApiError).message;
  }
  throw new Error('expected a 401');
}

describe('SDK-HMAC-SHA256 (checked against @huaweicloud/huaweicloud-sdk-core AKSKSigner)', () => {
  const auth = { ak: AK, sk: SK };

  it('accepts the SDK signature of a JSON POST to a URN path (":" signed as %3A)', () => {
    const request = signedRequest({
      endpoint: `http://127.0.0.1:8000/v2/proj1/fgs/functions/${URN}/invocations`, method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Project-Id': 'proj1', 'X-Cff-Log-Type': 'tail', 'X-CFF-Request-Version': 'v1', host: '127.0.0.1:8000' },
      data: { key: 'value', n: [1, 2, 3], s: 'ünïcødé' },
    });
    expect(() => authenticate(auth, request, NOW)).not.toThrow();
    expect(canonicalUri(request.path)).toBe(`/v2/proj1/fgs/functions/${URN.replace(/:/g, '%3A')}/invocations/`);
  });

  it('accepts a GET with query values needing encoding, repeated keys and no body', () => {
    const request = signedRequest({
      endpoint: `http://localhost:9/v2/proj1/fgs/functions/${URN}/async-invocations`, method: 'GET',
      headers: { 'content-type': 'application/json', host: 'localhost:9' },
      queryParams: { request_id: 'a b+c/ü', limit: '3', z: ['b', 'a'], '~k': '*' },
    });
    expect(() => authenticate(auth, request, NOW)).not.toThrow();
    expect(canonicalQuery(request.query)).toBe('limit=3&request_id=a%20b%2Bc%2F%C3%BC&z=a&z=b&~k=%2A');
  });

  it('accepts UNSIGNED-PAYLOAD (X-Sdk-Content-Sha256) for a non-JSON body', () => {
    const full: SdkSignInput = {
      endpoint: 'http://h:1/v2/p/fgs/functions', method: 'POST',
      headers: { 'X-Sdk-Date': DATE, 'content-type': 'application/octet-stream', 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD', host: 'h:1' },
    };
    const request = received(full, sdkSign(full, AK, SK), Buffer.from([0, 1, 2, 255]));
    expect(() => authenticate(auth, request, NOW)).not.toThrow();
  });

  it('refuses a wrong secret key, an unknown AK, a changed body, header or path', () => {
    const base = { endpoint: `http://h:1/v2/proj1/fgs/functions/${URN}/invocations`, method: 'POST', headers: { 'content-type': 'application/json', host: 'h:1' }, data: { a: 1 } };
    expect(refusal(() => authenticate(auth, signedRequest(base, 'wrong-sk'), NOW))).toBe('Incorrect IAM authentication information: the signature does not match; check the secret key (SK) and that the body is sent as signed');
    expect(refusal(() => authenticate(auth, signedRequest(base, SK, 'OTHERAK'), NOW))).toBe('Incorrect IAM authentication information: unknown access key (AK)');
    const good = signedRequest(base);
    expect(refusal(() => authenticate(auth, { ...good, body: Buffer.from('{"a":2}') }, NOW))).toMatch(/signature does not match/);
    expect(refusal(() => authenticate(auth, { ...good, headers: { ...good.headers, host: 'h:2' } }, NOW))).toMatch(/signature does not match/);
    expect(refusal(() => authenticate(auth, { ...good, path: good.path.replace('hello', 'hellp') }, NOW))).toMatch(/signature does not match/);
  });

  it('refuses X-Sdk-Date more than 15 minutes away, and a missing Authorization', () => {
    const request = signedRequest({ endpoint: 'http://h:1/v2/p/fgs/functions', method: 'GET', headers: { host: 'h:1' } });
    expect(() => authenticate(auth, request, new Date(NOW.getTime() + 14 * 60_000))).not.toThrow();
    expect(refusal(() => authenticate(auth, request, new Date(NOW.getTime() + 16 * 60_000)))).toBe('Incorrect IAM authentication information: X-Sdk-Date is more than 15 minutes away from the server clock');
    expect(refusal(() => authenticate(auth, request, new Date(NOW.getTime() - 16 * 60_000)))).toMatch(/15 minutes/);
    const { authorization: _, ...unsigned } = request.headers;
    expect(refusal(() => authenticate(auth, { ...request, headers: unsigned }, NOW))).toBe('Incorrect IAM authentication information: sign the request with the AK/SK (SDK-HMAC-SHA256) or send X-Auth-Token');
  });

  it('never puts the secret key or the signature in a refusal', () => {
    const request = signedRequest({ endpoint: 'http://h:1/v2/p/fgs/functions', method: 'GET', headers: { host: 'h:1' } }, 'wrong-sk');
    const message = refusal(() => authenticate(auth, request, NOW));
    const sig = parseAuthorization(String(request.headers.authorization))!.signature;
    expect(message).not.toContain(SK);
    expect(message).not.toContain(sig);
  });

  it('accepts the configured X-Auth-Token and refuses another', () => {
    const req: AuthRequest = { method: 'GET', path: '/v2/p/fgs/functions', query: '', headers: { 'x-auth-token': 'tok-1' }, body: Buffer.alloc(0) };
    expect(() => authenticate({ token: 'tok-1' }, req, NOW)).not.toThrow();
    expect(refusal(() => authenticate({ token: 'tok-2' }, req, NOW))).toBe('Incorrect IAM authentication information: the X-Auth-Token is not the token fgrun serve was started with');
    expect(() => authenticate({}, { ...req, headers: {} }, NOW)).not.toThrow();
  });

  it('parses and formats X-Sdk-Date, and encodes like the SDK', () => {
    expect(parseSdkDate('20260317T101322Z')?.toISOString()).toBe('2026-03-17T10:13:22.000Z');
    expect(parseSdkDate('2026-03-17T10:13:22Z')).toBeNull();
    expect(formatSdkDate(NOW)).toBe('20260317T101322Z');
    expect(sdkEncode("a:b/c d~e_f.g-h*'()!")).toBe('a%3Ab%2Fc%20d~e_f.g-h%2A%27%28%29%21');
    expect(parseAuthorization('SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=ABC')).toEqual({ access: 'AK', signedHeaders: ['host', 'x-sdk-date'], signature: 'abc' });
    expect(parseAuthorization('Bearer x')).toBeNull();
  });
});
