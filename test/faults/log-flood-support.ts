// What the log flood test needs from the library.
export { createFunction } from '../../src/index.js';
export { LOG_CAP_BYTES as LOG_TAIL_KEPT } from '../../src/instance/index.js';
