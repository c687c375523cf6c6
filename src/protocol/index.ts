export * from '../contract/messages.js';
export * from './encode.js';
export * from './frame-reader.js';
