// Which operating systems fgrun runs functions on (docs/platforms.md): Linux, supported and tested;
// macOS, expected to work with the degradations documented there; anything else (Windows) is refused
// in one clear line, before anything is spawned.
import { FgrunError } from '../errors/index.js';

const SUPPORTED: readonly string[] = ['linux', 'darwin'];

// Throw FGRUN_PLATFORM_UNSUPPORTED where fgrun cannot run functions.
export function assertSupportedPlatform(platform: string = process.platform): void {
  if (SUPPORTED.includes(platform)) return;
  const hint = platform === 'win32' ? ' (a Windows port needs Job Objects in place of process groups; use WSL 2 meanwhile)' : '';
  throw new FgrunError('FGRUN_PLATFORM_UNSUPPORTED', 'usage', `functions run on Linux and macOS only, not on ${platform}${hint}: see docs/platforms.md`, { details: { platform } });
}
