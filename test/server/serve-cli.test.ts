// `fgrun serve` as a real process (bin/fgrun.cjs, built dist/): banner, --config, usage errors, and
// SIGINT finishing the in-flight request, exiting 0 and leaving no process of its instances behind.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers/fixtures.js';
import { zipFolder } from '../package/make-zip.js';
import { cli as runCli } from '../matrix/fgrun-cli.js';
import { killServe, startServe as startProcess, waitFor } from './serve-process.js';


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


// `fgrun serve ARGS` in `cwd`, once its banner is out.
const startServe = (args: string[], cwd?: string) => startProcess(args, { cwd });

describe('fgrun serve (CLI)', () => {
  it('refuses --ak without --sk, and CODE with a config file of several functions (exit 2)', async () => {
    const ak = await runCli(['serve', fixture('server-echo'), '--ak', 'X', '--port', '0']);
    expect(ak.code).toBe(2);
    expect(ak.stderr).toBe('fgrun: --ak and --sk go together: pass both (or FGRUN_SERVE_AK and FGRUN_SERVE_SK), or neither\n');
    const several = join(dir, 'several.json');
    writeFileSync(several, JSON.stringify({ functions: [{ func_name: 'a', code: fixture('server-echo') }, { func_name: 'b', code: fixture('server-echo') }] }));
    const both = await runCli(['serve', fixture('server-echo'), '--config', several]);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe(`fgrun: CODE ('${fixture('server-echo')}') replaces the code of one function, and ${several} holds several (a, b): pick one with --function <name>\n`);
  });

  it('refuses half-configured gateway auth (exit 2) and warns on stderr when a non-loopback bind leaves a route open', async () => {
    const usage = async (argv: string[]) => {
      const run = await runCli(['serve', fixture('server-echo'), '--port', '0', ...argv]);
      return [run.code, run.stderr];
    };
    expect(await usage(['--app-key', 'k'])).toEqual([2, 'fgrun: --app-key and --app-secret go together: pass both (or FGRUN_SERVE_APP_KEY and FGRUN_SERVE_APP_SECRET), or neither\n']);
    expect(await usage(['--apig-auth', 'app'])).toEqual([2, 'fgrun: --apig-auth app needs the app credentials: add --app-key and --app-secret (or FGRUN_SERVE_APP_KEY and FGRUN_SERVE_APP_SECRET)\n']);
    expect(await usage(['--apig-auth', 'iam'])).toEqual([2, 'fgrun: --apig-auth iam needs IAM credentials: add --ak/--sk or --token\n']);
    const exposed = await startServe([fixture('server-apig'), '--name', 'web', '--host', '0.0.0.0', '--port', '0', '--token', 't', '--apig-auth', 'none']);
    try {
      expect(exposed.out.stdout).toContain('fgrun serve: auth of /apig (gateway): none: every request is accepted (--apig-auth none)\n');
      await waitFor(() => exposed.out.stderr.includes('\n'), 20_000);
      expect(exposed.out.stderr).toBe('fgrun serve: warning: 0.0.0.0 is reachable from other machines and /apig (gateway) accepts every request; add --ak/--sk or --token (and --apig-auth iam|app)\n');
      expect(exposed.out.stdout).not.toContain('warning');
    } finally {
      killServe(exposed);
    }
  });

  it('serves every function of --config with the function flags applied to each, and stops on SIGTERM', async () => {
    const { child, out, exited } = await startServe(['--config', join(fixture('server-config'), 'fgrun.yaml'), '--project-id', 'p2', '--port', '0', '--token', 't']);
    try {
      expect(out.stdout).toContain('    urn:     urn:fss:local:p2:function:default:echo:latest\n');
      expect(out.stdout).toContain('    urn:     urn:fss:local:p2:function:default:web:latest\n');
      expect(out.stdout).toContain('fgrun serve: auth of /v2 (invoke API): IAM: the configured X-Auth-Token\nfgrun serve: auth of /apig (gateway): IAM: the configured X-Auth-Token\nfgrun serve: auth of the console: the console token (in the console URL printed above, then a cookie; or Authorization: token T)\n');
      expect(out.stdout).toMatch(/^ {2}console: http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/m);
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
      expect(stdout).toContain('fgrun serve: auth of /v2 (invoke API): none: no credentials configured (--ak/--sk, --token), every request is accepted\n');
      expect(stdout).toContain('fgrun serve: auth of /apig (gateway): none: no credentials configured, every request is accepted\n');

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
      // (The host's reaper, its own group, ends at end of input: wait for it, with a generous bound.)
      const running = () => processes().filter((p) => groups.includes(p.pgrp) && p.state !== 'Z');
      for (let i = 0; i < 200 && running().length > 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(running()).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('serves several code folders, each under its own name (`fgrun serve A B`); names that clash or flags that cannot apply exit 2', async () => {
    const served = await startServe([fixture('echo'), fixture('server-apig'), '--port', '0']);
    try {
      expect(served.out.stdout).toContain('\n  echo (');
      expect(served.out.stdout).toContain('\n  server-apig (');
      const echo = await fetch(`${served.url}/v2/local/fgs/functions/urn:fss:local:local:function:default:echo:latest/invocations`, { method: 'POST', body: '{"both": true}' });
      expect([echo.status, await echo.text()]).toEqual([200, '{"both": true}']);
      const gateway = await fetch(`${served.url}/apig/server-apig/hi`);
      expect(gateway.status).toBe(200);
    } finally {
      served.child.kill('SIGTERM');
      expect(await served.exited).toBe(0);
    }
    const twice = await runCli(['serve', fixture('echo'), join(fixture('echo'), '..', 'echo')]);
    expect([twice.code, twice.stderr]).toEqual([2, `fgrun: ${fixture('echo')} and ${join(fixture('echo'), '..', 'echo')} would both be served as 'echo' (a function is named after its folder or zip): rename one, or list them with distinct func_name in a config file\n`]);
    const named = await runCli(['serve', fixture('echo'), fixture('server-apig'), '--name', 'x']);
    expect([named.code, named.stderr]).toEqual([2, `fgrun: --name cannot name all 2 functions (${fixture('echo')} ${fixture('server-apig')}): each is named after its folder or zip; to choose names, list them with func_name in a config file\n`]);
    const withConfig = await runCli(['serve', fixture('echo'), fixture('server-apig'), '--config', join(fixture('server-config'), 'fgrun.yaml')]);
    expect(withConfig.code).toBe(2);
    expect(withConfig.stderr).toMatch(/^fgrun: --config reads the functions from a file, and 2 CODE arguments \(.+\) each name one: give one or the other\n$/);
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
      const reloadLine = `fgrun serve: w: reloaded after ${join(code, 'index.py')} changed\n`;
      // Resolves once the serve log holds `count` reload lines (the test's timeout bounds the wait).
      const reloads = async (count: number) => {
        while (served.out.stderr.split(reloadLine).length - 1 < count) await new Promise((r) => setTimeout(r, 50));
      };
      writeFileSync(join(code, 'index.py'), 'def handler(event, context):\n    return "v2"\n');
      await reloads(1);
      expect(await call()).toBe('v2');
      // A save that breaks the code is served as the cloud would serve it: the load failure, until fixed.
      writeFileSync(join(code, 'index.py'), 'def handler(event, context)\n    return "v3"\n');
      await reloads(2);
      expect(JSON.parse(await call())).toMatchObject({ errorType: 'SyntaxError', errorMessage: expect.stringMatching(/^function entry exception, error: Syntax error in module 'index': /) });
      writeFileSync(join(code, 'index.py'), 'def handler(event, context):\n    return "v4"\n');
      await reloads(3);
      expect(await call()).toBe('v4');
    } finally {
      served.child.kill('SIGTERM');
      expect(await served.exited).toBe(0);
    }
  });
});
