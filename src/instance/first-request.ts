// The request a cold start is for, written right behind init (Instance.start(first)): the interpreter
// reads it as soon as it has sent `ready`, instead of sleeping until the host has handled `ready` and
// sent it, and the host wakes once for both answers (docs/protocol.md, "The first request").
// Its operation begins when the start completes, that is once `ready` and the start's log (up to its
// fence) are both in. What the interpreter sends for the request before then (context calls, its
// result, its log's fence: the log pipe and the protocol socket are read apart) is held here and
// replayed in order. Its live output (after the start's fence) is held until the caller's run()
// claims it, so a caller that streams the log writes its preamble and Start line first; its outcome
// waits here too when it ends before the claim.
import type { CallMessage, ResultMessage } from '../protocol/index.js';
import { kept, type Outcome } from './outcomes.js';

/** The request an instance starts for, when its invoke may go right behind init (function/warm-up.ts). */
export interface FirstRequest {
  id: string;
  event: Buffer | string;
}

type Settle = (outcome: Outcome<ResultMessage>) => void;

export class PipelinedRequest {
  /** Whether its operation has begun (the start completed with `ready`). */
  begun = false;
  /** What came for it before its operation began, in order; payloads copied (a frame's is lent). */
  readonly held: Array<{ message: CallMessage | ResultMessage; payload: Buffer | null }> = [];
  /** Its log, when its fence came before its operation began. */
  log: string | null = null;
  /** Its live output until it is claimed: held from the start's fence on (null before). */
  output: Buffer[] | null = null;
  private outcome: Outcome<ResultMessage> | null = null;
  private settle: Settle | null = null;
  /** The outcome, copied out of the instance's reused record, when it ends before it is claimed. */
  private readonly keep = kept<ResultMessage>((outcome) => {
    this.outcome = outcome;
  });

  constructor(readonly id: string) {}

  hold(message: CallMessage | ResultMessage, payload: Buffer | null, lent: boolean): void {
    this.held.push({ message, payload: lent && payload !== null ? Buffer.from(payload) : payload });
  }

  // Its operation ended: to the caller when it has claimed it, else kept until it does.
  settled(outcome: Outcome<ResultMessage>): void {
    if (this.settle !== null) this.settle(outcome);
    else this.keep(outcome);
  }

  // The caller's run() for it: `onOutput` gets the output so far, `settle` the outcome now if it is
  // in, else when it ends.
  claim(settle: Settle, onOutput: ((chunk: Buffer) => void) | undefined): void {
    const output = this.output ?? [];
    this.output = null;
    if (onOutput !== undefined) for (const chunk of output) onOutput(chunk);
    const outcome = this.outcome;
    this.outcome = null;
    if (outcome !== null) settle(outcome);
    else this.settle = settle;
  }
}
