// createWatchedFunction(): a FunctionHandle whose code is watched. When the code folder, a .zip, a
// dependency or another watched file (the config file) changes, the function is re-created from the
// new code and the old one is closed: its idle instances stop at once and busy ones when their
// request ends, so the next request loads the new code, while requests between changes keep
// reusing warm instances as before.
import { createFunction, type CloseOptions, type CreateOptions, type FunctionHandle } from '../function/index.js';
import type { FunctionConfigInput } from '../config/index.js';
import { watchPaths, type PathWatcher } from './watch-paths.js';

export interface ReloadEvent {
  /** The changed files (absolute paths). */
  changed: string[];
  /** Set when the new code could not be loaded; the previous code keeps serving. */
  error?: unknown;
}

export interface WatchOptions extends CreateOptions {
  /** More files or folders whose changes reload the function (e.g. the config file). */
  watch?: string[];
  /** Called after each reload (or failed reload). */
  onReload?: (event: ReloadEvent) => void;
  /** Quiet time after the last change before reloading, ms. @default 150 */
  debounceMs?: number;
}

export interface WatchedFunction extends FunctionHandle {
  /** How many times the code was reloaded. */
  readonly reloads: number;
  /** The files and folders being watched. */
  readonly watching: string[];
  /** The files under them that a change to reloads (ignored ones left out), absolute and sorted. */
  watchedFiles(): string[];
  /** Re-create the function from its code now (what a change does). */
  reload(changed?: string[]): Promise<void>;
}

/** A config, or a function that reads it again (from a config file) on every reload. */
export type WatchSource = FunctionConfigInput | (() => Promise<FunctionConfigInput>);

// Create the function from `source` (folders or .zip packages) and reload it whenever its code changes.
export async function createWatchedFunction(source: WatchSource, options: WatchOptions = {}): Promise<WatchedFunction> {
  const { watch: extra = [], onReload, debounceMs, ...createOptions } = options;
  const read = typeof source === 'function' ? source : async () => source;
  const pathsOf = (input: FunctionConfigInput) => [input.code, ...(input.dependencies ?? []), ...extra];
  let input = await read();
  let current = await createFunction(input, createOptions);
  let reloads = 0;
  let closed = false;
  let queue = Promise.resolve();
  let watching = pathsOf(input);
  let watcher: PathWatcher;
  const onChange = (files: string[]) => void reload(files);

  // Swap in a handle built from the current code; failures leave the previous one serving.
  const reload = (changed: string[] = []): Promise<void> => {
    queue = queue.then(async () => {
      if (closed) return;
      let next: FunctionHandle;
      try {
        input = await read();
        next = await createFunction(input, createOptions);
      } catch (error) {
        onReload?.({ changed, error });
        return;
      }
      const previous = current;
      current = next;
      reloads++;
      // The config may now name other code: watch what it names.
      const paths = pathsOf(input);
      if (paths.join('\0') !== watching.join('\0')) {
        await watcher.close();
        watching = paths;
        watcher = await watchPaths(watching, onChange, { debounceMs });
      }
      await previous.close();
      onReload?.({ changed });
    });
    return queue;
  };

  try {
    watcher = await watchPaths(watching, onChange, { debounceMs });
  } catch (error) {
    await current.close();
    throw error;
  }
  const own: Partial<Record<PropertyKey, unknown>> = {
    reload,
    watchedFiles: () => watcher.files(),
    close: async (closeOptions?: CloseOptions) => {
      closed = true;
      // After the queue: a reload under way may have swapped the watcher.
      await queue;
      await watcher.close();
      await current.close(closeOptions);
    },
  };
  // Everything else (invoke, config, runtime, and whatever FunctionHandle gains) is the current handle's.
  return new Proxy(own, {
    get(target, prop) {
      if (prop === 'reloads') return reloads;
      if (prop === 'watching') return [...watching];
      if (prop in target) return target[prop];
      const value = Reflect.get(current, prop) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
    has(target, prop) {
      return prop === 'reloads' || prop === 'watching' || prop in target || prop in current;
    },
  }) as unknown as WatchedFunction;
}
