// FunctionGraph's error texts and codes, kept in one place (reference/functiongraph.md).
// Texts marked "unconfirmed" are fgrun's choice where the real service's wording is not documented.

export const ERROR_TEXT = {
  entry: { code: 4001, prefix: 'function entry exception, error: ' },
  invocation: { code: 4002, prefix: 'function invocation exception, error: ' },
  'result-too-large': { code: 4004, prefix: 'the return value of the function exceeds the maximum allowed limit: ' },
  'result-invalid': { code: 4007, prefix: 'function result is invalid, error: ' },
  initialization: { code: 4009, prefix: 'function initialization exception, error: ' },
  // unconfirmed wording; code 4010 is the runtime's "invoke timed out".
  timeout: { code: 4010, prefix: 'invoke timed out, error: ' },
  // unconfirmed wording; code 4205 and the text are the runtime's.
  oom: { code: 4205, prefix: 'runtime memory limit exceeded, error: ' },
  // unconfirmed: the runtime process died (crash); 4211 is the runtime's init timeout.
  'init-timeout': { code: 4211, prefix: 'runtime initialization timed out, error: ' },
  crash: { code: 4000, prefix: 'runtime process exited unexpectedly, error: ' },
} as const;

export type ErrorTextKey = keyof typeof ERROR_TEXT;

/** FunctionGraph's error body. */
export interface ErrorBody {
  errorMessage: string;
  errorType: string;
  stackTrace: string[];
}

export function errorBody(key: ErrorTextKey, errorType: string, message: string, stackTrace: string[] = []): ErrorBody {
  return { errorMessage: ERROR_TEXT[key].prefix + message, errorType, stackTrace };
}
