export * from './instance.js';
export { liveProcessGroups } from './process.js';
export { protocolPair } from './protocol-socket.js';
export { canMove, checkMove } from './lifecycle.js';
export { LogCollector, LOG_CAP_BYTES } from './log-collector.js';
export { privateLogDir, sharedLogDir } from './paths.js';
