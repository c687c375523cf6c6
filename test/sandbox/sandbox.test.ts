// --sandbox on every runtime: the cloud's paths, a read-only code folder, a private /tmp that stops
// at 512 MB, uid/gid 1003, home folders hidden, a daemon reaped, a timeout killed, pdb served.
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFunction, type FunctionHandle } from '../../src/index.js';
import { fixture } from '../helpers/fixtures.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { connectTo, freePort } from '../debug/socket-client.js';

// Processes whose command line holds `text`.
function processesWith(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes(text)) found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

describeEachRuntime('--sandbox', (runtime) => {
  let fn: FunctionHandle;
  beforeAll(async () => {
    fn = await createFunction({ code: fixture('sandbox-probe'), runtime: runtime.runtime, sandbox: true, timeout: 3 }, { onNotice: () => {} });
  });
  afterAll(() => fn?.close());

  it("shows the cloud's paths and identity, a read-only code folder and no home folders", async () => {
    const inv = await fn.invoke({ op: 'facts' });
    expect(inv.status, inv.log).toBe('success');
    // The interpreter's prefix is bound back: under /root (pyenv) its first folder shows, nothing else.
    const prefix = dirname(dirname(realpathSync(runtime.path)));
    const underRoot = prefix.startsWith('/root/') ? [prefix.split('/')[2]] : [];
    expect(inv.result).toEqual({
      cwd: '/opt/function', file: '/opt/function/code/index.py', code_root: '/opt/function/code', log_dir: '/home/snuser/log',
      uid: 1003, gid: 1003, root_home: underRoot, homes: ['snuser'], tmp: [],
      write_code: 'EROFS', write_code_abs: 'EROFS', write_tmp: null, python_readable: true,
    });
    expect(existsSync(`${fixture('sandbox-probe')}/written.txt`)).toBe(false);
  });

  it('gives each instance a private /tmp that stops at 512 MB with ENOSPC', async () => {
    const first = await fn.invoke({ op: 'mark' });
    const again = await fn.invoke({ op: 'mark' });
    expect([first.result, again.result]).toEqual([{ existed: false }, { existed: true }]);
    const other = await createFunction({ code: fixture('sandbox-probe'), runtime: runtime.runtime, sandbox: true, timeout: 60 }, { onNotice: () => {} });
    try {
      expect((await other.invoke({ op: 'mark' })).result).toEqual({ existed: false });
      const full = await other.invoke({ op: 'fill' });
      expect(full.status, full.log).toBe('success');
      const { error, written_mb: mb } = full.result as { error: string; written_mb: number };
      expect(error).toBe('ENOSPC');
      expect(mb).toBeGreaterThanOrEqual(480);
      expect(mb).toBeLessThan(512);
    } finally {
      await other.close();
    }
  });

  it('kills a request past its timeout, and reaps a daemon the function left', async () => {
    const other = await createFunction({ code: fixture('sandbox-probe'), runtime: runtime.runtime, sandbox: true, timeout: 3, name: `daemon-${runtime.runtime.replace('.', '')}` }, { onNotice: () => {} });
    try {
      expect((await other.invoke({ op: 'daemon' })).status).toBe('success');
      const slept = await other.invoke({ op: 'sleep' });
      expect(slept.status).toBe('timeout');
      expect(slept.error?.errorMessage).toBe('invoke timed out, error: the function did not return within its timeout of 3s');
    } finally {
      await other.close();
    }
  });
}, undefined, { concurrent: true });

it('leaves no daemon of a sandboxed function running', async () => {
  // The kernel ends a pid namespace's processes as its first one exits: poll briefly on a loaded machine.
  const deadline = Date.now() + 5000;
  while (processesWith('fgrun-sandbox-daemon').length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(processesWith('fgrun-sandbox-daemon')).toEqual([]);
});

describeEachRuntime('--sandbox with --debug-port', (runtime) => {
  it('serves pdb from inside the sandbox, the code at /opt/function/code', async () => {
    const port = await freePort();
    let onPdb: (line: string) => void = () => {};
    const noticed = new Promise<string>((resolve) => { onPdb = resolve; });
    const handle = await createFunction({ code: fixture('debug-breakpoint'), runtime: runtime.runtime, sandbox: true, timeout: 3 }, {
      debugPort: port, onNotice: (line) => (line.includes(' pdb waits on ') ? onPdb(line) : undefined),
    });
    try {
      const invocation = handle.invoke({ name: 'boxed' });
      expect(await noticed).toContain(`pdb waits on 127.0.0.1:${port}`);
      const client = await connectTo(port);
      await client.until((d) => d.toString().includes('(Pdb) '), 'the prompt');
      expect(client.received().toString()).toContain('/opt/function/code/index.py(');
      client.write('c\n');
      const result = await invocation;
      expect(result.status, result.log).toBe('success');
      expect(result.body).toBe('hello boxed');
      client.close();
    } finally {
      await handle.close({ mode: 'cancel' });
    }
  });
}, undefined, { concurrent: true });
