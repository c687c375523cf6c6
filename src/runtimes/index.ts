// Runtime id <-> interpreter: discovery, version probe, cache. Re-exports only.

export type { RuntimeId } from './ids.js';
export { RUNTIME_IDS, isRuntimeId, normalizeRuntimeId, runtimeEnvVar } from './ids.js';
export type { DiscoverOptions, RuntimeInfo, RuntimeReport, RuntimeSource, TriedCandidate } from './types.js';
export { discoverRuntimes, inspectRuntimes } from './discover.js';
export { resolveRuntime } from './resolve.js';
export { PROBE_TIMEOUT_MS } from './probe.js';
export { cacheFilePath } from './disk-cache.js';
