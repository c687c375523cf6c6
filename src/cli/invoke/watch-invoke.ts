// `fgrun invoke --watch`: run the function, then again after every change to its code, until
// Ctrl-C. Each change retires the warm instances (see createWatchedFunction); runs never overlap.
import type { CreateOptions, FunctionHandle } from '../../function/index.js';
import { isFgrunError } from '../../errors.js';
import { createWatchedFunction, type WatchSource } from '../../watch/index.js';
import type { Io } from '../io.js';
import { watchingLine } from '../watch-line.js';

export interface WatchInvokeOptions {
  /** More paths to watch (the config file). */
  watch?: string[];
  /** Stops watching when aborted (tests, embedding); SIGINT and SIGTERM always do. */
  signal?: AbortSignal;
  /** How each version of the function is created (notices, debugger). */
  create?: CreateOptions;
}

// Run `run(handle)` now and after each change; resolves with 0 once stopped.
export async function watchInvoke(source: WatchSource, run: (handle: FunctionHandle) => Promise<number>, io: Io, options: WatchInvokeOptions = {}): Promise<number> {
  let chain = Promise.resolve();
  const runOnce = () => {
    chain = chain.then(() => run(handle)).then(() => {}, (error: unknown) => {
      io.stderr.write(`fgrun: ${isFgrunError(error) ? error.message : (error as Error)?.stack ?? String(error)}\n`);
    });
  };
  const handle = await createWatchedFunction(source, {
    ...options.create,
    watch: options.watch,
    onReload: ({ changed, error }) => {
      if (error) {
        io.stderr.write(`fgrun: ${changed.join(', ')} changed, but the new code cannot be loaded: ${(error as Error).message ?? error}\n`);
        return;
      }
      io.stderr.write(`\nfgrun: ${changed.join(', ') || 'code'} changed; running again with the new code\n`);
      runOnce();
    },
  });
  const stop = stopSignal(options.signal);
  try {
    io.stderr.write(`fgrun: ${watchingLine(handle)} (Ctrl-C to stop)\n`);
    runOnce();
    await chain;
    await stop.promise;
    io.stderr.write('fgrun: stopping\n');
    // Ctrl-C should not wait for a slow request: it is killed and answered as a crash.
    await handle.close({ mode: 'cancel' });
    await chain;
    return 0;
  } finally {
    stop.dispose();
  }
}

// Resolves on the first SIGINT/SIGTERM (or abort); a second signal exits at once.
function stopSignal(abort?: AbortSignal): { promise: Promise<void>; dispose: () => void } {
  let done: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    done = resolve;
  });
  const again = () => process.exit(130);
  const first = () => {
    process.off('SIGINT', first);
    process.off('SIGTERM', first);
    process.on('SIGINT', again);
    process.on('SIGTERM', again);
    done();
  };
  process.on('SIGINT', first);
  process.on('SIGTERM', first);
  abort?.addEventListener('abort', first, { once: true });
  return {
    promise,
    dispose: () => {
      for (const listener of [first, again]) {
        process.off('SIGINT', listener);
        process.off('SIGTERM', listener);
      }
    },
  };
}
