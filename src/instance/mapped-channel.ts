// The mapped channel (docs/protocol.md, "The mapped channel"): while an invoke lingers, it and its
// result travel through a small tmpfs file instead of the protocol's socket. The bootstrap maps the
// file (bootstrap/fgrun_map.py) and reads the request from memory, with no system call; the host, which
// has no mmap, writes and reads it at fixed offsets (pwritev/pread, ~1 µs each, far less than a Unix
// socket's skb each way). A warm round trip measured ~4.4 µs less (p50 9.7 -> 5.3 µs on a minimal echo,
// 2.7 and 3.12 alike, docs/performance.md, "Issue 22, ninth pass").
//
// An invoke goes into the file with one system call: the frame at its region's end and its number
// last, in the region's last 4 bytes, one pwritev of two buffers (the frame, the number). The kernel
// copies an iovec after the other, each with a copy of its own, and on x86-64 the stores of one
// string operation may be performed out of order among themselves but those of separate string
// operations do not pass each other (Intel SDM vol. 3A, "Fast-String Operation and Out-of-Order
// Stores"): a bootstrap that sees the number sees the frame. The bootstrap's publish relies on the
// same (the body's memcpy, then the number's). A result keeps two reads, its number, then its frame:
// one read of both would rely on the order of the loads within one string operation, which is not
// guaranteed. A pwritev each for the frame and the number (protocol 3) cost 0.4-1.2 µs more of a
// warm round trip's p50 (docs/performance.md, "Issue 22, twelfth pass").
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

// The writes below are writevSync's of lists made once (libuv makes one buffer a pwrite, two a
// pwritev): writeSync makes an object per call to carry its error back, writevSync of a list none.
const AWAKE = [Buffer.from([1])];
const ASLEEP = [Buffer.from([0])];
const FENCE = new Int32Array(new SharedArrayBuffer(4));
/** A result's first read: its head and a body up to FIRST_READ - resultHead bytes in one pread. */
const FIRST_READ = 2048;
/** Where the request's head is, just before its number at the region's end, and the most its id and
 * event may take in the region before the head (65520 bytes). */
const REQUEST_HEAD_AT = M.requestSeq - M.requestHead;
const REQUEST_MOST = REQUEST_HEAD_AT - M.request;
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
  private readonly flag = Buffer.alloc(1);
  private out: Buffer | null = null;
  /** What send() writes: a view of `out` as long as the last request's frame, then its number, in a
   * list made once (writevSync's). */
  private readonly request: [Buffer, Buffer] = [Buffer.alloc(0), this.number];
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

  // Write an invoke (its `linger` true) into the file, in the contract's binary layout, with one
  // system call, or false when the socket is to carry it: it is too large, its timeout no uint32 of
  // ms, its id no UTF-8, or the last invoke found the bootstrap asleep and it still is. Rings the
  // bootstrap's bell when it said it sleeps.
  send(id: string, event: Buffer | string, timeoutMs: number): boolean {
    if (this.detached) return false;
    if (this.sleepy) {
      // A caller slower than the bootstrap's spin: one read of its flag, and the socket's one write
      // instead of the file's write, a flag's read and a bell.
      readSync(this.fd, this.flag, 0, 1, M.pythonAwake);
      if (this.flag[0] !== 1) return false;
      this.sleepy = false;
    }
    // An id with a lone surrogate has no UTF-8 (it would arrive as U+FFFD): the socket's JSON escapes it.
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > 0xffffffff || LONE_SURROGATE.test(id)) return false;
    const size = typeof event === 'string' ? Buffer.byteLength(event, 'utf8') : event.length;
    const idBytes = Buffer.byteLength(id, 'utf8');
    if (size > REQUEST_MOST || idBytes + size > REQUEST_MOST) return false;
    // The frame as it lies in the file, from its start: the id, the event, the head.
    const out = (this.out ??= Buffer.allocUnsafe(REQUEST_MOST + M.requestHead));
    const head = idBytes + size;
    out.write(id, 0, 'utf8');
    if (typeof event === 'string') out.write(event, idBytes, 'utf8');
    else event.copy(out, idBytes);
    out.writeUInt32LE(size, head);
    out.writeUInt32LE(timeoutMs, head + 4);
    out.writeUInt16LE(idBytes, head + 8);
    out.writeUInt16LE(0, head + 10);
    this.sent = (this.sent + 1) >>> 0;
    this.sentId = id;
    this.number.writeUInt32LE(this.sent, 0);
    const request = this.request;
    if (request[0].length !== head + M.requestHead) request[0] = out.subarray(0, head + M.requestHead);
    // One pwritev: the frame ends where the number begins, the number copied last (above).
    writevSync(this.fd, request, REQUEST_HEAD_AT - head);
    fence();
    readSync(this.fd, this.flag, 0, 1, M.pythonAwake);
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
