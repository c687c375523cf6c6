// Every failure becomes FunctionGraph's error body with its code and status.
import { describe, expect, it } from 'vitest';
import { ClosedError } from '../../src/errors.js';
import { EventError } from '../../src/function/index.js';
import { ApiError, FSS_ERRORS, toApiError } from '../../src/server/errors.js';
import { fssErrorSchema } from '../../src/server/fgs/schemas.js';

describe('server errors', () => {
  it('maps core errors and unexpected failures onto FSS codes', () => {
    const tooBig = toApiError(new EventError('FGRUN_EVENT_TOO_LARGE', 'the event is 7 MB'));
    expect([tooBig.status, tooBig.body]).toEqual([413, { error_code: 'FSS.0413', error_msg: 'the event is 7 MB' }]);
    expect(toApiError(new EventError('FGRUN_EVENT_INVALID', 'x')).body.error_code).toBe('FSS.0400');
    expect(toApiError(new ClosedError()).body).toEqual({ error_code: 'FSS.0503', error_msg: 'fgrun serve is shutting down: the function no longer takes requests' });
    const internal = toApiError(new TypeError('oops'));
    expect([internal.status, internal.body]).toEqual([500, { error_code: 'FSS.0500', error_msg: 'internal error in fgrun serve: oops' }]);
    const same = new ApiError('unauthorized', 'no');
    expect(toApiError(same)).toBe(same);
  });

  it('keeps every code in FunctionGraph\'s FSS.xxxx form (APIG.xxxx for the gateway) with the status the reference gives', () => {
    for (const [kind, entry] of Object.entries(FSS_ERRORS)) {
      const error = new ApiError(kind as keyof typeof FSS_ERRORS, 'm');
      if (kind.startsWith('apig-')) expect(error.body.error_code).toMatch(/^APIG\.\d{4}$/);
      else expect(fssErrorSchema.parse(error.body).error_code).toBe(entry.code);
      expect(error.status).toBe(entry.status);
    }
    expect(FSS_ERRORS['function-not-found']).toEqual({ code: 'FSS.1051', status: 404 });
    expect(FSS_ERRORS['too-large']).toEqual({ code: 'FSS.0413', status: 413 });
  });
});
