// The browser console served by `fgrun serve` at `/`. Re-exports only.
export { ConsoleApp, DEFAULT_STATE_DIR, type ConsoleOptions } from './app.js';
export { LOOPBACK_HOSTS } from './guard.js';
export type { ConsoleInvocation } from './history.js';
export type { FunctionView } from './function-view.js';
