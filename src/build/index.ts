// `fgrun build`: dependencies from requirements.txt, per runtime, outside the code folder. Re-exports only.
export { buildDependencies, type BuildOptions, type BuildResult } from './build.js';
export { findBuild, type FoundBuild } from './lookup.js';
export { BuildError, type BuildErrorCode } from './errors.js';
export { buildRoot, type BuildRecord } from './store.js';
