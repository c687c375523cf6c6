// The bootstrap's side of the mapped channel (bootstrap/fgrun_map.py; docs/protocol.md, "The mapped
// channel"), in-process with each real interpreter: open_map's checks of the host's offer, take() of
// the frame the host wrote, publish() of a result and its bell, the awake flag, Channel.receive's
// order (the map, then the flag stored and the map once more, then the socket; bells), and the
// linger's spin on the map. One interpreter runs every case on memory it shares with the test's
// "host" (a file or an anonymous shared mapping written with plain slices), with the races the
// protocol guards against placed deterministically by hooks (the host's flag flipped inside the
// publisher's fence, a frame written while the reader stores its flag, or while it blocks on the
// socket). A second interpreter maps a file the host's own code (src/instance/mapped-channel.ts)
// offered and wrote, and publishes the result the host's code reads back.
import { spawnSync } from 'node:child_process';
import { closeSync } from 'node:fs';
import { machine } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { MAPPED_CHANNEL as M } from '../../src/contract/messages.js';
import { MappedChannel, offerMap } from '../../src/instance/mapped-channel.js';
import { encodeInvokeBytes } from '../../src/protocol/encode.js';
import { ROOT } from '../helpers/fixtures.js';
import { describeEachRuntime } from '../helpers/runtimes.js';

const BOOTSTRAP = join(ROOT, 'bootstrap');
const SHIM = join(ROOT, 'pyshim');
const BELL = '{"type":"bell"}\n';

// Bytes as the interpreter sends them back: one char per byte.
const latin1 = (b: Buffer | string): string => (typeof b === 'string' ? b : b.toString('latin1'));
const u32 = (n: number): string => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0, 0);
  return latin1(b);
};
// The invoke frames the host writes (src/protocol/encode.ts), as bytes.
const invoke = (id: string, event: string): string => latin1(encodeInvokeBytes(id, event, 3000, true));
const header = (id: string, event: string) => ({ type: 'invoke', id, size: Buffer.byteLength(event), timeoutMs: 3000, linger: true });

const EVENT = '{"k":"中文"}';
// The event whose invoke frame is exactly frameBytes long: the largest the map carries.
const LARGEST = (() => {
  // The header's length depends on the size's digits: the size of a first guess gives the right one.
  const headerFor = (size: number) => encodeInvokeBytes('max', 'x'.repeat(size), 3000, true).length - size - 1;
  const size = M.frameBytes - 1 - headerFor(M.frameBytes - 1 - headerFor(M.frameBytes));
  return `"${'x'.repeat(size - 2)}"`;
})();
const PRETTY = '{\n  "a": 1\n}';
// Every frame the script reads, written by the host's encoder. Ids with a quote or a non-ASCII
// character come escaped in the header (asciiJson): json.loads reads them, not the fast path.
const FRAMES = {
  plain: invoke('req-1', EVENT),
  quote: invoke('say "hi"', '{}'),
  accent: invoke('caf\u00e9', '[1]'),
  empty: invoke('e', ''),
  pretty: invoke('p', PRETTY),
  after: invoke('after-errors', '{}'),
  wrap1: invoke('w1', '1'),
  wrap2: invoke('w2', '2'),
  wrap3: invoke('w3', '3'),
  map1: invoke('map-1', '{"m":1}'),
  sock1: invoke('sock-1', '{"s":1}'),
  map2: invoke('map-2', '{"m":2}'),
  sock2: invoke('sock-2', '{"s":2}'),
  map3: invoke('map-3', '{"m":3}'),
  sock3: invoke('sock-3', '{"s":3}'),
  sock4: invoke('sock-4', '{"s":4}'),
  map6: invoke('map-6', '{}'),
  sock6: invoke('sock-6', '{}'),
  map7: invoke('map-7', '{}'),
  map8: invoke('map-8', '{}'),
  spin: invoke('spin', '{}'),
  largest: invoke('max', LARGEST),
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
REQUEST, RESULT, TOKEN_AT, FRAME = C["request"], C["result"], C["token"], C["frameBytes"]
U32 = struct.Struct("<I")
FRAMES = dict((k, v.encode("latin-1")) for k, v in json.loads(sys.stdin.read()).items())
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


# The host's writes: a request frame (its length, the frame) and its number.
def put_request(view, frame, seq, length=None):
    view[REQUEST:REQUEST + 4] = U32.pack(len(frame) if length is None else length)
    view[REQUEST + 4:REQUEST + 4 + len(frame)] = frame
    view[REQ_SEQ:REQ_SEQ + 4] = U32.pack(seq)


def error_name(e):
    if isinstance(e, P.ProtocolError):
        return {"ProtocolError": str(e).split(":")[0]}
    return {type(e).__name__: str(e)}


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
    paths = []
    real_header = M._invoke_header

    def header(line):
        got = real_header(line)
        paths.append("header" if got is not None else "json")
        return got

    M._invoke_header = header
    out = []

    def take(name):
        del paths[:]
        try:
            got = m.take()
            res = None if got is None else [got[0], text(got[1])]
        except Exception as e:
            res = error_name(e)
        out.append([name, res, list(paths), m.taken, m.ready()])

    try:
        take("nothing yet")
        put_request(view, FRAMES["plain"], 1)
        take("plain id")
        take("the same number again")
        put_request(view, FRAMES["quote"], 3)
        take("a number ahead")
        view[REQ_SEQ:REQ_SEQ + 4] = U32.pack(0)
        take("a number behind")
        put_request(view, FRAMES["quote"], 2)
        take("a quote in the id")
        put_request(view, FRAMES["accent"], 3)
        take("a non-ASCII id")
        put_request(view, FRAMES["empty"], 4)
        take("an empty event")
        put_request(view, FRAMES["pretty"], 5)
        take("newlines in the event")
        put_request(view, b'{"type":"reply","seq":1}\n', 6)
        take("a reply")
        put_request(view, b'{"type":"bell"}\n', 7)
        take("a bell")
        # The bytes after the length hold an older frame's newlines: only the length counts.
        put_request(view, b'{"type":"invoke"', 8)
        take("no newline")
        put_request(view, b'{"type":"invoke","id":"s","size":3,"timeoutMs":3000,"linger":true}\nabcd\n', 9)
        take("size 3, 4 bytes")
        put_request(view, b'{"type":"invoke","id":"s","size":5,"timeoutMs":3000,"linger":true}\nabcd\n', 10)
        take("size 5, 4 bytes")
        put_request(view, FRAMES["plain"], 11, len(FRAMES["plain"]) - 1)
        take("length one short")
        put_request(view, FRAMES["plain"], 12, len(FRAMES["plain"]) + 1)
        take("length one long")
        put_request(view, b'{"type":"invoke",}\n', 13)
        take("malformed JSON")
        put_request(view, b'{"type":"invoke","id":"\xe9","size":0,"timeoutMs":1,"linger":true}\n\n', 14)
        take("a raw non-ASCII byte")
        put_request(view, b'[1]\n', 15)
        take("not an object")
        put_request(view, FRAMES["plain"], 16, FRAME + 1)
        take("length frameBytes + 1")
        put_request(view, FRAMES["plain"], 17, 0xFFFFFFFF)
        take("length 2**32 - 1")
        put_request(view, FRAMES["plain"], 18, 0)
        take("length 0")
        put_request(view, FRAMES["after"], 19)
        take("a good frame after errors")
        put_request(view, FRAMES["largest"], 20)
        take("frameBytes long")
        out[-1][1] = [len(FRAMES["largest"]), out[-1][1][0]["size"], out[-1][1][1] == text(FRAMES["largest"][-1 - out[-1][1][0]["size"]:-1])]
        # Around 2**32: the numbers wrap, both sides alike.
        m.taken = 0xFFFFFFFE
        m.want = U32.pack(0xFFFFFFFF)
        put_request(view, FRAMES["wrap1"], 0xFFFFFFFF)
        take("number 2**32 - 1")
        put_request(view, FRAMES["wrap2"], 0)
        take("number 0 after it")
        put_request(view, FRAMES["wrap3"], 1)
        take("then 1")
    finally:
        M._invoke_header = real_header
    return out


def section_publish():
    view = mmap.mmap(-1, SIZE)
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
    head = b'{"type":"result","id":"p-1","ok":true,"kind":"json","size":7,"durationMs":0.500,"maxRssKb":10,"fenced":true}\n'
    out = []

    def publish(name, header, body, flag, flip=None):
        view[HOST_AWAKE:HOST_AWAKE + 1] = flag
        host[0] = flip
        del fences[:]
        before = view[:]
        ok = m.publish(header, body)
        after = view[:]
        n = U32.unpack(after[RESULT:RESULT + 4])[0]
        # Every byte outside the number, the result region and the host's flag is as it was.
        same = (before[:RES_SEQ] == after[:RES_SEQ] and before[RES_SEQ + 4:HOST_AWAKE] == after[RES_SEQ + 4:HOST_AWAKE]
                and before[HOST_AWAKE + 1:RESULT] == after[HOST_AWAKE + 1:RESULT]
                and before[RESULT + 4 + n:] == after[RESULT + 4 + n:])
        out.append([name, ok, m.published, text(after[RES_SEQ:RES_SEQ + 4]), before != after, same,
                    list(fences), drain(r)])
        return text(after[RESULT:RESULT + 4 + n])

    asleep = publish("the host asleep", head, b'{"a":1}', b"\x00")
    publish("the host's flag 2", head, b'{"a":1}', b"\x02")
    first = publish("the host awake", head, b'{"a":1}', b"\x01")
    second = publish("again", b'{"type":"result"}\n', b"[]", b"\x01")
    publish("frameBytes + 1", b"h" * 100 + b"\n", b"x" * (FRAME - 101), b"\x01")
    full = publish("frameBytes", b"h" * 100 + b"\n", b"x" * (FRAME - 102), b"\x01")
    publish("the host sleeps meanwhile", head, b'{"a":2}', b"\x01", b"\x00")
    publish("the host stays awake", head, b'{"a":3}', b"\x01", b"\x01")
    os.close(r)
    os.close(w)
    return {"steps": out, "asleep": asleep, "first": first, "second": second,
            "full": [len(full), text(U32.pack(FRAME)), full[4:105], full[-2:]]}


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
        self.log.append("take " + ("-" if got is None else got[0]["id"]))
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

    def receive(ch, log, how="receive"):
        del log[:]
        message, payload = getattr(ch, how)()
        return [message, None if payload is None else text(payload), ch.via_map, list(log), ch.reader.io.tell(),
                ord(ch.mapped.view[PY_AWAKE:PY_AWAKE + 1])]

    ch, view, log, r = channel(FRAMES["sock1"])
    ch.mapped.wake()
    put_request(view, FRAMES["map1"], 1)
    out["map first"] = [receive(ch, log), receive(ch, log)]

    ch, view, log, r = channel(FRAMES["sock2"])
    ch.mapped.wake()
    # The host writes the next frame just as the loop stores its flag (it saw the loop awake: no bell).
    ch.mapped.on_sleep = lambda: put_request(view, FRAMES["map2"], 1)
    out["written while it stores its flag"] = [receive(ch, log), receive(ch, log)]

    ch, view, log, r = channel(BELL + FRAMES["sock3"])
    ch.mapped.wake()
    # The host writes while the loop blocks on the socket, and rings.
    ch.reader.hook = lambda: put_request(view, FRAMES["map3"], 1)
    out["a bell, then the map"] = [receive(ch, log), receive(ch, log)]

    ch, view, log, r = channel(BELL + FRAMES["sock4"])
    out["a stale bell"] = [receive(ch, log)]

    ch, view, log, r = channel(BELL)
    out["a bell, then the end"] = [receive(ch, log)]

    # Each result goes back the way its request came.
    ch, view, log, r = channel(FRAMES["sock6"])
    view[HOST_AWAKE:HOST_AWAKE + 1] = b"\x01"
    put_request(view, FRAMES["map6"], 1)
    routes = []

    def result(request_id, body):
        ch.send_result(request_id, "json", body, 1.5, 100)
        n = U32.unpack(view[RESULT:RESULT + 4])[0]
        routes.append([request_id, ch.via_map, text(view[RES_SEQ:RES_SEQ + 4]), text(view[RESULT + 4:RESULT + 4 + n]), drain(r)])

    got = receive(ch, log)
    routes.append([got[0]["id"], got[2]])
    result("map-6", b'{"r":6}')
    got = receive(ch, log)
    routes.append([got[0]["id"], got[2]])
    result("sock-6", b'{"r":7}')
    put_request(view, FRAMES["map7"], 2)
    got = receive(ch, log)
    routes.append([got[0]["id"], got[2]])
    # The host went to sleep meanwhile: the socket carries the result.
    view[HOST_AWAKE:HOST_AWAKE + 1] = b"\x00"
    result("map-7", b'{"r":8}')
    out["routes"] = routes

    # A context call's reply: read from the socket, the map not looked at.
    ch, view, log, r = channel(b'{"type":"reply","seq":1,"value":"v"}\n')
    put_request(view, FRAMES["map8"], 1)
    first = receive(ch, log, "read_frame")
    out["read_frame"] = [first, ch.mapped.taken, ch.mapped.ready()]

    ch, view, log, r = channel(b'{"type":"reply","seq":1,"value":"tok"}\n')
    put_request(view, FRAMES["map8"], 1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    runner = fgrun_runner.Runner(ch, log_fd=devnull)
    # As while a request runs (Runner.begin releases it).
    runner.lock.release()
    del log[:]
    value = runner.call("getSecurityToken", [])
    out["Runner.call"] = [value, json.loads(drain(r)), list(log), ch.mapped.taken, ch.mapped.ready()]
    os.close(devnull)
    return out


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
for name, section in (("open", section_open), ("take", section_take), ("publish", section_publish),
                      ("flag", section_flag), ("receive", section_receive), ("linger", section_linger)):
    try:
        results[name] = section()
    except Exception:
        results[name] = {"failed": traceback.format_exc()}
sys.stdout.write(json.dumps(results))
`;

// The host's own code writes the frame and reads the result; the interpreter maps the file as fd 3.
const ROUND_TRIP = String.raw`
import errno, fcntl, io, json, os, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import fgrun_map as M
import fgrun_protocol as P
r, w = os.pipe()
fcntl.fcntl(r, fcntl.F_SETFL, fcntl.fcntl(r, fcntl.F_GETFL) | os.O_NONBLOCK)
m = M.open_map(3, json.loads(sys.argv[3]), w)
try:
    os.fstat(3)
    fd3 = "open"
except OSError as e:
    fd3 = errno.errorcode[e.errno]
ch = P.Channel(io.BytesIO(b""), write_fd=w)
ch.mapped = m
message, payload = ch.receive()
via_map = ch.via_map
ch.send_result(message["id"], "json", payload[::-1], 2.5, 4096)
try:
    written = os.read(r, 100)
except OSError:
    written = b""
sys.stdout.write(json.dumps({"mapped": type(m).__name__, "fd3": fd3, "message": message,
                             "payload": payload.decode("utf-8"), "via_map": via_map, "socket": written.decode("latin-1")}))
`;

type Step = [string, ...unknown[]];
interface Out {
  open: Record<string, unknown>;
  take: Step[];
  publish: { steps: Step[]; asleep: string; first: string; second: string; full: [number, string, string, string] };
  flag: Step[];
  receive: Record<string, unknown>;
  linger: { steps: Step[]; pollEvery: number; window: number };
}

const resultHeader = (id: string, size: number, duration: string, peak: number) =>
  `{"type":"result","id":"${id}","ok":true,"kind":"json","size":${size},"durationMs":${duration},"maxRssKb":${peak},"fenced":true}\n`;

describeEachRuntime('the mapped channel, bootstrap side', (runtime) => {
  let sections: Out;
  beforeAll(() => {
    const run = spawnSync(runtime.path, ['-c', SCRIPT, BOOTSTRAP, SHIM], { input: JSON.stringify(FRAMES), encoding: 'utf8' });
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

  it('take() gives the host\'s frame as (message, payload) at the next number only, rejects what is no invoke, wraps at 2**32', () => {
    // [case, (message, payload) | null | error, header path, taken after, ready() after]
    const ok = (id: string, event: string) => [header(id, event), latin1(Buffer.from(event, 'utf8'))];
    const noFrame = { ProtocolError: 'the mapped channel holds no frame' };
    const noInvoke = { ProtocolError: 'the mapped channel holds no invoke' };
    const malformed = { ProtocolError: 'malformed mapped frame' };
    // The host escapes these ids in the header: the bootstrap's fast path leaves them to json.loads.
    expect([FRAMES.quote.split('\n')[0], FRAMES.accent.split('\n')[0]]).toEqual([
      '{"type":"invoke","id":"say \\"hi\\"","size":2,"timeoutMs":3000,"linger":true}',
      '{"type":"invoke","id":"caf\\u00e9","size":3,"timeoutMs":3000,"linger":true}',
    ]);
    expect(out.take).toEqual([
      ['nothing yet', null, [], 0, false],
      ['plain id', ok('req-1', EVENT), ['header'], 1, false],
      ['the same number again', null, [], 1, false],
      ['a number ahead', null, [], 1, false],
      ['a number behind', null, [], 1, false],
      ['a quote in the id', ok('say "hi"', '{}'), ['json'], 2, false],
      ['a non-ASCII id', ok('caf\u00e9', '[1]'), ['json'], 3, false],
      ['an empty event', ok('e', ''), ['header'], 4, false],
      ['newlines in the event', ok('p', PRETTY), ['header'], 5, false],
      ['a reply', noInvoke, ['json'], 6, false],
      ['a bell', noInvoke, ['json'], 7, false],
      ['no newline', noFrame, [], 8, false],
      ['size 3, 4 bytes', noInvoke, ['header'], 9, false],
      ['size 5, 4 bytes', noInvoke, ['header'], 10, false],
      ['length one short', noInvoke, ['header'], 11, false],
      ['length one long', noInvoke, ['header'], 12, false],
      ['malformed JSON', malformed, ['json'], 13, false],
      ['a raw non-ASCII byte', malformed, ['json'], 14, false],
      ['not an object', noInvoke, ['json'], 15, false],
      ['length frameBytes + 1', noFrame, [], 16, false],
      ['length 2**32 - 1', noFrame, [], 17, false],
      ['length 0', noFrame, [], 18, false],
      ['a good frame after errors', ok('after-errors', '{}'), ['header'], 19, false],
      // [frame length, size, payload = the frame's bytes before its newline]
      ['frameBytes long', [M.frameBytes, Buffer.byteLength(LARGEST), true], ['header'], 20, false],
      ['number 2**32 - 1', ok('w1', '1'), ['header'], 0xffffffff, false],
      ['number 0 after it', ok('w2', '2'), ['header'], 0, false],
      ['then 1', ok('w3', '3'), ['header'], 1, false],
    ]);
  });

  it('publish() writes length, frame and number while the host is awake, else nothing; rings once when the host sleeps meanwhile', () => {
    const head = '{"type":"result","id":"p-1","ok":true,"kind":"json","size":7,"durationMs":0.500,"maxRssKb":10,"fenced":true}\n';
    // [case, returned, published, number in the file, anything written, nothing else written,
    //  the number as the fence saw it (one per fence), socket bytes]
    expect(out.publish.steps).toEqual([
      ['the host asleep', false, 0, u32(0), false, true, [], ''],
      ["the host's flag 2", false, 0, u32(0), false, true, [], ''],
      ['the host awake', true, 1, u32(1), true, true, [u32(1)], ''],
      ['again', true, 2, u32(2), true, true, [u32(2)], ''],
      ['frameBytes + 1', false, 2, u32(2), false, true, [], ''],
      ['frameBytes', true, 3, u32(3), true, true, [u32(3)], ''],
      ['the host sleeps meanwhile', true, 4, u32(4), true, true, [u32(4)], BELL],
      ['the host stays awake', true, 5, u32(5), true, true, [u32(5)], ''],
    ]);
    expect(out.publish.asleep).toBe(u32(0));
    expect(out.publish.first).toBe(u32(head.length + 8) + head + '{"a":1}\n');
    expect(out.publish.second).toBe(u32(21) + '{"type":"result"}\n[]\n');
    expect(out.publish.full).toEqual([4 + M.frameBytes, u32(M.frameBytes), 'h'.repeat(100) + '\n', 'x\n']);
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

  it('Channel.receive takes from the map first, stores asleep and looks again before the socket, follows bells, routes results back', () => {
    const r = out.receive;
    const msg = (id: string, event: string) => header(id, event);
    // [message, payload, via_map, calls, socket bytes read, pythonAwake]
    const sock1 = Buffer.byteLength(FRAMES.sock1, 'latin1');
    expect(r['map first']).toEqual([
      [msg('map-1', '{"m":1}'), '{"m":1}', true, ['take map-1'], 0, 1],
      [msg('sock-1', '{"s":1}'), '{"s":1}', false, ['take -', 'sleep', 'take -', 'readline'], sock1, 0],
    ]);
    expect(r['written while it stores its flag']).toEqual([
      [msg('map-2', '{"m":2}'), '{"m":2}', true, ['take -', 'sleep', 'take map-2'], 0, 0],
      [msg('sock-2', '{"s":2}'), '{"s":2}', false, ['take -', 'sleep', 'take -', 'readline'], FRAMES.sock2.length, 0],
    ]);
    expect(r['a bell, then the map']).toEqual([
      [msg('map-3', '{"m":3}'), '{"m":3}', true, ['take -', 'sleep', 'take -', 'readline', 'take map-3'], BELL.length, 0],
      [msg('sock-3', '{"s":3}'), '{"s":3}', false, ['take -', 'sleep', 'take -', 'readline'], BELL.length + FRAMES.sock3.length, 0],
    ]);
    expect(r['a stale bell']).toEqual([
      [msg('sock-4', '{"s":4}'), '{"s":4}', false, ['take -', 'sleep', 'take -', 'readline', 'take -', 'readline'], BELL.length + FRAMES.sock4.length, 0],
    ]);
    expect(r['a bell, then the end']).toEqual([[null, null, false, ['take -', 'sleep', 'take -', 'readline', 'take -', 'readline'], BELL.length, 0]]);
    // [id, via_map] per request; [id, via_map after the result, number in the map, result in the map, socket bytes]
    const mapped6 = resultHeader('map-6', 7, '1.500', 100) + '{"r":6}\n';
    expect(r.routes).toEqual([
      ['map-6', true],
      ['map-6', false, u32(1), mapped6, ''],
      ['sock-6', false],
      ['sock-6', false, u32(1), mapped6, resultHeader('sock-6', 7, '1.500', 100) + '{"r":7}\n'],
      ['map-7', true],
      ['map-7', false, u32(1), mapped6, resultHeader('map-7', 7, '1.500', 100) + '{"r":8}\n'],
    ]);
    const reply = (value: string) => ({ type: 'reply', seq: 1, value });
    const replyLength = `{"type":"reply","seq":1,"value":"v"}\n`.length;
    expect(r.read_frame).toEqual([[reply('v'), null, false, ['readline'], replyLength, 0], 0, true]);
    expect(r['Runner.call']).toEqual(['tok', { type: 'call', seq: 1, method: 'getSecurityToken', args: [] }, ['readline'], 0, true]);
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
  const offer = offerMap();
  it.skipIf(offer === null)('takes the invoke the host\'s code wrote and publishes a result the host\'s code reads', () => {
    const { fd, token } = offer!;
    const delivered: string[] = [];
    const failed: string[] = [];
    let rings = 0;
    const host = new MappedChannel(fd, (frame) => delivered.push(latin1(frame)), () => rings++, (why) => failed.push(why));
    try {
      host.wake();
      expect(host.send('rt-1', EVENT, 3000)).toBe(true);
      // The bootstrap had not said it spins: the host rang.
      expect(rings).toBe(1);
      const run = spawnSync(runtime.path, ['-c', ROUND_TRIP, BOOTSTRAP, SHIM, JSON.stringify({ fd: 3, token })], {
        stdio: ['pipe', 'pipe', 'pipe', fd],
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual({ mapped: 'Mapped', fd3: 'EBADF', message: header('rt-1', EVENT), payload: EVENT, via_map: true, socket: '' });
      expect(host.poll()).toBe(true);
      const body = latin1(Buffer.from(EVENT, 'utf8').reverse());
      expect(delivered).toEqual([resultHeader('rt-1', body.length, '2.500', 4096) + body + '\n']);
      expect([host.taken, failed]).toEqual([1, []]);
      expect(host.poll()).toBe(false);
    } finally {
      closeSync(fd);
    }
  });
});
