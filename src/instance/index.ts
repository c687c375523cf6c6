export * from './instance.js';
export { liveProcessGroups } from './process.js';
export { canMove, KILL_SETTLE_MS, PIPE_CLOSED_GRACE_MS } from './lifecycle.js';
export { MEMORY_SAMPLE_MS } from './memory-watch.js';
export { buildEnvironment, MAX_RESP_BODY_SIZE } from './environment.js';
export { LogCollector, LOG_CAP_BYTES } from './log-collector.js';
export { privateLogDir, sharedLogDir } from './paths.js';
