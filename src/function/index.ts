export * from './handle.js';
export { EventError, MAX_EVENT_BYTES } from './errors.js';
