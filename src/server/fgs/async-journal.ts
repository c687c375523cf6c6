// The journal of accepted async invocations: one JSON line per acceptance (with its event) and one
// per completion, appended to a file under the serve state folder. What was accepted and never
// completed (a shutdown past its grace period, a kill -9, a crash) is pending, and the next server
// with the same state folder runs it again. The file is rewritten with only the pending entries when
// it is opened and closed. Failure cases (docs/server.md, "Async invocations"):
//   - an acceptance is written and fdatasync'ed before its 202: a 202 is durable. One that cannot be
//     written (ENOSPC) is truncated back to the last whole line and answered 503, never run: at most once;
//   - a completion that cannot be written is dropped: that invocation runs again after a kill -9 (at
//     least once); a clean stop rewrites the file without it;
//   - a line that cannot be run (torn, not an entry, an event that is not JSON) is moved to the
//     quarantine file beside the journal at start, named in `quarantined`, and the server starts.
import { appendFileSync, closeSync, existsSync, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseEvent } from '../body.js';
import { ApiError } from '../errors.js';

/** The journal's file name inside the state folder. */
const JOURNAL_FILE = 'async-invocations.jsonl';
/** Where lines that cannot be run are moved. */
const QUARANTINE_FILE = 'async-invocations.quarantine.jsonl';

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

/** A journal line moved to the quarantine file at start. */
export interface QuarantinedLine {
  /** 1-based line number in the journal. */
  line: number;
  why: string;
}

const errno = (error: unknown) => (error as NodeJS.ErrnoException)?.code ?? String(error);

// Why a journal line cannot be run, or its entry.
function readLine(text: string): z.infer<typeof lineSchema> | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'not JSON (torn by a kill or a full disk)';
  }
  const parsed = lineSchema.safeParse(json);
  if (!parsed.success) return 'not a journal entry';
  if (parsed.data.op === 'accept') {
    try {
      parseEvent(Buffer.from(parsed.data.event, 'utf8'));
    } catch {
      return `its event (request ${parsed.data.id}) is not JSON`;
    }
  }
  return parsed.data;
}

// fsync a folder (its entries), where the platform allows it.
function syncFolder(folder: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // not supported here (some file systems refuse fsync on a folder): the file's own sync stands
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

export class AsyncJournal {
  private fd: number | null = null;
  /** Bytes of whole lines in the file: a failed append is truncated back to this. */
  private size = 0;
  private readonly pending = new Map<string, PendingInvocation>();
  readonly file: string;
  readonly quarantineFile: string;
  /** Lines moved to the quarantine file when the journal was read. */
  readonly quarantined: QuarantinedLine[] = [];
  /** Completions that could not be written (those invocations would run again after a kill -9). */
  lostCompletions = 0;
  /** Why the last close() could not rewrite the file (it is then kept as it was), or null. */
  closeProblem: string | null = null;

  // Read the journal of `stateDir` (none yet is an empty one); nothing is created until an acceptance.
  constructor(private readonly stateDir: string) {
    this.file = join(stateDir, JOURNAL_FILE);
    this.quarantineFile = join(stateDir, QUARANTINE_FILE);
    if (!existsSync(this.file)) return;
    const bad: string[] = [];
    readFileSync(this.file, 'utf8').split('\n').forEach((text, i) => {
      if (text.trim() === '') return;
      const line = readLine(text);
      if (typeof line === 'string') {
        this.quarantined.push({ line: i + 1, why: line });
        bad.push(text + '\n');
      } else if (line.op === 'accept') {
        this.pending.set(line.id, { id: line.id, urn: line.urn, event: line.event, at: line.at });
      } else {
        this.pending.delete(line.id);
      }
    });
    if (bad.length) appendFileSync(this.quarantineFile, bad.join(''), { mode: 0o600 });
    this.compact();
  }

  /** Invocations accepted and not completed. */
  get left(): PendingInvocation[] {
    return [...this.pending.values()];
  }

  // Record an acceptance, durably, before it is answered 202; FSS.0503 when it cannot be written.
  accept(id: string, urn: string, event: string): void {
    const entry = { id, urn, event, at: new Date().toISOString() };
    try {
      this.append({ op: 'accept', ...entry });
    } catch (cause) {
      throw new ApiError('unavailable', `the async invocation was not accepted: its journal ${this.file} cannot be written (${errno(cause)}); free space in the --state-dir folder, then send it again`, { cause });
    }
    this.pending.set(id, entry);
  }

  // Record that an invocation ran to its end (whatever its outcome); a write failure is counted, not thrown.
  done(id: string): void {
    if (!this.pending.delete(id)) return;
    try {
      this.append({ op: 'done', id });
    } catch {
      this.lostCompletions++;
    }
  }

  // Keep only the pending entries on disk; the next acceptance reopens the file. Never throws: a
  // file that cannot be rewritten is kept as it is (whole lines), and `closeProblem` says why.
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    try {
      this.compact();
      this.closeProblem = null;
    } catch (cause) {
      this.closeProblem = `the async journal ${this.file} could not be rewritten (${errno(cause)}); it is kept as it is, and the next fgrun serve with this state folder reads it`;
    }
  }

  // Append one line, written whole and synced, or truncated back to the last whole line and thrown.
  private append(line: z.infer<typeof lineSchema>): void {
    const fd = this.open();
    const data = Buffer.from(JSON.stringify(line) + '\n');
    try {
      for (let at = 0; at < data.length;) at += writeSync(fd, data, at);
      fdatasyncSync(fd);
      this.size += data.length;
    } catch (error) {
      try {
        ftruncateSync(fd, this.size);
      } catch {
        // The next open() measures the file again; a torn tail is quarantined at the next start.
      }
      throw error;
    }
  }

  private open(): number {
    if (this.fd === null) {
      mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
      const created = !existsSync(this.file);
      this.fd = openSync(this.file, 'a', 0o600);
      this.size = fstatSync(this.fd).size;
      // A new file's name must be on disk too before a 202 depends on it.
      if (created) syncFolder(this.stateDir);
    }
    return this.fd;
  }

  // Rewrite the file with the pending entries only (through a temporary file, removed on failure).
  private compact(): void {
    if (!existsSync(this.file)) return;
    const text = this.left.map((p) => JSON.stringify({ op: 'accept', ...p }) + '\n').join('');
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, text, { mode: 0o600 });
      renameSync(temp, this.file);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
  }
}
