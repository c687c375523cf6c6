// fgrun's HTTP server: FunctionGraph's v2 invoke API and an APIG-style gateway.
export { startServer, FgrunServer, DEFAULT_HOST, DEFAULT_PORT, type ServeOptions, type ServedFunctionInfo } from './server.js';
export { InvocationFeed, type InvocationSource, type FeedEvent, type InvocationFinished } from './invocation-feed.js';
export type { AuthOptions } from './auth.js';
export { APIG_AUTH_MODES, type ApigAuthMode, type Guard } from './guard.js';
export { ApiError, FSS_ERRORS, type FssErrorBody } from './errors.js';
export type { HandleFactory } from './registry.js';
export { MAX_ASYNC_EVENT_BYTES } from './async-api.js';
export * from './schemas.js';
export { DEFAULT_STATE_DIR, LOOPBACK_HOSTS, type ConsoleOptions, type ConsoleInvocation, type FunctionView } from './console/index.js';
export { CONNECTION_DEFAULTS, type ConnectionLimits } from './connections.js';
