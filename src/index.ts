// fgrun's public API: re-exports only.
export { createFunction, type FunctionHandle, type InvokeOptions, type LogPart, type CreateOptions, type CloseOptions, EventError, MAX_EVENT_BYTES } from './function/index.js';
export type { PoolStats, CloseMode } from './pool/index.js';
export { discoverRuntimes, inspectRuntimes, resolveRuntime, RUNTIME_IDS, type DiscoverOptions, type RuntimeId, type RuntimeInfo, type RuntimeReport, type RuntimeSource, type TriedCandidate } from './runtimes/index.js';
export { functionConfigSchema, resolveConfig, MEMORY_SIZES, RESERVED_ENV, type MemorySize, type FunctionConfig, type FunctionConfigInput, type ResolvedConfig, type Credentials } from './config/index.js';
export { credentialsFromEnv } from './config/credentials.js';
export { ERROR_TEXT, logTail, type Invocation, type InvocationStatus, type InvocationSummary, type ErrorBody } from './result/index.js';
export { FgrunError, ConfigError, RuntimeError, ProtocolError, ClosedError, isFgrunError } from './errors.js';
export { PROTOCOL_VERSION } from './protocol/index.js';
export { loadConfigFile, findConfigFile, CONFIG_FILE_NAMES, type LoadConfigOptions } from './config/file.js';
export { configFileSchema, configFileJsonSchema } from './config/file-schema.js';
export { buildDependencies, BuildError, type BuildOptions, type BuildOutcome, type BuildFailure, type BuildResult, type BuildRecord, type BuildErrorCode } from './build/index.js';
export { prepareCode, removeUnpackedPackages, PackageError, CODE_LIMITS, DEPENDENCY_LIMITS, type PackageErrorCode, type PackageLimits } from './package/index.js';
export { startServer, FgrunServer, ApiError, FSS_ERRORS, MAX_ASYNC_EVENT_BYTES, type ServeOptions, type ServedFunctionInfo, type AuthOptions, type FssErrorBody, type ConsoleOptions, type ConsoleInvocation, type FunctionView, type InvocationFeed, type FeedEvent, type InvocationFinished, type InvocationSource } from './server/index.js';
export { runMatrix, toJUnit, parseRuntimeList, DEFAULT_MATRIX_EVENT, type MatrixEvent, type MatrixOptions, type MatrixProgress, type MatrixReport, type MatrixRow, type MatrixStatus, type MatrixDifference, type MatrixShard, type MatrixShardInfo, type IgnorePath, type JUnitOptions } from './matrix/index.js';
export { generateEvent, setField, EVENT_TEMPLATES, EVENT_TRIGGERS, EventTemplateError, type EventTemplate, type GenerateEventOptions } from './events/index.js';
export { createWatchedFunction, watchPaths, type WatchedFunction, type WatchOptions, type WatchSource, type ReloadEvent, type PathWatcher } from './watch/index.js';
