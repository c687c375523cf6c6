// Code and dependency packages: folders or .zip files, unpacked safely. Re-exports only.
export { prepareCode } from './prepare.js';
export { PackageError, type PackageErrorCode } from './errors.js';
export { CODE_LIMITS, DEPENDENCY_LIMITS, type PackageLimits } from './limits.js';
export { unzipSafely } from './unzip.js';
export { removeUnpackedPackages, packageOf } from './unpacked-cache.js';
