// The APIG gateway's authentication (issue 11.1), with requests signed by the official SDK's signer:
// credentials configured and no mode = IAM (as the invoke API), --apig-auth app = APIG App auth with
// an app key and secret, none = open. Refusals are APIG's (APIG.0301 / APIG.0303 with the request id),
// decided on the head before the body is read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apigErrorSchema, type FgrunServer } from '../../src/server/index.js';
import { AK, fn, serve, SK } from './helpers.js';
import { sdkSign } from './sdk-signer.js';
import { connectRaw, parseResponses, readAll } from './serve-process.js';

const APP_KEY = 'app-key-0117e5e1';
const APP_SECRET = 'app-secret-do-not-log';
const WEB = [fn('server-apig', { name: 'web' })];

let iam: FgrunServer;
let app: FgrunServer;

beforeAll(async () => {
  [iam, app] = await Promise.all([
    serve(WEB, { auth: { ak: AK, sk: SK, token: 'tok-1' } }),
    serve(WEB, { gatewayAuth: { mode: 'app', appKey: APP_KEY, appSecret: APP_SECRET } }),
  ]);
});

afterAll(async () => {
  await Promise.all([iam?.close(), app?.close()]);
});

// GET the gateway, signed by the SDK's AKSKSigner with `key`/`secret` when given.
async function call(server: FgrunServer, keys?: [string, string], init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  const method = init.method ?? 'GET';
  let headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
  if (keys) {
    const signed = sdkSign({ endpoint: `${server.url}/apig/web/users/42`, method, headers, queryParams: { x: '1' }, data: init.body === undefined ? undefined : JSON.parse(init.body) }, keys[0], keys[1]);
    const { host: _host, ...rest } = signed;
    headers = rest;
  }
  const response = await fetch(`${server.url}/apig/web/users/42?x=1`, { method, headers, body: init.body });
  const text = await response.text();
  return { status: response.status, requestId: response.headers.get('x-request-id'), text, json: () => JSON.parse(text) as Record<string, unknown> };
}

describe('APIG gateway authentication', () => {
  it('requires the IAM credentials when they are configured and no mode is given (APIG.0301)', async () => {
    expect(iam.guards.gateway.mode).toBe('iam');
    const unsigned = await call(iam);
    expect(unsigned.status).toBe(401);
    expect(apigErrorSchema.parse(unsigned.json())).toEqual({ error_code: 'APIG.0301', error_msg: 'Incorrect IAM authentication information: sign the request with the AK/SK (SDK-HMAC-SHA256) or send X-Auth-Token', request_id: unsigned.requestId!.replace(/-/g, '') });
    const signed = await call(iam, [AK, SK], { method: 'POST', body: '{"a":1}' });
    expect(signed.status).toBe(200);
    expect(signed.json()).toMatchObject({ httpMethod: 'POST', path: '/users/42', body: Buffer.from('{"a":1}').toString('base64'), isBase64Encoded: true });
    expect((await call(iam, undefined, { headers: { 'X-Auth-Token': 'tok-1' } })).status).toBe(200);
    const wrong = await call(iam, [AK, 'not-the-sk']);
    expect([wrong.status, wrong.json().error_msg]).toEqual([401, 'Incorrect IAM authentication information: the signature does not match; check the secret key (SK) and that the body is sent as signed']);
  });

  it('accepts only the app key and secret under --apig-auth app (APIG.0303), never echoing the secret', async () => {
    expect([app.guards.gateway.mode, app.guards.invoke.mode]).toEqual(['app', 'none']);
    const signed = await call(app, [APP_KEY, APP_SECRET], { method: 'PUT', body: '{"b":2}' });
    expect(signed.status).toBe(200);
    expect(signed.json()).toMatchObject({ httpMethod: 'PUT', queryStringParameters: { x: '1' } });
    const refusals = await Promise.all([call(app), call(app, [APP_KEY, 'wrong-secret']), call(app, [AK, SK])]);
    expect(refusals.map((r) => [r.status, r.json().error_code, r.json().error_msg])).toEqual([
      [401, 'APIG.0303', 'Incorrect app authentication information: sign the request with the app key and secret (SDK-HMAC-SHA256 with X-Sdk-Date)'],
      [401, 'APIG.0303', 'Incorrect app authentication information: the signature does not match; check the app secret and that the body is sent as signed'],
      [401, 'APIG.0303', 'Incorrect app authentication information: unknown app key'],
    ]);
    expect(refusals.every((r) => !r.text.includes(APP_SECRET) && !r.text.includes('wrong-secret'))).toBe(true);
  });

  it('refuses on the head alone: a 6 MB upload that is never sent is answered 401 at once', async () => {
    const socket = await connectRaw(iam.url);
    const raw = readAll(socket);
    socket.write('POST /apig/web/upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: 6291456\r\nExpect: 100-continue\r\n\r\n');
    const [answer, ...more] = parseResponses(await raw);
    expect(more).toEqual([]);
    expect([answer?.status, answer?.headers.connection, JSON.parse(answer!.body).error_code]).toEqual([401, 'close', 'APIG.0301']);
  });

  it('stays open under --apig-auth none, while the invoke API keeps its credentials', async () => {
    const open = await serve(WEB, { auth: { ak: AK, sk: SK }, gatewayAuth: { mode: 'none' } });
    try {
      expect((await call(open)).status).toBe(200);
      const invoke = await fetch(`${open.url}/v2/proj-local/fgs/functions`);
      expect(invoke.status).toBe(401);
      expect([open.guards.invoke.requirement, open.guards.gateway.requirement]).toEqual([
        'IAM: a signature with the configured AK/SK (SDK-HMAC-SHA256)', 'none: every request is accepted (--apig-auth none)',
      ]);
    } finally {
      await open.close();
    }
  });
});
