// HTTP functions that fail: a bootstrap that exits or never listens, one that is not executable, a
// request past its timeout, a response over 6 MB, a server that dies; concurrency on separate
// instances (each its own 127.0.0.1:8000); nothing left running after any of it.
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFunction, type FunctionHandle } from '../../src/index.js';
import { fixture } from '../helpers/fixtures.js';
import { describeEachRuntime } from '../helpers/runtimes.js';

const GET = (path: string) => ({ httpMethod: 'GET', path, headers: {}, body: '', isBase64Encoded: true });

// The processes holding `text` once they are gone (the kernel ends a pid namespace's processes as
// its first one exits; on a loaded machine that may take a moment past close()), or what is left.
async function goneAfterClose(text: string): Promise<number[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const left = processesWith(text);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Processes whose command line holds `text` (this host's instances only: fixture names are unique).
function processesWith(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes(text)) found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

describeEachRuntime('HTTP function faults', () => {
  let temp: string;
  beforeAll(() => {
    temp = mkdtempSync(join(tmpdir(), 'fgrun-http-'));
  });
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('takes the type and the runtime from the bootstrap, and says it guessed', async () => {
    const notices: string[] = [];
    const code = join(temp, 'guess');
    cpSync(fixture('http-echo'), code, { recursive: true });
    const fn = await createFunction({ code }, { onNotice: (l) => notices.push(l) });
    try {
      expect(fn.config.type).toBe('http');
      expect(fn.runtime.runtime).toBe('Python3.10');
      expect(notices).toContain('fgrun: the code has a bootstrap file and no handler was given: running it as an HTTP function (--type http; --type event or --handler for an event function)');
    } finally {
      await fn.close();
    }
    const event = await createFunction({ code, handler: 'index.handler' }, { onNotice: () => {} });
    expect(event.config.type).toBe('event');
    await event.close();
  });

  it('answers an initialization error naming the exit status and the last output when the bootstrap exits', async () => {
    const fn = await createFunction({ code: fixture('http-exits') }, { onNotice: () => {} });
    const inv = await fn.invoke(GET('/'));
    await fn.close();
    expect(inv.status).toBe('init-error');
    expect(inv.error).toEqual({
      errorType: 'BootstrapExited', stackTrace: [],
      errorMessage: 'function initialization exception, error: the bootstrap exited with status 3 before it listened on 127.0.0.1:8000; its last output: loading config | boom: no config file',
    });
    expect(inv.log).toContain('loading config\nboom: no config file\n');
    expect(await goneAfterClose('http-exits')).toEqual([]);
  });

  it('applies the initializer timeout to a server that never listens, and leaves nothing running', async () => {
    const fn = await createFunction({ code: fixture('http-never-listens'), initializerTimeout: 1 }, { onNotice: () => {} });
    const inv = await fn.invoke(GET('/'));
    expect(inv.status).toBe('init-error');
    expect(inv.error?.errorType).toBe('InitializationTimeout');
    expect(inv.error?.errorMessage).toBe('runtime initialization timed out, error: the server did not listen on 127.0.0.1:8000 within the initializer timeout of 1s (--initializer-timeout)');
    expect(inv.log).toContain('never listening');
    await fn.close();
    expect(await goneAfterClose('http-never-listens')).toEqual([]);
  });

  it('refuses a bootstrap that is not executable, with the chmod fix', async () => {
    const code = join(temp, 'not-executable');
    cpSync(fixture('http-echo'), code, { recursive: true });
    chmodSync(join(code, 'bootstrap'), 0o644);
    await expect(createFunction({ code }, { onNotice: () => {} })).rejects.toMatchObject({
      code: 'FGRUN_CONFIG',
      message: `the HTTP function's ${code}/bootstrap is not executable; FunctionGraph runs it as a program and fails the same way: run \`chmod +x ${code}/bootstrap\` (and keep the mode in your zip)`,
    });
  });

  it('refuses a bootstrap that starts the interpreter of a runtime fgrun does not run', async () => {
    const code = join(temp, 'java');
    cpSync(fixture('http-echo'), code, { recursive: true });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(code, 'bootstrap'), '/opt/function/runtime/java8/rtsp/jre/bin/java -jar $RUNTIME_CODE_ROOT/app.jar\n', { mode: 0o755 });
    await expect(createFunction({ code }, { onNotice: () => {} })).rejects.toMatchObject({ code: 'FGRUN_CONFIG', message: expect.stringContaining("starts the interpreter of the runtime 'java8', which fgrun does not run") });
  });

  let fn: FunctionHandle;
  beforeAll(async () => {
    fn = await createFunction({ code: fixture('http-echo'), timeout: 3, maxInstances: 3 }, { onNotice: () => {} });
  });
  afterAll(async () => {
    await fn?.close();
    expect(await goneAfterClose('http-echo-')).toEqual([]);
  });

  it('serves concurrent requests on separate instances, each with its own 127.0.0.1:8000', async () => {
    const [a, b] = await Promise.all([fn.invoke(GET('/slow=0.3')), fn.invoke(GET('/slow=0.3'))]);
    expect([a.status, b.status]).toEqual(['success', 'success']);
    expect([a.summary.coldStart, b.summary.coldStart]).toEqual([true, true]);
    expect(fn.stats().peakInstances).toBeGreaterThanOrEqual(2);
    expect(a.log).toContain('handling GET /slow=0.3');
    expect(a.log).not.toContain(b.requestId);
  });

  it('answers a request past its timeout with the timeout error and replaces the instance', async () => {
    const before = fn.stats().retired;
    const inv = await fn.invoke(GET('/slow=10'));
    expect(inv.status).toBe('timeout');
    expect(inv.error?.errorMessage).toBe('invoke timed out, error: the function did not return within its timeout of 3s');
    expect(inv.log).toContain('handling GET /slow=10');
    expect(fn.stats().retired).toBeGreaterThan(before);
    expect((await fn.invoke(GET('/after'))).status).toBe('success');
  });

  it('answers the cloud error for a response over 6 MB', async () => {
    const inv = await fn.invoke(GET('/big'));
    expect(inv.status).toBe('error');
    expect(inv.error).toEqual({ errorType: 'ResultTooLarge', stackTrace: [], errorMessage: 'the return value of the function exceeds the maximum allowed limit: 7340032 bytes, the limit is 6291456' });
  });

  it('answers oom when the server goes over the memory size, and replaces the instance', async () => {
    const inv = await fn.invoke(GET('/alloc=300'));
    expect(inv.status).toBe('oom');
    expect(inv.error?.errorType).toBe('RuntimeMemoryLimitExceeded');
    expect(inv.error?.errorMessage).toMatch(/^runtime memory limit exceeded, error: memory used \d+\.\d{3}MB is over the function's memory size of 128MB$/);
    expect((await fn.invoke(GET('/after-oom'))).status).toBe('success');
  });

  it('answers a crash when the server dies during the request', async () => {
    // 256 KB of output before the last line: the relay is still passing it on when the connection
    // fails, and the instance must not be killed before it is done.
    const inv = await fn.invoke(GET('/exit=256'));
    expect(inv.status).toBe('crash');
    expect(inv.log.split('\n').filter((l) => l === 'x'.repeat(1023))).toHaveLength(256);
    expect(inv.log).toContain('exiting on request\n');
    expect((await fn.invoke(GET('/again'))).status).toBe('success');
  });
}, ['Python3.10'], { concurrent: true });
