// The mapped channel (docs/protocol.md, "The mapped channel"): while an invoke lingers, it and its
// result travel through a small tmpfs file instead of the protocol's socket. The bootstrap maps the
// file (bootstrap/fgrun_map.py) and reads the request from memory, with no system call; the host, which
// has no mmap, writes and reads it at fixed offsets (pwritev/pread, ~1 µs each, far less than a Unix
// socket's skb each way). A warm round trip measured ~4.4 µs less (p50 9.7 -> 5.3 µs on a minimal echo,
// 2.7 and 3.12 alike, docs/performance.md, "Issue 22, ninth pass").
//
// Each side says in the file whether it is awake (spinning on the file) or asleep (blocked on its
// socket). A writer publishes its frame, then its sequence number, then reads the reader's flag, and
// rings the reader's bell on the socket when it sleeps; a reader about to sleep stores its flag, then
// reads the sequence number once more. With a full fence between each side's store and its load
// (Dekker's order), at least one of the two sees the other: no wake-up is lost. The kernel's pwritev
// takes the page's lock (a locked instruction); Atomics.store below is a full fence besides. The
// bootstrap's fence is a lock's acquire and release (a locked instruction on x86-64). Hence x86-64
// only: on a weaker memory order (aarch64) neither is a full fence, and the socket carries everything.
import { closeSync, constants, ftruncateSync, openSync, readSync, statfsSync, unlinkSync, writeSync, writevSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { MAPPED_CHANNEL as M, type ResultMessage } from '../contract/messages.js';
import { encodeMessage } from '../protocol/encode.js';

/** statfs(2)'s f_type of a tmpfs: pages in memory only, never written back to a disk. */
const TMPFS_MAGIC = 0x01021994;
const SHM_DIR = '/dev/shm';
/** The fd the offer becomes in the interpreter (stdio's fourth entry). */
export const MAP_FD = 3;
/** The environment variable that turns the mapped channel off (a diagnostic: the socket carries all). */
const MAP_SWITCH = 'FGRUN_MAPPED_CHANNEL';

let usable: boolean | null = null;

// Whether this host can offer a mapped channel: Linux on x86-64, /dev/shm a tmpfs, not switched off.
function mapUsable(): boolean {
  if (usable === null) {
    let tmpfs = false;
    try {
      tmpfs = process.platform === 'linux' && process.arch === 'x64' && statfsSync(SHM_DIR).type === TMPFS_MAGIC;
    } catch {
      tmpfs = false;
    }
    usable = tmpfs && process.env[MAP_SWITCH] !== '0';
  }
  return usable;
}

/** A mapped channel offered to an interpreter: the host's descriptor of the file and the token it holds. */
export interface MapOffer {
  fd: number;
  token: string;
}

// A new file for one instance: created only this user can open (0600, O_EXCL, no symlink followed),
// unlinked at once (nobody else can reach it by name), sized, and the token written where the
// bootstrap checks it (an fd 3 the host did not offer is never mapped). Null where none can be made.
export function offerMap(): MapOffer | null {
  if (!mapUsable()) return null;
  const path = join(SHM_DIR, `fgrun-map-${randomBytes(12).toString('hex')}`);
  const token = randomBytes(16).toString('hex');
  let fd = -1;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    unlinkSync(path);
    ftruncateSync(fd, M.bytes);
    writeSync(fd, Buffer.from(token, 'latin1'), 0, token.length, M.token);
    return { fd, token };
  } catch {
    if (fd >= 0) {
      closeSync(fd);
      try {
        unlinkSync(path);
      } catch {
        // Already unlinked.
      }
    }
    return null;
  }
}

// The writes below are writevSync's of one buffer (one pwritev, as the kernel takes it a pwrite):
// writeSync makes an object per call to carry its error back, writevSync of a list made once none.
const AWAKE = [Buffer.from([1])];
const ASLEEP = [Buffer.from([0])];
const FENCE = new Int32Array(new SharedArrayBuffer(4));
/** A result's first read: its head and a body up to FIRST_READ - resultHead bytes in one pread. */
const FIRST_READ = 2048;
/** The most an invoke's id and event, or a result's body, may take in the file. */
const REQUEST_MOST = M.regionBytes - M.requestHead;
const RESULT_MOST = M.regionBytes - M.resultHead;
/** A UTF-16 code unit of a surrogate pair without its other half. */
const LONE_SURROGATE = /\p{Surrogate}/u;
/** A duration past this (~31 years) is no bootstrap's. */
const MAX_DURATION_MS = 1e12;
/** The bell frame the host writes (the contract's `bell`, encoded as every host frame is). */
export const BELL = encodeMessage({ type: 'bell' });

// A full memory fence: a sequentially consistent store (xchg on x86-64).
function fence(): void {
  Atomics.store(FENCE, 0, 0);
}

/** The host's side of one instance's mapped channel, once the bootstrap said it maps it. */
export class MappedChannel {
  /** The last request's sequence number written, the last result's taken: how many went through the
   * file each way (mod 2^32). */
  sent = 0;
  taken = 0;
  /** What this side's flag in the file says. */
  private awake = false;
  /** The last invoke sent found the bootstrap asleep: it rang, or left the invoke to the socket. */
  sleepy = false;
  private readonly number = Buffer.alloc(4);
  private readonly numberOut = [this.number];
  private readonly flag = Buffer.alloc(1);
  private out: Buffer | null = null;
  /** What send() writes: a view of `out` as long as the last request, in a list made once (writevSync's). */
  private readonly request: [Buffer] = [Buffer.alloc(0)];
  /** Its own memory (allocUnsafeSlow: not the pool's, so 8-aligned): the head's float64 is read
   * through an aligned view (this host's order, little-endian as the file's: x86-64 only), with no
   * number boxed as readDoubleLE's is. */
  private readonly first = Buffer.allocUnsafeSlow(FIRST_READ);
  private readonly duration = new Float64Array(this.first.buffer, this.first.byteOffset + 8, 1);
  /** The last body lent from `first`: the next of the same length is the same view, not a new one. */
  private body = this.first.subarray(M.resultHead, M.resultHead);
  private whole: Buffer | null = null;
  /** The interpreter exited: its descriptor is closed (or soon reused), nothing is read or written. */
  private detached = false;

  /** The id of the last invoke sent through the file: its result names the request by number. */
  private sentId = '';

  /** `deliver`: a result (its body a view valid only during the call); `ring`: write the bootstrap's
   * bell to its socket; `fail`: the file holds what no bootstrap writes. */
  constructor(
    readonly fd: number,
    private readonly deliver: (message: ResultMessage, body: Buffer) => void,
    private readonly ring: () => void,
    private readonly fail: (why: string) => void,
  ) {}

  // Write an invoke (its `linger` true) into the file, in the contract's binary layout, or false
  // when the socket is to carry it: it is too large, its timeout no uint32 of ms, its id no UTF-8, or the last invoke
  // found the bootstrap asleep and it still is. Rings the bootstrap's bell when it said it sleeps.
  send(id: string, event: Buffer | string, timeoutMs: number): boolean {
    if (this.detached) return false;
    if (this.sleepy) {
      // A caller slower than the bootstrap's spin: one read of its flag, and the socket's one write
      // instead of the file's two, a flag's read and a bell.
      readSync(this.fd, this.flag, 0, 1, M.pythonAwake);
      if (this.flag[0] !== 1) return false;
      this.sleepy = false;
    }
    // An id with a lone surrogate has no UTF-8 (it would arrive as U+FFFD): the socket's JSON escapes it.
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > 0xffffffff || LONE_SURROGATE.test(id)) return false;
    const size = typeof event === 'string' ? Buffer.byteLength(event, 'utf8') : event.length;
    const idBytes = Buffer.byteLength(id, 'utf8');
    if (size > REQUEST_MOST || idBytes + size > REQUEST_MOST) return false;
    const out = (this.out ??= Buffer.allocUnsafe(M.regionBytes));
    out.writeUInt32LE(size, 0);
    out.writeUInt32LE(timeoutMs, 4);
    out.writeUInt16LE(idBytes, 8);
    out.writeUInt16LE(0, 10);
    const at = M.requestHead + idBytes;
    out.write(id, M.requestHead, 'utf8');
    if (typeof event === 'string') out.write(event, at, 'utf8');
    else event.copy(out, at);
    const fd = this.fd;
    const request = this.request;
    if (request[0].length !== at + size) request[0] = out.subarray(0, at + size);
    writevSync(fd, request, M.request);
    this.sent = (this.sent + 1) >>> 0;
    this.sentId = id;
    this.number.writeUInt32LE(this.sent, 0);
    writevSync(fd, this.numberOut, M.requestSeq);
    fence();
    readSync(fd, this.flag, 0, 1, M.pythonAwake);
    if (this.flag[0] !== 1) {
      this.ring();
      this.sleepy = true;
    }
    return true;
  }

  // Take the next result if the bootstrap has published it: delivered, true. Called each turn of
  // the host's linger, on the bootstrap's bell, and once more before the host sleeps.
  poll(): boolean {
    if (this.detached) return false;
    const fd = this.fd;
    const number = this.number;
    readSync(fd, number, 0, 4, M.resultSeq);
    const next = (this.taken + 1) >>> 0;
    if (number.readUInt32LE(0) !== next) return false;
    this.taken = next;
    const first = this.first;
    readSync(fd, first, 0, FIRST_READ, M.result);
    const size = first.readUInt32LE(0);
    const answers = first.readUInt32LE(4);
    const durationMs = this.duration[0]!;
    const kind = M.resultKinds[first[20]!];
    const fenced = first[21];
    if (size > RESULT_MOST) this.fail(`a mapped result of ${size} bytes`);
    else if (answers !== this.sent) this.fail(`a mapped result for request ${answers} (${this.sent} was sent)`);
    else if (kind === undefined || (fenced !== 0 && fenced !== 1) || !(durationMs >= 0 && durationMs < MAX_DURATION_MS)) this.fail('a mapped result with a malformed head');
    else {
      let body: Buffer;
      if (M.resultHead + size <= FIRST_READ) {
        if (this.body.length !== size) this.body = first.subarray(M.resultHead, M.resultHead + size);
        body = this.body;
      } else {
        const whole = (this.whole ??= Buffer.allocUnsafe(RESULT_MOST));
        readSync(fd, whole, 0, size, M.result + M.resultHead);
        body = whole.subarray(0, size);
      }
      // The duration to three decimals, as the socket's header has it (there Python's "%.3f": the two
      // roundings may differ by 0.001 ms on a near-tie).
      const message: ResultMessage = { type: 'result', id: this.sentId, ok: true, kind, size, durationMs: Math.round(durationMs * 1000) / 1000, maxRssKb: first.readUInt32LE(16), fenced: fenced === 1 };
      this.deliver(message, body);
    }
    return true;
  }

  // The host stays awake for the next result: the bootstrap need not ring.
  wake(): void {
    if (this.awake || this.detached) return;
    writevSync(this.fd, AWAKE, M.hostAwake);
    this.awake = true;
  }

  // The host will sleep on its socket: say so, then look once more (Dekker's order). `look`: false
  // when no result can be due yet (before the invoke is sent).
  sleep(look = true): void {
    if (this.detached) return;
    if (this.awake) {
      writevSync(this.fd, ASLEEP, M.hostAwake);
      this.awake = false;
      fence();
    }
    if (look) this.poll();
  }

  // The interpreter exited: its file is closed with it (process.ts); a linger still turning reads nothing.
  detach(): void {
    this.detached = true;
  }
}
