// What an Instance is started with (the function's resolved config, its interpreter, and the
// debugger, sandbox and import hints a front end may add), and the frames made from it alone.
import { aheadAnswers, answerContextCall, UnknownContextMethodError, type RequestScope } from '../context.js';
import type { ResolvedConfig } from '../config/index.js';
import { encodeMessage, PROTOCOL_VERSION, type CallMessage, type DebugMessage } from '../protocol/index.js';
import type { RuntimeInfo } from '../runtimes/index.js';
import type { SandboxLayout } from '../sandbox/index.js';
import type { ProtocolPair } from './protocol-socket.js';
import { MAP_FD, type MapOffer } from './mapped-channel.js';

/**
 * When a debugger's message came: in a request (its id), while the module loads (the start), or
 * outside any operation (a thread the function started reached a breakpoint between requests).
 */
export type DebugDuring = { request: string } | 'load' | 'outside';

export interface InstanceOptions {
  config: ResolvedConfig;
  runtime: RuntimeInfo;
  startTimeoutMs?: number;
  /** Serve a debugger on 127.0.0.1:port (docs/debugging.md). */
  debugPort?: number;
  /** A debugger waits for a client, holds the function or lets it go, during `during`. */
  onDebug?: (message: DebugMessage, during: DebugDuring) => void;
  /** Run in this sandbox (--sandbox, docs/sandbox.md). */
  sandbox?: SandboxLayout;
  /** Top-level module -> the sentence its ImportError gets (bundled libraries the layer lacks). */
  importHints?: Record<string, string>;
  /** The protocol read through a socket pair (protocol-socket.ts); without one, through a stdout pipe. */
  protocol?: ProtocolPair | null;
  /** Offer the mapped channel (mapped-channel.ts) where the host can: with a socket pair, without a
   * debugger, on x86-64 Linux with a tmpfs /dev/shm, unless FGRUN_MAPPED_CHANNEL=0. @default true */
  mapped?: boolean;
}

// The init frame: what the bootstrap loads, how it contains itself, and the context's answers ahead.
export function initFrame(options: InstanceOptions, fence: string, containment: { subreaper: boolean; parentDeath: boolean }, map: MapOffer | null = null): string {
  const { config } = options;
  return encodeMessage({
    type: 'init', protocol: PROTOCOL_VERSION, handler: config.handler, initializer: config.initializer ?? null,
    codeRoot: options.sandbox?.codeRoot ?? config.code, paths: options.sandbox?.paths ?? config.dependencies, fence, ...containment, debugPort: options.debugPort ?? null,
    answers: aheadAnswers(config), userData: config.userData, timeouts: { handler: config.timeout, initializer: config.initializerTimeout },
    importHints: options.importHints ?? {},
    ...(map ? { map: { fd: MAP_FD, token: map.token } } : {}),
  });
}

// The reply to a context call the bootstrap could not answer from what init sent ahead (the
// credentials): the value, or an error naming a method the host does not know.
export function contextReply(config: ResolvedConfig, scope: RequestScope, call: CallMessage): string {
  try {
    return encodeMessage({ type: 'reply', seq: call.seq, value: answerContextCall(config, scope, call.method, call.args) });
  } catch (error) {
    if (!(error instanceof UnknownContextMethodError)) throw error;
    return encodeMessage({ type: 'reply', seq: call.seq, error: error.message });
  }
}
