// Request errors thrown before anything runs (the event cannot be sent).
import { FgrunError } from '../errors.js';

export class EventError extends FgrunError {
  constructor(code: 'FGRUN_EVENT_INVALID' | 'FGRUN_EVENT_TOO_LARGE', message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super(code, 'usage', message, { details, cause });
  }
}
