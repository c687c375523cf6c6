// Typed errors: a stable string `code`, facts as fields, the original error as `cause`.
// `usage` errors (bad flag, config, runtime) exit 2 in the CLI; everything else exits 1.

export type ErrorKind = 'usage' | 'runtime';

export interface FgrunErrorOptions {
  cause?: unknown;
  /** Extra facts about the failure, kept as fields for callers and tests. */
  details?: Record<string, unknown>;
}

// The base of every error fgrun throws on purpose; anything else is a bug and keeps its stack.
export class FgrunError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown>;

  constructor(code: string, kind: ErrorKind, message: string, options: FgrunErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.kind = kind;
    this.details = options.details ?? {};
  }
}

// A configuration value, flag or file that cannot be used as given.
export class ConfigError extends FgrunError {
  constructor(message: string, options: FgrunErrorOptions & { field?: string; file?: string } = {}) {
    super('FGRUN_CONFIG', 'usage', message, { ...options, details: { ...options.details, field: options.field, file: options.file } });
  }
}

// A runtime id fgrun does not support, or one whose interpreter cannot be found.
export class RuntimeError extends FgrunError {
  constructor(code: 'FGRUN_RUNTIME_UNKNOWN' | 'FGRUN_RUNTIME_NOT_FOUND', message: string, options: FgrunErrorOptions = {}) {
    super(code, 'usage', message, options);
  }
}

// The Python side broke the protocol (bad line, oversized line, wrong version).
export class ProtocolError extends FgrunError {
  constructor(message: string, options: FgrunErrorOptions = {}) {
    super('FGRUN_PROTOCOL', 'runtime', message, options);
  }
}

// The interpreter could not be started (EMFILE, ENFILE, EAGAIN, ENOENT...): that request's answer.
export class SpawnError extends FgrunError {
  constructor(message: string, options: FgrunErrorOptions = {}) {
    super('FGRUN_SPAWN', 'runtime', message, options);
  }
}

// The function handle was used after close().
export class ClosedError extends FgrunError {
  constructor(message = 'the function handle is closed: create a new one with createFunction()') {
    super('FGRUN_CLOSED', 'runtime', message);
  }
}

export function isFgrunError(value: unknown): value is FgrunError {
  return value instanceof FgrunError;
}
