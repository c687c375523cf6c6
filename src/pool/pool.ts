// The instances of one function: one request per instance at a time, idle instances reused
// before new ones start, requests queued (FIFO) when `maxInstances` are busy.
import type { Instance } from '../instance/index.js';

export interface Lease<W> {
  instance: Instance;
  /** The warm-up result when this request started the instance, null when it reused one. */
  warmUp: W | null;
}

export class Pool<W extends { ok: boolean; instance?: Instance }> {
  private readonly idle: Instance[] = [];
  private count = 0;
  private readonly waiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly maxInstances: number, private readonly start: (requestId: string) => Promise<W>) {}

  // An idle instance, or a newly started one (whose warm-up may have failed: then no instance).
  async acquire(requestId: string): Promise<{ lease: Lease<W> } | { failed: W }> {
    for (;;) {
      const instance = this.idle.pop();
      if (instance) {
        if (instance.state === 'idle') return { lease: { instance, warmUp: null } };
        this.count--;
        continue;
      }
      if (this.count < this.maxInstances) break;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.count++;
    const warm = await this.start(requestId);
    if (!warm.ok || !warm.instance) {
      this.count--;
      this.wake();
      return { failed: warm };
    }
    return { lease: { instance: warm.instance, warmUp: warm } };
  }

  // Give an instance back after its request: reused if healthy, retired otherwise.
  release(instance: Instance): void {
    if (instance.state === 'idle' && !this.closed) this.idle.push(instance);
    else {
      this.count--;
      instance.kill();
    }
    this.wake();
  }

  // Stop every idle instance; busy ones are killed as they are released.
  async close(): Promise<void> {
    this.closed = true;
    const idle = this.idle.splice(0);
    this.count -= idle.length;
    await Promise.all(idle.map((i) => i.stop()));
  }

  private wake(): void {
    this.waiters.shift()?.();
  }
}
