export * from './handle.js';
export { loadFailureReport } from './load-failure.js';
export { EventError } from './errors.js';
export { MAX_EVENT_BYTES } from './event.js';
