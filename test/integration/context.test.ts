// Context values answered by the host, the initializer's once-per-instance run, and the logger.
import { afterAll, expect, it } from 'vitest';
import { createFunction, type FunctionHandle } from '../../src/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { fixture, runtimeCodeRoot } from '../helpers/fixtures.js';

describeEachRuntime('context', (runtime) => {
  const handles: FunctionHandle[] = [];
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
  });
  const open = async (input: Parameters<typeof createFunction>[0]) => {
    const handle = await createFunction({ runtime: runtime.runtime, ...input });
    handles.push(handle);
    return handle;
  };

  it('answers every context method with the configured values', async () => {
    const h = await open({
      code: fixture('context-dump'), name: 'dump-fn', memorySize: 256, timeout: 7, version: 'v2', alias: 'prod',
      package: 'app-a', projectId: '0123456789abcdef0123456789abcdef', userData: { GREETING: 'hi 世界' },
      credentials: { securityAccessKey: 'AK-TEMP', securitySecretKey: 'SK-TEMP', securityToken: 'ST-TEMP', token: 'TOKEN-X' },
    });
    const inv = await h.invoke({}, { requestId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' });
    expect(inv.status).toBe('success');
    const r = inv.result as Record<string, unknown>;
    const remaining = r.remaining as number;
    expect(Number.isInteger(remaining)).toBe(true);
    expect(remaining).toBeGreaterThan(7000 - 2000);
    expect(remaining).toBeLessThanOrEqual(7000);
    expect({ ...r, remaining: 0 }).toEqual({
      requestId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      remaining: 0,
      accessKey: '',
      secretKey: '',
      securityAccessKey: 'AK-TEMP',
      securitySecretKey: 'SK-TEMP',
      securityToken: 'ST-TEMP',
      token: 'TOKEN-X',
      userData: 'hi 世界',
      missingUserData: null,
      functionName: 'dump-fn',
      runningTime: 7,
      version: 'v2',
      memory: 256,
      cpu: 400,
      projectId: '0123456789abcdef0123456789abcdef',
      package: 'app-a',
      alias: 'prod',
      greetingEnv: 'hi 世界',
      env: {
        RUNTIME_PROJECT_ID: '0123456789abcdef0123456789abcdef',
        RUNTIME_FUNC_NAME: 'dump-fn',
        RUNTIME_FUNC_VERSION: 'v2',
        RUNTIME_PACKAGE: 'app-a',
        RUNTIME_HANDLER: 'index.handler',
        RUNTIME_TIMEOUT: '7',
        RUNTIME_USERDATA: '{"GREETING":"hi 世界"}',
        RUNTIME_CPU: '400',
        RUNTIME_MEMORY: '256',
        RUNTIME_MAX_RESP_BODY_SIZE: '6291456',
        RUNTIME_INITIALIZER_HANDLER: '',
        RUNTIME_INITIALIZER_TIMEOUT: '3',
        RUNTIME_CODE_ROOT: runtimeCodeRoot(fixture('context-dump'), 'dump-fn'),
      },
    });
    expect(inv.summary.memorySizeMb).toBe(256);
    expect(inv.log).toContain('billing memory: 256MB, cpu used: 0.400U');
  });

  it('returns empty credentials when none are configured (never invented)', async () => {
    const h = await open({ code: fixture('context-dump') });
    const r = (await h.invoke({})).result as Record<string, unknown>;
    expect([r.securityAccessKey, r.securitySecretKey, r.securityToken, r.token, r.alias]).toEqual(['', '', '', '', '']);
    expect([r.functionName, r.version, r.package, r.projectId, r.memory, r.cpu, r.runningTime]).toEqual(['context-dump', 'latest', 'default', 'local', 128, 300, 3]);
  });

  it('runs the initializer once per instance, before the first request, and keeps module state warm', async () => {
    const h = await open({ code: fixture('counter-init'), initializer: 'index.init', initializerTimeout: 5 });
    const first = await h.invoke({}, { requestId: '00000000-0000-4000-8000-000000000001' });
    const second = await h.invoke({});
    const third = await h.invoke({});
    expect(first.result).toEqual({ inits: 1, count: 1, initRequestId: '00000000-0000-4000-8000-000000000001', initRunningTime: 5 });
    expect(second.result).toEqual({ inits: 1, count: 2, initRequestId: '00000000-0000-4000-8000-000000000001', initRunningTime: 5 });
    expect((third.result as { count: number }).count).toBe(3);
    expect(first.summary.coldStart).toBe(true);
    expect(first.summary.initDurationMs).toBeGreaterThan(0);
    expect(first.log).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ 00000000-0000-4000-8000-000000000001 INFO initializer ran\ninit output\n\d{4}-[^\n]* Start invoke request/);
    expect(second.log).not.toContain('initializer ran');
  });

  it('reports a failing initializer with the initialization error body', async () => {
    const h = await open({ code: fixture('init-fails'), initializer: 'index.init' });
    const inv = await h.invoke({});
    expect(inv.status).toBe('init-error');
    expect(inv.error!.errorMessage).toBe('function initialization exception, error: cannot connect to the database');
    expect(inv.error!.errorType).toBe('RuntimeError');
    expect(inv.error!.stackTrace).toEqual([`File "${fixture('init-fails')}/index.py", line 2, in init\n    raise RuntimeError("cannot connect to the database")`]);
    expect(inv.log).toContain('RuntimeError: cannot connect to the database\n');
  });

  it('writes logger lines in FunctionGraph format with levels and %-arguments', async () => {
    const h = await open({ code: fixture('logger') });
    const inv = await h.invoke({});
    const id = inv.requestId;
    const lines = inv.log.split('\n').slice(1, -2).map((l) => l.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /, 'T '));
    expect(lines).toEqual([
      `T ${id} INFO info count=3`,
      `T ${id} WARNING warn plain`,
      `T ${id} WARNING warning alias`,
      `T ${id} ERROR error [1]`,
      `T ${id} DEBUG debug now shown`,
      `T ${id} ERROR only errors`,
    ]);
  });
});
