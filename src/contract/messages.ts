// The fgrun protocol's messages, declared once: the host parses and types them with these schemas,
// and bootstrap/fgrun_contract.py (generated from them, contract/python.ts) gives the bootstrap the
// same message types and fields.
//
//   host -> python (stdin)                        python -> host (stdout, private to the bootstrap)
//   init       {protocol, handler, initializer,    ready       {protocol, python, pid}
//               codeRoot, paths, fence, debugPort, fault       {target, stage, error}
//               subreaper, parentDeath}
//   initialize {id}                                initialized {id, ok, error?, durationMs, maxRssKb}
//   invoke     {id, size} + <size bytes of event>  call        {seq, method, args}
//   reply      {seq, value | error}                result      {id, ok, kind?, size?, error?,
//   shutdown   {}                                               durationMs, maxRssKb, fenced?} + <size bytes>
//                                                  debug       {state, tool, port, codeRoot, reason?}
//
// One JSON object per line, ASCII only; a message with `size` is followed by that many raw bytes
// and a newline. The log travels on stderr, fenced after each request by "\0fgrun:<fence>:<id>\n"
// (the id as a JSON string: ASCII and one line whatever the request id), except after an invoke
// whose log the host had already read in full when it ended (`fenced: false`).
//
// The schemas are built on first use (z.lazy, each union once), or by preparePythonSchemas() while
// the host waits for an interpreter to start: built at import they cost a one-shot command ~5 ms
// before its interpreter could start (docs/performance.md, "Issue 22, fourth pass").
import { z } from 'zod';
import { FAULT_STAGES, PYTHON_ERROR_CODES } from './errors.js';

export const PROTOCOL_VERSION = 4;

// The Python side's messages, built once on first use.
function pythonSchemas() {
  /** Error facts as the bootstrap reports them; the host turns them into FunctionGraph's error body. */
  const pythonErrorSchema = z.object({
    code: z.enum(PYTHON_ERROR_CODES).optional(),
    type: z.string(),
    message: z.string(),
    stackTrace: z.array(z.string()),
  });
  const measured = { durationMs: z.number().nonnegative(), maxRssKb: z.number().int().nonnegative() };
  /** `mapped`: the bootstrap maps the channel the host offered in init's `map` (absent: it does not). */
  const ready = z.object({ type: z.literal('ready'), protocol: z.number().int(), python: z.string(), pid: z.number().int(), mapped: z.boolean().optional() });
  const fault = z.object({
    type: z.literal('fault'),
    target: z.enum(['handler', 'initializer']),
    stage: z.enum(FAULT_STAGES),
    error: pythonErrorSchema,
  });
  const initialized = z.object({ type: z.literal('initialized'), id: z.string(), ok: z.boolean(), error: pythonErrorSchema.optional(), ...measured });
  const call = z.object({ type: z.literal('call'), seq: z.number().int(), method: z.string(), args: z.array(z.unknown()) });
  const result = z.object({
    type: z.literal('result'),
    id: z.string(),
    ok: z.boolean(),
    kind: z.enum(['none', 'str', 'json']).optional(),
    size: z.number().int().nonnegative().optional(),
    error: pythonErrorSchema.optional(),
    /** false: no fence follows, the host has already read this request's whole log (absent: fenced). */
    fenced: z.boolean().optional(),
    ...measured,
  });
  /** A debugger (--debug-port) waits for a client or holds the function ('listening' holds too), or let it go. */
  const debug = z.object({
    type: z.literal('debug'),
    state: z.enum(['listening', 'hold', 'release']),
    tool: z.enum(['debugpy', 'pdb']),
    port: z.number().int(),
    /** The code folder as the function sees it: where an IDE's path mapping points (remoteRoot). */
    codeRoot: z.string(),
    /** Why pdb serves instead of debugpy. */
    reason: z.string().optional(),
  });
  /** A result waits in the mapped channel and the host had said it sleeps (docs/protocol.md, "The mapped channel"). */
  const bell = z.object({ type: z.literal('bell') });
  return { result, all: z.discriminatedUnion('type', [ready, fault, initialized, call, result, debug, bell]) };
}

// The host's messages (the bootstrap checks them against its own table).
function hostSchemas() {
  return z.discriminatedUnion('type', [
    z.object({
      type: z.literal('init'), protocol: z.number().int(), handler: z.string(), initializer: z.string().nullable(), codeRoot: z.string(), paths: z.array(z.string()),
      fence: z.string(), debugPort: z.number().int().nullable(), subreaper: z.boolean(), parentDeath: z.boolean(),
      /** The context's answers that never change (contract/context-methods.ts AHEAD_METHODS), by method. */
      answers: z.record(z.string(), z.unknown()),
      /** getUserData's variables. */
      userData: z.record(z.string(), z.string()),
      /** The handler's and the initializer's timeouts, seconds (getRunningTimeInSeconds). */
      timeouts: z.object({ handler: z.number().int(), initializer: z.number().int() }),
      /** Top-level module -> the sentence an ImportError of it gets: a bundled library the layer lacks (bundled/layer.ts). */
      importHints: z.record(z.string(), z.string()),
      /** The mapped channel the host offers on fd 3 (docs/protocol.md), proved by the token it wrote at
       * MAPPED_CHANNEL.token; absent: none is offered. */
      map: z.object({ fd: z.number().int(), token: z.string() }).optional(),
    }),
    /** `timeoutMs`: the time the request has, from the frame's arrival (getRemainingTimeInMilliSeconds). */
    z.object({ type: z.literal('initialize'), id: z.string(), timeoutMs: z.number().int().nonnegative() }),
    /** `linger`: after its result, poll for the next request a moment before blocking (bootstrap/fgrun_linger.py): the host
     * says so while this is the only operation it has running (memory-watch.ts soleWorker). */
    z.object({ type: z.literal('invoke'), id: z.string(), size: z.number().int().nonnegative(), timeoutMs: z.number().int().nonnegative(), linger: z.boolean().optional() }),
    z.object({ type: z.literal('reply'), seq: z.number().int(), value: z.unknown().optional(), error: z.string().optional() }),
    z.object({ type: z.literal('shutdown') }),
    /** An invoke waits in the mapped channel and the bootstrap had said it sleeps. */
    z.object({ type: z.literal('bell') }),
  ]);
}

/** How long either side stays awake for the other's answer while an invoke lingers (the frame's
 * `linger`), µs: the bootstrap polls its input this long after a result (bootstrap/fgrun_linger.py),
 * the host keeps its event loop turning this long for the answer (src/instance/linger.ts). */
export const LINGER_WINDOW_US = 100;

/** How long a side stays awake, µs, for an answer it knows will be slow because the other side was
 * asleep (its CPU's wake-up and a cold first turn: 150-400 µs measured), while the caller keeps the
 * instance busy: the host after it had to wake the bootstrap for an invoke, the bootstrap after its
 * result found the host asleep. Falling asleep at LINGER_WINDOW_US instead makes the next exchange
 * slow too, request after request (docs/performance.md, "Issue 22, tenth pass"). */
export const LINGER_RECOVER_US = 500;

/** Two invokes (the host) or two results (the bootstrap) less than this apart, µs, are a caller that
 * keeps the instance busy: the bootstrap starts lingering, and either side may wait LINGER_RECOVER_US. */
export const LINGER_BUSY_US = 1000;

/** The mapped channel (docs/protocol.md): a tmpfs file both sides map or read at fixed offsets, through
 * which a lingering invoke and its result travel without a socket. Offsets in bytes; each sequence
 * number is a little-endian uint32, each awake flag one byte (1: spinning, reads the map; 0: asleep,
 * ring its bell). Each region (`regionBytes`) holds one frame in binary, all numbers little-endian:
 * - the request, written at the region's end, its number last: the request's sequence number in the
 *   region's last 4 bytes (`requestSeq`), just before it a head of `requestHead` bytes at the fixed
 *   offset requestSeq - requestHead: the event's length (uint32 at 0), `timeoutMs` (uint32 at 4), the
 *   id's UTF-8 length (uint16 at 8), 0 (uint16 at 10); just before the head the event, and before the
 *   event the id: the frame starts at requestSeq - requestHead - the event's length - the id's. One
 *   write of the host's carries the frame and its number (src/instance/mapped-channel.ts send());
 * - the result, a head of `resultHead` bytes: the body's length (uint32 at 0), the sequence number of
 *   the request it answers (uint32 at 4), `durationMs` (float64 at 8), `maxRssKb` (uint32 at 16),
 *   `kind` (uint8 at 20: the index in `resultKinds`), `fenced` (uint8 at 21: 1 or 0), then the body;
 *   its sequence number at `resultSeq`.
 * Only a success goes this way; its fields are a `result` message's. Protocol 4 moved the request's
 * number from 0 to its region's end: a host and a bootstrap of other versions refuse each other. */
export const MAPPED_CHANNEL = {
  bytes: 135168,
  requestSeq: 69628,
  resultSeq: 64,
  pythonAwake: 128,
  hostAwake: 192,
  token: 256,
  request: 4096,
  result: 69632,
  regionBytes: 65536,
  requestHead: 12,
  resultHead: 24,
  resultKinds: ['none', 'str', 'json'],
} as const;

// `build` called once, on first use.
function once<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}

const python = once(pythonSchemas);

/** Build the Python side's schemas now, and check one message (zod sets a union up on its first
 * check): called while the host waits for an interpreter's start, instead of when `ready` comes. */
export function preparePythonSchemas(): void {
  python().all.safeParse({ type: 'ready', protocol: PROTOCOL_VERSION, python: '', pid: 0 });
}

/** Every message the Python side may send. */
export const pythonMessageSchema = z.lazy(() => python().all);
export const resultSchema = z.lazy(() => python().result);
/** Every message the host may send (the bootstrap checks them against its own table). */
export const hostMessageSchema = z.lazy(once(hostSchemas));

type Python = z.infer<ReturnType<typeof pythonSchemas>['all']>;
export type PythonMessage = z.infer<typeof pythonMessageSchema>;
export type ReadyMessage = Extract<Python, { type: 'ready' }>;
export type FaultMessage = Extract<Python, { type: 'fault' }>;
export type InitializedMessage = Extract<Python, { type: 'initialized' }>;
export type CallMessage = Extract<Python, { type: 'call' }>;
export type ResultMessage = z.infer<typeof resultSchema>;
export type DebugMessage = Extract<Python, { type: 'debug' }>;
export type HostMessage = z.infer<typeof hostMessageSchema>;
