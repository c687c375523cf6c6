// Process hygiene: every instance is its own process group, and nothing fgrun started survives a
// retirement, close(), Ctrl-C on the CLI, or a host killed with SIGKILL (the reaper process).
// The host-death and CLI cases spawn the built library (dist/: run `npm run build` first).
import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { createFunction } from '../../src/index.js';
import { newestRuntime, runtimesFound } from '../helpers/runtimes.js';
import { CLI, fixture, ROOT } from '../helpers/fixtures.js';
import { isRunning, stillRunning } from './processes.js';

const runtime = newestRuntime!;
const oldest = runtimesFound[0]!;
type Pids = { pid: number; child: number };

// The process group of `pid`, from /proc.
function pgid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

// Resolve with the first match of `pattern` in the child's output stream.
function waitFor(stream: NodeJS.ReadableStream, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const m = pattern.exec(text);
      if (m) resolve(m);
    });
    stream.on('end', () => reject(new Error(`stream ended without ${pattern}: ${text}`)));
  });
}

const exited = (child: ChildProcess) => new Promise<[number | null, string | null]>((r) => child.once('exit', (code, signal) => r([code, signal])));

// A host process using the built library: one instance per runtime given, each starting a child.
const HOST = `
import { createFunction } from ${JSON.stringify(join(ROOT, 'dist', 'index.js'))};
const [code, sleep, ...paths] = process.argv.slice(1);
const fns = await Promise.all(paths.map((p) => createFunction({ code, pythonPath: p, timeout: 60 })));
for (const fn of fns) fn.invoke({ sleep: Number(sleep) }).then((a) => process.stdout.write('done ' + a.body + '\\n'));
setInterval(() => {}, 1000);
`;

describe.runIf(newestRuntime).concurrent('process hygiene', () => {
  it('runs each instance as its own process group leader, the function children inside it', async () => {
    const fn = await createFunction({ code: fixture('fault-children'), runtime: runtime.runtime, pythonPath: runtime.path }, { maxInstances: 2 });
    try {
      const [a, b] = (await Promise.all([fn.invoke({ sleep: 0.1 }), fn.invoke({ sleep: 0.1 })])).map((x) => x.result as Pids);
      expect([pgid(a!.pid), pgid(a!.child), pgid(b!.pid), pgid(b!.child)]).toEqual([a!.pid, a!.pid, b!.pid, b!.pid]);
      expect(pgid(a!.pid)).not.toBe(pgid(process.pid));
    } finally {
      await fn.close();
    }
  });

  it('a crashing instance takes its children with it', async () => {
    const fn = await createFunction({ code: fixture('fault-children'), runtime: runtime.runtime, pythonPath: runtime.path });
    try {
      const crashed = await fn.invoke({ exit: true });
      expect(crashed.error!.errorMessage).toBe('runtime process exited unexpectedly, error: runtime process exited with code 4');
      const [, pid, child] = /started (\d+) (\d+)/.exec(crashed.log)!.map(Number);
      expect(await stillRunning([pid!, child!])).toEqual([]);
    } finally {
      await fn.close();
    }
  });

  it('close() leaves no Python process and no child of one', async () => {
    const fn = await createFunction({ code: fixture('fault-children'), runtime: runtime.runtime, pythonPath: runtime.path }, { maxInstances: 3 });
    const answers = await Promise.all([0, 1, 2].map(() => fn.invoke({ sleep: 0.1 })));
    const pids = answers.flatMap((a) => Object.values(a.result as Pids));
    expect(pids.filter(isRunning)).toHaveLength(6);
    await fn.close();
    expect(await stillRunning(pids)).toEqual([]);
  });

  it.each([['idle', 0], ['busy', 30]] as const)('a host killed with SIGKILL leaves no process behind (instances %s)', async (_, sleep) => {
    const paths = [...new Set([oldest.path, runtime.path])];
    const host = spawn(process.execPath, ['--input-type=module', '-e', HOST, fixture('fault-children'), String(sleep), ...paths], { stdio: ['ignore', 'pipe', 'inherit'] });
    const started: number[] = [];
    if (sleep) {
      // Busy: the instances are still in their request; find them by their children (a loaded
      // machine may take long to start two interpreters: wait for the condition, generously).
      const deadline = Date.now() + 60_000;
      while (started.length < 2 * paths.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        started.splice(0, started.length, ...childrenOf(host.pid!));
      }
    } else {
      const text = (await waitFor(host.stdout!, new RegExp(`(done [^\\n]*\\n[^]*){${paths.length}}`)))[0];
      for (const m of text.matchAll(/"pid": (\d+), "child": (\d+)/g)) started.push(Number(m[1]), Number(m[2]));
    }
    expect(started).toHaveLength(2 * paths.length);
    expect(started.every(isRunning)).toBe(true);
    // One reaper for the host, a shell while the host lives (no second interpreter starts beside
    // the first instance); it ends once it has killed them.
    const reapers = readFileSync(`/proc/${host.pid}/task/${host.pid}/children`, 'latin1').split(' ').filter(Boolean).map(Number).filter(isReaper);
    expect(reapers.map((pid) => realpathSync(`/proc/${pid}/exe`))).toEqual([realpathSync('/bin/sh')]);
    host.kill('SIGKILL');
    await exited(host);
    expect(await stillRunning([...started, ...reapers], 20_000)).toEqual([]);
  }, 120_000);

  it.each([['a cgroup', true], ['no cgroup', false]] as const)('the reaper kills the instances itself when their interpreter is gone by the host\'s death (%s)', async (_, withCgroup) => {
    // An "instance" (a shell named like the bootstrap, its own group, with a child) watched with an
    // interpreter that does not exist: fgrun_reaper.py cannot run, the reaper's shell kills it.
    const script = `
      import { spawn } from 'node:child_process';
      import { InstanceCgroup, reaperWatch } from ${JSON.stringify(join(ROOT, 'dist', 'platform', 'index.js'))};
      const fake = spawn('/bin/sh', ['-c', 'read go; sleep 300 & echo started $!; wait', 'bootstrap/main.py'], { detached: true, stdio: ['pipe', 'pipe', 'inherit'] });
      const cgroup = process.argv[1] === 'cgroup' ? InstanceCgroup.join(fake.pid) : null;
      if (process.argv[1] === 'cgroup' && cgroup === null) {
        fake.kill('SIGKILL');
        process.stdout.write('no cgroup here\\n');
        process.exit(0);
      }
      reaperWatch('/nonexistent/python', fake.pid, cgroup?.dir ?? null);
      // Its child starts once it is in its cgroup, as an instance's code runs only then.
      fake.stdin.write('go\\n');
      fake.stdout.on('data', (d) => process.stdout.write('fake ' + fake.pid + ' ' + d));
      setInterval(() => {}, 1000);`;
    const host = spawn(process.execPath, ['--input-type=module', '-e', script, withCgroup ? 'cgroup' : 'tree'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const seen = await waitFor(host.stdout!, /fake (\d+) started (\d+)\n|no cgroup here\n/);
    // Where this host cannot make cgroups, the case without one covers the shell's own kill.
    if (seen[0] === 'no cgroup here\n') return;
    const [, fake, child] = seen.map(Number);
    expect([isRunning(fake!), isRunning(child!)]).toEqual([true, true]);
    host.kill('SIGKILL');
    await exited(host);
    expect(await stillRunning([fake!, child!], 20_000)).toEqual([]);
  });

  it('logs instance starts and retirements at FGRUN_LOG_LEVEL=debug, never a credential', async () => {
    const script = `
      import { createFunction } from ${JSON.stringify(join(ROOT, 'dist', 'index.js'))};
      const fn = await createFunction({ code: process.argv[1], pythonPath: process.argv[2], credentials: { securitySecretKey: 'SK-very-secret' } });
      await fn.invoke({ crash: 'exit', code: 3 });
      await fn.invoke({ n: 1 });
      await fn.close();`;
    const host = spawn(process.execPath, ['--input-type=module', '-e', script, fixture('fault-crash'), runtime.path], {
      stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FGRUN_LOG_LEVEL: 'debug' },
    });
    let stderr = '';
    host.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    expect(await exited(host)).toEqual([0, null]);
    const events = [...stderr.matchAll(/fgrun debug: (instance \w+) \{"function":"fault-crash","pid":\d+(?:,"reason":"([^"]+)")?\}/g)].map((m) => [m[1], m[2]]);
    expect(events).toEqual([['instance started', undefined], ['instance retired', 'failed its request'], ['instance started', undefined], ['instance retired', 'closed']]);
    expect(stderr).not.toContain('SK-very-secret');
  });

  it('Ctrl-C on `fgrun invoke` kills the instance and its children, and the CLI dies of SIGINT', async () => {
    const cli = spawn(process.execPath, [CLI, 'invoke', fixture('fault-children'), '--python', runtime.path, '--timeout', '60', '--event', '{"sleep": 30}'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const [, pid, child] = (await waitFor(cli.stderr!, /started (\d+) (\d+)\n/)).map(Number);
    expect([isRunning(pid!), isRunning(child!)]).toEqual([true, true]);
    cli.kill('SIGINT');
    expect(await exited(cli)).toEqual([null, 'SIGINT']);
    expect(await stillRunning([pid!, child!])).toEqual([]);
  });
});

// Every descendant pid of `pid` (the host's interpreters and their children), but the host's reaper.
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number) => {
    let text = '';
    try {
      text = readFileSync(`/proc/${p}/task/${p}/children`, 'latin1');
    } catch {
      return;
    }
    for (const c of text.split(' ').filter(Boolean).map(Number)) {
      if (isReaper(c)) continue;
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function isReaper(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('fgrun_reaper.py');
  } catch {
    return false;
  }
}
