// Processes that try to escape their instance, run once with a cgroup per instance (escape.test.ts)
// and once without (escape-tree.test.ts: FGRUN_CGROUP=off, the subreaper and process-tree fallback).
// A setsid'd double-forked daemon keeps no protocol fd and dies with close(), with retirement and
// with its host (SIGKILLed while the handler holds the GIL in a catastrophic regex); the memory of
// children started from threads and of daemons counts against the limit; no descriptor the host
// inherited reaches the function.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFunction } from '../../src/index.js';
import { describeEachRuntime, newestRuntime, runtimesFound } from '../helpers/runtimes.js';
import { fixture, ROOT } from '../helpers/fixtures.js';
import { isRunning, removeTempDirs, stillRunning, tempDir } from './processes.js';

afterAll(removeTempDirs);

const targets = (pid: number) => readdirSync(`/proc/${pid}/fd`).map((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`));
const session = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
};

// A host process on the built library, with `secret` open as its fd 3 (inherited without
// close-on-exec): it prints what the function's process has open, then starts a daemon and enters
// a catastrophic regex, printing the log as it comes.
const HOST = `
import { createFunction } from ${JSON.stringify(join(ROOT, 'dist', 'index.js'))};
const [code, ...paths] = process.argv.slice(1);
for (const pythonPath of paths) {
  const fn = await createFunction({ code, pythonPath, timeout: 60 });
  const a = await fn.invoke({ fds: true });
  process.stdout.write('fds ' + JSON.stringify(Object.values(a.result.fds)) + '\\n');
  fn.invoke({ daemon: true, regex: true }, { onLog: (t) => process.stdout.write(t) });
}
setInterval(() => {}, 1000);
`;

export function escapeCases(mode: string, env: NodeJS.ProcessEnv): void {
  describe.concurrent(`escapes (${mode})`, () => {
    describeEachRuntime('a setsid\'d daemon', (runtime) => {
      it('keeps no protocol descriptor and dies with close()', async () => {
        const fn = await createFunction({ code: fixture('fault-escape'), runtime: runtime.runtime, pythonPath: runtime.path });
        const { pid, daemon } = (await fn.invoke({ daemon: true })).result as { pid: number; daemon: number };
        try {
          expect(session(daemon)).not.toBe(session(pid));
          // The interpreter's sockets: the log (its fd 2) and the protocol's two; the daemon keeps the log only.
          const log = readlinkSync(`/proc/${pid}/fd/2`);
          const sockets = (p: number) => [...new Set(targets(p).filter((t) => t.startsWith('socket:') || t.startsWith('pipe:')))].sort();
          expect(sockets(pid)).toHaveLength(3);
          expect(sockets(daemon)).toEqual([log]);
          // Nor the bootstrap's own files: its /proc readers (the request's memory peak) and the mapped
          // channel (mmap's copy of fd 3). On 2.7 both are plain os.open/dup descriptors, inherited
          // across exec (subprocess's close_fds is False there) unless the bootstrap marks them.
          expect(targets(daemon).filter((t) => t.startsWith('/proc/') || t.includes('fgrun-map-'))).toEqual([]);
        } finally {
          await fn.close();
        }
        expect(await stillRunning([pid, daemon], 10_000)).toEqual([]);
      });

      it('a program the function starts inherits none of the bootstrap\'s descriptors', async () => {
        const fn = await createFunction({ code: fixture('fault-escape'), runtime: runtime.runtime, pythonPath: runtime.path });
        try {
          // Twice: the second on a warm instance, whose mapped channel is in use.
          for (let i = 0; i < 2; i++) {
            const { child_fds } = (await fn.invoke({ child_fds: true })).result as { child_fds: string[] };
            // Only the descriptor of the listing itself (its /proc/<pid>/fd folder) is open above 2.
            expect(child_fds.filter((t) => !/^\/proc\/\d+\/fd$/.test(t))).toEqual([]);
          }
        } finally {
          await fn.close();
        }
      });
    }, undefined, { concurrent: true });

    describe.runIf(newestRuntime)('on the newest runtime', () => {
      const runtime = newestRuntime!;

      it('dies when the instance is retired mid-request (close cancel)', async () => {
        const fn = await createFunction({ code: fixture('fault-escape'), runtime: runtime.runtime, pythonPath: runtime.path, timeout: 60 });
        let daemon = 0;
        const started = new Promise<void>((resolve) => {
          void fn.invoke({ daemon: true, sleep: 60 }, { onLog: (t) => { daemon = Number(/started (\d+)/.exec(t)?.[1] ?? daemon); if (daemon) resolve(); } });
        });
        await started;
        expect(isRunning(daemon)).toBe(true);
        await fn.close({ mode: 'cancel' });
        expect(await stillRunning([daemon], 10_000)).toEqual([]);
      });

      it.each([
        ['a child started from a thread', 'thread'],
        ['a daemon', 'daemon'],
        ['a /dev/shm file held open', 'shm'],
      ])('the memory of %s counts: 200 MB under 128 MB is oom', async (_, alloc) => {
        const fn = await createFunction({ code: fixture('fault-escape'), runtime: runtime.runtime, pythonPath: runtime.path, memorySize: 128, timeout: 40 });
        let child = 0;
        try {
          const answer = await fn.invoke({ alloc, mb: 200, sleep: 30 }, { onLog: (t) => { child = Number(/started (\d+)/.exec(t)?.[1] ?? child); } });
          expect(answer.status).toBe('oom');
          expect(answer.error!.errorMessage).toMatch(/^runtime memory limit exceeded, error: memory used \d+\.\d+MB is over the function's memory size of 128MB$/);
          expect(answer.summary.maxMemoryUsedMb).toBeGreaterThan(128);
        } finally {
          await fn.close();
        }
        if (alloc === 'shm') return;
        expect(child).toBeGreaterThan(0);
        expect(await stillRunning([child], 10_000)).toEqual([]);
      });

      it('a host killed with SIGKILL while the handler holds the GIL leaves nothing; no inherited fd reaches the function', async () => {
        const secret = join(tempDir(), 'host-secret');
        writeFileSync(secret, 'not for functions');
        const fd = openSync(secret, 'r');
        const paths = [...new Set([runtimesFound[0]!.path, runtime.path])];
        const host = spawn(process.execPath, ['--input-type=module', '-e', HOST, fixture('fault-escape'), ...paths], { stdio: ['ignore', 'pipe', 'inherit', fd], env: { ...process.env, ...env } });
        closeSync(fd);
        let out = '';
        const started: number[] = [];
        await new Promise<void>((resolve, reject) => {
          host.stdout!.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            started.splice(0, started.length, ...[...out.matchAll(/started (\d+)/g)].map((m) => Number(m[1])));
            if (started.length === paths.length) resolve();
          });
          host.once('exit', () => reject(new Error(`host exited: ${out}`)));
        });
        const fds = [...out.matchAll(/fds (\[.*\])/g)].map((m) => JSON.parse(m[1]!) as string[]);
        expect(fds).toHaveLength(paths.length);
        for (const list of fds) expect(list.filter((t) => t.includes('host-secret'))).toEqual([]);
        const interpreters = started.map((d) => Number(readFileSync(`/proc/${d}/status`, 'latin1').match(/PPid:\s+(\d+)/)![1]));
        const everyone = [...started, ...interpreters.filter((p) => p !== 1)];
        expect(everyone.every(isRunning)).toBe(true);
        host.kill('SIGKILL');
        expect(await stillRunning(everyone, 10_000)).toEqual([]);
      });
    });
  });
}
