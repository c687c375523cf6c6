// Imported by the commands that validate a few objects and exit (not `serve`): zod then checks
// without compiling a parser per schema first. That compilation pays off over many parses, not
// over one config: it was ~20% of `fgrun invoke`'s start-up (docs/performance.md). For the same
// reason `invoke` and `matrix` create their functions `shortLived` (function/handle.ts).
import { config } from 'zod';

config({ jitless: true });
