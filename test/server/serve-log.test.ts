// `fgrun serve`'s log: each line a function writes reaches stderr while the request runs, prefixed
// with the function and a short request id, so concurrent requests stay readable; one request line
// per invocation with its outcome; --quiet; JSON lines in --log-file; colours only on a TTY.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { painter, invocationLine } from '../../src/cli/serve/serve-lines.js';
import { fixture } from '../helpers/fixtures.js';
import { cli as runMain } from '../matrix/fgrun-cli.js';
import { startServeLog } from '../../src/cli/serve/serve-log.js';
import { ERROR_TEXT, type Invocation } from '../../src/result/index.js';
import { InvocationFeed, type InvocationFinished } from '../../src/server/index.js';
import { fn, invokeUrl, serve, urn } from './helpers.js';
import { until } from '../watch/save-patterns.js';

const tmp = mkdtempSync(join(tmpdir(), 'fgrun-serve-log-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const plain = painter(false);

// A server with the CLI's log on it, its stderr collected.
async function logged(options: { quiet?: boolean; logFile?: string } = {}) {
  let stderr = '';
  const feed = new InvocationFeed();
  const log = await startServeLog(feed, { quiet: Boolean(options.quiet), paint: plain, write: (t) => (stderr += t), logFile: options.logFile });
  const server = await serve([fn('serve-log', { timeout: 60 }), fn('server-raise'), fn('fault-crash')], { feed, onRequest: (r) => log.onRequest(r) });
  const post = (name: string, event: unknown) => fetch(invokeUrl(server, urn(name)), { method: 'POST', body: JSON.stringify(event) });
  return { server, log, post, stderr: () => stderr };
}

describe('fgrun serve log lines', () => {
  it('streams each line as written, prefixed per request, and ends each request with its outcome', async () => {
    const { server, log, post, stderr } = await logged();
    try {
      const a = post('serve-log', { tag: 'a', release: join(tmp, 'a') });
      const b = post('serve-log', { tag: 'b', release: join(tmp, 'b') });
      // Both requests are still running (waiting for their release files) when their first lines show.
      await until(() => /first a\n/.test(stderr()) && /first b\n/.test(stderr()), () => stderr());
      writeFileSync(join(tmp, 'a'), '');
      writeFileSync(join(tmp, 'b'), '');
      const [ra, rb] = await Promise.all([a, b]);
      const ids = { a: ra.headers.get('x-cff-request-id')!, b: rb.headers.get('x-cff-request-id')! };
      for (const [tag, id] of Object.entries(ids)) {
        const prefix = `[serve-log ${id.slice(0, 8)}] `;
        const mine = stderr().split('\n').filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
        expect(mine).toHaveLength(4);
        expect(mine[0]).toBe(`first ${tag}`);
        expect(mine[1]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ ${id} INFO second ${tag}$`));
        expect(mine[2]).toBe(`no newline ${tag}`);
        expect(mine[3]).toMatch(/^invoke 200 success {2}duration \d+\.\d{3}ms {2}billed \d+ms {2}memory \d+\.\d{3}\/128MB( {2}cold start \d+\.\dms)?$/);
      }

      const raised = await post('server-raise', { message: 'kaboom' });
      expect(raised.status).toBe(200);
      const crashed = await post('fault-crash', { crash: 'exit' });
      const raiseId = raised.headers.get('x-cff-request-id')!.slice(0, 8);
      const crashId = crashed.headers.get('x-cff-request-id')!.slice(0, 8);
      expect(stderr()).toContain(`[server-raise ${raiseId}] about to raise\n[server-raise ${raiseId}] Traceback (most recent call last):\n`);
      expect(stderr()).toMatch(new RegExp(`\\n\\[server-raise ${raiseId}\\] ValueError: kaboom\\n\\[server-raise ${raiseId}\\] invoke 200 error 4002  duration `));
      expect(stderr()).toMatch(new RegExp(`\\n\\[fault-crash ${crashId}\\] invoke 200 crash 4000  duration `));

      const listing = await fetch(`${server.url}/v2/proj-local/fgs/functions`);
      const listId = listing.headers.get('x-request-id')!;
      await until(() => stderr().includes(listId), () => stderr());
      expect(stderr()).toMatch(new RegExp(`\\nGET /v2/proj-local/fgs/functions 200 \\d+\\.\\dms ${listId}\\n`));
    } finally {
      await server.close();
      await log.close();
    }
  });

  it('--quiet keeps the request lines only; --log-file holds one JSON line per log line and per request', async () => {
    const file = join(tmp, 'serve.jsonl');
    const { server, log, post, stderr } = await logged({ quiet: true, logFile: file });
    let id = '';
    try {
      writeFileSync(join(tmp, 'q'), '');
      const response = await post('serve-log', { tag: 'q', release: join(tmp, 'q') });
      expect(await response.text()).toBe('q');
      id = response.headers.get('x-cff-request-id')!;
      await until(() => stderr().includes('invoke 200'), () => stderr());
      expect(stderr()).toMatch(new RegExp(`^\\[serve-log ${id.slice(0, 8)}\\] invoke 200 success {2}duration [^\\n]*\\n$`));
    } finally {
      await server.close();
      await log.close();
    }
    const records = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const common = { function: 'serve-log', source: 'invoke', requestId: id };
    expect(records.map(({ time: _t, ...r }) => (r.type === 'log' ? r : { ...r, elapsedMs: 0, durationMs: 0, billedDurationMs: 0, memoryUsedMb: 0, initDurationMs: 0 }))).toEqual([
      { type: 'log', ...common, line: 'first q' },
      { type: 'log', ...common, line: expect.stringMatching(new RegExp(`Z ${id} INFO second q$`)) },
      { type: 'log', ...common, line: 'no newline q' },
      {
        type: 'request', ...common, method: 'POST', path: `/v2/proj-local/fgs/functions/${urn('serve-log')}/invocations`, httpStatus: 200,
        status: 'success', errorCode: 0, elapsedMs: 0, durationMs: 0, billedDurationMs: 0, memoryUsedMb: 0, memorySizeMb: 128, coldStart: true, initDurationMs: 0,
      },
    ]);
    for (const r of records) expect(new Date(r.time as string).toISOString()).toBe(r.time);
  });
});

describe('fgrun serve --log-file (in-process CLI)', () => {
  it('refuses a file it cannot write before serving, exit 2', async () => {
    const file = join(tmp, 'no-such-folder', 'serve.jsonl');
    const { code, stderr: err } = await runMain(['serve', fixture('server-echo'), '--port', '0', '--log-file', file]);
    expect([code, err]).toEqual([2, `fgrun: --log-file ${file}: cannot write to it (ENOENT); give a path in a folder you can write to\n`]);
  });
});

describe('request line colours', () => {
  const finished = (status: Invocation['status'], key: keyof typeof ERROR_TEXT): InvocationFinished => ({
    type: 'finish', source: 'invoke-async', requestId: '0123abcd-0000-4000-8000-000000000000', startedAt: new Date(), elapsedMs: 3001,
    function: { name: 'slow', urn: urn('slow'), config: {} as InvocationFinished['function']['config'] },
    invocation: {
      requestId: '0123abcd-0000-4000-8000-000000000000', runtime: 'Python3.12', python: '3.12.1', status, result: null, body: '',
      error: { errorMessage: ERROR_TEXT[key].prefix + 'x', errorType: 'T', stackTrace: [] }, errorCode: ERROR_TEXT[key].code, errorReason: key,
      summary: { durationMs: 3000.5, billedDurationMs: 3001, memorySizeMb: 128, maxMemoryUsedMb: 20, initDurationMs: null, coldStart: false },
      log: '',
    },
  });

  it('names timeout and oom with their codes, coloured only on a TTY without NO_COLOR', () => {
    expect(invocationLine(finished('timeout', 'timeout'), plain)).toBe('[slow 0123abcd] invoke-async timeout 4010  duration 3000.500ms  billed 3001ms  memory 20.000/128MB');
    expect(invocationLine(finished('oom', 'oom'), painter(true, { NO_COLOR: '1' }))).toBe('[slow 0123abcd] invoke-async oom 4205  duration 3000.500ms  billed 3001ms  memory 20.000/128MB');
    expect(invocationLine(finished('timeout', 'timeout'), painter(true, {}))).toBe(
      '\x1b[2m[\x1b[0m\x1b[36mslow\x1b[0m \x1b[2m0123abcd]\x1b[0m invoke-async \x1b[33mtimeout 4010\x1b[0m  \x1b[2mduration 3000.500ms  billed 3001ms  memory 20.000/128MB\x1b[0m');
  });
});
