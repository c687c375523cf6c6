// Where the Python side of fgrun lives in the installed package: the bootstrap the instance runs
// and the runtime probe asks, and the shim beside it.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The package root (holds bootstrap/ and pyshim/), from src/protocol or dist/protocol. */
export const RUNTIME_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
export const BOOTSTRAP_MAIN = join(RUNTIME_ROOT, 'bootstrap', 'main.py');
