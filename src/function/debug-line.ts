// The one line that says where to attach a debugger (--debug-port), printed when one waits.
import type { DebugMessage } from '../protocol/index.js';

// "where to attach" for a `listening` message; null for hold/release.
export function debugLine(message: DebugMessage, requestId: string | null): string | null {
  if (message.state !== 'listening') return null;
  const at = `127.0.0.1:${message.port}`;
  const when = requestId === null ? 'while the module loads' : `in request ${requestId}`;
  if (message.tool === 'debugpy') {
    return `fgrun: debugpy waits on ${at} ${when}: attach your IDE there (VS Code: a "debugpy" attach configuration, pathMappings remoteRoot ${message.codeRoot}, docs/debugging.md); the function's timeout waits while a debugger holds it`;
  }
  const why = message.reason ? ` (${message.reason})` : '';
  return `fgrun: breakpoint ${when}: pdb waits on ${at}, connect with \`fgrun debug attach ${message.port}\` (or nc 127.0.0.1 ${message.port})${why}; the function's timeout waits while a debugger holds it`;
}
