// fgrun's HTTP server: FunctionGraph's v2 invoke API and an APIG-style gateway.
export { startServer } from './start-server.js';
export { FgrunServer, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_STATE_DIR, SHUTDOWN_GRACE_MS, type ServeOptions, type ServedFunctionInfo, type RequestRecord } from './server.js';
export { InvocationFeed, type InvocationSource, type FeedEvent, type InvocationFinished } from './invocation-feed.js';
export type { AuthOptions } from './auth/admission.js';
export { APIG_AUTH_MODES, type ApigAuthMode, type Guard } from './auth/route-auth.js';
export { ApiError, FSS_ERRORS, type FssErrorBody } from './errors.js';
export type { HandleFactory } from './registry.js';
export { MAX_ASYNC_EVENT_BYTES } from './fgs/async-api.js';
export { reportFor } from './fgs/failure-report.js';
export { invokeUrl } from './fgs/api-paths.js';
export * from './fgs/schemas.js';
export { LOOPBACK_HOSTS } from './auth/site-check.js';
export { type ConsoleOptions, type ConsoleInvocation, type FunctionView } from './console/index.js';
export { CONNECTION_DEFAULTS, type ConnectionLimits } from './connections.js';
