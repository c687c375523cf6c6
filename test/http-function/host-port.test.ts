// Without network namespaces (here: no bwrap on the PATH fgrun is handed) an HTTP function runs on the
// host's 127.0.0.1:8000: one instance, one such function per host process, the reason said once.
import { cpSync, mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createFunction } from '../../src/index.js';
import { fixture } from '../helpers/fixtures.js';
import { runtimesFound } from '../helpers/runtimes.js';
import { echoOf } from './echo.js';

const runtime = runtimesFound.find((r) => r.runtime === 'Python3.10') ?? runtimesFound.at(-1)!;
const env = { PATH: '/nonexistent' };

// Another program on the host's 127.0.0.1:8000 (a developer's server) makes this case meaningless: skipped, said so.
const taken = await new Promise<boolean>((resolve) => {
  const socket = connect({ host: '127.0.0.1', port: 8000 });
  socket.once('connect', () => { socket.destroy(); resolve(true); });
  socket.once('error', () => resolve(false));
});

it.skipIf(taken)(`runs on the host port${taken ? ' (skipped: another program holds 127.0.0.1:8000)' : ''} with one instance, and refuses a second HTTP function while the first holds it`, async () => {
  const notices: string[] = [];
  const fn = await createFunction({ code: fixture('http-echo'), runtime: runtime.runtime, pythonPath: runtime.path, name: 'first' }, { env, onNotice: (l) => notices.push(l) });
  try {
    expect(notices).toContain("fgrun: HTTP functions run on the host's 127.0.0.1:8000, one instance at a time: bubblewrap (bwrap) is not installed; for an instance per request as in the cloud, install it: `apt-get install bubblewrap` (Debian/Ubuntu) or `dnf install bubblewrap`");
    expect(fn.config.maxInstances).toBe(1);
    const [a, b] = await Promise.all([fn.invoke({ httpMethod: 'GET', path: '/a', headers: {}, body: '' }), fn.invoke({ httpMethod: 'GET', path: '/b', headers: {}, body: '' })]);
    expect([echoOf(a.result).echo.path, echoOf(b.result).echo.path]).toEqual(['/a', '/b']);
    expect(fn.stats().peakInstances).toBe(1);
    const second = join(mkdtempSync(join(tmpdir(), 'fgrun-http-port-')), 'second');
    cpSync(fixture('http-echo'), second, { recursive: true });
    await expect(createFunction({ code: second, runtime: runtime.runtime, pythonPath: runtime.path, name: 'second' }, { env, onNotice: () => {} })).rejects.toMatchObject({
      code: 'FGRUN_CONFIG',
      message: expect.stringMatching(/^the HTTP function second \(.+\) needs 127\.0\.0\.1:8000, which HTTP function first \(.+\) already uses: without network namespaces \(bubblewrap \(bwrap\) is not installed\) only one HTTP function can run per fgrun process; install it: /),
    });
  } finally {
    await fn.close();
  }
  const again = await createFunction({ code: fixture('http-echo'), runtime: runtime.runtime, pythonPath: runtime.path, name: 'third' }, { env, onNotice: () => {} });
  await again.close();
});
