// `fgrun serve` as a real process (bin/fgrun.js, built dist/): banner, --config, usage errors, and
// SIGINT finishing the in-flight request, exiting 0 and leaving no process of its instances behind.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, fixture } from '../helpers/fixtures.js';
import { zipFolder } from '../package/make-zip.js';
import { serveEnv, startServe as startProcess } from './serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'fgrun-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Proc {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
}

// Every process in /proc with its parent and process group.
function processes(): Proc[] {
  const out: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(entry), state: fields[0]!, ppid: Number(fields[1]), pgrp: Number(fields[2]) });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

const env = () => serveEnv();

// `fgrun serve ARGS` in `cwd`, once its banner is out.
const startServe = (args: string[], cwd?: string) => startProcess(args, { cwd });

describe('fgrun serve (CLI)', () => {
  it('refuses --ak without --sk, and CODE together with --config (exit 2)', () => {
    const ak = spawnSync(process.execPath, [CLI, 'serve', fixture('server-echo'), '--ak', 'X', '--port', '0'], { encoding: 'utf8', env: env() });
    expect(ak.status).toBe(2);
    expect(ak.stderr).toBe('fgrun: --ak and --sk go together: pass both (or FGRUN_SERVE_AK and FGRUN_SERVE_SK), or neither\n');
    const both = spawnSync(process.execPath, [CLI, 'serve', fixture('server-echo'), '--config', 'x.yaml'], { encoding: 'utf8', env: env() });
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/^fgrun: pass either CODE \('.*server-echo'\) with function flags, or --config x\.yaml, not both\n$/);
  });

  it('serves every function of --config with the function flags applied to each, and stops on SIGTERM', async () => {
    const { child, out, exited } = await startServe(['--config', join(fixture('server-config'), 'fgrun.yaml'), '--project-id', 'p2', '--port', '0', '--token', 't']);
    try {
      expect(out.stdout).toContain('    urn:     urn:fss:local:p2:function:default:echo:latest\n');
      expect(out.stdout).toContain('    urn:     urn:fss:local:p2:function:default:web:latest\n');
      expect(out.stdout).toContain('fgrun serve: requests to /v2 must be signed with the configured AK/SK or carry the configured X-Auth-Token\n');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out.stderr).toBe('fgrun serve: SIGTERM: finishing in-flight requests and stopping every instance\nfgrun serve: stopped\n');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('serves the config file it finds, finishes the in-flight request on SIGINT, exits 0, and leaves no process behind', async () => {
    const { child, out, exited, url } = await startServe(['--port', '0', '--timeout', '10'], fixture('server-config'));
    try {
      const { stdout } = out;
      expect(stdout).toContain('  echo (Python3.');
      expect(stdout).toContain('    urn:     urn:fss:local:local:function:default:echo:latest\n');
      expect(stdout).toContain(`    invoke:  POST ${url}/v2/local/fgs/functions/urn:fss:local:local:function:default:echo:latest/invocations\n`);
      expect(stdout).toContain(`    gateway: ${url}/apig/web/\n`);
      expect(stdout).toContain('fgrun serve: no credentials configured (--ak/--sk, --token): every request is accepted\n');

      const invoke = (event: unknown) => fetch(`${url}/v2/local/fgs/functions/urn:fss:local:local:function:default:echo:latest/invocations`, { method: 'POST', body: JSON.stringify(event) });
      const spawned = await (await invoke({ spawn: true })).json() as { pid: number; child: number };
      const gateway = await fetch(`${url}/apig/web/hi`);
      expect(gateway.status).toBe(200);

      const marker = join(dir, 'started');
      const inFlight = invoke({ sleep: 1.5, touch: marker });
      for (let i = 0; i < 400 && !existsSync(marker); i++) await new Promise((r) => setTimeout(r, 25));
      expect(existsSync(marker)).toBe(true);

      const groups = processes().filter((p) => p.ppid === child.pid && p.pgrp === p.pid).map((p) => p.pgrp);
      expect(groups).toContain(spawned.pid);
      expect(groups.length).toBeGreaterThanOrEqual(2);
      expect(processes().find((p) => p.pid === spawned.child)?.pgrp).toBe(spawned.pid);

      child.kill('SIGINT');
      const answered = await inFlight;
      expect(answered.status).toBe(200);
      expect(await answered.json()).toMatchObject({ pid: spawned.pid });
      expect(await exited).toBe(0);
      expect(out.stderr).toMatch(/fgrun serve: SIGINT: finishing in-flight requests and stopping every instance\n(.|\n)*fgrun serve: stopped\n$/);
      expect(out.stderr).toMatch(/^POST \/v2\/local\/fgs\/functions\/urn:fss:local:local:function:default:echo:latest\/invocations 200 \d+\.\dms [0-9a-f-]{36}$/m);
      // Killed orphans are reparented to init, which reaps them in its own time: none may still run.
      expect(processes().filter((p) => groups.includes(p.pgrp) && p.state !== 'Z')).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('serves a .zip package as CODE, and reloads edited code under --watch', async () => {
    const zipped = await zipFolder(fixture('echo'), join(dir, 'echo.zip'));
    const fromZip = await startServe([zipped, '--port', '0', '--name', 'zipped']);
    try {
      const res = await fetch(`${fromZip.url}/v2/local/fgs/functions/urn:fss:local:local:function:default:zipped:latest/invocations`, { method: 'POST', body: '{"z":1}' });
      expect([res.status, await res.text()]).toEqual([200, '{"z": 1}']);
    } finally {
      fromZip.child.kill('SIGTERM');
      await fromZip.exited;
    }
    const code = join(dir, 'watched');
    mkdirSync(code);
    writeFileSync(join(code, 'index.py'), 'def handler(event, context):\n    return "v1"\n');
    const served = await startServe([code, '--port', '0', '--name', 'w', '--watch']);
    const call = async () => (await fetch(`${served.url}/v2/local/fgs/functions/urn:fss:local:local:function:default:w:latest/invocations`, { method: 'POST', body: '{}' })).text();
    try {
      expect(await call()).toBe('v1');
      writeFileSync(join(code, 'index.py'), 'def handler(event, context):\n    return "v2"\n');
      const deadline = Date.now() + 15_000;
      while (!served.out.stderr.includes('fgrun serve: w: reloaded after') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(served.out.stderr).toContain(`fgrun serve: w: reloaded after ${join(code, 'index.py')} changed\n`);
      expect(await call()).toBe('v2');
    } finally {
      served.child.kill('SIGTERM');
      expect(await served.exited).toBe(0);
    }
  });
});
