// `fgrun serve` out of file descriptors (issue 11.2). Six connections are accepted first, then the
// server's RLIMIT_NOFILE is lowered (prlimit, soft limit) to leave room for about one interpreter, and
// six requests that each need a fresh instance arrive at once. Every request is answered (a refused
// spawn is that request's crash answer), the server stays up, and serves again once the limit is back.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers/fixtures.js';
import { RUNTIME } from './helpers.js';
import { connectRaw, killServe, openFds, parseResponses, readAll, startServe, waitFor, type ServeProcess } from './serve-process.js';

const REQUESTS = 6;
let serve: ServeProcess | undefined;
afterAll(() => killServe(serve));

function setFileLimit(pid: number, soft: number): void {
  const set = spawnSync('prlimit', ['--pid', String(pid), `--nofile=${soft}:`], { encoding: 'utf8' });
  if (set.status !== 0) throw new Error(`prlimit failed: ${set.stderr}`);
}

describe('fgrun serve under EMFILE', () => {
  it('answers a failed spawn as a crash of that request and keeps serving', async () => {
    serve = await startServe([fixture('server-echo'), '--name', 'echo', '--runtime', RUNTIME, '--port', '0', '--max-instances', '10', '--quiet']);
    const pid = serve.child.pid!;
    const path = '/v2/local/fgs/functions/urn:fss:local:local:function:default:echo:latest/invocations';
    const request = (body: string) => `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    const base = openFds(pid);
    const sockets = await Promise.all(Array.from({ length: REQUESTS }, () => connectRaw(serve!.url)));
    expect(await waitFor(() => openFds(pid) >= base + REQUESTS, 20_000)).toBe(true);
    setFileLimit(pid, openFds(pid) + 8);
    const raws = sockets.map(readAll);
    for (const socket of sockets) socket.write(request('{"sleep": 0.3}'));
    const answers = (await Promise.all(raws)).map((raw) => parseResponses(raw)[0]);
    expect(answers.map((a) => a?.status)).toEqual(Array(REQUESTS).fill(200));
    const codes = answers.map((a) => a!.headers['x-func-err-code']);
    expect(codes.every((c) => c === '0' || c === '4000')).toBe(true);
    const crash = answers.find((a) => a!.headers['x-func-err-code'] === '4000');
    expect(crash).toBeDefined();
    expect(JSON.parse(crash!.body)).toMatchObject({
      errorType: 'RuntimeExited',
      errorMessage: expect.stringMatching(/could not start the interpreter .*: no file descriptors were left for its pipes \(EMFILE: raise `ulimit -n` or lower --max-instances\)$/),
    });
    expect(serve.child.exitCode).toBe(null);
    setFileLimit(pid, 1024);
    const after = await fetch(`${serve.url}${path}`, { method: 'POST', body: '{"sleep": 0}' });
    expect([after.status, after.headers.get('x-func-err-code')]).toEqual([200, '0']);
  });
});
