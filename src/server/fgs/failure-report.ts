// How a finished invocation is reported on the synchronous invoke API. FunctionGraph's documentation
// does not say how a function error, timeout or crash appears there, so this is fgrun's choice, kept
// in this one place and documented in docs/server.md ("Function failures"):
// - the invoke request itself succeeded, so the HTTP status is 200 whatever the function did;
// - X-Func-Err-Code is 0 on success, otherwise the runtime's code for the failure (4002 handler
//   exception, 4009 initializer failure, 4010 timeout, 4205 memory limit, ...; src/result/texts.ts);
// - X-Is-Func-Err is "true" for every failure of the function, "false" on success;
// - the v1 envelope's `status` is 200 on success and 500 on a failure; its `result` (and the v0
//   body) is the function's error body as JSON.
import { ERROR_TEXT, type Invocation, type InvocationStatus } from '../../result/index.js';

export interface FailureReport {
  httpStatus: number;
  funcErrCode: number;
  isFuncErr: boolean;
  v1Status: number;
}

// The runtime error code for a failed invocation, read from its error message's prefix.
function runtimeCode(invocation: Invocation): number {
  const message = invocation.error?.errorMessage ?? '';
  for (const entry of Object.values(ERROR_TEXT)) {
    if (message.startsWith(entry.prefix)) return entry.code;
  }
  return FALLBACK_CODE[invocation.status];
}

const FALLBACK_CODE: Record<InvocationStatus, number> = {
  success: 0,
  error: ERROR_TEXT.invocation.code,
  timeout: ERROR_TEXT.timeout.code,
  crash: ERROR_TEXT.crash.code,
  oom: ERROR_TEXT.oom.code,
  'init-error': ERROR_TEXT.initialization.code,
};

// The status, headers' values and v1 status that report this invocation.
export function reportFor(invocation: Invocation): FailureReport {
  if (invocation.status === 'success') return { httpStatus: 200, funcErrCode: 0, isFuncErr: false, v1Status: 200 };
  return { httpStatus: 200, funcErrCode: runtimeCode(invocation), isFuncErr: true, v1Status: 500 };
}
