// The APIG-style gateway with plain fetch: GET with a query, POST JSON, a binary body, a result that is
// not an APIG response (500), a raising function (500), an unknown function; open (--apig-auth none)
// although the invoke API requires AK/SK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apigEventSchema, fssErrorSchema, type FgrunServer } from '../../src/server/index.js';
import { AK, fn, serve, SK } from './helpers.js';

let server: FgrunServer;

beforeAll(async () => {
  server = await serve([
    fn('server-apig', { name: 'web' }), fn('server-apig', { name: 'webtext', apigBase64: false }), fn('server-echo', { name: 'echo' }),
  ], { auth: { ak: AK, sk: SK }, gatewayAuth: { mode: 'none' } });
});

afterAll(async () => {
  await server?.close();
});

describe('APIG gateway', () => {
  it('turns a GET into the APIG event (path, query, lower-cased headers, path parameter, request context)', async () => {
    const response = await fetch(`${server.url}/apig/web/users/42?x=1&y=a%20b`, { headers: { 'X-Custom': 'Yes' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-function')).toBe('web');
    const event = apigEventSchema.parse(await response.json());
    const id = event.requestContext.requestId;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(response.headers.get('x-request-id')).toBe(id);
    expect(event).toMatchObject({
      httpMethod: 'GET', path: '/users/42', queryStringParameters: { x: '1', y: 'a b' }, pathParameters: { '': 'users/42' },
      body: '', isBase64Encoded: true, requestContext: { requestId: id, stage: 'RELEASE', apiId: expect.stringMatching(/^[0-9a-f]{32}$/) },
    });
    expect(event.headers).toMatchObject({ 'x-custom': 'Yes', host: `${server.host}:${server.port}`, 'x-request-id': id });
    expect(Object.keys(event.headers).every((k) => k === k.toLowerCase())).toBe(true);
  });

  it('sends a JSON POST body base64-encoded by default, as text with apigBase64 false; the root path is "/" with no path parameter', async () => {
    const body = JSON.stringify({ name: 'fgrun', n: [1, 2], text: '中文' });
    const post = (name: string) => fetch(`${server.url}/apig/${name}`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
    const encoded = apigEventSchema.parse(await (await post('web')).json());
    expect(encoded).toMatchObject({ httpMethod: 'POST', path: '/', pathParameters: {}, queryStringParameters: {}, body: Buffer.from(body).toString('base64'), isBase64Encoded: true });
    const text = apigEventSchema.parse(await (await post('webtext')).json());
    expect(text).toMatchObject({ httpMethod: 'POST', path: '/', pathParameters: {}, queryStringParameters: {}, body, isBase64Encoded: false });
    expect(text.headers['content-type']).toBe('application/json');
  });

  it('base64-encodes a binary body, and decodes a base64 response (isBase64Encoded)', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const response = await fetch(`${server.url}/apig/web/binary`, { method: 'PUT', body: bytes, headers: { 'Content-Type': 'application/octet-stream' } });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('x-body-length')).toBe('256');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([...bytes].reverse()));
  });

  it('answers 500 when the result is not an APIG response, or the function raises', async () => {
    const bare = await fetch(`${server.url}/apig/web/not-apig`);
    expect(bare.status).toBe(500);
    expect(fssErrorSchema.parse(await bare.json())).toEqual({
      error_code: 'FSS.0500',
      error_msg: 'the function\'s result is not an APIG response (Invalid input: expected object, received string); return {"statusCode": int, "headers": {...}, "body": "string", "isBase64Encoded": bool}',
    });
    const noStatus = await fetch(`${server.url}/apig/echo/`);
    expect(noStatus.status).toBe(500);
    expect((await noStatus.json() as { error_msg: string }).error_msg).toMatch(/^the function's result is not an APIG response \(statusCode: /);
    const raised = await fetch(`${server.url}/apig/web/raise`);
    expect(raised.status).toBe(500);
    expect(await raised.json()).toMatchObject({ errorMessage: 'function invocation exception, error: gateway boom', errorType: 'RuntimeError' });
  });

  it('answers 404 FSS.1051 for a function it does not serve', async () => {
    const response = await fetch(`${server.url}/apig/missing/x`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error_code: 'FSS.1051', error_msg: "no served function is named 'missing'; the gateway serves /apig/{name}/... for: web, webtext, echo" });
  });

  it('lists each function\'s gateway URL', () => {
    expect(server.functions.map((f) => f.gatewayUrl)).toEqual([`${server.url}/apig/web/`, `${server.url}/apig/webtext/`, `${server.url}/apig/echo/`]);
  });
});
