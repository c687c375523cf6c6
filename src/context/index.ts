export * from './values.js';
export * from './credentials.js';
