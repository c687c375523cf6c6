// `fgrun serve`'s log: every line a function writes, streamed as written with its function and
// request, and one line per request, on stderr (--quiet: request lines only) and, with --log-file,
// as JSON lines through winston's file transport.
import { closeSync, openSync } from 'node:fs';
import type { Logger } from 'winston';
import { ConfigError } from '../../errors.js';
import { loadFailureReport } from '../../function/index.js';
import { redact } from '../../log.js';
import { reportFor, type FeedEvent, type InvocationFeed, type InvocationFinished, type RequestRecord } from '../../server/index.js';
import { httpLine, invocationLine, linePrefix, type LinePainter } from './serve-lines.js';

export interface ServeLogOptions {
  /** Request lines only, no function output. */
  quiet: boolean;
  paint: LinePainter;
  write: (text: string) => void;
  /** A file to append JSON lines to. */
  logFile?: string | undefined;
}

export interface ServeLog {
  onRequest(record: RequestRecord): void;
  /** Stop listening and flush the log file. */
  close(): Promise<void>;
}

/** One JSON line of --log-file. */
type FileRecord = Record<string, string | number | boolean | null>;

// The JSON record of a finished request (and the invocation it ran, if any).
function requestRecord(record: RequestRecord | null, finished: InvocationFinished | undefined): FileRecord {
  const out: FileRecord = { time: new Date().toISOString(), type: 'request' };
  if (finished) Object.assign(out, { function: finished.function.name, source: finished.source });
  out.requestId = record?.requestId ?? finished!.requestId;
  if (record) Object.assign(out, { method: record.method, path: record.path, httpStatus: record.status, elapsedMs: round(record.durationMs) });
  if (finished) {
    const { invocation } = finished;
    const s = invocation.summary;
    Object.assign(out, {
      status: invocation.status, errorCode: reportFor(invocation).funcErrCode,
      durationMs: s.durationMs, billedDurationMs: s.billedDurationMs, memoryUsedMb: s.maxMemoryUsedMb, memorySizeMb: s.memorySizeMb,
      coldStart: s.coldStart, initDurationMs: s.initDurationMs,
    });
    if (!record) out.elapsedMs = round(finished.elapsedMs);
  }
  return out;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

// A winston logger that appends one JSON line per record; refuses a file it cannot write (exit 2).
async function fileLogger(file: string): Promise<{ logger: Logger; closed: Promise<void> }> {
  try {
    closeSync(openSync(file, 'a'));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new ConfigError(`--log-file ${file}: cannot write to it (${code}); give a path in a folder you can write to`, { field: '--log-file', file, cause });
  }
  const { default: winston } = await import('winston');
  const transport = new winston.transports.File({ filename: file, format: winston.format.printf((info) => String(info.message)) });
  const logger = winston.createLogger({ level: 'info', transports: [transport] });
  const closed = new Promise<void>((resolve) => transport.once('finish', () => resolve()));
  return { logger, closed };
}

// Listen on the feed; write to stderr (and the file) until close().
export async function startServeLog(feed: InvocationFeed, options: ServeLogOptions): Promise<ServeLog> {
  const { paint, write, quiet } = options;
  const file = options.logFile ? await fileLogger(options.logFile) : null;
  const toFile = (record: FileRecord) => file?.logger.info(redact(JSON.stringify(record)));
  /** The unfinished last line of each running request's output. */
  const partial = new Map<string, string>();

  const line = (event: FeedEvent, text: string) => {
    if (!quiet) write(linePrefix(event.function.name, event.requestId, paint) + redact(text) + '\n');
    toFile({ time: new Date().toISOString(), type: 'log', function: event.function.name, source: event.source, requestId: event.requestId, line: text });
  };
  const unsubscribe = feed.subscribe((event) => {
    // The Start/Finish frame of each request's log is what its request line says already.
    if (event.type === 'log' && event.part === 'output') {
      const lines = ((partial.get(event.requestId) ?? '') + event.text).split('\n');
      const rest = lines.pop()!;
      for (const text of lines) line(event, text);
      if (rest === '') partial.delete(event.requestId);
      else partial.set(event.requestId, rest);
    } else if (event.type === 'finish') {
      const rest = partial.get(event.requestId);
      partial.delete(event.requestId);
      if (rest !== undefined) line(event, rest);
      const why = quiet ? null : loadFailureReport(event.invocation, event.function.config);
      if (why) write(why.map((text) => linePrefix(event.function.name, event.requestId, paint) + text + '\n').join(''));
      // An async invocation's HTTP request was answered (202) long ago: its line is printed now.
      if (event.source === 'invoke-async') {
        write(invocationLine(event, paint) + '\n');
        toFile(requestRecord(null, event));
      }
    }
  });
  return {
    onRequest(record) {
      write((record.invocation ? invocationLine(record.invocation, paint, record) : httpLine(record)) + '\n');
      toFile(requestRecord(record, record.invocation));
    },
    async close() {
      unsubscribe();
      if (!file) return;
      file.logger.end();
      await file.closed;
    },
  };
}
