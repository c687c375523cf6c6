// Results and error bodies, once per runtime: body encoding, exceptions, SystemExit and
// KeyboardInterrupt, non-ASCII text, and the Start/Finish log framing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFunction, type FunctionHandle } from '../../src/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describeEachRuntime('results', (runtime) => {
  const handles: FunctionHandle[] = [];
  const open = async (scenario: string) => {
    const handle = await createFunction({ code: fixture(scenario), runtime: runtime.runtime });
    handles.push(handle);
    return handle;
  };
  let echo: FunctionHandle;
  let encodings: FunctionHandle;
  beforeAll(async () => {
    echo = await open('echo');
    encodings = await open('encodings');
  });
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
  });

  it('echoes the event with the runtime, request id, summary and framed log', async () => {
    const event = { a: 1, nested: { list: [1, 'two', null, true] } };
    const inv = await echo.invoke(event, { requestId: '11111111-2222-4333-8444-555555555555' });
    expect(inv.status).toBe('success');
    expect(inv.requestId).toBe('11111111-2222-4333-8444-555555555555');
    expect(inv.runtime).toBe(runtime.runtime);
    expect(inv.python).toBe(runtime.version);
    expect(inv.result).toEqual(event);
    expect(inv.body).toBe('{"a": 1, "nested": {"list": [1, "two", null, true]}}');
    expect(inv.error).toBeNull();
    const lines = inv.log.split('\n');
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ Start invoke request '11111111-2222-4333-8444-555555555555', version: latest$/);
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ Finish invoke request '11111111-2222-4333-8444-555555555555', duration: \d+\.\d{3}ms, billing duration: \d+ms, memory used: \d+\.\d{3}MB, billing memory: 128MB, cpu used: 0\.300U$/);
    expect(lines[2]).toBe('');
    const s = inv.summary;
    expect(s.memorySizeMb).toBe(128);
    expect(s.billedDurationMs).toBe(Math.max(1, Math.ceil(s.durationMs)));
    expect(s.maxMemoryUsedMb).toBeGreaterThan(3);
    expect(s.maxMemoryUsedMb).toBeLessThan(128);
  });

  it('marks only the first request of an instance as a cold start', async () => {
    const h = await open('echo');
    const first = await h.invoke({ n: 1 });
    const second = await h.invoke({ n: 2 });
    expect(first.summary.coldStart).toBe(true);
    expect(first.summary.initDurationMs).toBeGreaterThan(0);
    expect(second.summary.coldStart).toBe(false);
    expect(second.summary.initDurationMs).toBeNull();
    expect(second.requestId).toMatch(UUID);
    expect(second.requestId).not.toBe(first.requestId);
  });

  it.each([
    ['none', '', null],
    ['zero', '0', 0],
    ['empty', '', ''],
    ['false', 'false', false],
    ['str', 'plain text, not JSON', 'plain text, not JSON'],
    // Python 2 dicts keep hash order, 3.7+ insertion order: the body shows the runtime's own.
    ['dict', runtime.runtime === 'Python2.7' || runtime.runtime === 'Python3.6' ? 'py-hash-order' : '{"b": 1, "a": [1, 2.5, null, true]}', { b: 1, a: [1, 2.5, null, true] }],
    ['list', '[1, "two", {"three": 3}]', [1, 'two', { three: 3 }]],
    ['float', '1.0', 1],
  ])('encodes a %s result as FunctionGraph does', async (kind, body, result) => {
    const inv = await encodings.invoke({ kind });
    expect(inv.status).toBe('success');
    if (body === 'py-hash-order') expect(['{"b": 1, "a": [1, 2.5, null, true]}', '{"a": [1, 2.5, null, true], "b": 1}']).toContain(inv.body);
    else expect(inv.body).toBe(body);
    expect(inv.result).toEqual(result);
  });

  it.each(['set', 'object'])('answers a %s result JSON cannot encode as an invalid result', async (kind) => {
    const inv = await encodings.invoke({ kind });
    expect(inv.status).toBe('error');
    expect(inv.error!.errorType).toBe('TypeError');
    expect(inv.error!.errorMessage).toMatch(/^function result is invalid, error: .*(is not JSON serializable|not JSON serializable)/);
    expect(inv.error!.stackTrace).toEqual([]);
    // the instance survives: the next request is served warm
    const next = await encodings.invoke({ kind: 'zero' });
    expect(next.body).toBe('0');
    expect(next.summary.coldStart).toBe(false);
  });

  it('reports an exception from a nested call with its type, message and user frames only', async () => {
    const h = await open('nested-exception');
    const inv = await h.invoke({ value: 7 });
    const file = `${fixture('nested-exception')}/index.py`;
    expect(inv.status).toBe('error');
    expect(inv.error).toEqual({
      errorMessage: 'function invocation exception, error: bad value: 7',
      errorType: 'ValueError',
      stackTrace: [
        `File "${file}", line 10, in handler\n    return level_one(event.get("value", 42))`,
        `File "${file}", line 6, in level_one\n    return level_two(value)`,
        `File "${file}", line 2, in level_two\n    raise ValueError("bad value: {0}".format(value))`,
      ],
    });
    expect(inv.result).toEqual(inv.error);
    expect(JSON.parse(inv.body)).toEqual(inv.error);
    expect(inv.log).toContain('Traceback (most recent call last):\n');
    expect(inv.log).toContain('ValueError: bad value: 7\n');
    expect(inv.log).not.toContain('fgrun_runner');
    expect(inv.log).not.toContain('bootstrap');
  });

  it('answers SystemExit and KeyboardInterrupt as errors and keeps serving', async () => {
    const h = await open('exits');
    const exit = await h.invoke({ kind: 'exit', code: 5 });
    expect(exit.status).toBe('error');
    expect(exit.error!.errorType).toBe('SystemExit');
    expect(exit.error!.errorMessage).toBe('function invocation exception, error: 5');
    const kbd = await h.invoke({ kind: 'keyboard' });
    expect(kbd.status).toBe('error');
    expect(kbd.error!.errorType).toBe('KeyboardInterrupt');
    expect(kbd.error!.errorMessage).toBe('function invocation exception, error: ');
    const alive = await h.invoke({});
    expect(alive.status).toBe('success');
    expect(alive.body).toBe('still alive');
    expect(alive.summary.coldStart).toBe(false);
  });

  it('carries non-ASCII text through event, result and log', async () => {
    const h = await open('unicode');
    const inv = await h.invoke({ name: 'Zoë 世界 🚀' });
    expect(inv.status).toBe('success');
    expect(inv.result).toEqual({ greeting: 'こんにちは Zoë 世界 🚀', echo: 'Zoë 世界 🚀' });
    expect(inv.body).toBe('{"greeting": "\\u3053\\u3093\\u306b\\u3061\\u306f Zo\\u00eb \\u4e16\\u754c \\ud83d\\ude80", "echo": "Zo\\u00eb \\u4e16\\u754c \\ud83d\\ude80"}');
    expect(inv.log).toContain('\n你好, Zoë 世界 🚀\n');
    expect(inv.log).toMatch(new RegExp(`\\dZ ${inv.requestId} INFO 日志 Zoë 世界 🚀\\n`));
  });
});
