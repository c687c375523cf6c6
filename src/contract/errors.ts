// FunctionGraph's error codes and texts, and the codes the bootstrap reports a failure with.
// Texts marked "unconfirmed" are fgrun's choice where the real service's wording is not documented
// (docs/cloud-reference.md, "Error codes").

export const ERROR_TEXT = {
  entry: { code: 4001, prefix: 'function entry exception, error: ' },
  invocation: { code: 4002, prefix: 'function invocation exception, error: ' },
  'result-too-large': { code: 4004, prefix: 'the return value of the function exceeds the maximum allowed limit: ' },
  'result-invalid': { code: 4007, prefix: 'function result is invalid, error: ' },
  initialization: { code: 4009, prefix: 'function initialization exception, error: ' },
  // unconfirmed wording; code 4010 is the runtime's "invoke timed out".
  timeout: { code: 4010, prefix: 'invoke timed out, error: ' },
  // unconfirmed wording; code 4205 and the text are the runtime's.
  oom: { code: 4205, prefix: 'runtime memory limit exceeded, error: ', logReason: 'RuntimeMemoryExceedLimit' },
  // unconfirmed: the runtime process died (crash); 4211 is the runtime's init timeout.
  'init-timeout': { code: 4211, prefix: 'runtime initialization timed out, error: ' },
  crash: { code: 4000, prefix: 'runtime process exited unexpectedly, error: ' },
} as const;

/** Why an invocation failed: one of FunctionGraph's error texts. */
export type ErrorReason = keyof typeof ERROR_TEXT;

/** The failures the bootstrap itself reports (an error's `code` in `initialized` and `result`). */
export const PYTHON_ERROR_CODES = ['invocation', 'result-invalid', 'result-too-large', 'initialization'] as const satisfies readonly ErrorReason[];

/** Where loading the function failed (a `fault`'s `stage`). */
export const FAULT_STAGES = ['handler-format', 'import', 'syntax', 'not-found', 'protocol'] as const;
