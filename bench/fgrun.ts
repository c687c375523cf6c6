// What the bench uses of fgrun, in one place: the built package (dist/, what ships), never src/,
// so the bench measures the code users run. The internals it needs come from their modules.
export { createFunction, inspectRuntimes, RUNTIME_IDS, type FunctionHandle, type RuntimeId, type RuntimeInfo, type RuntimeReport } from '../dist/index.js';
export { normalizeRuntimeId } from '../dist/runtimes/index.js';
export { liveProcessGroups, protocolPair } from '../dist/instance/index.js';
