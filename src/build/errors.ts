// Errors of `fgrun build`: pip failed, or the code folder cannot be built. The user's to fix (exit 2).
import { FgrunError, type FgrunErrorOptions } from '../errors.js';

export type BuildErrorCode =
  /** pip exited with an error (no index, no matching wheel, a conflict, no pip at all). */
  | 'FGRUN_BUILD_PIP_FAILED'
  /** The code folder has no requirements.txt, or is not a folder. */
  | 'FGRUN_BUILD_NO_REQUIREMENTS'
  /** A build store entry is a link, another user's, or writable by others. */
  | 'FGRUN_BUILD_CACHE_UNSAFE';

export class BuildError extends FgrunError {
  constructor(code: BuildErrorCode, message: string, options: FgrunErrorOptions & { runtime?: string; file?: string } = {}) {
    super(code, 'usage', message, { ...options, details: { ...options.details, runtime: options.runtime, file: options.file } });
  }
}
