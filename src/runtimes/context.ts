// What the probes of one public call share: the caller's environment, the probe environment, the caches.

import { cacheFilePath, DiskCache } from './disk-cache.js';
import type { ProbeContext } from './cached-probe.js';
import { probeEnv } from './probe.js';
import type { DiscoverOptions } from './types.js';

export interface CallContext {
  env: NodeJS.ProcessEnv;
  probe: ProbeContext;
  /** Saves what this call learned to the on-disk cache; never throws. */
  flush(): Promise<void>;
}

// Builds the context from the options: env defaults to process.env, caching defaults to on.
export function createCallContext(options: DiscoverOptions = {}): CallContext {
  const env = options.env ?? process.env;
  const useCache = options.cache ?? true;
  const file = useCache ? cacheFilePath(env) : null;
  const disk = file === null ? null : new DiskCache(file);
  return {
    env,
    probe: { probeEnv: probeEnv(env), disk, memory: useCache },
    flush: async () => {
      await disk?.flush();
    },
  };
}
