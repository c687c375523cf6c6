// The contract's Python twin is the contract: generated from src/contract/, committed, never stale;
// the bootstrap reads its tables from it, and the Python Context has exactly the contract's getters.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTEXT_METHODS, hostMessageSchema, preparePythonSchemas, PROTOCOL_VERSION, pythonMessageSchema, resultSchema } from '../../src/contract/index.js';
import { fieldTable, pythonContract } from '../../src/contract/python.js';
import { ROOT } from '../helpers/fixtures.js';
import { newestRuntime } from '../helpers/runtimes.js';

const PYTHON_TABLES = `
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import fgrun_protocol, fgrun_contract, fgrun_context
getters = [name for name in sorted(vars(fgrun_context.Context)) if name.startswith("get") and name != "getLogger"]
print(json.dumps({"host": fgrun_protocol.HOST_MESSAGES, "python": fgrun_contract.PYTHON_MESSAGES, "version": fgrun_protocol.PROTOCOL_VERSION, "context": getters}))
`;

describe('the contract', () => {
  it('has a committed Python twin that matches src/contract/ (run `npm run build` to regenerate it)', () => {
    const committed = readFileSync(join(ROOT, 'bootstrap', 'fgrun_contract.py'), 'utf8');
    expect(committed.split('\n')[0]).toBe('# Generated from src/contract/ by `npm run build` (src/contract/python.ts): do not edit.');
    expect(committed).toBe(pythonContract());
  });

  it.skipIf(newestRuntime === undefined)('gives the bootstrap the same messages each way, and the Python Context exactly its getters', () => {
    const tables = JSON.parse(execFileSync(newestRuntime!.path, ['-c', PYTHON_TABLES, join(ROOT, 'bootstrap'), join(ROOT, 'pyshim')], { encoding: 'utf8' })) as {
      host: Record<string, string[]>;
      python: Record<string, string[]>;
      version: number;
      context: string[];
    };
    expect(tables.host).toEqual(fieldTable(hostMessageSchema));
    expect(tables.python).toEqual(fieldTable(pythonMessageSchema));
    expect(tables.version).toBe(PROTOCOL_VERSION);
    expect(tables.context).toEqual([...CONTEXT_METHODS].sort());
  });

  it('builds the protocol\'s schemas once, on first use or while an interpreter starts (not at import)', () => {
    for (const schema of [pythonMessageSchema, resultSchema, hostMessageSchema]) expect(schema._zod.def.type).toBe('lazy');
    preparePythonSchemas();
    const union = pythonMessageSchema.unwrap();
    expect(pythonMessageSchema.unwrap()).toBe(union);
    expect(union.options).toContain(resultSchema.unwrap());
    expect(hostMessageSchema.unwrap()).toBe(hostMessageSchema.unwrap());
    expect(pythonMessageSchema.safeParse({ type: 'ready', protocol: PROTOCOL_VERSION, python: '3.12.1', pid: 7 })).toEqual({
      success: true, data: { type: 'ready', protocol: PROTOCOL_VERSION, python: '3.12.1', pid: 7 },
    });
  });
});
