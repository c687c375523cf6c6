// The facts the host and the bootstrap (and the API) agree on, written once here; the Python side
// imports them from the generated twin, bootstrap/fgrun_contract.py (contract/python.ts).
export * from './limits.js';
export * from './errors.js';
export * from './environment.js';
export * from './context-methods.js';
export * from './messages.js';
