# The Python side of the fgrun protocol (its messages are declared once, in src/contract/messages.ts).
#
#   host -> python (private copy of stdin)        python -> host (private copy of stdout)
#   init       {protocol, handler, initializer,    ready       {protocol, python, pid}
#               codeRoot, paths, fence, debugPort,  fault       {target, stage, error}
#               subreaper, parentDeath}
#   initialize {id}                                initialized {id, ok, error?, durationMs, maxRssKb}
#   invoke     {id, size, timeoutMs, linger}       call        {seq, method, args}
#              + <size bytes of event>
#   reply      {seq, value | error}                result      {id, ok, kind?, size?, error?,
#   shutdown   {}                                               durationMs, maxRssKb, fenced?} + <size bytes>
#                                                  debug       {state, tool, port, codeRoot, reason?}
#
# One JSON object per line, ASCII only. A message with `size` is followed by exactly that many raw
# bytes (UTF-8 JSON for an event, the encoded body for a result) and a newline, so large payloads
# are never escaped twice. Log output goes to fd 2; after each initialize/invoke the bootstrap writes
# the fence "\0fgrun:<fence>:<id as a JSON string>\n" to fd 2 so the host can attribute every log
# byte to its request; after an invoke whose log the host has already read in full, it writes none
# and says so in the result (`fenced: false`).
import io
import json
import os
import sys

# The message tables come from the contract (generated from the host's schemas).
from fgrun_contract import HOST_MESSAGES, PROTOCOL_VERSION  # noqa: F401 (PROTOCOL_VERSION re-exported)
from fgrun_platform import set_cloexec

PY2 = sys.version_info[0] == 2
TEXT = unicode if PY2 else str  # noqa: F821 (Python 2 only)

# A JSON string literal, ASCII only (C-accelerated in both 2.7 and 3.x).
quote_json = json.encoder.encode_basestring_ascii


# ASCII text as bytes, and the same error for any other: on 2.7 str() (its default encoding's fast
# path), whose .encode("ascii") would import encodings.ascii on first use (~0.15 ms of a cold start).
def ascii_bytes(text):
    return str(text) if PY2 else text.encode("ascii")
_RESULT = '{"type":"result","id":%s,"ok":true,"kind":"%s","size":%d,"durationMs":%.3f,"maxRssKb":%d,"fenced":%s}\n'


class ProtocolError(Exception):
    pass


_scan_once = json.JSONDecoder().scan_once


# The event as json.loads gives it (the same value, the same errors), ~1 us sooner: the host sends
# compact UTF-8 JSON, which the decoder's scanner reads whole (what JSONDecoder.raw_decode calls,
# without its Python frame) with no encoding detection or whitespace scans; anything else (a BOM,
# surrounding spaces, invalid JSON or UTF-8) goes through json.loads. Python 2's scanner reads the
# UTF-8 bytes itself (its strings decoded as json.loads decodes them): ~0.6 us less than decoding first.
def decode_event(payload):
    text = payload if PY2 else payload.decode("utf-8")
    try:
        value, end = _scan_once(text, 0)
        if end == len(text):
            return value
    except (ValueError, StopIteration):
        pass
    return json.loads(payload.decode("utf-8"))


_DUMPS = json.dumps
_DEFAULT = json._default_encoder
_MAKE_ENCODER = json.encoder.c_make_encoder
_QUOTE = json.encoder.encode_basestring_ascii
_markers = {}


def _default(value):
    return _DEFAULT.default(value)


# The C encoder json.dumps(value) builds for each call (JSONEncoder.iterencode, one-shot), with the
# default encoder's arguments, built once: 1.2-1.7 us less per request in-process (2.7, 3.12).
# `default` is looked up per use, as iterencode's self.default is (a patched JSONEncoder.default
# still applies). None without the C encoder.
def _make_encoder():
    if _MAKE_ENCODER is None:
        return None
    d = _DEFAULT
    try:
        return _MAKE_ENCODER(_markers, _default, _QUOTE, d.indent, d.key_separator,
                             d.item_separator, d.sort_keys, d.skipkeys, d.allow_nan)
    except Exception:
        return None


_encode = _make_encoder()


# A handler's return value as FunctionGraph encodes it: None -> "", text as is, else json.dumps, whose
# exact bytes (and errors) the kept encoder gives while json.dumps, its default encoder, the C
# encoder and the string quoter are the ones it was built from; a function that replaced any of them
# gets json.dumps. (Methods of JSONEncoder itself patched, but for `default`, are not followed.)
# A dict or a list (the common result) skips the checks for text (~0.15 us on 2.7).
def encode_body(value):
    cls = type(value)
    if cls is not dict and cls is not list:
        if value is None:
            return "none", b""
        if isinstance(value, TEXT):
            return "str", value.encode("utf-8")
        if PY2 and isinstance(value, str):
            # Valid UTF-8 or the error str.decode gives, without the codec's Python function.
            TEXT(value, "utf-8")
            return "str", value
    jenc = json.encoder
    if (_encode is not None and json.dumps is _DUMPS and json._default_encoder is _DEFAULT
            and jenc.c_make_encoder is _MAKE_ENCODER and jenc.encode_basestring_ascii is _QUOTE):
        try:
            text = "".join(_encode(value, 0))
        except BaseException:
            # The encoder keeps the containers it is inside of; an error leaves them there.
            _markers.clear()
            raise
    else:
        text = json.dumps(value)
    return "json", text.encode("utf-8") if not isinstance(text, bytes) else text


_INVOKE = b'{"type":"invoke","id":"'
_SIZE = b'","size":'
_TIMEOUT = b',"timeoutMs":'
_LINGER = b',"linger":'
_FLAGS = {b"true": True, b"false": False}
_ID_AT = len(_INVOKE)
_SIZE_LEN = len(_SIZE)
# Payloads under this many bytes are read together with their newline.
_SMALL = 16384


# The invoke header exactly as the host writes it (src/protocol/encode.ts), read without json.loads
# (~1 us less per request); None for anything else, which then goes through json.loads. An id with
# an escape (a backslash) always takes the json.loads path. (One compiled pattern reads it 0.25-0.35
# us sooner, but compiling it adds 0.3 ms to every 2.7 cold start, 0.13 ms on 3.12.)
def _invoke_header(line):
    if not line.startswith(_INVOKE) or not line.endswith(b"}\n"):
        return None
    end = line.find(_SIZE, _ID_AT)
    if end < 0 or line.find(b"\\", _ID_AT, end) >= 0:
        return None
    numbers = line[end + _SIZE_LEN:-2].split(_TIMEOUT)
    if len(numbers) != 2 or not numbers[0].isdigit():
        return None
    timeout, _, linger = numbers[1].partition(_LINGER)
    linger = _FLAGS.get(linger)
    if linger is None or not timeout.isdigit():
        return None
    raw = line[_ID_AT:end]
    try:
        # unicode(raw, "ascii") on 2.7: its .decode("ascii") imports encodings.ascii on first use.
        request_id = TEXT(raw, "ascii") if PY2 else raw.decode("ascii")
    except ValueError:
        return None
    return {"type": "invoke", "id": request_id, "size": int(numbers[0]), "timeoutMs": int(timeout), "linger": linger}


# Take fds 0 and 1 for the protocol and give the function /dev/null and the log instead,
# so nothing the function (or its children) does can read or write protocol bytes. A private
# duplicate of the log (fd 2) carries the fences: a function that closes fd 2, or dups something
# else over it, still has each request's log fenced (its output simply ends there).
def claim_stdio():
    in_fd = os.dup(0)
    out_fd = os.dup(1)
    log_fd = os.dup(2)
    for fd in (in_fd, out_fd, log_fd):
        set_cloexec(fd)
    null_fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null_fd, 0)
    os.close(null_fd)
    os.dup2(2, 1)
    return in_fd, out_fd, log_fd


# Reads and writes protocol frames on two streams; injectable so the loop can be tested in-process.
class Channel(object):
    def __init__(self, reader, write_fd=None, writer=None):
        self.reader = reader
        self.write_fd = write_fd
        self.writer = writer
        # The mapped channel (fgrun_map.py) once init set it up, and whether the request being served
        # came through it (its result then goes back the same way).
        self.mapped = None
        self.via_map = False

    @classmethod
    def from_fds(cls, in_fd, out_fd):
        return cls(io.open(in_fd, "rb", buffering=65536), write_fd=out_fd)

    def _write(self, data):
        if self.writer is not None:
            self.writer.write(data)
            self.writer.flush()
            return
        n = os.write(self.write_fd, data)
        if n == len(data):
            return
        view = memoryview(data)[n:]
        while len(view):
            n = os.write(self.write_fd, view)
            view = view[n:]

    def send(self, message, payload=None):
        line = json.dumps(message, separators=(",", ":"))
        if not PY2:
            line = line.encode("ascii")
        if payload is None:
            self._write(line + b"\n")
        else:
            self._write(b"".join((line, b"\n", payload, b"\n")))

    # The hot path's one message, formatted by hand (json.dumps of the dict costs ~2 us more per
    # request); what json.dumps(..., separators=(",", ":")) would give but for key order, and the
    # duration (ms) with exactly 3 decimals ("%.3f": the value of round(ms, 3), ~0.4 us sooner).
    def send_result(self, request_id, kind, body, duration_ms, max_rss_kb, fenced=True):
        if self.via_map:
            self.via_map = False
            if self.mapped.publish(kind, body, duration_ms, max_rss_kb, fenced):
                return
        header = _RESULT % (quote_json(request_id), kind, len(body), duration_ms, max_rss_kb,
                            "true" if fenced else "false")
        if not PY2:
            header = header.encode("ascii")
        data = b"".join((header, body, b"\n"))
        if self.writer is None:
            # _write's common case inline: the whole frame in one write.
            n = os.write(self.write_fd, data)
            if n == len(data):
                return
            data = memoryview(data)[n:]
        self._write(data)

    # Between requests, the loop looks here first: the next invoke from the mapped channel as
    # (id, event's bytes, timeoutMs) when the host put one there (fgrun_map.py take()); else None, the
    # socket next (read_frame), which the loop blocks on only after saying so in the mapped channel
    # and looking there once more. Notes which way the request came: its result goes back that way.
    def take_mapped(self):
        mapped = self.mapped
        if mapped is not None:
            got = mapped.take()
            if got is None:
                mapped.sleep()
                got = mapped.take()
            if got is not None:
                self.via_map = True
                return got
        self.via_map = False
        return None

    # The next message from the socket as (message, payload bytes or None), or (None, None) at end of
    # input. A bell (the host put an invoke in the mapped channel while this side slept) when the
    # channel holds that invoke, for take_mapped() to take; else it is passed over: a bell that
    # crossed a request the loop found awake.
    def read_frame(self):
        mapped = self.mapped
        while True:
            message, payload = self._read_socket()
            if message is None or message["type"] != "bell" or (mapped is not None and mapped.ready()):
                return message, payload

    def _read_socket(self):
        line = self.reader.readline()
        if not line:
            return None, None
        message = _invoke_header(line)
        if message is None:
            try:
                message = json.loads(line)
            except ValueError as e:
                raise ProtocolError("malformed protocol line: {0}".format(e))
            if not isinstance(message, dict) or message.get("type") not in HOST_MESSAGES:
                raise ProtocolError("unknown protocol message: {0!r}".format(line[:200]))
        payload = None
        size = message.get("size")
        if size is not None:
            if size < _SMALL:
                # One read for a small payload and its newline; the slice copies a few bytes.
                data = self.reader.read(size + 1)
                if len(data) != size + 1:
                    return None, None
                return message, data[:size]
            # Payload and its newline read apart: slicing them apart would copy up to 6 MB again.
            payload = self.reader.read(size)
            if len(payload) != size or len(self.reader.read(1)) != 1:
                return None, None
        return message, payload


# A channel whose frames never interleave, whichever threads send them. With a debugger
# (--debug-port) a thread the function started sends a `debug` frame whenever it reaches a
# breakpoint, also while the loop writes a result: os.write lets other threads run, and the kernel
# takes a large result in pieces, between which the small frame could land. Made only then
# (Runner.init); without a debugger every frame is written by a thread that holds the runner's
# request lock, and send_result's os.write stays lock-free. `lock`: a new thread.allocate_lock().
class SerialChannel(Channel):
    def __init__(self, channel, lock):
        Channel.__init__(self, channel.reader, channel.write_fd, channel.writer)
        self.write_lock = lock

    def send(self, message, payload=None):
        with self.write_lock:
            Channel.send(self, message, payload)

    def send_result(self, request_id, kind, body, duration_ms, max_rss_kb, fenced=True):
        with self.write_lock:
            Channel.send_result(self, request_id, kind, body, duration_ms, max_rss_kb, fenced)
