// A served function as the console shows it: configuration, exact interpreter, addresses, instances.
import type { ServedFunction } from '../registry.js';
import { invokeUrl } from '../fgs/api-paths.js';
import { FIELDS, flagName } from '../../config/fields.js';

/** The fields the console's `fgrun invoke` command line sets, in its order. */
const COMMAND_FIELDS = ['runtime', 'handler', 'initializer', 'memorySize', 'timeout', 'name'] as const;

// The flags (from the config field table) that give `fgrun invoke` this function's configuration.
function invokeFlags(values: Partial<Record<(typeof COMMAND_FIELDS)[number], unknown>>): string[] {
  return COMMAND_FIELDS.flatMap((key) => {
    const value = values[key];
    return value === undefined || value === null ? [] : [flagName(FIELDS[key])!, String(value)];
  });
}

export interface FunctionView {
  name: string;
  urn: string;
  runtime: string;
  /** Exact interpreter version, e.g. "3.12.1". */
  python: string;
  interpreter: string;
  handler: string;
  initializer: string | null;
  memorySize: number;
  timeout: number;
  /** The code folder (for the `fgrun invoke` command line). */
  code: string;
  /** The `fgrun invoke` flags that run this function as served, e.g. ['--runtime', 'Python3.12', ...]. */
  invokeFlags: string[];
  invokeUrl: string;
  gatewayUrl: string | null;
  maxInstances: number;
  /** Right now: idle warm instances, busy ones, starting ones, and requests waiting for one. */
  instances: { warm: number; busy: number; starting: number; queued: number };
}

export function functionView(fn: ServedFunction, serverUrl: string, gatewayUrl: string | null): FunctionView {
  const c = fn.config;
  const s = fn.stats();
  return {
    name: c.name, urn: fn.urn, runtime: fn.handle.runtime.runtime, python: fn.handle.runtime.version, interpreter: fn.handle.runtime.path,
    handler: c.handler, initializer: c.initializer ?? null, memorySize: c.memorySize, timeout: c.timeout, code: c.code,
    invokeFlags: invokeFlags({ ...c, runtime: fn.handle.runtime.runtime }), invokeUrl: invokeUrl(serverUrl, fn.urn), gatewayUrl, maxInstances: c.maxInstances,
    instances: { warm: s.idle, busy: s.busy, starting: s.starting, queued: s.queued },
  };
}
