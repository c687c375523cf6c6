// An HTTP function's "memory used" counts its server's processes (the bootstrap's shell and the
// server), not fgrun's bwrap and relay in front of them (http-function/server-memory.ts).
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { createFunction } from '../../src/index.js';
import { fixture } from '../helpers/fixtures.js';
import { describeEachRuntime } from '../helpers/runtimes.js';

const GET = { httpMethod: 'GET', path: '/', headers: {}, body: '', isBase64Encoded: true };

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0');

// Every process under `pid`, itself included.
function tree(pid: number): number[] {
  return [pid, ...children(pid).flatMap(tree)];
}

describeEachRuntime('HTTP function memory used', (runtime) => {
  it('is the server\'s processes, without the relay and bwrap', async () => {
    const fn = await createFunction({ code: fixture('bench-http'), runtime: runtime.runtime }, { onNotice: () => {} });
    try {
      const inv = await fn.invoke(GET);
      expect(inv.status).toBe('success');
      // This test process's instance tree: the one child whose command line runs the relay.
      const root = children(process.pid).find((pid) => cmdline(pid).some((a) => a.endsWith('fgrun_http_relay.py')))!;
      const all = tree(root);
      const relay = all.find((pid) => !cmdline(pid)[0]!.endsWith('bwrap') && cmdline(pid).some((a) => a.endsWith('fgrun_http_relay.py')))!;
      const server = tree(relay).slice(1);
      const serverKb = server.reduce((kb, pid) => kb + rssKb(pid), 0);
      const allKb = all.reduce((kb, pid) => kb + rssKb(pid), 0);
      const usedKb = inv.summary.maxMemoryUsedMb * 1024;
      expect(server.map((pid) => cmdline(pid)[0])).toEqual(['/bin/sh', runtime.path]);
      expect(Math.abs(usedKb - serverKb)).toBeLessThan(1024);
      expect(allKb - usedKb).toBeGreaterThan(8 * 1024);
    } finally {
      await fn.close();
    }
  });
}, ['Python2.7', 'Python3.9', 'Python3.10', 'Python3.12'], { concurrent: false });
