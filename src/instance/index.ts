export * from './instance.js';
export { liveProcessGroups, killGroup } from './process.js';
export { buildEnvironment, MAX_RESP_BODY_SIZE } from './environment.js';
export { LogCollector, LOG_CAP_BYTES } from './log-collector.js';
