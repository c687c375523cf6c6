// Async invocations survive the server (issue 11.5): accepted ones are journaled under the state
// folder; a SIGINT past the grace period reports how many it left pending, a kill -9 leaves them in
// the journal, and the next `fgrun serve` with the same --state-dir says how many it resumes and runs
// every one of them (at least once).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers/fixtures.js';
import { RUNTIME } from './helpers.js';
import { killServe, startServe, waitFor, type ServeProcess } from './serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'fgrun-journal-'));
const state = join(dir, 'state');
const out = join(dir, 'ran.txt');
const started: ServeProcess[] = [];
afterAll(() => {
  for (const s of started) killServe(s);
  rmSync(dir, { recursive: true, force: true });
});

async function serve(): Promise<ServeProcess> {
  const s = await startServe([fixture('server-journal'), '--name', 'j', '--runtime', RUNTIME, '--port', '0', '--quiet',
    '--max-instances', '1', '--timeout', '10', '--state-dir', state, '--shutdown-grace', '1']);
  started.push(s);
  return s;
}

// Accept one async invocation (202) that waits until its gate file exists (none: it runs at once),
// then records `name` in the output file. Gates, not sleeps: what is pending when a server stops
// must not depend on how fast a loaded machine runs the test.
async function accept(s: ServeProcess, name: string, gate?: string): Promise<string> {
  const r = await fetch(`${s.url}/v2/local/fgs/functions/urn:fss:local:local:function:default:j:latest/invocations-async`, { method: 'POST', body: JSON.stringify({ name, out, gate }) });
  expect(r.status).toBe(202);
  return ((await r.json()) as { request_id: string }).request_id;
}

const ran = () => (existsSync(out) ? new Set(readFileSync(out, 'utf8').split('\n').filter(Boolean)) : new Set<string>());

// Accepted and not completed, as the journal on disk says.
function pendingInJournal(): number {
  const pending = new Set<string>();
  for (const line of readFileSync(join(state, 'async-invocations.jsonl'), 'utf8').split('\n').filter(Boolean)) {
    const entry = JSON.parse(line) as { op: string; id: string };
    if (entry.op === 'accept') pending.add(entry.id);
    else pending.delete(entry.id);
  }
  return pending.size;
}

describe('the async journal', () => {
  it('keeps what SIGINT and kill -9 left pending, and the next server runs it', async () => {
    const gateA = join(dir, 'gate-a');
    const gateB = join(dir, 'gate-b');
    const first = await serve();
    await accept(first, 'a0');
    for (const name of ['a1', 'a2', 'a3', 'a4']) await accept(first, name, gateA);
    expect(await waitFor(() => ran().size >= 1, 30_000)).toBe(true);
    // a1 runs (held at its gate past the 1 s grace), a2-a4 wait for the one instance.
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    const left = /fgrun serve: stopped; (\d+) async invocations? left pending in (.*): the next fgrun serve with this state folder runs (them|it)\n$/.exec(first.out.stderr);
    expect(left?.[2]).toBe(join(state, 'async-invocations.jsonl'));
    const leftCount = Number(left![1]);
    expect(leftCount).toBeGreaterThan(0);
    expect(pendingInJournal()).toBe(leftCount);
    expect(leftCount).toBe(4);

    writeFileSync(gateA, '');
    const second = await serve();
    expect(second.out.stdout).toContain(`fgrun serve: resuming ${leftCount} async invocation${leftCount > 1 ? 's' : ''} left pending by a previous run (${join(state, 'async-invocations.jsonl')})\n`);
    for (const name of ['b0', 'b1', 'b2']) await accept(second, name, gateB);
    second.child.kill('SIGKILL');
    await second.exited;
    const afterKill = pendingInJournal();
    // The three b's at least (some a's too, if the kill came before they ran).
    expect(afterKill).toBeGreaterThanOrEqual(3);

    writeFileSync(gateB, '');

    const third = await serve();
    expect(third.out.stdout).toContain(`fgrun serve: resuming ${afterKill} async invocation${afterKill > 1 ? 's' : ''} left pending`);
    const all = ['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2'];
    expect(await waitFor(() => all.every((n) => ran().has(n)) && pendingInJournal() === 0, 60_000)).toBe(true);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    expect(third.out.stderr).toMatch(/fgrun serve: stopped\n$/);
    expect(readFileSync(join(state, 'async-invocations.jsonl'), 'utf8')).toBe('');
  });
});
