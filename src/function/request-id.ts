// Request ids: random (version 4) UUIDs, as crypto.randomUUID() makes them: 122 bits from the
// CSPRNG, fetched for 128 ids at a time as randomUUID does. randomUUID builds each string from 20
// pieces (~590 bytes of garbage per id); here the 36 characters are written into one reused buffer
// and read out as one string (~60 bytes, ~30% less CPU): docs/performance.md, "Issue 22, fourth pass".
import { randomFillSync } from 'node:crypto';

const IDS_PER_FILL = 128;
const random = Buffer.allocUnsafeSlow(16 * IDS_PER_FILL);
let used = random.length;
const text = Buffer.allocUnsafeSlow(36);
/** Each byte's two lowercase hex digits (ASCII codes). */
const HIGH = new Uint8Array(256);
const LOW = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  const hex = i.toString(16).padStart(2, '0');
  HIGH[i] = hex.charCodeAt(0);
  LOW[i] = hex.charCodeAt(1);
}
/** Where the 4 dashes go in "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx". */
text[8] = text[13] = text[18] = text[23] = 45;

// A fresh random UUID (version 4, RFC 9562 variant), lowercase, as crypto.randomUUID() returns it.
export function newRequestId(): string {
  if (used === random.length) {
    randomFillSync(random);
    used = 0;
  }
  const at = used;
  used += 16;
  random[at + 6] = (random[at + 6]! & 0x0f) | 0x40;
  random[at + 8] = (random[at + 8]! & 0x3f) | 0x80;
  let out = 0;
  for (let i = 0; i < 16; i++) {
    if (out === 8 || out === 13 || out === 18 || out === 23) out++;
    const byte = random[at + i]!;
    text[out++] = HIGH[byte]!;
    text[out++] = LOW[byte]!;
  }
  return text.toString('latin1', 0, 36);
}
