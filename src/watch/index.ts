// Watch mode: reload a function when its code changes. Re-exports only.
export { createWatchedFunction, type WatchedFunction, type WatchOptions, type WatchSource, type ReloadEvent } from './watched-function.js';
export { watchPaths, isIgnoredChange, type PathWatcher } from './watch-paths.js';
