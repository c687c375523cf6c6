// The browser console served by `fgrun serve` at `/`. Re-exports only.
export { ConsoleApp, type ConsoleOptions } from './app.js';
export type { ConsoleInvocation } from './history.js';
export type { FunctionView } from './function-view.js';
