// No interpreter outlives the host: every process group fgrun started is killed when the host exits
// or is interrupted. Signals follow signal-exit's rule (as execa's `cleanup` does): when fgrun's
// listener is the only one for SIGINT/SIGTERM/SIGHUP, it kills the groups and re-raises the signal so
// the host still dies the default way (exit status 128+n); when the application handles the signal
// itself, fgrun leaves it alone and the 'exit' hook still cleans up. A SIGKILLed host cannot run
// anything: the bootstrap's watchdog (bootstrap/fgrun_watchdog.py) covers that case.

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;

// Install the exit and signal hooks once; `killAll` kills every live group synchronously.
export function installHostExitHooks(killAll: () => void): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      if (process.listenerCount(signal) > 1) return;
      killAll();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
