// The functions a server serves: one handle per function (plus one per X-Cff-Instance-Memory size
// asked for), looked up by URN for the invoke API and by name for the gateway. The instance limit is
// the function's, whatever the sizes: requests in flight across sizes share its slots, and an idle
// instance of one size is retired before another size starts one past the limit.
import { createFunction, type CloseOptions, type CreateOptions, type FunctionHandle, type LogPart } from '../function/index.js';
import type { PoolStats } from '../pool/index.js';
import { isMemorySize, MEMORY_SIZES, type FunctionConfigInput, type MemorySize } from '../config/index.js';
import { ConfigError } from '../errors.js';
import type { Invocation } from '../result/index.js';
import { ApiError } from './errors.js';
import { Slots } from './slots.js';
import { formatUrn, LOCAL_REGION, type FunctionUrn } from './fgs/urn.js';

/** Makes a function's handle: createFunction, or createWatchedFunction under --watch. */
export type HandleFactory = (config: FunctionConfigInput, options: CreateOptions) => Promise<FunctionHandle>;

export interface RegistryOptions extends CreateOptions {
  /** The most memory X-Cff-Instance-Memory may ask for, in MB. @default each function's own memory */
  maxMemory?: number;
}

export class ServedFunction {
  private readonly bySize = new Map<number, Promise<FunctionHandle>>();
  /** The handles created so far (one per memory size), for counting instances synchronously. */
  private readonly ready = new Set<FunctionHandle>();
  private readonly slots: Slots;

  constructor(readonly handle: FunctionHandle, private readonly options: RegistryOptions, private readonly make: HandleFactory = createFunction) {
    this.bySize.set(handle.config.memorySize, Promise.resolve(handle));
    this.ready.add(handle);
    this.slots = new Slots(handle.config.maxInstances);
  }

  /** What createFunction was given (the interpreter discovery environment), for a matrix of this function. */
  get createOptions(): CreateOptions {
    return this.options;
  }

  // Instances and requests right now, over every memory size's handle.
  stats(): PoolStats {
    const total: PoolStats = { instances: 0, idle: 0, busy: 0, starting: 0, queued: 0, started: 0, retired: 0, peakInstances: 0 };
    for (const handle of this.ready) {
      const s = handle.stats();
      for (const key of Object.keys(total) as (keyof PoolStats)[]) total[key] += s[key];
    }
    return total;
  }

  get config() {
    return this.handle.config;
  }

  /** The URN with the function's version, region "local". */
  get urn(): string {
    const c = this.config;
    return formatUrn({ region: LOCAL_REGION, projectId: c.projectId, package: c.package, name: c.name, qualifier: c.version });
  }

  // The memory a request runs with: the function's, or the size it asked for up to the ceiling
  // (--max-memory, else the function's own memory), else FSS.0400 naming both.
  memoryFor(requested: MemorySize | undefined): MemorySize {
    if (requested === undefined) return this.config.memorySize;
    const ceiling = this.options.maxMemory ?? this.config.memorySize;
    if (requested > ceiling) {
      const why = this.options.maxMemory === undefined ? `the function's memory of ${ceiling} MB` : `--max-memory ${ceiling}`;
      throw new ApiError('invalid-parameter', `X-Cff-Instance-Memory ${requested} is above ${why}; ask for at most ${ceiling} MB`);
    }
    return requested;
  }

  // Run one request, on an instance of `memorySize` MB when the caller asked for another size;
  // `onLog` receives the function's log output as it is written.
  async invoke(event: unknown, requestId: string, memorySize?: MemorySize, onLog?: (text: string, part: LogPart) => void): Promise<Invocation> {
    await this.slots.acquire();
    try {
      const handle = await this.handleFor(memorySize ?? this.config.memorySize);
      // Counting and starting happen in one tick, so two requests never both take the last slot.
      for (;;) {
        const other = this.idleElsewhere(handle);
        if (!other) return await handle.invoke(event, onLog ? { requestId, onLog } : { requestId });
        await other.retireIdle();
      }
    } finally {
      this.slots.release();
    }
  }

  // With every instance slot of the function taken and none idle in `handle`, an idle handle of
  // another size whose instance must go first (one is idle: requests in flight hold fewer slots).
  private idleElsewhere(handle: FunctionHandle): FunctionHandle | null {
    if (this.ready.size < 2 || handle.stats().idle > 0) return null;
    let alive = 0;
    for (const h of this.ready.values()) alive += h.stats().instances;
    if (alive < this.config.maxInstances) return null;
    return [...this.ready.values()].find((h) => h !== handle && h.stats().idle > 0) ?? null;
  }

  // The handle for a memory size, created on first use.
  private handleFor(memorySize: MemorySize): Promise<FunctionHandle> {
    let handle = this.bySize.get(memorySize);
    if (!handle) {
      handle = this.make({ ...this.config, memorySize }, this.options);
      handle.then((h) => this.ready.add(h), () => this.bySize.delete(memorySize));
      this.bySize.set(memorySize, handle);
    }
    return handle;
  }

  // Stop every instance of every memory size ('cancel' kills running requests, see CloseOptions).
  async close(options: CloseOptions = {}): Promise<void> {
    const handles = await Promise.allSettled([...this.bySize.values()]);
    await Promise.all(handles.map((h) => (h.status === 'fulfilled' ? h.value.close(options) : undefined)));
  }
}

// X-Cff-Instance-Memory as a memory size, or FSS.0400 naming the allowed sizes.
export function instanceMemory(value: string | undefined): MemorySize | undefined {
  if (value === undefined || value === '') return undefined;
  const size = Number(value);
  if (!isMemorySize(size)) {
    throw new ApiError('invalid-parameter', `X-Cff-Instance-Memory must be one of ${MEMORY_SIZES.join(', ')} (MB), got '${value}'`);
  }
  return size;
}

export class Registry {
  constructor(readonly functions: readonly ServedFunction[]) {
    const seen = new Set<string>();
    for (const f of functions) {
      if (seen.has(f.urn)) throw new ConfigError(`two served functions have the URN ${f.urn}: give them different names, packages or versions`, { field: 'name' });
      seen.add(f.urn);
    }
  }

  // Create every function's handle (runtime discovery and config checks happen here).
  static async create(configs: readonly FunctionConfigInput[], options: RegistryOptions = {}, make: HandleFactory = createFunction): Promise<Registry> {
    const created: ServedFunction[] = [];
    try {
      for (const [i, config] of configs.entries()) {
        // One debugger port per function: they may all stop at a breakpoint at once.
        const own = options.debugPort === undefined ? options : { ...options, debugPort: options.debugPort + i };
        created.push(new ServedFunction(await make(config, own), own, make));
      }
      return new Registry(created);
    } catch (error) {
      await Promise.all(created.map((f) => f.close()));
      throw error;
    }
  }

  // The function a URN names, or FSS.1051 / FSS.1052 / FSS.1053 saying what is served instead.
  resolve(urn: FunctionUrn): ServedFunction {
    const named = this.functions.filter((f) => f.config.projectId === urn.projectId && f.config.package === urn.package && f.config.name === urn.name);
    if (named.length === 0) {
      const served = this.functions.map((f) => f.urn).join(', ');
      throw new ApiError('function-not-found', `function ${urn.name} not found in package ${urn.package} of project ${urn.projectId}; fgrun serves: ${served}`);
    }
    const match = named.find((f) => f.config.version === urn.qualifier || (f.config.alias !== '' && f.config.alias === urn.qualifier));
    if (match) return match;
    const known = named.flatMap((f) => [f.config.version, f.config.alias]).filter((q) => q !== '').join(', ');
    const looksLikeVersion = urn.qualifier === 'latest' || /^v?\d/.test(urn.qualifier);
    throw new ApiError(looksLikeVersion ? 'version-not-found' : 'alias-not-found',
      `function ${urn.name} has no ${looksLikeVersion ? 'version' : 'alias'} '${urn.qualifier}'; served versions and aliases: ${known}`);
  }

  // The function the gateway path names (the first one served under that name).
  byName(name: string): ServedFunction | undefined {
    return this.functions.find((f) => f.config.name === name);
  }

  async close(options: CloseOptions = {}): Promise<void> {
    await Promise.all(this.functions.map((f) => f.close(options)));
  }
}
