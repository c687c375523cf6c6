// The event as it travels to the function: UTF-8 JSON, within FunctionGraph's synchronous limit.
import { MAX_PAYLOAD_BYTES } from '../contract/limits.js';
import { EventError } from './errors.js';

/** Synchronous request payload limit (6 MB), as FunctionGraph enforces it. */
export const MAX_EVENT_BYTES = MAX_PAYLOAD_BYTES;

// The event as JSON text (written as UTF-8 straight into the invoke frame), or an EventError saying
// why it cannot be sent.
export function encodeEvent(event: unknown, limit = MAX_EVENT_BYTES): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(event === undefined ? {} : event);
  } catch (cause) {
    throw new EventError('FGRUN_EVENT_INVALID', `the event cannot be encoded as JSON: ${(cause as Error).message}`, {}, cause);
  }
  if (text === undefined) throw new EventError('FGRUN_EVENT_INVALID', 'the event cannot be encoded as JSON: pass an object, array, string, number, boolean or null');
  // A UTF-8 byte is at most 3 per UTF-16 unit: shorter text is under the limit without counting.
  const bytes = text.length * 3 > limit ? Buffer.byteLength(text, 'utf8') : 0;
  if (bytes > limit) {
    throw new EventError('FGRUN_EVENT_TOO_LARGE', `the event is ${bytes} bytes; FunctionGraph accepts at most ${limit} bytes (6 MB) for a synchronous request`, { bytes, limit });
  }
  return text;
}
