// fgrun's public API: re-exports only.
export { createFunction, type FunctionHandle, type InvokeOptions, type CreateOptions, EventError, MAX_EVENT_BYTES } from './function/index.js';
export { discoverRuntimes, inspectRuntimes, resolveRuntime, RUNTIME_IDS, type RuntimeId, type RuntimeInfo, type RuntimeReport } from './runtimes/index.js';
export { functionConfigSchema, resolveConfig, MEMORY_SIZES, RESERVED_ENV, type FunctionConfig, type FunctionConfigInput, type ResolvedConfig, type Credentials } from './config/index.js';
export { credentialsFromEnv } from './context/index.js';
export { ERROR_TEXT, logTail, type Invocation, type InvocationStatus, type InvocationSummary, type ErrorBody } from './result/index.js';
export { FgrunError, ConfigError, RuntimeError, ProtocolError, ClosedError, isFgrunError } from './errors/index.js';
export { PROTOCOL_VERSION } from './protocol/index.js';
