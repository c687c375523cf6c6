export * from './texts.js';
export * from './invocation.js';
export * from './format.js';
