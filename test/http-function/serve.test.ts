// An HTTP function under `fgrun serve`: the APIG gateway forwards real requests (status, headers,
// body as the server wrote them, binary included), the v2 invoke API takes an APIG event, and the
// async API refuses it with a FunctionGraph-style 400.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fssErrorSchema, type FgrunServer } from '../../src/server/index.js';
import { fn, invokeUrl, serve, urn } from '../server/helpers.js';
import { generateEvent } from '../../src/events/index.js';
import { echoOf } from './echo.js';

let server: FgrunServer;
const stateDir = mkdtempSync(join(tmpdir(), 'fgrun-http-console-'));

beforeAll(async () => {
  server = await serve([fn('http-echo', { name: 'web' })], { gatewayAuth: { mode: 'none' }, console: { stateDir } });
});

afterAll(async () => {
  await server?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe.concurrent('HTTP function under serve', () => {
  it('forwards a GET through the gateway: path, query, headers in; status, headers, body out', async () => {
    const response = await fetch(`${server.url}/apig/web/users/42?x=1&y=a%20b`, { headers: { 'X-Custom': 'Yes' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-served-by')).toBe('http-echo');
    expect(response.headers.get('content-type')).toBe('application/json');
    const echo = await response.json() as { method: string; path: string; headers: Record<string, string> };
    expect(echo.method).toBe('GET');
    expect(echo.path).toBe('/users/42?x=1&y=a+b');
    expect(echo.headers['x-custom']).toBe('Yes');
    expect(echo.headers['x-cff-func-name']).toBe('web');
    expect(echo.headers['x-cff-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('forwards a POST body and the status the server chose, and a binary response byte for byte', async () => {
    const posted = await fetch(`${server.url}/apig/web/items`, { method: 'POST', body: '{"name":"中文"}', headers: { 'Content-Type': 'application/json' } });
    expect(posted.status).toBe(201);
    expect((await posted.json() as { body: string }).body).toBe('{"name":"中文"}');
    const binary = await fetch(`${server.url}/apig/web/binary`);
    expect(binary.status).toBe(200);
    expect(Buffer.from(await binary.arrayBuffer())).toEqual(Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
  });

  it('takes an APIG event on the v2 invoke API and answers the APIG result, its request id the x-cff-request-id the server saw', async () => {
    const event = { httpMethod: 'POST', path: '/v2', headers: { 'content-type': 'text/plain' }, queryStringParameters: { a: '1' }, body: Buffer.from('hello').toString('base64'), isBase64Encoded: true };
    const response = await fetch(invokeUrl(server, urn('web')), { method: 'POST', body: JSON.stringify(event), headers: { 'Content-Type': 'application/json' } });
    expect(response.status).toBe(200);
    const id = response.headers.get('x-cff-request-id');
    const { statusCode, echo } = echoOf(await response.json());
    expect(statusCode).toBe(201);
    expect(echo).toMatchObject({ method: 'POST', path: '/v2?a=1', body: 'hello' });
    expect(echo.headers['x-cff-request-id']).toBe(id);
  });

  it('refuses an asynchronous invocation with a 400 that says why', async () => {
    const response = await fetch(invokeUrl(server, urn('web'), true), { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(fssErrorSchema.parse(await response.json())).toEqual({
      error_code: 'FSS.0400',
      error_msg: 'function web is an HTTP function, and HTTP functions cannot be invoked asynchronously (FunctionGraph: "HTTP Functions"); call .../invocations (synchronous) or the APIG gateway /apig/web/ instead',
    });
  });

  it('shows the HTTP function in the console and tests it with the APIG template', async () => {
    const functions = await (await fetch(`${server.url}/console/api/functions`)).json() as { functions: Array<{ name: string; type: string; handler: string; urn: string }> };
    const web = functions.functions.find((f) => f.name === 'web')!;
    expect([web.type, web.handler]).toEqual(['http', 'bootstrap']);
    const event = generateEvent('apig');
    const tested = await (await fetch(`${server.url}/console/api/functions/${encodeURIComponent(web.urn)}/test`, { method: 'POST', body: JSON.stringify(event) })).json() as { status: string; result: unknown };
    expect(tested.status).toBe('success');
    expect(echoOf(tested.result).echo).toMatchObject({ method: 'GET', path: '/?responseType=json', body: '{"name": "fgrun"}' });
  });
});
