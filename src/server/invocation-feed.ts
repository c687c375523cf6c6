// The invocation feed: every invocation the server runs, whatever asked for it (the invoke API,
// sync or async, the gateway, the console), published as it starts, as its function writes log
// output, and when it finishes. `fgrun serve`'s log lines and --log-file read it; so can the console.
import type { ResolvedConfig } from '../config/index.js';
import type { LogPart } from '../function/index.js';
import type { Invocation } from '../result/index.js';

/** What asked for the invocation. */
export type InvocationSource = 'invoke' | 'invoke-async' | 'gateway' | 'console';

/** The served function an event is about. */
export interface FeedFunction {
  name: string;
  urn: string;
  config: ResolvedConfig;
}

interface FeedEventBase {
  function: FeedFunction;
  source: InvocationSource;
  requestId: string;
}

interface InvocationStarted extends FeedEventBase {
  type: 'start';
  startedAt: Date;
}

/** Log output as the function writes it: a chunk, not necessarily whole lines. */
interface InvocationLog extends FeedEventBase {
  type: 'log';
  text: string;
  /** FunctionGraph's Start/Finish line, or the function's own output. */
  part: LogPart;
}

export interface InvocationFinished extends FeedEventBase {
  type: 'finish';
  invocation: Invocation;
  startedAt: Date;
  /** From the request reaching the function to its answer (queueing and cold start included), ms. */
  elapsedMs: number;
}

export type FeedEvent = InvocationStarted | InvocationLog | InvocationFinished;

export interface SubscribeOptions {
  /** Whether the listener wants 'log' events. @default true */
  logs?: boolean;
}

export class InvocationFeed {
  private readonly listeners = new Set<(event: FeedEvent) => void>();
  /** The listeners that take 'log' events (the console, always listening, does not). */
  private readonly logListeners = new Set<(event: FeedEvent) => void>();

  /** Whether anyone listens to log output (invocations skip the live log hook when nobody does). */
  get active(): boolean {
    return this.logListeners.size > 0;
  }

  // Call `listener` with every event from now on ('log' ones unless `logs: false`); returns the unsubscribe function.
  subscribe(listener: (event: FeedEvent) => void, options: SubscribeOptions = {}): () => void {
    this.listeners.add(listener);
    if (options.logs !== false) this.logListeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      this.logListeners.delete(listener);
    };
  }

  // Deliver an event to every listener; a listener that throws cannot break an invocation.
  publish(event: FeedEvent): void {
    for (const listener of event.type === 'log' ? this.logListeners : this.listeners) {
      try {
        listener(event);
      } catch {
        // ignored on purpose: the invocation's answer does not depend on who watches it
      }
    }
  }
}
