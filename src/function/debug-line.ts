// The one line that says where to attach a debugger (--debug-port), printed when one waits.
import type { DebugMessage } from '../protocol/index.js';
import type { DebugDuring } from '../instance/index.js';

// When it waits, as the line says it; and what it does to the function's timeout.
function when(during: DebugDuring): { at: string; timeout: string } {
  if (during === 'outside') return { at: 'outside a request (a thread the function started, between requests)', timeout: "no request's timeout waits for it" };
  const at = during === 'load' ? 'while the module loads' : `in request ${during.request}`;
  return { at, timeout: "the function's timeout waits while a debugger holds it" };
}

// "where to attach" for a `listening` message; null for hold/release.
export function debugLine(message: DebugMessage, during: DebugDuring): string | null {
  if (message.state !== 'listening') return null;
  const at = `127.0.0.1:${message.port}`;
  const { at: whenAt, timeout } = when(during);
  if (message.tool === 'debugpy') {
    return `fgrun: debugpy waits on ${at} ${whenAt}: attach your IDE there (VS Code: a "debugpy" attach configuration, pathMappings remoteRoot ${message.codeRoot}, docs/debugging.md); ${timeout}`;
  }
  const why = message.reason ? ` (${message.reason})` : '';
  return `fgrun: breakpoint ${whenAt}: pdb waits on ${at}, connect with \`fgrun debug attach ${message.port}\`${why}; ${timeout}`;
}
