// The test, as a command line: `fgrun invoke` with the function's flags, or curl to the invoke API.
import type { FunctionView } from './types.js';

// One shell word, single-quoted unless it is plainly safe.
function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

// A compact one-line form of the event (the editor's text when it is not JSON).
function compact(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

export function invokeCommand(fn: FunctionView, eventText: string): string {
  const words = ['fgrun', 'invoke', fn.code, ...fn.invokeFlags, '--event', compact(eventText)];
  return words.map(shellQuote).join(' ');
}

export function curlCommand(fn: FunctionView, eventText: string, authEnabled: boolean): string {
  const words = ['curl', '-s', '-X', 'POST', fn.invokeUrl, '-H', 'Content-Type: application/json', '-H', 'X-Cff-Log-Type: tail', '-H', 'X-CFF-Request-Version: v1'];
  const line = words.map(shellQuote).join(' ');
  const auth = authEnabled ? ' -H "X-Auth-Token: $FGRUN_SERVE_TOKEN"' : '';
  return `${line}${auth} -d ${shellQuote(compact(eventText))}`;
}
