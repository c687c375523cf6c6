# The Python side of the fgrun protocol (the host side is src/protocol/messages.ts; same names).
#
#   host -> python (private copy of stdin)        python -> host (private copy of stdout)
#   init       {protocol, handler, initializer,    ready       {protocol, python, pid}
#               codeRoot, paths, fence}            fault       {target, stage, error}
#   initialize {id}                                initialized {id, ok, error?, durationMs, maxRssKb}
#   invoke     {id, size} + <size bytes of event>  call        {seq, method, args}
#   reply      {seq, value | error}                result      {id, ok, kind, size, error?, durationMs,
#   shutdown   {}                                                maxRssKb} + <size bytes of body>
#
# One JSON object per line, ASCII only. A message with `size` is followed by exactly that many raw
# bytes (UTF-8 JSON for an event, the encoded body for a result) and a newline, so large payloads
# are never escaped twice. Log output goes to fd 2; after each initialize/invoke the bootstrap writes
# the fence "\0fgrun:<fence>:<id>\n" to fd 2 so the host can attribute every log byte to its request.
import io
import json
import os
import sys

PROTOCOL_VERSION = 1

# Message types, one table per direction (must match src/protocol/messages.ts).
HOST_MESSAGES = ("init", "initialize", "invoke", "reply", "shutdown")
PYTHON_MESSAGES = ("ready", "fault", "initialized", "call", "result")

PY2 = sys.version_info[0] == 2


class ProtocolError(Exception):
    pass


def _set_cloexec(fd):
    try:
        import fcntl
        flags = fcntl.fcntl(fd, fcntl.F_GETFD)
        fcntl.fcntl(fd, fcntl.F_SETFD, flags | fcntl.FD_CLOEXEC)
    except (ImportError, IOError, OSError):
        pass


# Take fds 0 and 1 for the protocol and give the function /dev/null and the log instead,
# so nothing the function (or its children) does can read or write protocol bytes.
def claim_stdio():
    in_fd = os.dup(0)
    out_fd = os.dup(1)
    _set_cloexec(in_fd)
    _set_cloexec(out_fd)
    null_fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null_fd, 0)
    os.close(null_fd)
    os.dup2(2, 1)
    return in_fd, out_fd


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
        view = memoryview(data)
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
            self._write(line + b"\n" + payload + b"\n")

    # Returns (message, payload bytes or None), or (None, None) at end of input.
    def receive(self):
        line = self.reader.readline()
        if not line:
            return None, None
        try:
            message = json.loads(line)
        except ValueError as e:
            raise ProtocolError("malformed protocol line: {0}".format(e))
        if not isinstance(message, dict) or message.get("type") not in HOST_MESSAGES:
            raise ProtocolError("unknown protocol message: {0!r}".format(line[:200]))
        payload = None
        size = message.get("size")
        if size is not None:
            payload = self.reader.read(size + 1)
            if len(payload) != size + 1:
                return None, None
            payload = payload[:size]
        return message, payload
