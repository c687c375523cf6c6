// The journal of accepted async invocations: one JSON line per acceptance (with its event) and one
// per completion, appended to a file under the serve state folder before the 202 goes out. What was
// accepted and never completed (a shutdown past its grace period, a kill -9, a crash) is pending,
// and the next server with the same state folder runs it again (at least once, as the cloud keeps
// queued invocations). The file is rewritten with only the pending entries when it is opened and closed.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** The journal's file name inside the state folder. */
const JOURNAL_FILE = 'async-invocations.jsonl';

const lineSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('accept'), id: z.string(), urn: z.string(), event: z.string(), at: z.string() }),
  z.object({ op: z.literal('done'), id: z.string() }),
]);

export interface PendingInvocation {
  /** The request id the caller got with its 202 (kept when it runs again). */
  id: string;
  /** The function's URN as served. */
  urn: string;
  /** The request body, as received. */
  event: string;
  /** When it was accepted (ISO 8601). */
  at: string;
}

export class AsyncJournal {
  private fd: number | null = null;
  private readonly pending = new Map<string, PendingInvocation>();
  readonly file: string;

  // Read the journal of `stateDir` (none yet is an empty one); nothing is created until an acceptance.
  constructor(private readonly stateDir: string) {
    this.file = join(stateDir, JOURNAL_FILE);
    if (!existsSync(this.file)) return;
    for (const text of readFileSync(this.file, 'utf8').split('\n')) {
      if (text.trim() === '') continue;
      let parsed;
      try {
        parsed = lineSchema.safeParse(JSON.parse(text));
      } catch {
        continue; // a line torn by a kill while it was written
      }
      if (!parsed.success) continue;
      const line = parsed.data;
      if (line.op === 'accept') this.pending.set(line.id, { id: line.id, urn: line.urn, event: line.event, at: line.at });
      else this.pending.delete(line.id);
    }
    this.compact();
  }

  /** Invocations accepted and not completed. */
  get left(): PendingInvocation[] {
    return [...this.pending.values()];
  }

  // Record an acceptance before it is answered 202.
  accept(id: string, urn: string, event: string): void {
    const entry = { id, urn, event, at: new Date().toISOString() };
    this.pending.set(id, entry);
    this.append({ op: 'accept', ...entry });
  }

  // Record that an invocation ran to its end (whatever its outcome).
  done(id: string): void {
    if (!this.pending.delete(id)) return;
    this.append({ op: 'done', id });
  }

  // Keep only the pending entries on disk; the next acceptance reopens the file.
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.compact();
  }

  private append(line: z.infer<typeof lineSchema>): void {
    if (this.fd === null) {
      mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
      this.fd = openSync(this.file, 'a', 0o600);
    }
    writeSync(this.fd, JSON.stringify(line) + '\n');
  }

  private compact(): void {
    if (!existsSync(this.file)) return;
    const text = this.left.map((p) => JSON.stringify({ op: 'accept', ...p }) + '\n').join('');
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, text, { mode: 0o600 });
    renameSync(temp, this.file);
  }
}
