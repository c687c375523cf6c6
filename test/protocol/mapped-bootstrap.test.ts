// The bootstrap's side of the mapped channel (bootstrap/fgrun_map.py; docs/protocol.md, "The mapped
// channel"), in-process with each real interpreter: open_map's checks of the host's offer, take() of
// the binary request the host wrote, publish() of a binary result and its bell, the awake flag,
// Channel.take_mapped's order (the map, then the flag stored and the map once more; the socket
// next, read_frame, with its bells), and the linger's spin on the map. One interpreter runs every case on memory it shares with
// the test's "host" (a file or an anonymous shared mapping written with plain slices), with the races
// the protocol guards against placed deterministically by hooks (the host's flag flipped inside the
// publisher's fence, a request written while the reader stores its flag, or while it blocks on the
// socket). The requests are laid out here field by field from the contract's description
// (src/contract/messages.ts, MAPPED_CHANNEL), apart from the host's code, and the results are read
// back the same way. A second interpreter maps a file the host's own code
// (src/instance/mapped-channel.ts) offered and wrote, and publishes the result the host's code reads.
import { spawnSync } from 'node:child_process';
import { closeSync, readSync } from 'node:fs';
import { machine } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { MAPPED_CHANNEL as M, type ResultMessage } from '../../src/contract/messages.js';
import { MappedChannel, offerMap } from '../../src/instance/mapped-channel.js';
import { encodeInvokeBytes } from '../../src/protocol/encode.js';
import { ROOT } from '../helpers/fixtures.js';
import { describeEachRuntime } from '../helpers/runtimes.js';

const BOOTSTRAP = join(ROOT, 'bootstrap');
const SHIM = join(ROOT, 'pyshim');
const BELL = '{"type":"bell"}\n';

// Bytes as the interpreter sends them back: one char per byte.
const latin1 = (b: Buffer | string): string => (typeof b === 'string' ? b : b.toString('latin1'));
const utf8 = (s: string): string => latin1(Buffer.from(s, 'utf8'));
const u32 = (n: number): string => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0, 0);
  return latin1(b);
};

// The layout as the contract describes it, written here with literal offsets (the first test checks
// the contract, on both sides, still says so).
const REQUEST_HEAD = 12;
const RESULT_HEAD = 24;
const REGION = 65536;
/** The most bytes an invoke's id and event (the region less the head and the number), or a result's
 * body, may take. */
const REQUEST_MOST = REGION - REQUEST_HEAD - 4;
const RESULT_MOST = REGION - RESULT_HEAD;

// A request as the host lays it out, to end where its number begins (the region's last 4 bytes): the
// id, the event, then the head: the event's length (uint32 at 0), timeoutMs (uint32 at 4), the id's
// UTF-8 length (uint16 at 8), 0 (uint16 at 10). `head` overrides what the head says (the bytes
// written stay the id's and the event's).
function request(
  id: string | Buffer,
  event: string | Buffer,
  timeoutMs = 3000,
  head: { size?: number; idBytes?: number; reserved?: number } = {},
): string {
  const idBytes = typeof id === 'string' ? Buffer.from(id, 'utf8') : id;
  const eventBytes = typeof event === 'string' ? Buffer.from(event, 'utf8') : event;
  const at = idBytes.length + eventBytes.length;
  const b = Buffer.alloc(at + 12);
  idBytes.copy(b, 0);
  eventBytes.copy(b, idBytes.length);
  b.writeUInt32LE(head.size ?? eventBytes.length, at);
  b.writeUInt32LE(timeoutMs, at + 4);
  b.writeUInt16LE(head.idBytes ?? idBytes.length, at + 8);
  b.writeUInt16LE(head.reserved ?? 0, at + 10);
  return latin1(b);
}

// A result region read back (as the interpreter sends it, one char per byte): the body's length
// (uint32 at 0), the request it answers (uint32 at 4), durationMs (float64 at 8), maxRssKb (uint32 at
// 16), kind (uint8 at 20), fenced (uint8 at 21), then the body at 24 (all the rest of the text).
interface Published {
  size: number;
  answers: number;
  durationMs: number;
  maxRssKb: number;
  kind: number;
  fenced: number;
  body: string;
}
function readResult(region: string): Published | string {
  const b = Buffer.from(region, 'latin1');
  if (b.length < RESULT_HEAD) return `only ${b.length} bytes: ${JSON.stringify(region)}`;
  return {
    size: b.readUInt32LE(0),
    answers: b.readUInt32LE(4),
    durationMs: b.readDoubleLE(8),
    maxRssKb: b.readUInt32LE(16),
    kind: b[20]!,
    fenced: b[21]!,
    body: latin1(b.subarray(RESULT_HEAD)),
  };
}
// The kinds' codes: their index in the contract's resultKinds.
const KIND = { none: 0, str: 1, json: 2 } as const;
const published = (size: number, answers: number, durationMs: number, maxRssKb: number, kind: keyof typeof KIND, fenced: number, body: string): Published => ({
  size,
  answers,
  durationMs,
  maxRssKb,
  kind: KIND[kind],
  fenced,
  body,
});

// The socket's invoke message for a request (its `linger` true).
const header = (id: string, event: string, timeoutMs = 3000) => ({ type: 'invoke', id, size: Buffer.byteLength(event), timeoutMs, linger: true });

const EVENT = '{"k":"中文"}';
const PRETTY = '{\n  "a": 1\n}';
// 3 + its length + 12 + the number's 4: the region exactly.
const FITS = `"${'x'.repeat(REQUEST_MOST - 3 - 2)}"`;
const LONGEST_ID = 'i'.repeat(REQUEST_MOST);
const LONGEST_EVENT = `"${'e'.repeat(REQUEST_MOST - 2)}"`;
const LONG_EVENT = `["${'l'.repeat(300)}"]`;
// Ids: a quote and a backslash (no escaping: the id's bytes as they are), characters of 2, 3 and 4
// bytes in UTF-8.
const QUOTE_ID = 'say "hi" \\o/';
const WIDE_ID = '中文-😀';
// The requests the script reads from the map, laid out above.
const MAP = {
  plain: request('req-1', EVENT),
  quote: request(QUOTE_ID, '{}'),
  accent: request('café', '[1]'),
  wide: request(WIDE_ID, '"x"'),
  emptyEvent: request('e', ''),
  emptyId: request('', '{"no":"id"}'),
  pretty: request('p', PRETTY),
  timeout0: request('t0', '0', 0),
  timeoutMost: request('t1', '1', 0xffffffff),
  timeoutMixed: request('t2', '2', 0x89abcdef),
  long: request('long', LONG_EVENT),
  short: request('s', '1'),
  reserved: request('r', '{}', 3000, { reserved: 0xffff }),
  fits: request('max', FITS),
  longestId: request(LONGEST_ID, ''),
  longestEvent: request('', LONGEST_EVENT),
  // The region holds the same bytes as `fits`; its head says one byte more (the frame would begin
  // a byte before the region).
  overByOne: request('max', FITS, 3000, { size: Buffer.byteLength(FITS) + 1 }),
  // Heads alone, saying more than the region holds.
  idOverByOne: request('', '', 3000, { idBytes: REQUEST_MOST + 1, size: 0 }),
  mostOfBoth: request('', '', 3000, { idBytes: 0xffff, size: 0xffffffff }),
  eventMost: request('', '', 3000, { idBytes: 1, size: 0xffffffff }),
  badId: request(Buffer.from([0x69, 0xff]), '{}'),
  cutId: request(Buffer.from('caf\xc3', 'latin1'), '{}'),
  after: request('after-errors', '{}'),
  wrap1: request('w1', '1'),
  wrap2: request('w2', '2'),
  wrap3: request('w3', '3'),
  map1: request('map-1', '{"m":1}'),
  map2: request('map-2', '{"m":2}'),
  map3: request('map-3', '{"m":3}'),
  map6: request('map-6', '{}'),
  map7: request('map-7', '{}'),
  map8: request('map-8', '{}'),
  map9: request('map-9', '{}'),
  spin: request('spin', '{}'),
};
// The invoke frames the host writes to the socket (src/protocol/encode.ts), as bytes.
const invoke = (id: string, event: string): string => latin1(encodeInvokeBytes(id, event, 3000, true));
const SOCKET = {
  sock1: invoke('sock-1', '{"s":1}'),
  sock2: invoke('sock-2', '{"s":2}'),
  sock3: invoke('sock-3', '{"s":3}'),
  sock4: invoke('sock-4', '{"s":4}'),
  sock6: invoke('sock-6', '{}'),
  // Not lingering (the host has something else running).
  quiet: latin1(encodeInvokeBytes('sock-q', '{"q":1}', 2500, false)),
};

const SCRIPT = String.raw`
import errno, fcntl, io, json, mmap, os, struct, sys, tempfile, traceback
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import fgrun_contract
import fgrun_linger as L
import fgrun_map as M
import fgrun_protocol as P
import fgrun_runner

C = fgrun_contract.MAPPED_CHANNEL
SIZE = C["bytes"]
REQ_SEQ, RES_SEQ, PY_AWAKE, HOST_AWAKE = C["requestSeq"], C["resultSeq"], C["pythonAwake"], C["hostAwake"]
REQUEST, RESULT, TOKEN_AT = C["request"], C["result"], C["token"]
# The layout's numbers as the test writes them (section_contract checks the contract says the same).
REQUEST_HEAD, RESULT_HEAD, REGION = 12, 24, 65536
U32 = struct.Struct("<I")
MASK = 0xFFFFFFFF
GIVEN = json.loads(sys.stdin.read())
# The host's requests in the map's layout, and its invoke frames on the socket.
FRAMES = dict((k, v.encode("latin-1")) for k, v in GIVEN["map"].items())
SOCKET = dict((k, v.encode("latin-1")) for k, v in GIVEN["socket"].items())
TOKEN = "0123456789abcdef0123456789abcdef"
BELL = b'{"type":"bell"}\n'
SHM = "/dev/shm" if os.path.isdir("/dev/shm") else None


def text(b):
    return b.decode("latin-1")


# What os.fstat says of a descriptor: "open", or the errno's name.
def state(fd):
    try:
        os.fstat(fd)
        return "open"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def cloexec(fd):
    return bool(fcntl.fcntl(fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC)


# Descriptors open on the file st describes, each with its close-on-exec flag.
def open_on(st):
    found = []
    for name in sorted(os.listdir("/proc/self/fd"), key=int):
        try:
            s = os.fstat(int(name))
        except OSError:
            continue
        if (s.st_dev, s.st_ino) == (st.st_dev, st.st_ino):
            found.append([int(name), cloexec(int(name))])
    return found


# A file as the host offers it: size bytes, token at MAPPED_CHANNEL["token"]. Returns (fd, path).
def channel_file(size=SIZE, token=TOKEN):
    fd, path = tempfile.mkstemp(dir=SHM)
    os.ftruncate(fd, size)
    if token:
        os.lseek(fd, TOKEN_AT, 0)
        os.write(fd, token.encode("ascii"))
    return fd, path


def nonblocking_pipe():
    r, w = os.pipe()
    fcntl.fcntl(r, fcntl.F_SETFL, fcntl.fcntl(r, fcntl.F_GETFL) | os.O_NONBLOCK)
    return r, w


def drain(r):
    data = b""
    while True:
        try:
            chunk = os.read(r, 65536)
        except OSError as e:
            if e.errno == errno.EAGAIN:
                return text(data)
            raise
        if not chunk:
            return text(data)
        data += chunk


# The host's writes: a request (laid out by the test) to end where its number begins, then the number
# in the region's last 4 bytes.
def put_request(view, frame, seq):
    view[REQ_SEQ - len(frame):REQ_SEQ] = frame
    view[REQ_SEQ:REQ_SEQ + 4] = U32.pack(seq)


# The map's layout as the bootstrap's copy of the contract gives it.
def section_contract():
    return dict((k, list(v) if isinstance(v, tuple) else v) for k, v in C.items())


# The bell the bootstrap rings (written out in fgrun_map.py) and the contract's bell as Channel.send
# encodes a frame.
def section_bell():
    buf = io.BytesIO()
    P.Channel(None, writer=buf).send({"type": "bell"})
    return [text(M.BELL), text(buf.getvalue())]


def section_open():
    out = {"machine": os.uname()[4]}
    r, w = os.pipe()

    def attempt(name, fd, offer):
        m = M.open_map(fd, offer, w)
        out[name] = [type(m).__name__, state(fd)]
        return m

    fd, path = channel_file()
    st = os.fstat(fd)
    m = attempt("good", fd, json.loads(json.dumps({"fd": fd, "token": TOKEN})))
    if m is not None:
        # What stays open on the file: the mapping's own descriptor only, never inherited by a program
        # the function starts.
        out["left open"] = [cloexec for _, cloexec in open_on(st)]
        out["fields"] = [m.write_fd == w, m.taken, m.published, m.awake, text(m.view[TOKEN_AT:TOKEN_AT + 32])]
        host = os.open(path, os.O_RDWR)
        before = m.ready()
        os.lseek(host, REQ_SEQ, 0)
        os.write(host, U32.pack(1))
        m.view[PY_AWAKE:PY_AWAKE + 1] = b"\x01"
        os.lseek(host, PY_AWAKE, 0)
        # Both ways through the same pages: the host's write is read, the mapping's write is seen.
        out["shared"] = [before, m.ready(), text(os.read(host, 1))]
        os.close(host)
    os.unlink(path)

    fd, path = channel_file()
    os.unlink(path)
    attempt("wrong token", fd, {"fd": fd, "token": "f" * 32})
    fd, path = channel_file()
    os.unlink(path)
    attempt("empty token", fd, {"fd": fd, "token": ""})
    fd, path = channel_file()
    os.unlink(path)
    attempt("token not ASCII", fd, {"fd": fd, "token": u"\u00e9" + TOKEN[1:]})
    fd, path = channel_file()
    os.unlink(path)
    attempt("another fd named", fd, {"fd": fd + 1, "token": TOKEN})
    fd, path = channel_file()
    os.unlink(path)
    attempt("fd as text", fd, {"fd": str(fd), "token": TOKEN})
    fd, path = channel_file()
    os.unlink(path)
    attempt("no offer", fd, None)
    fd, path = channel_file()
    os.unlink(path)
    attempt("empty offer", fd, {})
    fd, path = channel_file()
    os.unlink(path)
    attempt("offer not an object", fd, "offer")
    for name, size in (("a byte short", SIZE - 1), ("a page more", SIZE + 4096)):
        fd, path = channel_file(size)
        os.unlink(path)
        attempt(name, fd, {"fd": fd, "token": TOKEN})
    fd, path = channel_file()
    ro = os.open(path, os.O_RDONLY)
    os.close(fd)
    os.unlink(path)
    attempt("read-only", ro, {"fd": ro, "token": TOKEN})
    out["no fd"] = [type(M.open_map(None, {"fd": 3, "token": TOKEN}, w)).__name__]
    # Another machine: the same good offer is refused (the fence is x86-64's alone).
    real = os.uname
    os.uname = lambda: ("Linux", "host", "6.1", "#1", "aarch64")
    try:
        fd, path = channel_file()
        os.unlink(path)
        attempt("aarch64", fd, {"fd": fd, "token": TOKEN})
    finally:
        os.uname = real
    os.close(r)
    os.close(w)
    return out


def section_take():
    view = mmap.mmap(-1, SIZE)
    m = M.Mapped(view, -1)
    out = []

    # [case, (id, payload, timeoutMs, the id is text, the payload bytes, a tuple of three) | None | the
    #  error, taken after, ready() after]
    def take(name):
        try:
            got = m.take()
            if got is None:
                res = None
            else:
                res = [got[0], text(got[1]), got[2], isinstance(got[0], P.TEXT), type(got[1]) is bytes, type(got) is tuple and len(got) == 3]
        except Exception as e:
            res = {type(e).__name__: str(e)}
        out.append([name, res, m.taken, m.ready()])

    take("nothing yet")
    put_request(view, FRAMES["plain"], 1)
    take("an ASCII id, a UTF-8 event")
    take("the same number again")
    put_request(view, FRAMES["quote"], 3)
    take("a number ahead")
    view[REQ_SEQ:REQ_SEQ + 4] = U32.pack(0)
    take("a number behind")
    put_request(view, FRAMES["quote"], 2)
    take("a quote and a backslash in the id")
    put_request(view, FRAMES["accent"], 3)
    take("a two-byte character in the id")
    put_request(view, FRAMES["wide"], 4)
    take("three- and four-byte characters in the id")
    put_request(view, FRAMES["emptyEvent"], 5)
    take("an empty event")
    put_request(view, FRAMES["emptyId"], 6)
    take("an empty id")
    put_request(view, FRAMES["pretty"], 7)
    take("newlines in the event")
    put_request(view, FRAMES["timeout0"], 8)
    take("timeoutMs 0")
    put_request(view, FRAMES["timeoutMost"], 9)
    take("timeoutMs 2**32 - 1")
    put_request(view, FRAMES["timeoutMixed"], 10)
    take("timeoutMs 0x89abcdef")
    put_request(view, FRAMES["long"], 11)
    take("a long request")
    # Over the longer request's bytes: only the lengths count.
    put_request(view, FRAMES["short"], 12)
    take("a short request over its bytes")
    put_request(view, FRAMES["reserved"], 13)
    take("the uint16 after the id's length set")
    put_request(view, FRAMES["fits"], 14)
    take("id + event + 12 + 4: the region exactly")
    put_request(view, FRAMES["longestId"], 15)
    take("the longest id, no event")
    put_request(view, FRAMES["longestEvent"], 16)
    take("no id, the longest event")
    put_request(view, FRAMES["overByOne"], 17)
    take("one byte more")
    put_request(view, FRAMES["idOverByOne"], 18)
    take("an id one byte too long")
    put_request(view, FRAMES["mostOfBoth"], 19)
    take("both lengths at their most")
    put_request(view, FRAMES["eventMost"], 20)
    take("an event of 2**32 - 1 bytes")
    put_request(view, FRAMES["badId"], 21)
    take("an id with a byte 0xff")
    put_request(view, FRAMES["cutId"], 22)
    take("an id cut inside a character")
    put_request(view, FRAMES["after"], 23)
    take("a good request after errors")
    # Around 2**32: the numbers wrap, both sides alike.
    m.taken = 0xFFFFFFFE
    m.want = U32.pack(0xFFFFFFFF)
    put_request(view, FRAMES["wrap1"], 0xFFFFFFFF)
    take("number 2**32 - 1")
    put_request(view, FRAMES["wrap2"], 0)
    take("number 0 after it")
    put_request(view, FRAMES["wrap3"], 1)
    take("then 1")
    return out


def section_publish():
    view = mmap.mmap(-1, SIZE)
    # Stale bytes where results go: what a publish leaves of them is seen.
    view[RESULT:SIZE] = b"\xee" * (SIZE - RESULT)
    r, w = nonblocking_pipe()
    m = M.Mapped(view, w)
    real_acquire = m._acquire
    fences = []
    host = [None]

    def acquire():
        # The fence between the number's store and the flag's load: where a host that goes to sleep
        # stores its flag, with the number already there for it to see.
        fences.append(text(view[RES_SEQ:RES_SEQ + 4]))
        if host[0] is not None:
            view[HOST_AWAKE:HOST_AWAKE + 1] = host[0]
        return real_acquire()

    m._acquire = acquire
    out = []

    # take: the host writes the next request and take() takes it first; published: the last
    # result's number, set first.
    def publish(name, kind, body, duration_ms, max_rss_kb, fenced, flag=b"\x01", flip=None, take=True, published=None):
        if take:
            put_request(view, FRAMES["plain"], (m.taken + 1) & MASK)
            if m.take() is None:
                raise AssertionError("no request to take")
        if published is not None:
            m.published = published
        view[HOST_AWAKE:HOST_AWAKE + 1] = flag
        host[0] = flip
        del fences[:]
        m.host_slept = False
        before = view[:]
        ok = m.publish(kind, body, duration_ms, max_rss_kb, fenced)
        after = view[:]
        end = RESULT + RESULT_HEAD + len(body)
        # Every byte outside the number, the host's flag, the result's head and its body is as it was.
        same = (before[:RES_SEQ] == after[:RES_SEQ] and before[RES_SEQ + 4:HOST_AWAKE] == after[RES_SEQ + 4:HOST_AWAKE]
                and before[HOST_AWAKE + 1:RESULT] == after[HOST_AWAKE + 1:RESULT] and before[end:] == after[end:])
        out.append([name, ok, m.taken, m.published, text(after[RES_SEQ:RES_SEQ + 4]), before != after, same,
                    list(fences), drain(r), text(after[RESULT:end]) if ok else None, m.host_slept])

    publish("the host asleep", "json", b'{"a":1}', 0.5, 10, True, b"\x00")
    publish("the host's flag 2", "json", b'{"a":1}', 0.5, 10, True, b"\x02", take=False)
    publish("json, fenced", "json", b'{"a":1}', 0.123456789, 0x12345678, True, take=False)
    publish("str, not fenced", "str", u"caf\u00e9".encode("utf-8"), 1234.5678, 0x87654321, False)
    publish("none", "none", b"", 0.0, 1, True)
    publish("a body of 65513 bytes", "json", b'"' + b"x" * (REGION - RESULT_HEAD - 1) + b'"', 2.5, 3, True)
    publish("a body of 65512 bytes", "json", b'"' + b"y" * (REGION - RESULT_HEAD - 2) + b'"', 2.5, 3, True, take=False)
    m.taken = 0xFFFFFFFE
    m.want = U32.pack(0xFFFFFFFF)
    publish("request and result 2**32 - 1", "json", b"1", 1e-06, 0xFFFFFFFF, True, published=0xFFFFFFFE)
    publish("request and result 0 after them", "json", b"2", 7, 0, False)
    publish("the host sleeps meanwhile", "json", b'{"a":2}', 0.5, 10, True, b"\x01", b"\x00")
    publish("the host stays awake", "json", b'{"a":3}', 0.5, 10, True, b"\x01", b"\x01")
    os.close(r)
    os.close(w)
    return out


# A map that logs its slices' reads and stores ([get|set, offset]), and at the result number's store
# what the result's head and body (as long as the head then says) hold. struct's pack_into and unpack_from
# reach its bytes directly, unlogged.
class Recording(bytearray):
    def __init__(self, size, log):
        bytearray.__init__(self, size)
        self.log = log

    def __getitem__(self, k):
        self.log.append(["get", k.start])
        return bytearray.__getitem__(self, k)

    def __setitem__(self, k, v):
        entry = ["set", k.start]
        if k.start == RES_SEQ:
            n = min(U32.unpack(bytes(bytearray.__getitem__(self, slice(RESULT, RESULT + 4))))[0], REGION - RESULT_HEAD)
            entry.append(text(bytes(bytearray.__getitem__(self, slice(RESULT, RESULT + RESULT_HEAD + n)))))
        self.log.append(entry)
        bytearray.__setitem__(self, k, v)


# Each side's order of stores, fence and loads (Dekker's), on a recording map.
def section_order():
    log = []
    view = Recording(SIZE, log)
    r, w = nonblocking_pipe()
    m = M.Mapped(view, w)
    real_acquire = m._acquire
    flip = [None]

    def acquire():
        log.append(["fence"])
        if flip[0] is not None:
            bytearray.__setitem__(view, slice(HOST_AWAKE, HOST_AWAKE + 1), flip[0])
        return real_acquire()

    m._acquire = acquire
    out = {}

    def steps(name, call):
        del log[:]
        got = call()
        out[name] = [got, list(log), drain(r)]

    bytearray.__setitem__(view, slice(HOST_AWAKE, HOST_AWAKE + 1), b"\x01")
    m.taken = 5
    steps("publish", lambda: m.publish("json", b'{"a":1}', 0.5, 10, True))
    flip[0] = b"\x00"
    steps("publish, the host asleep at the fence", lambda: m.publish("str", b"abc", 0.5, 10, False))
    steps("publish, the host asleep", lambda: m.publish("str", b"abc", 0.5, 10, False))
    steps("wake", m.wake)
    steps("sleep", m.sleep)
    os.close(r)
    os.close(w)
    return out


def section_flag():
    view = mmap.mmap(-1, SIZE)
    m = M.Mapped(view, -1)
    real_acquire = m._acquire
    fences = [0]

    def acquire():
        fences[0] += 1
        return real_acquire()

    m._acquire = acquire
    out = []

    def step(name, call, preset=None):
        if preset is not None:
            view[PY_AWAKE:PY_AWAKE + 1] = preset
        call()
        out.append([name, ord(view[PY_AWAKE:PY_AWAKE + 1]), m.awake, fences[0]])

    step("at first", lambda: None)
    step("wake", m.wake)
    # Awake already: nothing is written (the byte a test put there stays).
    step("wake again", m.wake, b"\x07")
    step("sleep", m.sleep, b"\x01")
    step("sleep again", m.sleep, b"\x05")
    step("wake after", m.wake)
    return out


class Reader(object):
    def __init__(self, data, log):
        self.io = io.BytesIO(data)
        self.log = log
        self.hook = None

    def readline(self):
        self.log.append("readline")
        hook, self.hook = self.hook, None
        if hook is not None:
            hook()
        return self.io.readline()

    def read(self, n):
        return self.io.read(n)


class Traced(M.Mapped):
    def __init__(self, view, write_fd, log):
        M.Mapped.__init__(self, view, write_fd)
        self.log = log
        self.on_sleep = None

    def take(self):
        got = M.Mapped.take(self)
        self.log.append("take " + ("-" if got is None else got[0]))
        return got

    def ready(self):
        got = M.Mapped.ready(self)
        self.log.append("ready " + ("yes" if got else "no"))
        return got

    def sleep(self):
        self.log.append("sleep")
        M.Mapped.sleep(self)
        hook, self.on_sleep = self.on_sleep, None
        if hook is not None:
            hook()


# A channel on socket bytes with a mapped channel of its own; its output goes to a pipe.
def channel(socket):
    log = []
    view = mmap.mmap(-1, SIZE)
    r, w = nonblocking_pipe()
    ch = P.Channel(Reader(socket, log), write_fd=w)
    ch.mapped = Traced(view, w, log)
    return ch, view, log, r


def section_receive():
    out = {}

    # take_mapped(): [(id, payload, timeoutMs) | None, via_map, calls, socket bytes read, pythonAwake]
    def take(ch, log):
        del log[:]
        got = ch.take_mapped()
        return [None if got is None else [got[0], text(got[1]), got[2]], ch.via_map, list(log), ch.reader.io.tell(),
                ord(ch.mapped.view[PY_AWAKE:PY_AWAKE + 1])]

    # read_frame(): [message, payload, via_map, calls, socket bytes read, pythonAwake]
    def frame(ch, log):
        del log[:]
        message, payload = ch.read_frame()
        return [message, None if payload is None else text(payload), ch.via_map, list(log), ch.reader.io.tell(),
                ord(ch.mapped.view[PY_AWAKE:PY_AWAKE + 1])]

    ch, view, log, r = channel(SOCKET["sock1"])
    ch.mapped.wake()
    put_request(view, FRAMES["map1"], 1)
    out["map first"] = [take(ch, log), take(ch, log), frame(ch, log)]

    ch, view, log, r = channel(SOCKET["sock2"])
    ch.mapped.wake()
    # The host writes the next request just as the loop stores its flag (it saw the loop awake: no bell).
    ch.mapped.on_sleep = lambda: put_request(view, FRAMES["map2"], 1)
    out["written while it stores its flag"] = [take(ch, log), take(ch, log), frame(ch, log)]

    ch, view, log, r = channel(BELL + SOCKET["sock3"])
    ch.mapped.wake()
    # The host writes while the loop blocks on the socket, and rings.
    ch.reader.hook = lambda: put_request(view, FRAMES["map3"], 1)
    out["a bell, then the map"] = [take(ch, log), frame(ch, log), take(ch, log), take(ch, log), frame(ch, log)]

    ch, view, log, r = channel(BELL + SOCKET["sock4"])
    out["a stale bell"] = [take(ch, log), frame(ch, log)]

    ch, view, log, r = channel(BELL)
    out["a bell, then the end"] = [take(ch, log), frame(ch, log)]

    # Each result goes back the way its request came.
    ch, view, log, r = channel(SOCKET["sock6"])
    view[HOST_AWAKE:HOST_AWAKE + 1] = b"\x01"
    put_request(view, FRAMES["map6"], 1)
    routes = []

    # [id, via_map after the result, number in the map, the result's region in the map (head and
    #  body, its length as the head says), socket bytes]
    def result(request_id, kind, body, duration_ms, max_rss_kb, fenced):
        ch.send_result(request_id, kind, body, duration_ms, max_rss_kb, fenced)
        n = min(U32.unpack(view[RESULT:RESULT + 4])[0], REGION - RESULT_HEAD)
        routes.append([request_id, ch.via_map, text(view[RES_SEQ:RES_SEQ + 4]), text(view[RESULT:RESULT + RESULT_HEAD + n]), drain(r)])

    # The next request as the loop takes it (Runner.serve): [id, via_map].
    def next_request():
        got = ch.take_mapped()
        if got is None:
            routes.append([ch.read_frame()[0]["id"], ch.via_map])
        else:
            routes.append([got[0], ch.via_map])

    next_request()
    result("map-6", "json", b'{"r":6}', 1.5, 100, True)
    next_request()
    result("sock-6", "json", b'{"r":7}', 1.5, 100, True)
    put_request(view, FRAMES["map7"], 2)
    next_request()
    # The host went to sleep meanwhile: the socket carries the result.
    view[HOST_AWAKE:HOST_AWAKE + 1] = b"\x00"
    result("map-7", "json", b'{"r":8}', 1.5, 100, True)
    # Awake again: a str result, no fence, each field as send_result was given it.
    view[HOST_AWAKE:HOST_AWAKE + 1] = b"\x01"
    put_request(view, FRAMES["map9"], 3)
    next_request()
    result("map-9", "str", u"caf\u00e9".encode("utf-8"), 0.25, 7, False)
    out["routes"] = routes

    # A context call's reply: read from the socket, the map not looked at.
    ch, view, log, r = channel(b'{"type":"reply","seq":1,"value":"v"}\n')
    put_request(view, FRAMES["map8"], 1)
    first = frame(ch, log)
    out["read_frame"] = [first, ch.mapped.taken, M.Mapped.ready(ch.mapped)]

    ch, view, log, r = channel(b'{"type":"reply","seq":1,"value":"tok"}\n')
    put_request(view, FRAMES["map8"], 1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    runner = fgrun_runner.Runner(ch, log_fd=devnull)
    # As while a request runs (Runner.begin releases it).
    runner.lock.release()
    del log[:]
    value = runner.call("getSecurityToken", [])
    out["Runner.call"] = [value, json.loads(drain(r)), list(log), ch.mapped.taken, M.Mapped.ready(ch.mapped)]
    os.close(devnull)
    return out


# Runner.serve's loop after init: an invoke from the map, two from the socket (lingering, and not),
# a bell for an invoke the host put in the map while the loop blocked, then shutdown; invoke() and
# the linger stubbed, each call recorded: ["invoke", id, payload, timeoutMs, via_map], ["linger",
# allowed].
def section_serve():
    ch, view, log, r = channel(b'{"type":"init"}\n' + SOCKET["sock1"] + SOCKET["quiet"] + BELL + b'{"type":"shutdown"}\n')
    mapped, ch.mapped = ch.mapped, None
    devnull = os.open(os.devnull, os.O_WRONLY)
    runner = fgrun_runner.Runner(ch, log_fd=devnull)
    calls = []

    def init(message):
        calls.append(["init", message])
        ch.mapped = mapped
        put_request(view, FRAMES["map1"], 1)
        return True

    def invoke(request_id, payload, timeout_ms=None):
        calls.append(["invoke", request_id, text(payload), timeout_ms, ch.via_map])
        if request_id == "sock-q":
            # The host writes the next invoke while the loop blocks on the socket, and rings.
            ch.reader.hook = lambda: put_request(view, FRAMES["map2"], 2)

    class Linger(object):
        def after_result(self, allowed=True):
            calls.append(["linger", allowed])

    runner.init = init
    runner.invoke = invoke
    runner.linger = Linger()
    ended = runner.serve()
    os.close(devnull)
    return [ended, calls, mapped.taken]


def section_linger():
    view = mmap.mmap(-1, SIZE)
    m = M.Mapped(view, -1)
    t = [0.0]
    turns = [0]
    polls = [0]
    flags = []
    plan = {}
    socket = [False]
    seq = [0]

    def clock():
        return t[0]

    def host_writes():
        seq[0] += 1
        put_request(view, FRAMES["spin"], seq[0])

    def pause():
        # One turn of the spin: 6 us of the test's clock (the window of 100 us ends at the 17th).
        turns[0] += 1
        t[0] += 0.000006
        flags.append(ord(view[PY_AWAKE:PY_AWAKE + 1]))
        if plan.get("host") == turns[0]:
            host_writes()
        if plan.get("socket") == turns[0]:
            socket[0] = True

    def poller(fd):
        def poll(ms):
            polls[0] += 1
            return [(fd, 1)] if socket[0] else []
        return poll

    g = L.Linger(7, poller, clock)
    g.mapped = m
    g.poll = poller(7)
    g.pause = pause
    out = []

    def step(name, before=None, **at):
        t[0] += 0.00005
        turns[0] = polls[0] = 0
        del flags[:]
        plan.clear()
        plan.update(at)
        socket[0] = False
        if before is not None:
            before()
        found = g.after_result(True)
        out.append([name, found, turns[0], polls[0], sorted(set(flags)), g.active, g.misses,
                    ord(view[PY_AWAKE:PY_AWAKE + 1])])
        if m.ready():
            m.take()

    step("the first result: no spin")
    step("the host writes at the 3rd turn", host=3)
    step("the request is there at once", before=host_writes)
    step("socket input at the 5th turn", socket=5)
    step("nothing comes: the window")
    step("the host writes at the window's last turn", host=17)
    for n in range(4):
        step("miss %d" % (n + 1))
    step("stopped: one result let pass")
    return {"steps": out, "pollEvery": L.POLL_EVERY, "window": L.WINDOW}


results = {}
for name, section in (("contract", section_contract), ("bell", section_bell), ("open", section_open), ("take", section_take),
                      ("publish", section_publish), ("order", section_order), ("flag", section_flag),
                      ("receive", section_receive), ("serve", section_serve), ("linger", section_linger)):
    try:
        results[name] = section()
    except Exception:
        results[name] = {"failed": traceback.format_exc()}
sys.stdout.write(json.dumps(results))
`;

// The host's own code writes the request and reads the result; the interpreter maps the file as fd 3,
// receives through its channel and sends the result as argv[4] says: [kind, fenced, durationMs,
// maxRssKb], the body the event's bytes reversed (their first 65512, the most a result carries).
const ROUND_TRIP = String.raw`
import errno, fcntl, io, json, os, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import fgrun_map as M
import fgrun_protocol as P
r, w = os.pipe()
fcntl.fcntl(r, fcntl.F_SETFL, fcntl.fcntl(r, fcntl.F_GETFL) | os.O_NONBLOCK)
# Room for a result the socket would carry instead (F_SETPIPE_SZ): the case fails, never hangs.
fcntl.fcntl(w, 1031, 1 << 20)
m = M.open_map(3, json.loads(sys.argv[3]), w)
kind, fenced, duration_ms, max_rss_kb = json.loads(sys.argv[4])
try:
    os.fstat(3)
    fd3 = "open"
except OSError as e:
    fd3 = errno.errorcode[e.errno]
ch = P.Channel(io.BytesIO(b""), write_fd=w)
ch.mapped = m
request_id, payload, timeout_ms = ch.take_mapped()
via_map = ch.via_map
ch.send_result(request_id, kind, payload[::-1][:65512], duration_ms, max_rss_kb, fenced)
written = b""
while True:
    try:
        chunk = os.read(r, 1 << 20)
    except OSError:
        break
    if not chunk:
        break
    written += chunk
sys.stdout.write(json.dumps({"mapped": type(m).__name__, "fd3": fd3, "request": [request_id, timeout_ms], "taken": m.taken,
                             "payload": payload.decode("utf-8"), "via_map": via_map, "socket": written.decode("latin-1")}))
`;

type Step = [string, ...unknown[]];
interface Out {
  contract: Record<string, unknown>;
  bell: string[];
  open: Record<string, unknown>;
  take: Step[];
  publish: Step[];
  order: Record<string, [unknown, unknown[][], string]>;
  flag: Step[];
  receive: Record<string, unknown>;
  serve: [string, unknown[][], number];
  linger: { steps: Step[]; pollEvery: number; window: number };
}

// The result header the socket carries (the text frame's, unchanged by the map).
const resultHeader = (id: string, size: number, duration: string, peak: number, fenced = true) =>
  `{"type":"result","id":"${id}","ok":true,"kind":"json","size":${size},"durationMs":${duration},"maxRssKb":${peak},"fenced":${fenced}}\n`;

// A step's result regions (the column `at`) read back field by field.
const readColumn = (steps: Step[], at: number): unknown[][] =>
  steps.map((step) => step.map((value, i) => (i === at && typeof value === 'string' ? readResult(value) : value)));

describeEachRuntime('the mapped channel, bootstrap side', (runtime) => {
  let sections: Out;
  beforeAll(() => {
    const run = spawnSync(runtime.path, ['-c', SCRIPT, BOOTSTRAP, SHIM], {
      input: JSON.stringify({ map: MAP, socket: SOCKET }),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    sections = JSON.parse(run.stdout) as Out;
  });
  // A section's results; its traceback when it raised.
  const out = new Proxy({} as Out, {
    get(_, name: keyof Out) {
      const value = sections[name] as unknown as { failed?: string };
      if (typeof value.failed === 'string') throw new Error(value.failed);
      return value;
    },
  });

  it('the contract, on both sides, lays the map out as the cases here are written', () => {
    const layout = {
      bytes: 135168,
      requestSeq: 69628,
      resultSeq: 64,
      pythonAwake: 128,
      hostAwake: 192,
      token: 256,
      request: 4096,
      result: 69632,
      regionBytes: REGION,
      requestHead: REQUEST_HEAD,
      resultHead: RESULT_HEAD,
      resultKinds: ['none', 'str', 'json'],
    };
    expect(M).toEqual(layout);
    expect(out.contract).toEqual(layout);
    // Each region ends where the next thing begins: the result's at the file's end; the request's
    // number in its region's last 4 bytes.
    expect([M.request + M.regionBytes, M.result + M.regionBytes, M.requestSeq + 4]).toEqual([M.result, M.bytes, M.result]);
  });

  it('rings the contract\'s bell, as Channel.send encodes a frame', () => {
    expect(out.bell).toEqual([BELL, BELL]);
  });

  it('open_map maps the offered file only when its fd, size and token match, on x86-64, and closes the fd every time', () => {
    const x86 = machine() === 'x86_64';
    expect(out.open.machine).toBe(machine());
    expect(out.open.good).toEqual([x86 ? 'Mapped' : 'NoneType', 'EBADF']);
    if (x86) {
      // What stays open on the file is the mapping's own duplicate (mmap keeps one), close-on-exec:
      // a program the function runs never inherits the channel.
      expect(out.open['left open']).toEqual([true]);
      expect(out.open.fields).toEqual([true, 0, 0, false, '0123456789abcdef0123456789abcdef']);
      // Request number 1 written through the host's descriptor is ready; the flag stored in the
      // mapping is read through it.
      expect(out.open.shared).toEqual([false, true, '\x01']);
    }
    for (const refused of ['wrong token', 'empty token', 'token not ASCII', 'another fd named', 'fd as text', 'no offer', 'empty offer',
      'offer not an object', 'a byte short', 'a page more', 'read-only', 'aarch64']) {
      expect([refused, out.open[refused]]).toEqual([refused, ['NoneType', 'EBADF']]);
    }
    expect(out.open['no fd']).toEqual(['NoneType']);
  });

  it('take() reads the id and the event at their offsets at the next number only, refuses lengths past the region and ids not UTF-8, wraps at 2**32', () => {
    // [case, (message, payload, the id is text, the payload bytes) | null | error, taken after, ready() after]
    const ok = (id: string, event: string, timeoutMs = 3000) => [id, utf8(event), timeoutMs, true, true, true];
    const tooLong = (idBytes: number, size: number) => ({
      ProtocolError: `the mapped channel holds no invoke: an id of ${idBytes} bytes and an event of ${size}`,
    });
    const notUtf8 = { ProtocolError: 'the mapped channel holds no invoke: its id is not UTF-8' };
    // The request's bytes as laid out: the id, the event right after it, then the head.
    expect(MAP.plain).toBe(`req-1${utf8(EVENT)}${u32(Buffer.byteLength(EVENT))}${u32(3000)}\x05\x00\x00\x00`);
    expect([MAP.fits.length, MAP.overByOne.length, MAP.longestId.length, MAP.longestEvent.length]).toEqual([REGION - 4, REGION - 4, REGION - 4, REGION - 4]);
    expect(out.take).toEqual([
      ['nothing yet', null, 0, false],
      ['an ASCII id, a UTF-8 event', ok('req-1', EVENT), 1, false],
      ['the same number again', null, 1, false],
      ['a number ahead', null, 1, false],
      ['a number behind', null, 1, false],
      ['a quote and a backslash in the id', ok(QUOTE_ID, '{}'), 2, false],
      ['a two-byte character in the id', ok('café', '[1]'), 3, false],
      ['three- and four-byte characters in the id', ok(WIDE_ID, '"x"'), 4, false],
      ['an empty event', ok('e', ''), 5, false],
      ['an empty id', ok('', '{"no":"id"}'), 6, false],
      ['newlines in the event', ok('p', PRETTY), 7, false],
      ['timeoutMs 0', ok('t0', '0', 0), 8, false],
      ['timeoutMs 2**32 - 1', ok('t1', '1', 0xffffffff), 9, false],
      ['timeoutMs 0x89abcdef', ok('t2', '2', 0x89abcdef), 10, false],
      ['a long request', ok('long', LONG_EVENT), 11, false],
      ['a short request over its bytes', ok('s', '1'), 12, false],
      // The id's length is the uint16 at 8 alone.
      ['the uint16 after the id\'s length set', ok('r', '{}'), 13, false],
      ['id + event + 12 + 4: the region exactly', ok('max', FITS), 14, false],
      ['the longest id, no event', ok(LONGEST_ID, ''), 15, false],
      ['no id, the longest event', ok('', LONGEST_EVENT), 16, false],
      // Refused, and the number taken all the same: the next request is the next number.
      ['one byte more', tooLong(3, Buffer.byteLength(FITS) + 1), 17, false],
      ['an id one byte too long', tooLong(REQUEST_MOST + 1, 0), 18, false],
      ['both lengths at their most', tooLong(0xffff, 0xffffffff), 19, false],
      ['an event of 2**32 - 1 bytes', tooLong(1, 0xffffffff), 20, false],
      ['an id with a byte 0xff', notUtf8, 21, false],
      ['an id cut inside a character', notUtf8, 22, false],
      ['a good request after errors', ok('after-errors', '{}'), 23, false],
      ['number 2**32 - 1', ok('w1', '1'), 0xffffffff, false],
      ['number 0 after it', ok('w2', '2'), 0, false],
      ['then 1', ok('w3', '3'), 1, false],
    ]);
  });

  it('publish() writes each head field at its offset and the body at 24, then the number, while the host is awake, else nothing; rings once when the host sleeps meanwhile', () => {
    // [case, returned, taken, published, number in the file, anything written, nothing else written,
    //  the number as the fence saw it (one per fence), socket bytes, the result's region as read back,
    //  whether the host was found asleep (the linger then waits longer for its next request)]
    const big = (c: string) => `"${c.repeat(RESULT_MOST - 2)}"`;
    expect(readColumn(out.publish, 9)).toEqual([
      ['the host asleep', false, 1, 0, u32(0), false, true, [], '', null, true],
      ["the host's flag 2", false, 1, 0, u32(0), false, true, [], '', null, true],
      ['json, fenced', true, 1, 1, u32(1), true, true, [u32(1)], '', published(7, 1, 0.123456789, 0x12345678, 'json', 1, '{"a":1}'), false],
      ['str, not fenced', true, 2, 2, u32(2), true, true, [u32(2)], '', published(5, 2, 1234.5678, 0x87654321, 'str', 0, utf8('café')), false],
      ['none', true, 3, 3, u32(3), true, true, [u32(3)], '', published(0, 3, 0, 1, 'none', 1, ''), false],
      ['a body of 65513 bytes', false, 4, 3, u32(3), false, true, [], '', null, false],
      ['a body of 65512 bytes', true, 4, 4, u32(4), true, true, [u32(4)], '', published(RESULT_MOST, 4, 2.5, 3, 'json', 1, big('y')), false],
      ['request and result 2**32 - 1', true, 0xffffffff, 0xffffffff, u32(0xffffffff), true, true, [u32(0xffffffff)], '', published(1, 0xffffffff, 1e-6, 0xffffffff, 'json', 1, '1'), false],
      ['request and result 0 after them', true, 0, 0, u32(0), true, true, [u32(0)], '', published(1, 0, 7, 0, 'json', 0, '2'), false],
      ['the host sleeps meanwhile', true, 1, 1, u32(1), true, true, [u32(1)], BELL, published(7, 1, 0.5, 10, 'json', 1, '{"a":2}'), true],
      ['the host stays awake', true, 2, 2, u32(2), true, true, [u32(2)], '', published(7, 2, 0.5, 10, 'json', 1, '{"a":3}'), false],
    ]);
    // The largest body reaches the file's last byte.
    expect(M.result + RESULT_HEAD + RESULT_MOST).toBe(M.bytes);
  });

  it('publish() stores head and body, then the number, then fences, then loads the host\'s flag; sleep() stores the flag, then fences', () => {
    // [returned, the map's slices read and stored in order ([get|set, offset], the result's head and
    //  body as they stood when the number was stored) and the fences, socket bytes]
    const order = Object.fromEntries(
      Object.entries(out.order).map(([name, [returned, log, socket]]) => [
        name,
        [returned, log.map((entry) => (entry.length === 3 ? [entry[0], entry[1], readResult(entry[2] as string)] : entry)), socket],
      ]),
    );
    const flag = ['get', M.hostAwake];
    expect(order).toEqual({
      publish: [true, [flag, ['set', M.result + RESULT_HEAD], ['set', M.resultSeq, published(7, 5, 0.5, 10, 'json', 1, '{"a":1}')], ['fence'], flag], ''],
      'publish, the host asleep at the fence': [
        true,
        [flag, ['set', M.result + RESULT_HEAD], ['set', M.resultSeq, published(3, 5, 0.5, 10, 'str', 0, 'abc')], ['fence'], flag],
        BELL,
      ],
      'publish, the host asleep': [false, [flag], ''],
      wake: [null, [['set', M.pythonAwake]], ''],
      sleep: [null, [['set', M.pythonAwake], ['fence']], ''],
    });
  });

  it('wake() and sleep() store the pythonAwake byte (1, 0) only when it changes; sleep() fences', () => {
    // [step, the byte, awake, fences so far]
    expect(out.flag).toEqual([
      ['at first', 0, false, 0],
      ['wake', 1, true, 0],
      ['wake again', 7, true, 0],
      ['sleep', 0, false, 1],
      ['sleep again', 5, false, 1],
      ['wake after', 1, true, 1],
    ]);
  });

  it('Channel.take_mapped takes from the map, else stores asleep and looks again; read_frame reads the socket, gives a bell only for an invoke in the map; results go back their way', () => {
    const r = out.receive;
    const msg = (id: string, event: string) => header(id, event);
    // take_mapped: [[id, payload, timeoutMs] | null, via_map, calls, socket bytes read, pythonAwake]
    const mapped = (id: string, event: string) => [id, event, 3000];
    const none = (read: number) => [null, false, ['take -', 'sleep', 'take -'], read, 0];
    // read_frame: [message, payload, via_map, calls, socket bytes read, pythonAwake]
    const sock1 = Buffer.byteLength(SOCKET.sock1, 'latin1');
    expect(r['map first']).toEqual([
      [mapped('map-1', '{"m":1}'), true, ['take map-1'], 0, 1],
      none(0),
      [msg('sock-1', '{"s":1}'), '{"s":1}', false, ['readline'], sock1, 0],
    ]);
    expect(r['written while it stores its flag']).toEqual([
      [mapped('map-2', '{"m":2}'), true, ['take -', 'sleep', 'take map-2'], 0, 0],
      none(0),
      [msg('sock-2', '{"s":2}'), '{"s":2}', false, ['readline'], SOCKET.sock2.length, 0],
    ]);
    expect(r['a bell, then the map']).toEqual([
      none(0),
      [{ type: 'bell' }, null, false, ['readline', 'ready yes'], BELL.length, 0],
      [mapped('map-3', '{"m":3}'), true, ['take map-3'], BELL.length, 0],
      none(BELL.length),
      [msg('sock-3', '{"s":3}'), '{"s":3}', false, ['readline'], BELL.length + SOCKET.sock3.length, 0],
    ]);
    expect(r['a stale bell']).toEqual([
      none(0),
      [msg('sock-4', '{"s":4}'), '{"s":4}', false, ['readline', 'ready no', 'readline'], BELL.length + SOCKET.sock4.length, 0],
    ]);
    expect(r['a bell, then the end']).toEqual([none(0), [null, null, false, ['readline', 'ready no', 'readline'], BELL.length, 0]]);
    // [id, via_map] per request; [id, via_map after the result, number in the map, result in the map, socket bytes]
    const mapped6 = published(7, 1, 1.5, 100, 'json', 1, '{"r":6}');
    expect(readColumn(r.routes as Step[], 3)).toEqual([
      ['map-6', true],
      ['map-6', false, u32(1), mapped6, ''],
      ['sock-6', false],
      ['sock-6', false, u32(1), mapped6, resultHeader('sock-6', 7, '1.500', 100) + '{"r":7}\n'],
      ['map-7', true],
      ['map-7', false, u32(1), mapped6, resultHeader('map-7', 7, '1.500', 100) + '{"r":8}\n'],
      ['map-9', true],
      // The third request the map carried: its number, the kind's code, fenced 0.
      ['map-9', false, u32(2), published(5, 3, 0.25, 7, 'str', 0, utf8('café')), ''],
    ]);
    const reply = (value: string) => ({ type: 'reply', seq: 1, value });
    const replyLength = `{"type":"reply","seq":1,"value":"v"}\n`.length;
    expect(r.read_frame).toEqual([[reply('v'), null, false, ['readline'], replyLength, 0], 0, true]);
    expect(r['Runner.call']).toEqual(['tok', { type: 'call', seq: 1, method: 'getSecurityToken', args: [] }, ['readline'], 0, true]);
  });

  it('Runner.serve passes a mapped invoke\'s id, event and timeout to invoke() and lingers after it; the socket\'s invokes as their frames say; a bell\'s invoke from the map', () => {
    expect(out.serve).toEqual(['shutdown', [
      ['init', { type: 'init' }],
      ['invoke', 'map-1', '{"m":1}', 3000, true],
      ['linger', true],
      ['invoke', 'sock-1', '{"s":1}', 3000, false],
      ['linger', true],
      ['invoke', 'sock-q', '{"q":1}', 2500, false],
      ['linger', false],
      ['invoke', 'map-2', '{"m":2}', 3000, true],
      ['linger', true],
    ], 2]);
  });

  it('Linger.after_result spins on the map\'s number with the flag up, polls the socket every POLL_EVERY turns, ends at the window', () => {
    expect([out.linger.pollEvery, out.linger.window]).toEqual([8, 0.0001]);
    // [step, found, turns, polls, pythonAwake seen at each turn, lingering, misses, pythonAwake after]
    expect(out.linger.steps).toEqual([
      ['the first result: no spin', false, 0, 0, [], false, 0, 0],
      ['the host writes at the 3rd turn', true, 3, 0, [1], true, 0, 1],
      ['the request is there at once', true, 0, 0, [], true, 0, 1],
      // The poll at turn 8 sees it, and the one after the loop says so.
      ['socket input at the 5th turn', true, 8, 2, [1], true, 0, 1],
      // Polls at turns 8 and 16, the window ends at 17 (102 us), one more poll and look.
      ['nothing comes: the window', false, 17, 3, [1], true, 1, 1],
      ['the host writes at the window\'s last turn', true, 17, 3, [1], true, 0, 1],
      ['miss 1', false, 17, 3, [1], true, 1, 1],
      ['miss 2', false, 17, 3, [1], true, 2, 1],
      ['miss 3', false, 17, 3, [1], true, 3, 1],
      ['miss 4', false, 17, 3, [1], false, 4, 1],
      ['stopped: one result let pass', false, 0, 0, [], false, 4, 1],
    ]);
  });
});

describeEachRuntime('the mapped channel, the host\'s file on fd 3', (runtime) => {
  // [name, id, event, timeoutMs, the result as the bootstrap sends it: [kind, fenced, durationMs,
  //  maxRssKb], durationMs as the host delivers it (three decimals, as the socket's header gives it)]
  const cases: [string, string, string, number, [ResultMessage['kind'] & string, boolean, number, number], number][] = [
    ['an ASCII id, a json result, fenced', 'rt-1', EVENT, 3000, ['json', true, 2.5, 4096], 2.5],
    // A body past the host's first read of the result (2048 bytes with the head).
    ['a non-ASCII id, a str result of 3 KB, no fence', 'rt-é中😀', `"${'z'.repeat(3000)}é"`, 0x89abcdef, ['str', false, 1.23456, 0xffffffff], 1.235],
    // The host's bound and the bootstrap's agree: id + event + 12 + 4, the region exactly; the result
    // the largest the map carries.
    ['the largest request, the largest result', 'max-é', `"${'q'.repeat(REQUEST_MOST - Buffer.byteLength('max-é') - 2)}"`, 0, ['json', true, 0.001, 1], 0.001],
  ];
  for (const [name, id, event, timeoutMs, sent, durationMs] of cases) {
    const offer = offerMap();
    it.skipIf(offer === null)(`takes the invoke the host's code wrote and publishes a result the host's code reads: ${name}`, () => {
      const { fd, token } = offer!;
      const delivered: [ResultMessage, string][] = [];
      const failed: string[] = [];
      let rings = 0;
      const host = new MappedChannel(fd, (message, body) => delivered.push([message, latin1(body)]), () => rings++, (why) => failed.push(why));
      const [kind, fenced, sentMs, maxRssKb] = sent;
      try {
        host.wake();
        expect(host.send(id, event, timeoutMs)).toBe(true);
        // The bootstrap had not said it spins: the host rang.
        expect(rings).toBe(1);
        // The host's code wrote the request as the contract lays it out (as the cases above are
        // written), its number after it, and nothing before it.
        const laid = request(id, event, timeoutMs);
        const written = Buffer.alloc(laid.length + 1);
        readSync(fd, written, 0, written.length, M.requestSeq - laid.length - 1);
        const number = Buffer.alloc(4);
        readSync(fd, number, 0, 4, M.requestSeq);
        expect([written[0], latin1(written.subarray(1)), latin1(number)]).toEqual([0, laid, u32(1)]);
        const run = spawnSync(runtime.path, ['-c', ROUND_TRIP, BOOTSTRAP, SHIM, JSON.stringify({ fd: 3, token }), JSON.stringify(sent)], {
          stdio: ['pipe', 'pipe', 'pipe', fd],
          encoding: 'utf8',
          maxBuffer: 16 * 1024 * 1024,
          timeout: 60_000,
        });
        expect(run.stderr).toBe('');
        expect(JSON.parse(run.stdout)).toEqual({
          mapped: 'Mapped',
          fd3: 'EBADF',
          request: [id, timeoutMs],
          taken: 1,
          payload: event,
          via_map: true,
          socket: '',
        });
        const body = latin1(Buffer.from(event, 'utf8').reverse().subarray(0, RESULT_MOST));
        // The result in the file, field by field, its duration unrounded; its number.
        const region = Buffer.alloc(RESULT_HEAD + body.length);
        readSync(fd, region, 0, region.length, M.result);
        readSync(fd, number, 0, 4, M.resultSeq);
        expect([readResult(latin1(region)), latin1(number)]).toEqual([published(body.length, 1, sentMs, maxRssKb, kind, fenced ? 1 : 0, body), u32(1)]);
        expect(host.poll()).toBe(true);
        expect(delivered).toEqual([[{ type: 'result', id, ok: true, kind, size: body.length, durationMs, maxRssKb, fenced }, body]]);
        expect([host.taken, failed]).toEqual([1, []]);
        expect(host.poll()).toBe(false);
      } finally {
        closeSync(fd);
      }
    });
  }
});
