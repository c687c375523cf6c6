// Fresh identifiers and timestamps in the formats FunctionGraph's triggers use, so every generated
// event looks like a new one.
import { randomBytes, randomUUID } from 'node:crypto';

// `n` random lower-case hex digits (APIG request ids, OBS eTags, SMN message ids).
export function hex(n: number): string {
  return randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n);
}

// A random UUID (request and trace ids).
export function uuid(): string {
  return randomUUID();
}

// 2018-01-09T07:11:40Z
export function isoSeconds(at: Date): string {
  return at.toISOString().slice(0, 19) + 'Z';
}

// 2018-01-09T07:50:50.028Z
export function isoMillis(at: Date): string {
  return at.toISOString();
}

// 2023-06-01T08:30:00+00:00 (RFC 3339 with an offset, as the timer trigger sends it).
export function rfc3339(at: Date): string {
  return at.toISOString().slice(0, 19) + '+00:00';
}

// Tue Jan 09 2018 07:11:40 GMT+0000 (UTC): JavaScript's Date text, as SMN's envelope carries it.
export function dateText(at: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${days[at.getUTCDay()]} ${months[at.getUTCMonth()]} ${pad(at.getUTCDate())} ${at.getUTCFullYear()} ` +
    `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} GMT+0000 (UTC)`;
}

// Whole seconds since the epoch (Kafka and RocketMQ event_time).
export function epochSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

// A MongoDB ObjectId: 4 bytes of seconds since the epoch, then 8 random bytes (24 hex digits).
export function objectId(at: Date): string {
  return epochSeconds(at).toString(16).padStart(8, '0') + hex(16);
}

// UTF-8 text as base64 (DIS data, the LTS payload).
export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
