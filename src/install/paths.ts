// Where fgrun is installed: the install root holds bootstrap/ (the Python side every instance runs
// and the runtime probe asks), pyshim/ beside it, and dist/console (the console's page). The
// function sees the install root as RUNTIME_ROOT, as the cloud's runtime folder.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The install root, from src/install/, dist/install/ or the CLI bundle (dist/cli-bundle/: the same depth). */
export const INSTALL_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
export const BOOTSTRAP_MAIN = join(INSTALL_ROOT, 'bootstrap', 'main.py');
