// The contract's Python twin, bootstrap/fgrun_contract.py: the same facts as Python literals, so the
// bootstrap never writes one of them by hand. `npm run build` writes the file (scripts/python-contract.mjs);
// it is committed, and test/contract/contract.test.ts ("has a committed Python twin") fails when it differs from this rendering.
import type { z } from 'zod';
import { RUNTIME_VARIABLES } from './environment.js';
import { AHEAD_METHODS, CONTEXT_METHODS, LOCAL_METHODS, ON_DEMAND_METHODS } from './context-methods.js';
import { ERROR_TEXT, FAULT_STAGES, PYTHON_ERROR_CODES } from './errors.js';
import { INITIALIZER_TIMEOUT_SECONDS, LOG_TAIL_BYTES, MAX_PAYLOAD_BYTES, TIMEOUT_SECONDS } from './limits.js';
import { hostMessageSchema, LINGER_BUSY_US, LINGER_RECOVER_US, LINGER_WINDOW_US, MAPPED_CHANNEL, PROTOCOL_VERSION, pythonMessageSchema } from './messages.js';

// { type: [field, optional field?, ...] } from a discriminated union of zod objects (built on first use).
export function fieldTable(union: z.ZodLazy<z.ZodDiscriminatedUnion<readonly z.ZodObject[]>>): Record<string, string[]> {
  const table: Record<string, string[]> = {};
  for (const option of union.unwrap().options) {
    const { type, ...fields } = option.shape as Record<string, z.ZodType>;
    const name = (type as z.ZodLiteral<string>).value;
    table[name] = Object.entries(fields).map(([key, schema]) => (schema.safeParse(undefined).success ? `${key}?` : key));
  }
  return table;
}

// A Python literal of a JSON-like value (arrays become tuples); `indent` spreads a dict over lines.
function py(value: unknown, indent = false): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number' || typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return value.length === 1 ? `(${py(value[0])},)` : `(${value.map((v) => py(v)).join(', ')})`;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}: ${py(v)}`);
  return indent ? `{\n${entries.map((e) => `    ${e},\n`).join('')}}` : `{${entries.join(', ')}}`;
}

/** The text of bootstrap/fgrun_contract.py. */
export function pythonContract(): string {
  const constants: [string, string, unknown, boolean?][] = [
    ['The protocol version both sides speak.', 'PROTOCOL_VERSION', PROTOCOL_VERSION],
    ['Message types and their fields, one table per direction; "?" marks a field that may be absent.', 'HOST_MESSAGES', fieldTable(hostMessageSchema), true],
    ['', 'PYTHON_MESSAGES', fieldTable(pythonMessageSchema), true],
    ["How long either side stays awake for the other's answer while an invoke lingers, microseconds.", 'LINGER_WINDOW_US', LINGER_WINDOW_US],
    ["How long a side stays awake for an answer the other side's sleep makes slow, microseconds.", 'LINGER_RECOVER_US', LINGER_RECOVER_US],
    ["Two invokes or results less than this apart are a caller that keeps the instance busy, microseconds.", 'LINGER_BUSY_US', LINGER_BUSY_US],
    ["The mapped channel's layout: offsets and sizes in bytes (docs/protocol.md).", 'MAPPED_CHANNEL', MAPPED_CHANNEL, true],
    ['The largest event and response body, bytes.', 'MAX_PAYLOAD_BYTES', MAX_PAYLOAD_BYTES],
    ['The log tail the service returns, bytes.', 'LOG_TAIL_BYTES', LOG_TAIL_BYTES],
    ['Timeouts in seconds: default and range.', 'TIMEOUT_SECONDS', TIMEOUT_SECONDS],
    ['', 'INITIALIZER_TIMEOUT_SECONDS', INITIALIZER_TIMEOUT_SECONDS],
    ['The context getters: all, those sent ahead in init, those asked for, those the function sets.', 'CONTEXT_METHODS', CONTEXT_METHODS],
    ['', 'AHEAD_METHODS', AHEAD_METHODS],
    ['', 'ON_DEMAND_METHODS', ON_DEMAND_METHODS],
    ['', 'LOCAL_METHODS', LOCAL_METHODS],
    ["FunctionGraph's error codes and message prefixes.", 'ERROR_TEXT', ERROR_TEXT, true],
    ["The codes of the failures the bootstrap reports (an error's \"code\").", 'PYTHON_ERROR_CODES', PYTHON_ERROR_CODES],
    ["Where loading the function failed (a fault's \"stage\").", 'FAULT_STAGES', FAULT_STAGES],
    ["The RUNTIME_* variables FunctionGraph sets.", 'RUNTIME_VARIABLES', RUNTIME_VARIABLES],
  ];
  const body = constants.map(([comment, name, value, indent]) => `${comment ? `\n# ${comment}\n` : ''}${name} = ${py(value, indent)}\n`);
  return '# Generated from src/contract/ by `npm run build` (src/contract/python.ts): do not edit.\n' +
    '# The facts the host and the bootstrap agree on; test/contract/contract.test.ts fails when stale.\n' +
    body.join('');
}
