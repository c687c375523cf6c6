// Which type a function is (docs/http-functions.md): `type` says so; without it, a code folder with a
// `bootstrap` file at its root and no handler is an HTTP function, anything else an event function.
// An HTTP function without a runtime takes the one its bootstrap's interpreter path names.
import { join, resolve } from 'node:path';
import type { FunctionConfigInput } from '../config/index.js';
import { BOOTSTRAP_FILE, hasBootstrap, readBootstrap, runtimeNamed } from './bootstrap-file.js';

interface FunctionKind {
  type: 'event' | 'http';
  /** Whether it was guessed (no `type` given): then the host says which it chose. */
  guessed: boolean;
}

// The function's type, from its config and its code folder.
function functionKind(input: Pick<FunctionConfigInput, 'code' | 'handler' | 'type'>): FunctionKind {
  if (input.type) return { type: input.type, guessed: false };
  const http = input.handler === undefined && hasBootstrap(resolve(input.code));
  return { type: http ? 'http' : 'event', guessed: http };
}

// The config with its type filled in, and, for an HTTP function without one, the runtime its
// bootstrap names (the bootstrap is read and checked here, so a bad one fails before anything runs).
function withKind<T extends FunctionConfigInput>(input: T, kind: FunctionKind): T {
  if (kind.type === 'event') return { ...input, type: 'event' };
  const code = resolve(input.code);
  const text = readBootstrap(code);
  const named = runtimeNamed(text, join(code, BOOTSTRAP_FILE));
  return { ...input, type: 'http', ...(input.runtime === undefined && named ? { runtime: named } : {}) };
}

/** Code folders whose guessed type was said already (matrix makes one handle per runtime). */
const said = new Set<string>();

// The one line that says a guessed type, once per code folder and host process.
function kindNotice(kind: FunctionKind, code: string): string | null {
  if (!kind.guessed || said.has(resolve(code))) return null;
  said.add(resolve(code));
  return 'fgrun: the code has a bootstrap file and no handler was given: running it as an HTTP function (--type http; --type event or --handler for an event function)';
}

// The config with its type (and an HTTP function's runtime) filled in, and the line that says a guess.
export function classifyFunction<T extends FunctionConfigInput>(input: T): { input: T; notice: string | null } {
  const kind = functionKind(input);
  return { input: withKind(input, kind), notice: kindNotice(kind, input.code) };
}
