// Imported by the commands that validate a few objects and exit (not `serve`): zod then checks
// without compiling a parser per schema first. That compilation pays off over many parses, not
// over one config: it was ~20% of `fgrun invoke`'s start-up (docs/performance.md). For the same
// reason their instances read the protocol from a stdout pipe, not a socket pair made per instance
// (instance/protocol-socket.ts; docs/performance.md, "CLI start").
import { config } from 'zod';
import { preferProtocolPipes } from '../instance/protocol-socket.js';

config({ jitless: true });
preferProtocolPipes();
