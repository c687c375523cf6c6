// Outbound network for HTTP functions in their own network namespaces (slirp4netns): the server
// reaches an HTTP server the test runs on the host's 127.0.0.1 through 10.0.2.2, at start and per
// request, while every instance keeps its own 127.0.0.1:8000; slirp4netns ends with its instance;
// --sandbox-network none keeps an HTTP function without network.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFunction } from '../../src/index.js';
import { namespaceSupport } from '../../src/namespace/bwrap.js';
import { attachNetwork, namespaceResolvConf, slirpPath, slirpSupport } from '../../src/namespace/slirp.js';
import { fixture } from '../helpers/fixtures.js';
import { describeEachRuntime } from '../helpers/runtimes.js';

const GET = (path: string) => ({ httpMethod: 'GET', path, headers: {}, body: '', isBase64Encoded: true });
const bodyOf = (result: unknown) => JSON.parse(Buffer.from((result as { body: string }).body, 'base64').toString('utf8')) as { fetched?: string; error?: string };

// The reason these tests cannot run here, or null.
function missing(): string | null {
  const support = namespaceSupport();
  if (!support.available) return support.reason;
  return slirpPath() ? null : 'slirp4netns is not installed (apt-get install slirp4netns)';
}

// This test process's live slirp4netns children (a zombie is gone). Runtimes run one after another
// in this file, and each test file has its own process (vitest forks), so they are this test's.
function helpers(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const field = (name: string) => new RegExp(`^${name}:\\s+(\\S+)`, 'm').exec(status)?.[1];
      if (field('Name') === 'slirp4netns' && field('PPid') === String(process.pid) && field('State') !== 'Z') found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

// The helpers left once they are gone (waiting for them, up to 10 s), or those still running.
async function helpersAfterClose(): Promise<number[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const left = helpers();
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const why = missing();
describeEachRuntime('HTTP function outbound network', (runtime) => {
  let upstream: Server;
  let port = 0;
  const seen: string[] = [];
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.end(`upstream saw ${req.url}`);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    port = (upstream.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

  it.skipIf(why !== null)(`fetches from the host's 127.0.0.1 through 10.0.2.2, at start and per request, on two instances${why ? ` (skipped: ${why})` : ''}`, async () => {
    const fn = await createFunction({ code: fixture('http-fetch'), runtime: runtime.runtime, userData: { UPSTREAM: `http://10.0.2.2:${port}` }, timeout: 15, initializerTimeout: 30 }, { onNotice: () => {} });
    try {
      const [a, b] = await Promise.all([fn.invoke(GET(`/a-${runtime.version}`)), fn.invoke(GET(`/b-${runtime.version}`))]);
      expect([a.status, a.error, a.log]).toEqual(['success', null, expect.any(String)]);
      expect([a.result, b.result, b.log]).toEqual([expect.objectContaining({ statusCode: 200 }), expect.objectContaining({ statusCode: 200 }), expect.any(String)]);
      expect(bodyOf(a.result)).toEqual({ fetched: `upstream saw /a-${runtime.version}` });
      expect(bodyOf(b.result)).toEqual({ fetched: `upstream saw /b-${runtime.version}` });
      expect(fn.stats().instances).toBe(2);
      expect([a.log, b.log].join('')).toContain('at start: upstream saw /init');
      expect(helpers()).toHaveLength(2);
      await fn.close();
      expect(await helpersAfterClose()).toEqual([]);
    } finally {
      await fn.close();
    }
  });

  // Once is enough for what the sandbox adds: on Python3.10, the runtime the fixture's bootstrap names.
  const once = why ?? (runtime.runtime === 'Python3.10' ? null : 'runs once, on Python3.10');
  it.skipIf(once !== null)(`has outbound network under --sandbox too, and none with --sandbox-network none${once ? ` (skipped: ${once})` : ''}`, async () => {
    const userData = { UPSTREAM: `http://10.0.2.2:${port}` };
    const boxed = await createFunction({ code: fixture('http-fetch'), runtime: runtime.runtime, userData, sandbox: true, initializerTimeout: 30 }, { onNotice: () => {} });
    try {
      const inv = await boxed.invoke(GET('/boxed'));
      expect([inv.status, inv.error, inv.log]).toEqual(['success', null, expect.any(String)]);
      expect(bodyOf(inv.result)).toEqual({ fetched: 'upstream saw /boxed' });
    } finally {
      await boxed.close();
    }
    const cut = await createFunction({ code: fixture('http-fetch'), runtime: runtime.runtime, userData, sandbox: true, sandboxNetwork: 'none', initializerTimeout: 30 }, { onNotice: () => {} });
    try {
      const inv = await cut.invoke(GET('/cut'));
      expect(inv.status).toBe('init-error');
      expect(inv.error?.errorMessage).toMatch(/^function initialization exception, error: the bootstrap exited with status 1 before it listened on 127\.0\.0\.1:8000; its last output: .*Network is unreachable/);
      expect(helpers()).toEqual([]);
    } finally {
      await cut.close();
    }
    expect(await helpersAfterClose()).toEqual([]);
  });

  it.skipIf(once !== null)(`says in one line that there is no outbound network where slirp4netns is missing, and runs without it${once ? ` (skipped: ${once})` : ''}`, async () => {
    const bin = mkdtempSync(join(tmpdir(), 'fgrun-noslirp-'));
    try {
      symlinkSync((namespaceSupport() as { bwrap: string }).bwrap, join(bin, 'bwrap'));
      const notices: string[] = [];
      const env = { ...process.env, PATH: bin };
      const fn = await createFunction({ code: fixture('http-fetch'), runtime: runtime.runtime, userData: { UPSTREAM: `http://10.0.2.2:${port}` }, initializerTimeout: 30 }, { onNotice: (l) => notices.push(l), env });
      try {
        const inv = await fn.invoke(GET('/none'));
        expect(inv.status).toBe('init-error');
        expect(inv.log).toContain('Network is unreachable');
      } finally {
        await fn.close();
      }
      expect(notices).toEqual(["fgrun: HTTP functions' instances have no outbound network (only their own loopback): slirp4netns is not installed; install it (`apt-get install slirp4netns`) for outbound connections as in the cloud, or set FGRUN_HTTP_NETWORK=host to run on the host's network (docs/http-functions.md)"]);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
}, ['Python2.7', 'Python3.9', 'Python3.10', 'Python3.12'], { concurrent: false });

describe('slirp4netns ends with its namespace', () => {
  it.skipIf(why !== null)(`exits when the namespace's processes are killed from outside, the host never asking it to${why ? ` (skipped: ${why})` : ''}`, async () => {
    const support = namespaceSupport();
    if (!support.available) return;
    // A namespace whose process holds the anchor (fd 6) and says it runs, as the relay does.
    const ns = spawn(support.bwrap, ['--unshare-user', '--unshare-net', '--unshare-pid', '--die-with-parent', '--dev-bind', '/', '/', '--proc', '/proc', '--info-fd', '5', '/bin/sh', '-c', 'echo running; exec sleep 60'], {
      stdio: ['ignore', 'pipe', 'ignore', 'ignore', 'ignore', 'pipe', 'pipe'], detached: true,
    });
    const [, out, , , , info, anchor] = ns.stdio as unknown as [null, Readable, null, null, null, Readable, Readable];
    const network = attachNetwork(slirpPath()!, info, anchor);
    await new Promise((resolve) => out.once('data', resolve));
    network.begin();
    await network.ready;
    expect(helpers()).toHaveLength(1);
    process.kill(-ns.pid!, 'SIGKILL');
    expect(await helpersAfterClose()).toEqual([]);
  });
});

describe('the resolv.conf of a namespace', () => {
  it('keeps the host\'s when a nameserver is reachable, and uses slirp4netns\'s 10.0.2.3 instead of loopback resolvers', () => {
    expect(namespaceResolvConf('nameserver 10.255.255.53\n')).toBeNull();
    expect(namespaceResolvConf('nameserver 127.0.0.53\nnameserver 192.168.1.1\n')).toBeNull();
    expect(namespaceResolvConf('# systemd-resolved\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n')).toBe('nameserver 10.0.2.3\n# systemd-resolved\noptions edns0 trust-ad\nsearch lan\n');
    expect(namespaceResolvConf('nameserver ::1\n')).toBe('nameserver 10.0.2.3\n');
    expect(namespaceResolvConf('')).toBe('nameserver 10.0.2.3\n');
  });
});

describe('where slirp4netns cannot work', () => {
  it('names what is missing and the fix', () => {
    expect(slirpSupport({ PATH: '/nonexistent' })).toEqual({ reason: 'slirp4netns is not installed', fix: 'install it (`apt-get install slirp4netns`)' });
    if (!slirpPath()) return;
    expect(slirpSupport(process.env, '/nonexistent/tun')).toEqual({ reason: 'this user cannot open /nonexistent/tun', fix: 'make it usable (`chmod 0666 /nonexistent/tun`, as Debian ships it)' });
    expect(slirpSupport(process.env)).toEqual({ slirp: slirpPath() });
  });
});
