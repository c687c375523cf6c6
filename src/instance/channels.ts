// An instance's channels, wired to its handlers (instance.ts): the protocol's frames from fd 1 (the
// socket pair's reader, read below the stream, or the stdout pipe: protocol-socket.ts) into a
// FrameReader, the log (fd 2) into a LogCollector that splits it at the fences, and the
// interpreter's exit.
import type { ProtocolError } from '../errors.js';
import { FrameReader, type PythonMessage } from '../protocol/index.js';
import { LogCollector } from './log-collector.js';
import type { PythonProcess } from './process.js';
import type { ProtocolPair } from './protocol-socket.js';

export interface ChannelHandlers {
  /** A frame; `lent`: its payload is a view of the read buffer, valid only during the call. */
  onFrame: (message: PythonMessage, payload: Buffer | null, lent: boolean) => void;
  onProtocolError: (error: ProtocolError) => void;
  /** The protocol channel closed. */
  onProtocolEnd: () => void;
  /** A request's log is complete: its fence has arrived. */
  onFence: (id: string, log: string) => void;
  /** Log output as it arrives (for a caller that streams it). */
  onOutput: (chunk: Buffer) => void;
  onExit: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface Channels {
  reader: FrameReader;
  logs: LogCollector;
  /** Resolves once the interpreter has exited (after onExit). */
  exited: Promise<void>;
}

export function openChannels(proc: PythonProcess, pair: ProtocolPair | null, fence: string, on: ChannelHandlers): Channels {
  // The pair's chunks are views of one reused buffer: the reader copies what outlives a push and
  // lends a whole payload uncopied.
  const reused = pair !== null;
  const reader = new FrameReader(on.onFrame, on.onProtocolError, undefined, reused, reused);
  const logs = new LogCollector(fence, on.onFence);
  logs.onOutput = on.onOutput;
  if (pair !== null) pair.sink = (chunk) => reader.push(chunk);
  else proc.stdout.on('data', (chunk: Buffer) => reader.push(chunk));
  proc.stdout.once('end', on.onProtocolEnd);
  proc.stderr.on('data', (chunk: Buffer) => logs.push(chunk));
  // python-shell's unpiped stderr is paused: start it flowing into the collector.
  proc.stderr.resume();
  const exited = new Promise<void>((resolve) => {
    proc.child.once('exit', (code, signal) => { on.onExit(code, signal); resolve(); });
    proc.child.once('error', () => { on.onExit(null, null); resolve(); });
  });
  return { reader, logs, exited };
}
