// How each invocation status is reported on the sync API (fgrun's documented choice), and what the
// async store records for it.
import { describe, expect, it } from 'vitest';
import { ERROR_TEXT, errorBody, type Invocation, type InvocationStatus } from '../../src/result/index.js';
import { AsyncStore } from '../../src/server/fgs/async-store.js';
import { reportFor } from '../../src/server/fgs/failure-report.js';

function invocation(status: InvocationStatus, key?: Parameters<typeof errorBody>[0]): Invocation {
  const error = key ? errorBody(key, 'SomeType', 'details') : null;
  return {
    requestId: `id-${status}-${key ?? ''}`, runtime: 'Python3.12', python: '3.12.1', status, result: error, body: error ? JSON.stringify(error) : '"ok"', error,
    errorCode: key ? ERROR_TEXT[key].code : 0, errorReason: key ?? null,
    summary: { durationMs: 1, billedDurationMs: 1, memorySizeMb: 128, maxMemoryUsedMb: 10, initDurationMs: null, coldStart: false }, log: '',
  };
}

describe('failure report', () => {
  it('reports success as 200 / 0 / false / v1 status 200', () => {
    expect(reportFor(invocation('success'))).toEqual({ httpStatus: 200, funcErrCode: 0, isFuncErr: false, v1Status: 200 });
  });

  it('reports each failure as HTTP 200 with the runtime code, X-Is-Func-Err true and v1 status 500', () => {
    const cases: Array<[InvocationStatus, Parameters<typeof errorBody>[0], number]> = [
      ['error', 'invocation', 4002], ['error', 'entry', 4001], ['error', 'result-too-large', 4004], ['error', 'result-invalid', 4007],
      ['init-error', 'initialization', 4009], ['init-error', 'init-timeout', 4211], ['timeout', 'timeout', 4010], ['oom', 'oom', 4205], ['crash', 'crash', 4000],
    ];
    for (const [status, key, code] of cases) {
      expect(reportFor(invocation(status, key)), `${status}/${key}`).toEqual({ httpStatus: 200, funcErrCode: code, isFuncErr: true, v1Status: 500 });
    }
  });

  it('records async outcomes as SUCCESS / FAIL with the same codes, newest first, bounded', () => {
    const store = new AsyncStore(2);
    for (const [id, inv] of [['a', invocation('success')], ['b', invocation('timeout', 'timeout')], ['c', invocation('crash', 'crash')]] as const) {
      store.accept('urn:f', id);
      store.running(id);
      store.finish(id, inv);
    }
    const list = store.list('urn:f');
    expect(list.map((r) => [r.request_id, r.status, r.error_code, r.error_message])).toEqual([
      ['c', 'FAIL', 4000, 'runtime process exited unexpectedly, error: details'],
      ['b', 'FAIL', 4010, 'invoke timed out, error: details'],
    ]);
    expect(store.list('urn:other')).toEqual([]);
    expect(store.list('urn:f', { status: 'SUCCESS' })).toEqual([]);
  });
});
