// --sandbox through the CLI: where it cannot run (no bwrap) the one clear error and exit 2, never an
// unsandboxed run; --sandbox-network; `runtimes --verbose`; an HTTP function in the sandbox.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, fgrun as real } from '../matrix/fgrun-cli.js';
import { echoOf } from '../http-function/echo.js';
import { runtimesFound } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';
import { createFunction } from '../../src/index.js';

describe.concurrent('--sandbox from the command line', () => {
  it('refuses with exit 2 and the fix where bubblewrap is missing', async () => {
    const run = await real(['invoke', 'fixtures/functions/sandbox-probe', '--sandbox'], { env: { ...process.env, PATH: '/nonexistent' } });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('fgrun: --sandbox cannot run here: bubblewrap (bwrap) is not installed; install it: `apt-get install bubblewrap` (Debian/Ubuntu) or `dnf install bubblewrap`. fgrun never runs a function without the sandbox it was asked for: drop --sandbox to run it unsandboxed (docs/sandbox.md)\n');
  });

  it('--sandbox-network none leaves only a loopback; alone it is a usage error', async () => {
    const none = await cli(['invoke', 'fixtures/functions/sandbox-probe', '--sandbox', '--sandbox-network', 'none', '--event', '{"op": "net"}']);
    expect(none.code).toBe(0);
    expect(JSON.parse(none.stdout)).toEqual(['lo']);
    const host = await cli(['invoke', 'fixtures/functions/sandbox-probe', '--sandbox', '--event', '{"op": "net"}']);
    expect((JSON.parse(host.stdout) as string[]).length).toBeGreaterThan(1);
    const alone = await cli(['invoke', 'fixtures/functions/sandbox-probe', '--sandbox-network', 'none']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toBe('fgrun: --sandbox-network none cuts the network of the sandbox: add --sandbox (config: "sandbox": true)\n');
  });

  it('runtimes --verbose says whether the sandbox is available', async () => {
    const run = await cli(['runtimes', '--verbose']);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe("Sandbox (--sandbox) and HTTP functions' own 127.0.0.1:8000: available (/usr/bin/bwrap, user namespaces)");
  });

  it('runs an HTTP function in the sandbox: its server sees /opt/function', async () => {
    const event = JSON.stringify({ httpMethod: 'GET', path: '/boxed', headers: {}, body: '' });
    const run = await cli(['invoke', 'fixtures/functions/http-echo', '--sandbox', '--event', event]);
    expect(run.code).toBe(0);
    expect(echoOf(JSON.parse(run.stdout)).echo).toMatchObject({ path: '/boxed', cwd: '/opt/function' });
    // Its /tmp is its own and empty: the relay's socket folder is bound elsewhere (/opt/.fgrun).
    const tmp = await cli(['invoke', 'fixtures/functions/http-echo', '--sandbox', '--event', JSON.stringify({ httpMethod: 'GET', path: '/tmp', headers: {}, body: '' })]);
    expect([tmp.code, Buffer.from(JSON.parse(tmp.stdout).body as string, 'base64').toString()]).toEqual([0, '[]']);
  });

  it('matrix --sandbox: every runtime sees the same cloud layout and identity', async () => {
    const wanted = ['Python2.7', 'Python3.12'].filter((id) => runtimesFound.some((r) => r.runtime === id));
    const run = await cli(['matrix', 'fixtures/functions/sandbox-probe', '--sandbox', '--runtimes', wanted.join(','), '--event', '{"op": "facts"}', '--json']);
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as Array<{ runtime: string; agrees: boolean; result: { uid: number; cwd: string; write_code: string } }>;
    expect(rows.map((r) => [r.runtime, r.agrees, r.result.uid, r.result.cwd, r.result.write_code])).toEqual(wanted.map((id) => [id, true, 1003, '/opt/function', 'EROFS']));
  });

  it('binds dependency packages into the sandbox (/opt/function/deps/<n>), importable', async () => {
    const fn = await createFunction({ code: fixture('pkg-deps'), dependencies: [fixture('pkg-deps-lib')], sandbox: true }, { onNotice: () => {} });
    try {
      const inv = await fn.invoke({});
      expect(inv.status, inv.log).toBe('success');
      expect(inv.result).toMatchObject({ dep: 'fgrun_demo_dep from a dependency package', origin: 'pkg-deps-lib' });
    } finally {
      await fn.close();
    }
  });

  it('names the sysctl where bwrap cannot make a user namespace', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'fgrun-fake-bwrap-'));
    // A bwrap that fails as Debian's does where unprivileged user namespaces are off.
    writeFileSync(join(bin, 'bwrap'), '#!/bin/sh\necho "bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces." >&2\nexit 1\n', { mode: 0o755 });
    try {
      await expect(createFunction({ code: fixture('sandbox-probe'), sandbox: true }, { env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` }, onNotice: () => {} })).rejects.toMatchObject({
        code: 'FGRUN_SANDBOX_UNAVAILABLE', kind: 'usage',
        message: expect.stringContaining('--sandbox cannot run here: bwrap cannot make a user namespace here (bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces.); enable unprivileged user namespaces: `sysctl -w kernel.unprivileged_userns_clone=1`'),
      });
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
