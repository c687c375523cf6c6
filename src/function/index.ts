export * from './handle.js';
export { loadFailureReport, isLoadFailure } from './load-failure.js';
export { EventError, encodeEvent, MAX_EVENT_BYTES } from './errors.js';
