// Clean-ups that must run however the host ends: on `exit`, and on SIGINT/SIGTERM/SIGHUP. Signals
// follow signal-exit's rule (as execa's `cleanup` does): when fgrun's listener is the only one for
// the signal, it runs every clean-up and re-raises the signal, so the host still dies the default
// way (exit status 128+n); when the application handles the signal itself, fgrun leaves it alone
// and the `exit` hook still cleans up. A SIGKILLed host cannot run anything: the reaper process
// covers that case (reaper.ts). Clean-ups run in phase order: kill the function processes first,
// then remove what they may still be reading (unpacked packages).

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type ExitPhase = 'kill' | 'remove';
const cleanups: Record<ExitPhase, Set<() => void>> = { kill: new Set(), remove: new Set() };
let installed = false;

// Run `cleanup` (synchronous) when the host exits or dies of a signal; returns its removal.
export function onHostExit(phase: ExitPhase, cleanup: () => void): () => void {
  install();
  cleanups[phase].add(cleanup);
  return () => cleanups[phase].delete(cleanup);
}

function runAll(): void {
  for (const phase of ['kill', 'remove'] as const) {
    for (const cleanup of [...cleanups[phase]]) {
      try {
        cleanup();
      } catch {
        // a clean-up must not stop the others
      }
    }
  }
}

// Install the exit and signal hooks once.
function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      if (process.listenerCount(signal) > 1) return;
      runAll();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
