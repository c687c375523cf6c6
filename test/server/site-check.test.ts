// Issue 21, items 2 and 3: with credentials configured the console needs its token on loopback too
// (it would otherwise run functions and show signed callers' results to any local user); and every
// route (/v2, /apig, the console) refuses a foreign Host (DNS rebinding) and a browser's foreign
// Origin or cross-site request, credentials or not, unless --cors allows the origin.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FgrunServer } from '../../src/server/index.js';
import { fgrunInProcess } from '../helpers/cli-io.js';
import { AK, fn, invokeUrl, send, serve, SK, urn } from './helpers.js';

const stateDir = mkdtempSync(join(tmpdir(), 'fgrun-site-check-'));
let open: FgrunServer;
let signed: FgrunServer;
const echo = () => urn('echo', 'latest', 'local');
const consoleApi = (server: FgrunServer, path: string) => `${server.url}/console/api${path}`;
const error = (reply: { status: number; body: string }) => [reply.status, JSON.parse(reply.body).error_msg as string];

beforeAll(async () => {
  [open, signed] = await Promise.all([
    serve([fn('server-echo', { name: 'echo' })], { console: { stateDir }, cors: ['http://localhost:3000'] }),
    serve([fn('server-echo', { name: 'echo' })], { console: { stateDir, token: 'console-token' }, auth: { ak: AK, sk: SK } }),
  ]);
});
afterAll(async () => {
  await Promise.all([open.close(), signed.close()]);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('the console with credentials configured (item 2)', () => {
  it('refuses a loopback caller without the console token: no test run, no invocations, no stream', async () => {
    const test = await send(consoleApi(signed, `/functions/${encodeURIComponent(echo())}/test`), { method: 'POST', body: '{"who": "attacker"}' });
    expect(test.status).toBe(401);
    expect((await send(consoleApi(signed, '/invocations'))).status).toBe(401);
    expect((await send(consoleApi(signed, '/stream'))).status).toBe(401);
    expect(signed.consoleUrl).toBe(`${signed.url}/?token=console-token`);
    const withToken = await send(consoleApi(signed, `/functions/${encodeURIComponent(echo())}/test`), { method: 'POST', headers: { Authorization: 'token console-token' }, body: '{"who": "owner"}' });
    expect(withToken.status).toBe(200);
    expect(open.consoleUrl).toBe(`${open.url}/`);
  });
});

describe('Host and Origin on every route (item 3)', () => {
  it('refuses a foreign Host on /v2 and /apig, with no credentials set', async () => {
    const host = { Host: `rebound.example:${open.port}` };
    const message = "fgrun serve answers only requests addressed to 127.0.0.1 or localhost, not 'rebound.example:" + open.port + "' (a DNS-rebinding guard); use the URL fgrun serve printed";
    expect(error(await send(invokeUrl(open, echo()), { method: 'POST', headers: host, body: '{}' }))).toEqual([403, message]);
    expect(error(await send(`${open.url}/apig/echo/`, { headers: host }))).toEqual([403, message]);
    expect((await send(invokeUrl(open, echo()), { method: 'POST', headers: { Host: `localhost:${open.port}` }, body: '{}' })).status).toBe(200);
  });

  it('refuses a foreign Origin on a state-changing request, and a cross-site no-cors request', async () => {
    const foreign = await send(invokeUrl(open, echo()), { method: 'POST', headers: { Origin: 'http://evil.example', 'Content-Type': 'text/plain' }, body: '{}' });
    expect(error(foreign)).toEqual([403, "fgrun serve refuses POST requests from the origin 'http://evil.example': only its own pages may change its state (allow an origin with --cors ORIGIN)"]);
    const img = await send(`${open.url}/apig/echo/run`, { headers: { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors' } });
    expect(error(img)).toEqual([403, 'fgrun serve refuses GET requests a browser sent from another site (Sec-Fetch-Site: cross-site): allow an origin with --cors ORIGIN']);
    expect((await send(`${open.url}/`, { headers: { 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(200);
    expect((await send(invokeUrl(open, echo()), { method: 'POST', headers: { Origin: open.url }, body: '{}' })).status).toBe(200);
  });

  it('--cors lets one origin in, with CORS headers and an answered preflight', async () => {
    const origin = 'http://localhost:3000';
    const preflight = await send(invokeUrl(open, echo()), { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    expect([preflight.status, preflight.headers['access-control-allow-origin'], preflight.headers['access-control-allow-methods'], preflight.headers['access-control-allow-headers']])
      .toEqual([204, origin, 'GET, HEAD, POST, PUT, PATCH, DELETE', 'content-type']);
    const post = await send(invokeUrl(open, echo()), { method: 'POST', headers: { Origin: origin, 'Sec-Fetch-Site': 'same-site' }, body: '{"a": 1}' });
    expect([post.status, post.headers['access-control-allow-origin'], post.headers.vary]).toEqual([200, origin, 'Origin']);
  });

  it('--cors takes origins only', async () => {
    expect(await fgrunInProcess(['serve', fn('echo').code as string, '--cors', 'http://x.example/path'])).toEqual({
      code: 2, stdout: '', stderr: "fgrun: --cors takes an origin like http://localhost:3000 (scheme, host and port only), got 'http://x.example/path'\n",
    });
  });
});
