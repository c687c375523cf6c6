// A trigger name fgrun has no template for, or a --set it cannot apply (CLI exit 2).
import { FgrunError } from '../errors.js';

export class EventTemplateError extends FgrunError {
  constructor(code: 'FGRUN_EVENT_UNKNOWN_TRIGGER' | 'FGRUN_EVENT_SET', message: string, details: Record<string, unknown> = {}) {
    super(code, 'usage', message, { details });
  }
}
