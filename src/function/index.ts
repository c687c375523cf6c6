export * from './handle.js';
export { EventError, encodeEvent, MAX_EVENT_BYTES } from './errors.js';
