# The Python side of the fgrun protocol (its messages are declared once, in src/contract/messages.ts).
#
#   host -> python (private copy of stdin)        python -> host (private copy of stdout)
#   init       {protocol, handler, initializer,    ready       {protocol, python, pid}
#               codeRoot, paths, fence, debugPort,  fault       {target, stage, error}
#               subreaper, parentDeath}
#   initialize {id}                                initialized {id, ok, error?, durationMs, maxRssKb}
#   invoke     {id, size} + <size bytes of event>  call        {seq, method, args}
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

PY2 = sys.version_info[0] == 2

# A JSON string literal, ASCII only (C-accelerated in both 2.7 and 3.x).
quote_json = json.encoder.encode_basestring_ascii
_RESULT = '{{"type":"result","id":{0},"ok":true,"kind":"{1}","size":{2},"durationMs":{3},"maxRssKb":{4},"fenced":{5}}}'


class ProtocolError(Exception):
    pass


_raw_decode = json.JSONDecoder().raw_decode


# The event as json.loads gives it (the same value, the same errors), ~1 us sooner: the host sends
# compact UTF-8 JSON, which raw_decode reads whole without json.loads's encoding detection and
# whitespace scans; anything else (a BOM, surrounding spaces, invalid JSON) goes through json.loads.
def decode_event(payload):
    text = payload.decode("utf-8")
    try:
        value, end = _raw_decode(text)
        if end == len(text):
            return value
    except ValueError:
        pass
    return json.loads(text)


_INVOKE = b'{"type":"invoke","id":"'
_SIZE = b'","size":'
_TIMEOUT = b',"timeoutMs":'


# The invoke header exactly as the host writes it (src/protocol/encode.ts), read without json.loads
# (~1 us less per request); None for anything else, which then goes through json.loads. An id with
# an escape (a backslash) always takes the json.loads path.
def _invoke_header(line):
    if not line.startswith(_INVOKE) or not line.endswith(b"}\n"):
        return None
    end = line.find(_SIZE, len(_INVOKE))
    if end < 0 or line.find(b"\\", len(_INVOKE), end) >= 0:
        return None
    numbers = line[end + len(_SIZE):-2].split(_TIMEOUT)
    if len(numbers) != 2 or not numbers[0].isdigit() or not numbers[1].isdigit():
        return None
    try:
        request_id = line[len(_INVOKE):end].decode("ascii")
    except ValueError:
        return None
    return {"type": "invoke", "id": request_id, "size": int(numbers[0]), "timeoutMs": int(numbers[1])}


def _set_cloexec(fd):
    try:
        import fcntl
        flags = fcntl.fcntl(fd, fcntl.F_GETFD)
        fcntl.fcntl(fd, fcntl.F_SETFD, flags | fcntl.FD_CLOEXEC)
    except (ImportError, IOError, OSError):
        pass


# Take fds 0 and 1 for the protocol and give the function /dev/null and the log instead,
# so nothing the function (or its children) does can read or write protocol bytes. A private
# duplicate of the log (fd 2) carries the fences: a function that closes fd 2, or dups something
# else over it, still has each request's log fenced (its output simply ends there).
def claim_stdio():
    in_fd = os.dup(0)
    out_fd = os.dup(1)
    log_fd = os.dup(2)
    for fd in (in_fd, out_fd, log_fd):
        _set_cloexec(fd)
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
    # request); the same bytes json.dumps(..., separators=(",", ":")) would give, but for key order.
    def send_result(self, request_id, kind, body, duration_ms, max_rss_kb, fenced=True):
        header = _RESULT.format(quote_json(request_id), kind, len(body), repr(duration_ms), max_rss_kb,
                                "true" if fenced else "false")
        if not PY2:
            header = header.encode("ascii")
        self._write(b"".join((header, b"\n", body, b"\n")))

    # Returns (message, payload bytes or None), or (None, None) at end of input.
    def receive(self):
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
            # Payload and its newline read apart: slicing them apart would copy up to 6 MB again.
            payload = self.reader.read(size)
            if len(payload) != size or len(self.reader.read(1)) != 1:
                return None, None
        return message, payload
