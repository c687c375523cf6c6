// The console's API without a browser: the invocation feed hears every source, test events are plain
// files, and the guard refuses foreign Host and Origin headers and, beyond loopback, missing tokens.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { History, HISTORY_SIZE } from '../../src/server/console/history.js';
import type { ConsoleInvocation, FgrunServer, InvocationFinished } from '../../src/server/index.js';
import { eventually, fn, invokeUrl, PROJECT, send, serve, urn } from './helpers.js';

const stateDir = mkdtempSync(join(tmpdir(), 'fgrun-console-api-'));
let server: FgrunServer;
const entries: InvocationFinished[] = [];
let logHookWithConsoleOnly: boolean;
const echoUrn = `urn:fss:local:${PROJECT}:function:default:echo:latest`;
const api = (path: string) => `${server.url}/console/api${path}`;
const events = (name = '') => api(`/functions/${encodeURIComponent(echoUrn)}/events${name ? `/${encodeURIComponent(name)}` : ''}`);

beforeAll(async () => {
  server = await serve([fn('server-echo', { name: 'echo' })], { console: { stateDir } });
  logHookWithConsoleOnly = server.feed.active;
  server.feed.subscribe((e) => (e.type === 'finish' ? entries.push(e) : undefined));
});
afterAll(async () => {
  await server?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('the invocation feed', () => {
  it('publishes the finish of every invocation once, from the invoke API (sync and async), the gateway and the console', async () => {
    const sync = await fetch(invokeUrl(server, urn('echo')), { method: 'POST', body: '{"return": 1}' });
    const asyncAccepted = await (await fetch(invokeUrl(server, urn('echo'), true), { method: 'POST', body: '{"return": 2}' })).json() as { request_id: string };
    const gateway = await fetch(`${server.url}/apig/echo/x`);
    const tested = await (await fetch(api(`/functions/${encodeURIComponent(echoUrn)}/test`), { method: 'POST', body: '{"return": 3}' })).json() as ConsoleInvocation;
    await eventually(async () => (entries.length >= 4 ? true : undefined));
    const bySource = Object.fromEntries(entries.map((e) => [e.source, e.invocation.requestId]));
    expect(bySource).toEqual({
      invoke: sync.headers.get('x-cff-request-id'), 'invoke-async': asyncAccepted.request_id,
      gateway: gateway.headers.get('x-request-id')!.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'), console: tested.requestId,
    });
    expect(entries.length).toBe(4);
    // The console takes no 'log' events, so it alone does not turn on the live log hook.
    expect([logHookWithConsoleOnly, server.feed.active]).toEqual([false, true]);
    expect(entries.every((e) => e.function.name === 'echo' && e.function.urn === echoUrn && e.requestId === e.invocation.requestId && e.elapsedMs >= e.invocation.summary.durationMs)).toBe(true);
    expect(tested).toMatchObject({ function: 'echo', source: 'console', status: 'success', result: 3, body: '3', error: null, summary: { memorySizeMb: 128 } });
    expect(tested.log).toMatch(/Start invoke request .*\n[\s\S]*Finish invoke request/);

    const history = await (await fetch(api('/invocations'))).json() as { invocations: ConsoleInvocation[] };
    expect(history.invocations.map((r) => r.requestId).sort()).toEqual(entries.map((e) => e.invocation.requestId).sort());
    const exported = await fetch(api('/invocations.jsonl'));
    expect(exported.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const lines = (await exported.text()).trimEnd().split('\n').map((l) => JSON.parse(l) as ConsoleInvocation);
    expect(lines).toEqual(history.invocations);
  });

  it('the console keeps the last 1,000', () => {
    const history = new History();
    for (let seq = 1; seq <= HISTORY_SIZE + 5; seq++) history.add({ seq, requestId: `r${seq}` } as ConsoleInvocation);
    expect(history.all().length).toBe(1000);
    expect(history.all()[0]!.seq).toBe(6);
    expect(history.find('r1005')!.seq).toBe(1005);
    expect(history.find('r5')).toBeUndefined();
  });
});

describe('test events', () => {
  it('are saved, listed, renamed and deleted as plain JSON files under the state folder', async () => {
    const text = '{\n  "name": "saved"\n}';
    expect((await fetch(events('first one'), { method: 'PUT', body: text })).status).toBe(200);
    expect(readFileSync(join(stateDir, 'events', 'echo', 'first one.json'), 'utf8')).toBe(text);
    expect(await (await fetch(events())).json()).toEqual({ events: [{ name: 'first one', text }] });
    const renamed = await fetch(`${events('first one')}/rename`, { method: 'POST', body: '{"to": "second"}' });
    expect(await renamed.json()).toEqual({ name: 'second', text });
    expect(existsSync(join(stateDir, 'events', 'echo', 'first one.json'))).toBe(false);
    expect((await fetch(events('second'), { method: 'DELETE' })).status).toBe(204);
    expect(await (await fetch(events())).json()).toEqual({ events: [] });
  });

  it('refuses bad names, text that is not JSON, renaming onto another event, and unknown ones', async () => {
    const badName = await fetch(events('../escape'), { method: 'PUT', body: '{}' });
    expect(badName.status).toBe(400);
    expect(((await badName.json()) as { error_msg: string }).error_msg).toMatch(/^a test event name holds 1 to 64 letters/);
    const notJson = await fetch(events('broken'), { method: 'PUT', body: '{"a": }' });
    expect(notJson.status).toBe(406);
    expect(((await notJson.json()) as { error_code: string }).error_code).toBe('FSS.0406');
    await fetch(events('a'), { method: 'PUT', body: '{}' });
    await fetch(events('b'), { method: 'PUT', body: '[]' });
    const onto = await fetch(`${events('a')}/rename`, { method: 'POST', body: '{"to": "b"}' });
    expect([onto.status, ((await onto.json()) as { error_msg: string }).error_msg]).toEqual([400, "function echo already has a test event 'b': delete it or pick another name"]);
    expect((await fetch(events('nope'), { method: 'DELETE' })).status).toBe(404);
    const unknownFn = await fetch(api(`/functions/${encodeURIComponent(urn('nope'))}/events`));
    expect(unknownFn.status).toBe(404);
  });
});

describe('the console guard', () => {
  it('refuses a foreign Host (DNS rebinding) and a foreign Origin on state-changing requests', async () => {
    const port = new URL(server.url).port;
    const rebound = await send(`${server.url}/`, { headers: { Host: `evil.example:${port}` } });
    expect([rebound.status, JSON.parse(rebound.body).error_code]).toEqual([403, 'FSS.0403']);
    expect((await send(api('/functions'), { headers: { Host: `evil.example:${port}` } })).status).toBe(403);
    expect((await send(`${server.url}/`, { headers: { Host: `localhost:${port}` } })).status).toBe(200);
    const foreign = await send(events('x'), { method: 'PUT', headers: { Origin: 'http://evil.example' }, body: '{}' });
    expect([foreign.status, JSON.parse(foreign.body).error_msg]).toEqual([403, "fgrun serve refuses PUT requests from the origin 'http://evil.example': only its own pages may change its state (allow an origin with --cors ORIGIN)"]);
    expect((await send(events('x'), { method: 'PUT', headers: { Origin: server.url }, body: '{}' })).status).toBe(200);
    expect((await send(`${server.url}/console/assets/..%2Fpackage.json`)).status).toBe(404);
  });

  it('beyond loopback needs the token (cookie or Authorization), which the invoke API never asks for', async () => {
    const remote = await serve([fn('server-echo', { name: 'echo' })], { host: '127.0.0.2', console: { stateDir, token: 'fixed-token' } });
    try {
      expect(remote.consoleUrl).toBe(`${remote.url}/?token=fixed-token`);
      expect((await send(`${remote.url}/console/api/functions`)).status).toBe(401);
      expect((await send(`${remote.url}/console/api/functions`, { headers: { Authorization: 'token wrong-token' } })).status).toBe(401);
      expect((await send(`${remote.url}/console/api/functions`, { headers: { Authorization: 'token fixed-token' } })).status).toBe(200);
      const entry = await send(`${remote.url}/?token=fixed-token`);
      expect([entry.status, entry.headers.location, entry.headers['set-cookie']]).toEqual([302, '/', [`fgrun-console-${remote.port}=fixed-token; Path=/; HttpOnly; SameSite=Strict`]]);
      expect((await send(`${remote.url}/console/api/functions`, { headers: { Cookie: `fgrun-console-${remote.port}=fixed-token` } })).status).toBe(200);
      expect((await send(invokeUrl(remote, urn('echo')), { method: 'POST', body: '{}' })).status).toBe(200);
    } finally {
      await remote.close();
    }
  });

  it('is absent with console: false', async () => {
    const plain = await serve([fn('server-echo', { name: 'echo' })], { console: false });
    try {
      expect(plain.consoleUrl).toBeNull();
      const root = await send(`${plain.url}/`);
      expect([root.status, JSON.parse(root.body).error_code]).toEqual([404, 'FSS.0404']);
    } finally {
      await plain.close();
    }
  });
});
