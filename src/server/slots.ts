// A counting semaphore: at most `size` holders at once, the others wait in arrival order.
import { Fifo } from '../pool/fifo.js';

export class Slots {
  private used = 0;
  private readonly waiting = new Fifo<() => void>();

  constructor(private readonly size: number) {}

  // Resolves once a slot is held; give it back with release().
  acquire(): Promise<void> {
    if (this.used < this.size) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  // Hand the slot to the next waiter, or free it.
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }
}
