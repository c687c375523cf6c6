export * from './handle.js';
export { loadFailureReport } from './load-failure.js';
export { EventError, MAX_EVENT_BYTES } from './errors.js';
