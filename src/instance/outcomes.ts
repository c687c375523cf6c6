// What one instance operation (start, initialize, invoke) ends in: exactly one of these.
import { ProtocolError } from '../errors.js';

export type Outcome<M> =
  | { kind: 'done'; message: M; payload: Buffer | null; log: string }
  | { kind: 'timeout'; log: string; peakKb: number }
  | { kind: 'oom'; log: string; peakKb: number; limitMb: number }
  | { kind: 'crash'; exitCode: number | null; signal: string | null; log: string; reason?: string }
  | { kind: 'protocol'; error: ProtocolError; log: string };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Why the host ended an operation (it killed the group); settled with the log once the process is gone. */
export type EndReason = DistributiveOmit<Exclude<Outcome<never>, { kind: 'done' }>, 'log'>;

// A protocol message that arrived when nothing was waiting for it.
export function unexpected(type: string): ProtocolError {
  return new ProtocolError(`unexpected ${type} message from the bootstrap`);
}

// A settle for a promise: a done outcome is copied out of the instance's record, which is reused,
// with its payload (possibly lent from the read buffer, instance.ts onFrame).
export function kept<M>(resolve: (outcome: Outcome<M>) => void): (outcome: Outcome<M>) => void {
  return (outcome) => resolve(outcome.kind === 'done' ? { ...outcome, payload: outcome.payload && Buffer.from(outcome.payload) } : outcome);
}
