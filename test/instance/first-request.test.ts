// The request an instance starts for goes right behind init (src/instance/first-request.ts): the
// interpreter runs it as soon as it has sent `ready`, before the host has handled `ready`; the
// caller's run() then claims its outcome and the output held for it. What the interpreter sends for
// it before the start has completed (its result, its context calls, its log's fence) is held and
// replayed in order.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createFunction } from '../../src/index.js';
import { Instance, protocolPair, type Outcome } from '../../src/instance/index.js';
import type { ResultMessage } from '../../src/protocol/index.js';
import { resolveConfig } from '../../src/config/index.js';
import type { RuntimeInfo } from '../../src/runtimes/index.js';
import { describeEachRuntime, newestRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';

const TOKEN = 'tok-first-request';

async function startInstance(runtime: RuntimeInfo): Promise<Instance> {
  const config = resolveConfig({ code: fixture('first-request'), runtime: runtime.runtime, pythonPath: runtime.path, credentials: { token: TOKEN } });
  return new Instance({ config, runtime, protocol: await protocolPair() });
}

// Claim the first request with run(): the outcome it settles with (synchronously when it is in;
// copied, as run()'s callers read it before returning) and the output passed on.
function claim(instance: Instance, id: string, event: string): { outcome: () => Outcome<ResultMessage> | null; output: string[] } {
  let outcome: Outcome<ResultMessage> | null = null;
  const output: string[] = [];
  const settle = (o: Outcome<ResultMessage>) => {
    outcome = o.kind === 'done' ? { ...o, payload: o.payload && Buffer.from(o.payload) } : o;
  };
  instance.run(id, event, (chunk) => output.push(chunk.toString('utf8')), settle, performance.now());
  return { outcome: () => outcome, output };
}

function doneBody(outcome: Outcome<ResultMessage> | null): { body: unknown; log: string } {
  if (outcome?.kind !== 'done') throw new Error(`not done: ${JSON.stringify(outcome)}`);
  expect(outcome.message).toMatchObject({ type: 'result', ok: true, kind: 'json' });
  return { body: JSON.parse(outcome.payload!.toString('utf8')), log: outcome.log };
}

describeEachRuntime('the first request rides behind init', (runtime) => {
  it('runs before run() claims it: run() gets its exact outcome, and its output after the start\'s', async () => {
    const instance = await startInstance(runtime);
    try {
      const started = await instance.start({ id: 'first-1', event: '{"tag": "one"}' });
      expect(started.kind).toBe('done');
      expect(started.kind === 'done' && started.log).toBe('loading\n');
      // Nobody has called run(): the interpreter ran the request anyway, and the instance is idle again.
      await vi.waitFor(() => expect(instance.state).toBe('idle'), { timeout: 30000, interval: 5 });
      const first = claim(instance, 'first-1', '{"tag": "one"}');
      // Settled inside run() itself, from what was kept.
      const { body, log } = doneBody(first.outcome());
      expect(body).toEqual({ tag: 'one', token: null });
      expect(log).toBe('ran one\n');
      expect(first.output.join('')).toBe('ran one\n');
      // The next request goes as any warm one does.
      const second = await instance.invoke('second', Buffer.from('{"tag": "two", "token": true}'));
      expect(doneBody(second)).toEqual({ body: { tag: 'two', token: TOKEN }, log: 'ran two\n' });
    } finally {
      await instance.stop();
    }
  });

  it('a handle\'s first invoke streams the preamble, Start line, output and Finish line in order', async () => {
    const h = await createFunction({ code: fixture('first-request'), runtime: runtime.runtime, credentials: { token: TOKEN } });
    try {
      const streamed: string[] = [];
      const inv = await h.invoke({ tag: 'streamed', token: true }, { onLog: (text) => streamed.push(text) });
      expect(inv.status).toBe('success');
      expect(inv.result).toEqual({ tag: 'streamed', token: TOKEN });
      const lines = inv.log.split('\n');
      expect(lines[0]).toBe('loading');
      expect(lines[1]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ Start invoke request '${inv.requestId}', version: latest$`));
      expect(lines[2]).toBe('ran streamed');
      expect(lines[3]).toMatch(new RegExp(`Finish invoke request '${inv.requestId}', duration: `));
      expect(lines).toHaveLength(5);
      expect(streamed.join('')).toBe(inv.log);
    } finally {
      await h.close();
    }
  });
});

// Frames and fences held while the start waits for its log's fence: forced by not reading the log
// pipe until the frames have come (the pipe and the socket are read apart). The bytes wait in the
// pipe, as they would on a slow read, so the interpreter fences the request's log as it does then.
describe.skipIf(!newestRuntime)(`what comes for the first request before the start completes is replayed in order [${newestRuntime?.runtime}]`, () => {
  const runtime = newestRuntime!;

  // Start with the log pipe unread until `release()`; `held()` is what the first request has held.
  async function withLogHeld(): Promise<{ instance: Instance; release: () => void; held: () => number }> {
    const instance = await startInstance(runtime);
    const pipe = (instance as unknown as { proc: { stderr: { _handle: { readStop: () => number; readStart: () => number } } } }).proc.stderr._handle;
    expect(pipe.readStop()).toBe(0);
    const release = () => expect(pipe.readStart()).toBe(0);
    const held = () => (instance as unknown as { first: { held: unknown[] } | null }).first?.held.length ?? -1;
    return { instance, release, held };
  }

  it('a result that comes before the start\'s fence waits for it, then settles the request with its log', async () => {
    const { instance, release, held } = await withLogHeld();
    try {
      const starting = instance.start({ id: 'early-result', event: '{"tag": "early"}' });
      await vi.waitFor(() => expect(held()).toBe(1), { timeout: 30000, interval: 5 });
      expect(instance.state).toBe('starting');
      release();
      const started = await starting;
      expect(started.kind === 'done' && started.log).toBe('loading\n');
      const first = claim(instance, 'early-result', '{"tag": "early"}');
      await vi.waitFor(() => expect(first.outcome()).not.toBeNull(), { timeout: 30000, interval: 5 });
      expect(doneBody(first.outcome())).toEqual({ body: { tag: 'early', token: null }, log: 'ran early\n' });
      expect(first.output.join('')).toBe('ran early\n');
      expect(instance.state).toBe('idle');
    } finally {
      await instance.stop();
    }
  });

  it('a context call that comes before the start\'s fence is answered once the request\'s operation begins', async () => {
    const { instance, release, held } = await withLogHeld();
    try {
      const starting = instance.start({ id: 'early-call', event: '{"tag": "call", "token": true}' });
      // The call is held (the interpreter waits for its answer, so no result can come yet).
      await vi.waitFor(() => expect(held()).toBe(1), { timeout: 30000, interval: 5 });
      release();
      expect((await starting).kind).toBe('done');
      const first = claim(instance, 'early-call', '{"tag": "call", "token": true}');
      await vi.waitFor(() => expect(first.outcome()).not.toBeNull(), { timeout: 30000, interval: 5 });
      expect(doneBody(first.outcome())).toEqual({ body: { tag: 'call', token: TOKEN }, log: 'ran call\n' });
    } finally {
      await instance.stop();
    }
  });
});

// A first request that exits the interpreter with `code`, its log pipe unread from the start; `readAgain`
// reads it once the process has exited (else never: the exit completes the start, after EXIT_DRAIN_MS).
// The outcome the caller's run() gets.
async function firstThatExits(runtime: RuntimeInfo, code: number, readAgain: boolean): Promise<Outcome<ResultMessage> | null> {
  const config = resolveConfig({ code: fixture('fault-crash'), runtime: runtime.runtime, pythonPath: runtime.path });
  const instance = new Instance({ config, runtime, protocol: await protocolPair() });
  const pipe = (instance as unknown as { proc: { stderr: { _handle: { readStop: () => number; readStart: () => number } } } }).proc.stderr._handle;
  expect(pipe.readStop()).toBe(0);
  try {
    const starting = instance.start({ id: 'dies', event: JSON.stringify({ crash: 'exit', code }) });
    if (readAgain) {
      await instance.exit;
      expect(instance.state).toBe('stopped');
      expect(pipe.readStart()).toBe(0);
    }
    expect((await starting).kind).toBe('done');
    const first = claim(instance, 'dies', '{}');
    await vi.waitFor(() => expect(first.outcome()).not.toBeNull(), { timeout: 30000, interval: 5 });
    return first.outcome();
  } finally {
    await instance.stop();
  }
}

describeEachRuntime('the first request that takes its process down', (runtime) => {
  // The exit's own crash, not a refusal to begin on a stopped instance (which names a reason).
  it('ends as the exit\'s crash when the exit comes before the start\'s log is read', async () => {
    expect(await firstThatExits(runtime, 7, true)).toEqual({ kind: 'crash', exitCode: 7, signal: null, log: '' });
  });

  it('ends as the exit\'s crash when the exit itself completes the start (its log never read)', async () => {
    expect(await firstThatExits(runtime, 9, false)).toEqual({ kind: 'crash', exitCode: 9, signal: null, log: '' });
  });
});

describeEachRuntime('the first request waits for an initializer', (runtime) => {
  const dir = mkdtempSync(join(tmpdir(), 'fgrun-first-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is never sent behind init when the function has one: a failing initializer leaves the handler unrun', async () => {
    const mark = join(dir, `ran-${runtime.runtime}`);
    const h = await createFunction({ code: fixture('first-request'), runtime: runtime.runtime, initializer: 'index.failing_init' });
    try {
      const inv = await h.invoke({ tag: 'never', mark });
      expect(inv.status).toBe('init-error');
      expect(inv.error?.errorMessage).toBe('function initialization exception, error: init failed on purpose');
      expect(existsSync(mark)).toBe(false);
    } finally {
      await h.close();
    }
  });
});
