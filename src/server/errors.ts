// FunctionGraph's API error codes and HTTP statuses for the server, kept in this one module
// (docs/cloud-reference.md, "Invoke API"). Every refusal the server sends is an ApiError.
import { ClosedError, FgrunError } from '../errors.js';
import { EventError } from '../function/index.js';

export const FSS_ERRORS = {
  'invalid-parameter': { code: 'FSS.0400', status: 400 },
  unauthorized: { code: 'FSS.0401', status: 401 },
  forbidden: { code: 'FSS.0403', status: 403 },
  'not-found': { code: 'FSS.0404', status: 404 },
  'method-not-allowed': { code: 'FSS.0405', status: 405 },
  'bad-json': { code: 'FSS.0406', status: 406 },
  'request-timeout': { code: 'FSS.0408', status: 408 },
  'too-large': { code: 'FSS.0413', status: 413 },
  'too-many-requests': { code: 'FSS.0429', status: 429 },
  internal: { code: 'FSS.0500', status: 500 },
  unavailable: { code: 'FSS.0503', status: 503 },
  'function-not-found': { code: 'FSS.1051', status: 404 },
  'version-not-found': { code: 'FSS.1052', status: 404 },
  'alias-not-found': { code: 'FSS.1053', status: 404 },
  // The gateway's refusals, as APIG words them (with the request id in the body).
  'apig-iam-unauthorized': { code: 'APIG.0301', status: 401 },
  'apig-app-unauthorized': { code: 'APIG.0303', status: 401 },
} as const;

export type ApiErrorKind = keyof typeof FSS_ERRORS;

/** The body FunctionGraph answers every refused request with. */
export interface FssErrorBody {
  error_code: string;
  error_msg: string;
}

// A refused request: FunctionGraph's code, HTTP status and a message that says what to do.
export class ApiError extends FgrunError {
  readonly status: number;
  readonly fssCode: string;
  readonly headers: Record<string, string>;

  constructor(readonly reason: ApiErrorKind, message: string, options: { cause?: unknown; headers?: Record<string, string> } = {}) {
    const entry = FSS_ERRORS[reason];
    super(`FGRUN_API_${reason.toUpperCase().replace(/-/g, '_')}`, 'usage', message, { cause: options.cause, details: { fssCode: entry.code, status: entry.status } });
    this.status = entry.status;
    this.fssCode = entry.code;
    this.headers = options.headers ?? {};
  }

  get body(): FssErrorBody {
    return { error_code: this.fssCode, error_msg: this.message };
  }
}

// Any thrown value as an ApiError; unexpected ones become FSS.0500 without leaking their stack.
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof EventError) return new ApiError(error.code === 'FGRUN_EVENT_TOO_LARGE' ? 'too-large' : 'invalid-parameter', error.message, { cause: error });
  if (error instanceof ClosedError) return new ApiError('unavailable', 'fgrun serve is shutting down: the function no longer takes requests', { cause: error });
  return new ApiError('internal', `internal error in fgrun serve: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}
