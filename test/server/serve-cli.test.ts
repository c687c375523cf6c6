// `fgrun serve` as a real process (bin/fgrun.js, built dist/): banner, --config, usage errors, and
// SIGINT finishing the in-flight request, exiting 0 and leaving no process of its instances behind.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, fixture } from '../helpers/fixtures.js';
import { zipFolder } from '../package/make-zip.js';

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

function env(): NodeJS.ProcessEnv {
  const { FGRUN_SERVE_AK: _a, FGRUN_SERVE_SK: _s, FGRUN_SERVE_TOKEN: _t, ...rest } = process.env;
  return rest;
}

// Start `fgrun serve` and wait for its banner.
async function startServe(args: string[], cwd?: string) {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { cwd, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => { out.stdout += d; });
  child.stderr.on('data', (d) => { out.stderr += d; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => (out.stdout.includes('Press Ctrl-C to stop.') ? resolve() : undefined));
    void exited.then((code) => reject(new Error(`serve exited early (${code}): ${out.stderr}`)));
  });
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out.stdout)![1]!;
  return { child, out, exited, url };
}

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
    const logFile = join(dir, 'serve.jsonl');
    const { child, out, exited, url } = await startServe(['--port', '0', '--timeout', '10', '--log-file', logFile], fixture('server-config'));
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
      // The function's output, streamed with its name and request, then one line per request.
      expect(out.stderr).toMatch(/^\[echo [0-9a-f]{8}\] echo from echo$/m);
      expect(out.stderr).toMatch(/^\[echo [0-9a-f]{8}\] invoke 200 success {2}duration \d+\.\d{3}ms {2}billed \d+ms {2}memory \d+\.\d{3}\/128MB/m);
      expect(out.stderr).toMatch(/^\[web [0-9a-f]{8}\] GET \/apig\/web\/hi 200 success {2}duration /m);
      const records = readFileSync(logFile, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(records.filter((r) => r.type === 'request').map((r) => [r.function, r.source, r.httpStatus, r.status])).toEqual([
        ['echo', 'invoke', 200, 'success'], ['web', 'gateway', 200, 'success'], ['echo', 'invoke', 200, 'success'],
      ]);
      expect(records).toContainEqual(expect.objectContaining({ type: 'log', function: 'echo', line: 'echo from echo' }));
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
