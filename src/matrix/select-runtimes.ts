// `--runtimes all|Python2.7,Python3.12` -> the runtime ids, or a ConfigError naming the flag.
import { ConfigError } from '../errors.js';
import { normalizeRuntimeId, RUNTIME_IDS, type RuntimeId } from '../runtimes/index.js';

// The listed runtimes (any letter case, oldest first, no repeats); 'all' (or nothing) is every one.
export function parseRuntimeList(value: string | undefined): RuntimeId[] {
  if (value === undefined || value.trim().toLowerCase() === 'all') return [...RUNTIME_IDS];
  const wanted = new Set<RuntimeId>();
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const id = normalizeRuntimeId(part);
    if (id === null) throw new ConfigError(`--runtimes: '${part}' is not a FunctionGraph Python runtime; use all or a comma-separated list of ${RUNTIME_IDS.join(', ')}`, { field: '--runtimes' });
    wanted.add(id);
  }
  if (wanted.size === 0) throw new ConfigError(`--runtimes needs all or a comma-separated list of ${RUNTIME_IDS.join(', ')}`, { field: '--runtimes' });
  return RUNTIME_IDS.filter((id) => wanted.has(id));
}
