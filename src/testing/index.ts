// fgrun/testing: load a FunctionGraph function once per runtime in a Node test suite (vitest,
// node:test, jest) and invoke it, with clean-up. Re-exports only.
export { functionRuntimes, missingRuntimes, type TestRuntime, type TestRuntimeOptions } from './runtimes.js';
export { loadFunction, closeAllFunctions, InvocationFailedError, type TestFunction, type LoadOptions } from './load-function.js';
export type { Invocation } from '../result/index.js';
export type { FunctionConfigInput } from '../config/index.js';
