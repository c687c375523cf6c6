// Attributes the instance's log stream (stderr) to requests. The bootstrap writes the fence
// "\0fgrun:<fence>:<id>\n" after each request's output; bytes before it belong to that request.
// The id is a JSON string (ASCII, no newline, whatever the request id); a bare one is taken as is.
// Each segment keeps at most `capBytes` (the newest), so a log flood cannot exhaust the host.

export const LOG_CAP_BYTES = 1024 * 1024;

export class LogCollector {
  private readonly token: Buffer;
  private chunks: Buffer[] = [];
  private bytes = 0;
  private dropped = 0;
  private carry: Buffer | null = null;
  /** Live output (fences removed), for callers that stream the log. */
  onOutput: ((chunk: Buffer) => void) | null = null;

  constructor(fence: string, private readonly onFence: (id: string, log: string) => void, private readonly capBytes = LOG_CAP_BYTES) {
    this.token = Buffer.from(`\0fgrun:${fence}:`, 'latin1');
  }

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.carry) {
      data = Buffer.concat([this.carry, chunk]);
      this.carry = null;
    }
    let offset = 0;
    for (;;) {
      const at = data.indexOf(this.token, offset);
      if (at < 0) break;
      const nl = data.indexOf(10, at + this.token.length);
      if (nl < 0) {
        this.append(data.subarray(offset, at));
        this.carry = data.subarray(at);
        return;
      }
      this.append(data.subarray(offset, at));
      const id = fenceId(data.toString('latin1', at + this.token.length, nl));
      offset = nl + 1;
      this.onFence(id, this.take());
    }
    // Keep a possible partial token at the end for the next chunk.
    let cut = data.length;
    const z = data.indexOf(0, Math.max(offset, data.length - (this.token.length - 1)));
    if (z >= 0 && this.token.subarray(0, data.length - z).equals(data.subarray(z))) cut = z;
    this.append(data.subarray(offset, cut));
    if (cut < data.length) this.carry = Buffer.from(data.subarray(cut));
  }

  // The output gathered since the last fence, without closing the segment.
  snapshot(): string {
    return this.render(false);
  }

  // Close the current segment and return its text; `unfenced`: the segment ends without a fence,
  // so bytes held back as a possible start of one are output too.
  take(unfenced = false): string {
    if (unfenced && this.carry) {
      const carry = this.carry;
      this.carry = null;
      this.append(carry);
    }
    return this.render(true);
  }

  private append(part: Buffer): void {
    if (part.length === 0) return;
    this.onOutput?.(part);
    this.chunks.push(part);
    this.bytes += part.length;
    while (this.bytes > this.capBytes && this.chunks.length > 1) {
      const first = this.chunks.shift()!;
      this.bytes -= first.length;
      this.dropped += first.length;
    }
    if (this.bytes > this.capBytes) {
      const only = this.chunks[0]!;
      const cut = only.length - this.capBytes;
      this.chunks[0] = Buffer.from(only.subarray(cut));
      this.bytes -= cut;
      this.dropped += cut;
    }
  }

  private render(reset: boolean): string {
    // A silent request (the common warm case) costs no allocation.
    if (this.chunks.length === 0 && this.dropped === 0) return '';
    let text = this.chunks.length === 1 ? this.chunks[0]!.toString('utf8') : Buffer.concat(this.chunks).toString('utf8');
    if (this.dropped > 0) text = `[fgrun: ${this.dropped} bytes of earlier log output dropped; the last ${this.capBytes} bytes are kept]\n` + text;
    if (reset) {
      this.chunks = [];
      this.bytes = 0;
      this.dropped = 0;
    }
    return text;
  }
}

// The request id of a fence: JSON-quoted as the bootstrap writes it, or bare.
function fenceId(text: string): string {
  if (text.charCodeAt(0) !== 34) return text;
  try {
    const id: unknown = JSON.parse(text);
    return typeof id === 'string' ? id : text;
  } catch {
    return text;
  }
}
