// The libraries FunctionGraph's Python runtimes bundle (docs/build.md, "Bundled libraries"). Re-exports only.
export { BUNDLED, BUNDLED_SOURCE } from './libraries.js';
export { functionLayer, layerFolder, readLayer } from './layer.js';
export { installBundled, type BundledResult } from './install.js';
