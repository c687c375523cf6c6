// Issue 21, items 4, 7 (first bullet) and 8 (state folder bullets): the async journal on a full disk
// (a 256 KB tmpfs, root only) never tears a line, never answers 202 for what it did not write, and
// never leaves a temporary file or a stack trace; a journal line that cannot be run is quarantined
// and the server starts; --state-dir on /proc is refused; the console's state files are private.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AsyncJournal } from '../../src/server/fgs/async-journal.js';
import { fn, invokeUrl, serve, urn } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fgrun-journal-faults-'));
const mounted: string[] = [];
afterAll(() => {
  for (const m of mounted) execFileSync('umount', [m]);
  rmSync(dir, { recursive: true, force: true });
});

// A tmpfs of `size` at a new folder, or why not.
function smallDisk(size: string): string | null {
  if (process.getuid?.() !== 0) return null;
  const at = join(dir, `disk-${mounted.length}`);
  mkdirSync(at);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', at], { stdio: 'pipe' });
  } catch {
    return null;
  }
  mounted.push(at);
  return at;
}
const canMount = process.getuid?.() === 0 ? null : `needs root to mount a 256 KB tmpfs (running as uid ${process.getuid?.()})`;

const echo = urn('echo', 'latest', 'local');
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe.skipIf(canMount !== null)(`the journal on a full disk [${canMount ?? 'tmpfs 256 KB'}]`, () => {
  it('answers 503 for what it could not write, tears no line, and every 202 is on disk before it is sent', async () => {
    const disk = smallDisk('256k')!;
    const state = join(disk, 'state');
    const server = await serve([fn('server-echo', { name: 'echo' })], { stateDir: state, console: false });
    const journal = join(state, 'async-invocations.jsonl');
    const statuses: number[] = [];
    let refusal = '';
    try {
      const pad = 'x'.repeat(10 * 1024);
      for (let i = 0; i < 40; i++) {
        const r = await fetch(invokeUrl(server, echo, true), { method: 'POST', body: JSON.stringify({ i, pad }) });
        statuses.push(r.status);
        const body = (await r.json()) as { request_id?: string; error_msg?: string };
        if (r.status === 202) expect(readFileSync(journal, 'utf8')).toContain(`"id":"${body.request_id}"`);
        else refusal = body.error_msg!;
        for (const line of lines(journal)) JSON.parse(line);
      }
      expect(new Set(statuses)).toEqual(new Set([202, 503]));
      expect(refusal).toBe(`the async invocation was not accepted: its journal ${journal} cannot be written (ENOSPC); free space in the --state-dir folder, then send it again`);
      // Space again: the next acceptance is a line of its own, not glued onto a fragment.
      await server.close();
      expect(server.journal!.closeProblem).toBeNull();
      expect(readdirSync(state).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const again = new AsyncJournal(state);
      expect([again.left.length, again.quarantined]).toEqual([0, []]);
    } finally {
      await server.close();
    }
  });

  it('a full disk at start or at close leaves no temporary file and throws no stack: a ConfigError, then closeProblem', async () => {
    const disk = smallDisk('64k')!;
    const state = join(disk, 'state');
    const journal = new AsyncJournal(state);
    journal.accept('a', echo, '{}');
    journal.accept('b', echo, '{}');
    journal.done('a');
    // Fill the disk to the last byte.
    try {
      writeFileSync(join(disk, 'filler'), Buffer.alloc(1024 * 1024));
    } catch {
      // ENOSPC once it is full: what the test wants.
    }
    journal.close();
    expect(journal.closeProblem).toBe(`the async journal ${join(state, 'async-invocations.jsonl')} could not be rewritten (ENOSPC); it is kept as it is, and the next fgrun serve with this state folder reads it`);
    expect(readdirSync(state).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(lines(join(state, 'async-invocations.jsonl')).map((l) => JSON.parse(l).op)).toEqual(['accept', 'accept', 'done']);
    await expect(serve([fn('server-echo', { name: 'echo' })], { stateDir: state, console: false })).rejects.toThrow(`the state folder ${state} cannot be used (ENOSPC); pick another --state-dir`);
    expect(readdirSync(state).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('a journal line that cannot be run', () => {
  it('is moved to the quarantine file, named with its line, and the server starts and answers', async () => {
    const state = join(dir, 'quarantine');
    mkdirSync(state, { mode: 0o700 });
    const good = JSON.stringify({ op: 'accept', id: 'good', urn: urn('other', 'latest', 'local'), event: '{}', at: '2026-12-01T00:00:00.000Z' });
    const bad = JSON.stringify({ op: 'accept', id: 'bad', urn: echo, event: 'not json {', at: '2026-12-01T00:00:00.000Z' });
    writeFileSync(join(state, 'async-invocations.jsonl'), `${good}\n${bad}\n{"op":"acc`);
    const server = await serve([fn('server-echo', { name: 'echo' })], { stateDir: state, console: false });
    try {
      expect(server.journal!.quarantined).toEqual([{ line: 2, why: 'its event (request bad) is not JSON' }, { line: 3, why: 'not JSON (torn by a kill or a full disk)' }]);
      expect(readFileSync(join(state, 'async-invocations.quarantine.jsonl'), 'utf8')).toBe(`${bad}\n{"op":"acc\n`);
      expect(server.resumed).toEqual({ resumed: 0, unserved: 1 });
      expect((await fetch(invokeUrl(server, echo), { method: 'POST', body: '{}' })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('the state folder', () => {
  it('refuses /proc/1, and keeps the console\'s test events private (0700 folders, 0600 files)', async () => {
    await expect(serve([fn('echo')], { stateDir: '/proc/1' })).rejects.toThrow('the state folder /proc/1 is on the kernel\'s proc file system, which holds no files; pick another --state-dir');
    const state = join(dir, 'console-state');
    const server = await serve([fn('server-echo', { name: 'echo' })], { stateDir: state, console: { stateDir: state } });
    try {
      const r = await fetch(`${server.url}/console/api/functions/${encodeURIComponent(echo)}/events/secret`, { method: 'PUT', body: '{"password": "p"}' });
      expect(r.status).toBe(200);
      for (const folder of [state, join(state, 'events'), join(state, 'events', 'echo')]) expect((statSync(folder).mode & 0o777).toString(8)).toBe('700');
      expect((statSync(join(state, 'events', 'echo', 'secret.json')).mode & 0o777).toString(8)).toBe('600');
      expect(existsSync(join(state, 'async-invocations.jsonl'))).toBe(false);
    } finally {
      await server.close();
    }
  });
});
