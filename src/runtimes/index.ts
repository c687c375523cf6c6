// Runtime id <-> interpreter: discovery, version probe, cache. Re-exports only.

export type { DiscoverOptions, RuntimeId, RuntimeInfo, RuntimeReport, RuntimeSource, TriedCandidate } from './ids.js';
export { RUNTIME_IDS, isRuntimeId, normalizeRuntimeId, runtimeEnvVar } from './ids.js';
export { discoverRuntimes, inspectRuntimes, resolveRuntime, toRuntimeId } from './discovery.js';
export { cacheFilePath } from './cache.js';
