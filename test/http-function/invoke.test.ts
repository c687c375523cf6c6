// HTTP functions through createFunction(), on every runtime: the APIG event as the request (method,
// path, query, headers, base64 body), the x-cff-* headers, the APIG result with a base64 body, the
// log between Start and Finish, the summary.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFunction, type FunctionHandle } from '../../src/index.js';
import { fixture } from '../helpers/fixtures.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { echoOf } from './echo.js';

describeEachRuntime('HTTP function (http.server)', (runtime) => {
  let fn: FunctionHandle;
  beforeAll(async () => {
    fn = await createFunction({ code: fixture('http-echo'), runtime: runtime.runtime, memorySize: 256, timeout: 5 }, { onNotice: () => {} });
  });
  afterAll(() => fn?.close());

  it('maps a GET with query and headers, adds the x-cff-* headers, and answers the APIG result', async () => {
    const inv = await fn.invoke({ httpMethod: 'GET', path: '/hello/world', headers: { 'X-Custom': 'Yes', Connection: 'close' }, queryStringParameters: { q: 'a b', n: '1' }, body: '', isBase64Encoded: true });
    expect(inv.status).toBe('success');
    const { statusCode, headers, echo } = echoOf(inv.result);
    expect(statusCode).toBe(200);
    expect(headers['Content-Type']).toBe('application/json');
    expect(headers['X-Served-By']).toBe('http-echo');
    expect(echo.method).toBe('GET');
    expect(echo.path).toBe('/hello/world?q=a+b&n=1');
    expect(echo.python).toBe(runtime.version.split('.').slice(0, 2).join('.'));
    expect(echo.headers).toMatchObject({
      'x-custom': 'Yes', 'x-cff-request-id': inv.requestId, 'x-cff-memory': '256', 'x-cff-timeout': '5', 'x-cff-func-name': 'http-echo',
      'x-cff-func-version': 'latest', 'x-cff-package': 'default', 'x-cff-project-id': 'local', 'x-cff-region': 'local', host: '127.0.0.1:8000',
    });
    expect(echo.headers['x-cff-auth-token']).toBeUndefined();
    expect(echo.cwd.endsWith('/http-echo-' + echo.cwd.split('-').pop())).toBe(true);
    const lines = inv.log.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/Finish invoke request '[0-9a-f-]{36}', duration: [\d.]+ms, billing duration: \d+ms, memory used: [\d.]+MB, billing memory: 256MB/);
    const start = lines.findIndex((l) => l.includes(`Start invoke request '${inv.requestId}'`));
    expect(lines.slice(start + 1, -1)).toEqual(['handling GET /hello/world?q=a+b&n=1', expect.stringMatching(/^access: "GET \/hello\/world\?q=a\+b&n=1 HTTP\/1.1" 200 -$/)]);
    expect(inv.summary.maxMemoryUsedMb).toBeGreaterThan(3);
  });

  it('decodes a base64 POST body, and answers the status the server chose', async () => {
    const inv = await fn.invoke({ httpMethod: 'POST', path: '/items', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"name":"中文"}').toString('base64'), isBase64Encoded: true });
    const { statusCode, echo } = echoOf(inv.result);
    expect(statusCode).toBe(201);
    expect(echo.body).toBe('{"name":"中文"}');
    expect(echo.headers['content-length']).toBe(String(Buffer.byteLength('{"name":"中文"}')));
    const text = await fn.invoke({ httpMethod: 'PUT', path: '/t', headers: {}, body: 'plain text', isBase64Encoded: false });
    expect(echoOf(text.result).echo.body).toBe('plain text');
  });

  it('returns a binary response base64-encoded, byte for byte', async () => {
    const inv = await fn.invoke({ httpMethod: 'GET', path: '/binary', headers: {}, body: '', isBase64Encoded: true });
    const r = inv.result as { body: string; headers: Record<string, string> };
    expect(Buffer.from(r.body, 'base64')).toEqual(Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
    expect(r.headers['Content-Type']).toBe('application/octet-stream');
  });
}, ['Python2.7', 'Python3.6', 'Python3.9', 'Python3.10', 'Python3.12'], { concurrent: true });
