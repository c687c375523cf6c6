// `fgrun build`: dependencies from requirements.txt, per runtime, outside the code folder. Re-exports only.
export { buildDependencies, type BuildFailure, type BuildOptions, type BuildOutcome, type BuildResult } from './build.js';
export { findBuild } from './lookup.js';
export { BuildError, type BuildErrorCode } from './errors.js';
export type { BuildRecord } from './store.js';
