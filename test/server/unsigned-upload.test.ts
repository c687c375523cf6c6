// Issue 21, item 8 (first bullet): a caller who knows the AK but not the SK cannot make the server
// hold large bodies. A signed X-Sdk-Content-Sha256 lets the signature be checked on the head alone
// (a wrong one is refused before the body is sent); otherwise at most MAX_UNVERIFIED_BODIES large
// bodies whose signature is pending are read at once, and one more is refused on its head (429).
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UNVERIFIED_BODIES } from '../../src/server/body.js';
import type { FgrunServer } from '../../src/server/index.js';
import { AK, fn, invokeUrl, serve, SK, urn } from './helpers.js';
import { sdkSign } from './sdk-signer.js';

let server: FgrunServer;
const echo = urn('echo', 'latest', 'local');
const TEXT = `"${'a'.repeat(6 * 1024 * 1024 - 1024)}"`;
const BODY = Buffer.from(TEXT);

beforeAll(async () => {
  server = await serve([fn('server-echo', { name: 'echo' })], { auth: { ak: AK, sk: SK }, console: false });
});
afterAll(() => server.close());

// The SDK's headers for POSTing TEXT signed with `sk`.
const signed = (sk: string, extra: Record<string, string> = {}) =>
  sdkSign({ endpoint: invokeUrl(server, echo), method: 'POST', headers: { 'Content-Type': 'application/json', ...extra }, data: TEXT }, AK, sk);

// POST with Expect: 100-continue: the body is sent only if the server asks for it.
function postExpecting(headers: Record<string, string>): Promise<{ status: number; continued: boolean; error: string }> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = httpRequest(invokeUrl(server, echo), { method: 'POST', headers: { ...headers, 'Content-Length': String(BODY.length), Expect: '100-continue' } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode!, continued, error: text ? (JSON.parse(text) as { error_msg?: string }).error_msg ?? '' : '' }));
    });
    req.on('continue', () => {
      continued = true;
      req.end(BODY);
    });
    req.on('error', reject);
  });
}

// A raw upload that sends its head and 1 KB of a 6 MB body, then stalls; `answer` is the first reply.
function stalledUpload(headers: Record<string, string>): Promise<{ socket: Socket; answer: Promise<string> }> {
  const url = new URL(invokeUrl(server, echo));
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const answer = new Promise<string>((answered) => socket.once('data', (d: Buffer) => answered(d.toString())));
    socket.once('connect', () => {
      const { host: _host, ...rest } = headers;
      const lines = Object.entries({ ...rest, Host: url.host, 'Content-Length': String(BODY.length) }).map(([k, v]) => `${k}: ${v}`);
      socket.write(`POST ${url.pathname} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
      socket.write(BODY.subarray(0, 1024), () => resolve({ socket, answer }));
    });
    socket.once('error', reject);
  });
}

describe('a large upload with the AK and a wrong SK', () => {
  it('with a signed X-Sdk-Content-Sha256 is refused on its head: the body is never sent', async () => {
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(BODY).digest('hex');
    const wrong = await postExpecting(signed('wrong-secret', { 'X-Sdk-Content-Sha256': hash }));
    expect(wrong).toEqual({ status: 401, continued: false, error: 'Incorrect IAM authentication information: the signature does not match; check the secret key (SK) and that the body is sent as signed' });
    const right = await postExpecting(signed(SK, { 'X-Sdk-Content-Sha256': hash }));
    expect([right.status, right.continued]).toEqual([200, true]);
  });

  it(`without it, at most ${MAX_UNVERIFIED_BODIES} are read at once; one more is refused on its head (429)`, async () => {
    const stalled = await Promise.all(Array.from({ length: MAX_UNVERIFIED_BODIES + 1 }, () => stalledUpload(signed('wrong-secret'))));
    try {
      // One of them finds the places taken, whichever came last: it alone is answered.
      const first = await Promise.race(stalled.map((s, i) => s.answer.then((text) => ({ i, text }))));
      expect(first.text).toMatch(/^HTTP\/1\.1 429 Too Many Requests\r\n/);
      expect(first.text).toContain(`"error_msg":"${MAX_UNVERIFIED_BODIES} signed uploads are already being read and verified; retry, or sign X-Sdk-Content-Sha256 so that the signature is checked before the body is sent"`);
      // The others send the rest of their bodies: each is read, then refused (401), and frees its place.
      const others = stalled.filter((_, i) => i !== first.i);
      for (const s of others) s.socket.write(BODY.subarray(1024));
      for (const s of others) expect(await s.answer).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    } finally {
      for (const s of stalled) s.socket.destroy();
    }
    // A client that goes mid-body frees its place at once (the server keeps such a socket half-open).
    const cut = await Promise.all(Array.from({ length: MAX_UNVERIFIED_BODIES }, () => stalledUpload(signed('wrong-secret'))));
    for (const s of cut) s.socket.destroy();
    let next = await postExpecting(signed('wrong-secret'));
    for (let tries = 0; next.status === 429 && tries < 50; tries++) next = await postExpecting(signed('wrong-secret'));
    expect([next.status, next.continued]).toEqual([401, true]);
    // Their places are free again.
    expect(await postExpecting(signed('wrong-secret'))).toEqual({ status: 401, continued: true, error: 'Incorrect IAM authentication information: the signature does not match; check the secret key (SK) and that the body is sent as signed' });
  });
});
