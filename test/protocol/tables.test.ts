// The two sides of the protocol declare their tables apart (TypeScript here, Python in the bootstrap
// and the shim); this holds them together: the message types and fields each way, and the context
// methods the host answers against the getters the Python Context has.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CONTEXT_METHODS } from '../../src/context.js';
import { hostMessageSchema, pythonMessageSchema } from '../../src/protocol/messages.js';
import { ROOT } from '../helpers/fixtures.js';
import { newestRuntime } from '../helpers/runtimes.js';

const PYTHON_TABLES = `
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import fgrun_protocol, fgrun_context
getters = [name for name in sorted(vars(fgrun_context.Context)) if name.startswith("get") and name != "getLogger"]
print(json.dumps({"host": fgrun_protocol.HOST_MESSAGES, "python": fgrun_protocol.PYTHON_MESSAGES, "context": getters}))
`;

// { type: [field, optional field?, ...] } from a discriminated union of zod objects.
function fieldTable(union: z.ZodDiscriminatedUnion<readonly z.ZodObject[]>): Record<string, string[]> {
  const table: Record<string, string[]> = {};
  for (const option of union.options) {
    const { type, ...fields } = option.shape as Record<string, z.ZodType>;
    const name = (type as z.ZodLiteral<string>).value;
    table[name] = Object.entries(fields).map(([key, schema]) => (schema.safeParse(undefined).success ? `${key}?` : key));
  }
  return table;
}

// The same table with each message's fields in one order (the order is not part of the protocol).
function sorted(table: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(table).map(([type, fields]) => [type, [...fields].sort()]));
}

describe.skipIf(newestRuntime === undefined)('protocol and context tables', () => {
  const python = newestRuntime!;
  const tables = () => JSON.parse(execFileSync(python.path, ['-c', PYTHON_TABLES, join(ROOT, 'bootstrap'), join(ROOT, 'pyshim')], { encoding: 'utf8' })) as {
    host: Record<string, string[]>;
    python: Record<string, string[]>;
    context: string[];
  };

  it('has the same message types and fields on both sides, each way', () => {
    const { host, python: fromPython } = tables();
    expect(sorted(fieldTable(hostMessageSchema))).toEqual(sorted(host));
    expect(sorted(fieldTable(pythonMessageSchema))).toEqual(sorted(fromPython));
  });

  it('answers exactly the getters the Python Context has', () => {
    expect([...CONTEXT_METHODS].sort()).toEqual(tables().context);
  });
});
