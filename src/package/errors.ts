// Errors about code and dependency packages: a zip that cannot be read, is too large, or would
// write outside its folder. All are the user's to fix (CLI exit 2).
import { FgrunError, type FgrunErrorOptions } from '../errors.js';

export type PackageErrorCode =
  /** Not a readable zip, or not a folder / .zip at all. */
  | 'FGRUN_PACKAGE_INVALID'
  /** Over the zip size, unpacked size or entry count limit. */
  | 'FGRUN_PACKAGE_TOO_LARGE'
  /** An entry with `..`, an absolute path, or a link that points outside the package. */
  | 'FGRUN_PACKAGE_UNSAFE';

export class PackageError extends FgrunError {
  constructor(code: PackageErrorCode, message: string, options: FgrunErrorOptions & { file: string; entry?: string }) {
    super(code, 'usage', message, { ...options, details: { ...options.details, file: options.file, entry: options.entry } });
  }
}
