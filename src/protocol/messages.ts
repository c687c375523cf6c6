// The host side of the fgrun protocol (the Python side is bootstrap/fgrun_protocol.py; same names).
//
//   host -> python (stdin)                        python -> host (stdout, private to the bootstrap)
//   init       {protocol, handler, initializer,    ready       {protocol, python, pid}
//               codeRoot, paths, fence,            fault       {target, stage, error}
//               subreaper, parentDeath, debugPort}
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
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

/** Error facts as the bootstrap reports them; the host turns them into FunctionGraph's error body. */
export const pythonErrorSchema = z.object({
  code: z.enum(['invocation', 'result-invalid', 'result-too-large', 'initialization']).optional(),
  type: z.string(),
  message: z.string(),
  stackTrace: z.array(z.string()),
});
export type PythonError = z.infer<typeof pythonErrorSchema>;

const measured = { durationMs: z.number().nonnegative(), maxRssKb: z.number().int().nonnegative() };

export const readySchema = z.object({ type: z.literal('ready'), protocol: z.number().int(), python: z.string(), pid: z.number().int() });
export const faultSchema = z.object({
  type: z.literal('fault'),
  target: z.enum(['handler', 'initializer']),
  stage: z.enum(['handler-format', 'import', 'syntax', 'not-found', 'protocol']),
  error: pythonErrorSchema,
});
export const initializedSchema = z.object({ type: z.literal('initialized'), id: z.string(), ok: z.boolean(), error: pythonErrorSchema.optional(), ...measured });
export const callSchema = z.object({ type: z.literal('call'), seq: z.number().int(), method: z.string(), args: z.array(z.unknown()) });
export const resultSchema = z.object({
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
export const debugSchema = z.object({
  type: z.literal('debug'),
  state: z.enum(['listening', 'hold', 'release']),
  tool: z.enum(['debugpy', 'pdb']),
  port: z.number().int(),
  /** The code folder as the function sees it: where an IDE's path mapping points (remoteRoot). */
  codeRoot: z.string(),
  /** Why pdb serves instead of debugpy. */
  reason: z.string().optional(),
});

/** Every message the Python side may send. */
export const pythonMessageSchema = z.discriminatedUnion('type', [readySchema, faultSchema, initializedSchema, callSchema, resultSchema, debugSchema]);
export type PythonMessage = z.infer<typeof pythonMessageSchema>;
export type ReadyMessage = z.infer<typeof readySchema>;
export type FaultMessage = z.infer<typeof faultSchema>;
export type InitializedMessage = z.infer<typeof initializedSchema>;
export type CallMessage = z.infer<typeof callSchema>;
export type ResultMessage = z.infer<typeof resultSchema>;
export type DebugMessage = z.infer<typeof debugSchema>;

/** Every message the host may send. */
export type HostMessage =
  | { type: 'init'; protocol: number; handler: string; initializer: string | null; codeRoot: string; paths: string[]; fence: string; subreaper: boolean; parentDeath: boolean; debugPort: number | null }
  | { type: 'initialize'; id: string }
  | { type: 'invoke'; id: string; size: number }
  | { type: 'reply'; seq: number; value: unknown }
  | { type: 'reply'; seq: number; error: string }
  | { type: 'shutdown' };
