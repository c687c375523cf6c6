// Size limits for packages, from FunctionGraph's own where it has one (see docs/packages.md).

export interface PackageLimits {
  /** Largest .zip accepted, bytes. */
  maxZipBytes: number;
  /** Largest total of unpacked file sizes, bytes. */
  maxUnpackedBytes: number;
  /** Most entries (files, folders, links) in one zip. */
  maxEntries: number;
}

const MB = 1024 * 1024;

/** A code .zip: FunctionGraph takes at most 50 MB through its API. */
export const CODE_LIMITS: PackageLimits = Object.freeze({ maxZipBytes: 50 * MB, maxUnpackedBytes: 1024 * MB, maxEntries: 30_000 });

/** A dependency .zip: FunctionGraph's private dependencies are at most 300 MB and 30,000 files. */
export const DEPENDENCY_LIMITS: PackageLimits = Object.freeze({ maxZipBytes: 300 * MB, maxUnpackedBytes: 1024 * MB, maxEntries: 30_000 });
