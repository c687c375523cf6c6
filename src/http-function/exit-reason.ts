// How an HTTP function's server that exited is described in the crash answer: the relay's status
// (null: killed), and for a start, the last lines the bootstrap wrote.

/** How many of the bootstrap's last output lines a start failure quotes. */
const TAIL_LINES = 10;

export function exitReason(starting: boolean, status: number | null, log: string): string {
  const what = status === null ? 'the HTTP function\'s server was killed' : `the bootstrap exited with status ${status}`;
  return starting ? `${what} before it listened on 127.0.0.1:8000${tail(log)}` : `${what} while it handled the request`;
}

// ": last lines..." of a start's output, for the error.
function tail(log: string): string {
  const lines = log.split('\n').map((l) => l.trimEnd()).filter((l) => l.length > 0);
  if (lines.length === 0) return ' (it wrote nothing)';
  return `; its last output: ${lines.slice(-TAIL_LINES).join(' | ')}`;
}
