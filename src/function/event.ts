// The event as it travels to the function: UTF-8 JSON, within FunctionGraph's synchronous limit.
import { MAX_PAYLOAD_BYTES } from '../contract/limits.js';
import { EventError } from './errors.js';

/** Synchronous request payload limit (6 MB), as FunctionGraph enforces it. */
export const MAX_EVENT_BYTES = MAX_PAYLOAD_BYTES;

// The event as UTF-8 JSON, or an EventError saying why it cannot be sent.
export function encodeEvent(event: unknown, limit = MAX_EVENT_BYTES): Buffer {
  let text: string | undefined;
  try {
    text = JSON.stringify(event === undefined ? {} : event);
  } catch (cause) {
    throw new EventError('FGRUN_EVENT_INVALID', `the event cannot be encoded as JSON: ${(cause as Error).message}`, {}, cause);
  }
  if (text === undefined) throw new EventError('FGRUN_EVENT_INVALID', 'the event cannot be encoded as JSON: pass an object, array, string, number, boolean or null');
  const payload = Buffer.from(text, 'utf8');
  if (payload.length > limit) {
    throw new EventError('FGRUN_EVENT_TOO_LARGE', `the event is ${payload.length} bytes; FunctionGraph accepts at most ${limit} bytes (6 MB) for a synchronous request`, { bytes: payload.length, limit });
  }
  return payload;
}
