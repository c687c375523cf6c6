// The invocation feed: the one place where every finished invocation the server ran (invoke API sync
// or async, gateway, console) is published, with its function, its source, the Invocation and its
// timing. The console's live list and charts, and the serve log, subscribe to it. It keeps no history:
// each subscriber keeps what it needs (the console keeps the last 1,000, trimmed).
import type { Invocation } from '../result/index.js';

/** Where an invocation came from. */
export type InvocationSource = 'invoke' | 'invoke-async' | 'gateway' | 'console';

export interface FeedEntry {
  /** Increases by one per published invocation, from 1. */
  seq: number;
  function: { name: string; urn: string };
  source: InvocationSource;
  invocation: Invocation;
  /** When the server handed the request to the function (before any queueing). */
  receivedAt: Date;
  /** When the Invocation was ready. */
  finishedAt: Date;
  /** Wall time from receivedAt to finishedAt in ms: queueing and a cold start included. */
  wallMs: number;
}

export type FeedListener = (entry: FeedEntry) => void;

export class InvocationFeed {
  private readonly listeners = new Set<FeedListener>();
  private seq = 0;

  // Publish one finished invocation to every subscriber; a failing subscriber never breaks another.
  publish(entry: Omit<FeedEntry, 'seq'>): FeedEntry {
    const full: FeedEntry = { seq: ++this.seq, ...entry };
    for (const listener of this.listeners) {
      try {
        listener(full);
      } catch {
        // a subscriber's failure is its own; the invocation already has its answer
      }
    }
    return full;
  }

  // Receive every invocation published from now on; returns the unsubscribe function.
  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
