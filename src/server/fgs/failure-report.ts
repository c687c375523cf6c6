// How a finished invocation is reported on the synchronous invoke API. FunctionGraph's documentation
// does not say how a function error, timeout or crash appears there, so this is fgrun's choice, kept
// in this one place and documented in docs/server.md ("Function failures"):
// - the invoke request itself succeeded, so the HTTP status is 200 whatever the function did;
// - X-Func-Err-Code is 0 on success, otherwise the runtime's code for the failure (4002 handler
//   exception, 4009 initializer failure, 4010 timeout, 4205 memory limit, ...; contract/errors.ts),
//   which the Invocation carries (errorCode);
// - X-Is-Func-Err is "true" for every failure of the function, "false" on success;
// - the v1 envelope's `status` is 200 on success and 500 on a failure; its `result` (and the v0
//   body) is the function's error body as JSON.
import type { Invocation } from '../../result/index.js';

export interface FailureReport {
  httpStatus: number;
  funcErrCode: number;
  isFuncErr: boolean;
  v1Status: number;
}

// The status, headers' values and v1 status that report this invocation.
export function reportFor(invocation: Invocation): FailureReport {
  if (invocation.status === 'success') return { httpStatus: 200, funcErrCode: 0, isFuncErr: false, v1Status: 200 };
  return { httpStatus: 200, funcErrCode: invocation.errorCode, isFuncErr: true, v1Status: 500 };
}
