// HTTP functions through the CLI: the example with zero configuration as a real process, --json with
// an APIG event, --type, and matrix across runtimes (in-process through main(argv, io)).
import { describe, expect, it } from 'vitest';
import { fgrun as real, cli } from '../matrix/fgrun-cli.js';
import { runtimesFound } from '../helpers/runtimes.js';
import { loadFunction } from '../../src/testing/index.js';

const NOTICE = 'fgrun: the code has a bootstrap file and no handler was given: running it as an HTTP function (--type http; --type event or --handler for an event function)';

describe.concurrent('fgrun invoke / matrix with an HTTP function', () => {
  it('runs examples/http-hello with zero configuration: the APIG result on stdout, notice, log and summary on stderr', async () => {
    const run = await real(['invoke', 'examples/http-hello']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { statusCode: number; body: string; isBase64Encoded: boolean; headers: Record<string, string> };
    expect(result).toMatchObject({ statusCode: 200, isBase64Encoded: true, headers: { 'Content-Type': 'application/json' } });
    expect(JSON.parse(Buffer.from(result.body, 'base64').toString())).toEqual({ message: 'Hello, world!', path: '/', received: '{}' });
    const lines = run.stderr.split('\n');
    expect(lines[0]).toBe(NOTICE);
    const id = /Start invoke request '([0-9a-f-]{36})', version: latest$/.exec(lines[1]!)![1]!;
    expect(lines[2]).toBe('hello from http-hello, 2 bytes posted');
    expect(lines[3]).toMatch(/^127\.0\.0\.1 - - \[.+\] "POST \/ HTTP\/1\.1" 200 -$/);
    expect(lines[4]).toMatch(new RegExp(`Finish invoke request '${id}', duration: \\d+\\.\\d{3}ms, billing duration: \\d+ms, memory used: \\d+\\.\\d{3}MB, billing memory: 128MB`));
    expect(lines[5]).toMatch(new RegExp(`^Request ID: ${id}  Runtime: Python3\\.10 \\(3\\.10\\.\\d+\\)  Memory: 128MB  Duration: .*Init duration: `));
  });

  it('--json with an APIG event: the Invocation, whose request id is the x-cff-request-id the server saw', async () => {
    const event = JSON.stringify({ httpMethod: 'GET', path: '/greet', headers: {}, queryStringParameters: { who: 'me' }, body: '', isBase64Encoded: true });
    const run = await cli(['invoke', 'examples/http-hello', '--json', '--event', event]);
    expect(run.code).toBe(0);
    const invocation = JSON.parse(run.stdout) as { requestId: string; status: string; log: string; result: { body: string } };
    expect(invocation.status).toBe('success');
    expect(invocation.log).toContain(`hello from http-hello, request ${invocation.requestId}\n`);
    expect(JSON.parse(Buffer.from(invocation.result.body, 'base64').toString())).toEqual({ message: 'Hello, world!', path: '/greet?who=me' });
  });

  it('--type event runs the folder as an event function; --type with another value is a usage error', async () => {
    const event = await cli(['invoke', 'examples/http-hello', '--type', 'event']);
    expect(event.code).toBe(1);
    expect(event.stdout).toContain("No module named 'index'");
    const bad = await cli(['invoke', 'examples/http-hello', '--type', 'web']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--type must be 'event' (handler(event, context)) or 'http' (a web server that the code's bootstrap file starts)");
  });

  it('matrix runs the HTTP function on each runtime', async () => {
    const wanted = runtimesFound.map((r) => r.runtime).filter((r) => r !== 'Python3.6');
    const run = await cli(['matrix', 'examples/http-hello', '--runtimes', wanted.join(','), '--ignore', 'headers.Date', '--ignore', 'headers.Server']);
    expect(run.stderr).not.toContain('FAILED');
    expect(run.code).toBe(0);
    for (const runtime of wanted) expect(run.stdout).toMatch(new RegExp(`^${runtime.replace('.', '\\.')} +\\S+ +\\{\\} +success `, 'm'));
  });

  it('fgrun/testing loads an HTTP function like any other', async () => {
    const fn = loadFunction('examples/http-hello');
    try {
      const result = await fn.result({ httpMethod: 'GET', path: '/t', headers: {}, body: '', isBase64Encoded: false }) as { statusCode: number; body: string };
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(Buffer.from(result.body, 'base64').toString())).toEqual({ message: 'Hello, world!', path: '/t' });
    } finally {
      await fn.close();
    }
  });
});
