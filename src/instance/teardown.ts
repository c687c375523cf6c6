// The teardown ladder (as tinypool and the MCP stdio transport do): a polite shutdown message,
// then stdin end and SIGTERM to the group, then SIGKILL, each rung after STOP_GRACE_MS.
// stdin stays open after the shutdown message: the bootstrap reads end-of-input as "the host is
// gone" and kills its group itself (bootstrap/main.py).
import { encodeMessage } from '../protocol/index.js';
import { STOP_GRACE_MS } from './lifecycle.js';
import { killGroup } from '../platform/index.js';
import { killProcess, type PythonProcess } from './process.js';

// Whether `exited` settles within `ms` (the timer does not keep the host alive).
function within(exited: Promise<void>, ms: number): Promise<boolean> {
  return Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
}

// Climb the ladder until the interpreter has exited.
export async function stopProcess(proc: PythonProcess, exited: Promise<void>): Promise<void> {
  if (proc.stdin.writable) proc.stdin.write(encodeMessage({ type: 'shutdown' }));
  if (await within(exited, STOP_GRACE_MS)) return;
  proc.stdin.end();
  killGroup(proc.pid, 'SIGTERM');
  if (await within(exited, STOP_GRACE_MS)) return;
  killProcess(proc);
  await exited;
}
