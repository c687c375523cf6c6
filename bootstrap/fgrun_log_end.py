# The end of a request's log on the log channel (fd 2's private duplicate): the function's Python
# buffers flushed, then the fence "\0fgrun:<fence>:<id as a JSON string>\n" that tells the host where
# the request's log ends, or no fence when the host has already read every byte written so far
# (docs/protocol.md, "The log").
import io
import os
import sys

from fgrun_protocol import ascii_bytes, quote_json

try:
    from fcntl import ioctl
    from termios import FIONREAD, TIOCOUTQ
except ImportError:
    ioctl = FIONREAD = TIOCOUTQ = None
PY2 = sys.version_info[0] == 2
_STDOUT = sys.__stdout__
_STDERR = sys.__stderr__


# How to ask the log channel `fd` whether it still holds bytes the host has not read, as (ioctl
# request, count buffer, the buffer's zero), or None when it cannot tell. The host spawns it as a
# socket (libuv's stdio "pipes" are socketpairs): the bytes we sent that the reader has not consumed
# yet are our send queue (SIOCOUTQ). A real pipe: its unread bytes (FIONREAD). When it holds none,
# the host has read every byte written so far and, being one process reading in order, delivered
# them to the request's log before it reads the result, so the fence is not needed. The count lands
# in a kept buffer, mutated in place (no new object per request): a bytearray; on 2.7, whose ioctl
# takes only an old-style writable buffer, an array.
def _unread_query(fd):
    if ioctl is None:
        return None
    try:
        import stat
        mode = os.fstat(fd).st_mode
        request = TIOCOUTQ if stat.S_ISSOCK(mode) else FIONREAD if stat.S_ISFIFO(mode) else None
        if request is None:
            return None
        if PY2:
            from array import array
            count, zero = array("i", [0]), array("i", [0])
        else:
            count, zero = bytearray(4), bytearray(4)
        ioctl(fd, request, count, True)
    except (IOError, OSError, ValueError, TypeError):
        return None
    return request, count, zero


# Whether the original sys.stdout and sys.stderr can hold no bytes while they stay themselves and
# write through: Python 3.7+ under -u (the host's flag) gives each a raw FileIO under a write-through
# text layer, whose every write reaches the fd at once (reconfigure() can turn write_through off:
# checked per request). Python 3.6's -u text layer is line-buffered instead (a write without a
# newline stays in it): always flushed. Python 2's files are C stdio streams, which its -u or a
# non-empty PYTHONUNBUFFERED (the host sets both) makes unbuffered at start (Modules/main.c,
# setvbuf _IONBF); 2.7 has no call that changes a file's buffering (only calling its __init__ again,
# which reopens the object on a path with a buffer, would: not followed). 2.7's sys.flags does not
# show -u; the variable it does read (unless -E ignores it), so only that case counts here.
def _originals_hold_nothing():
    if PY2:
        return bool(os.environ.get("PYTHONUNBUFFERED")) and not sys.flags.ignore_environment
    if sys.version_info[:2] < (3, 7):
        return False
    try:
        return all(isinstance(stream.buffer, io.FileIO) for stream in (_STDOUT, _STDERR))
    except (AttributeError, ValueError):
        return False


_UNBUFFERED = _originals_hold_nothing()
# Python 2's originals hold nothing as long as they are the streams (no write_through to check):
# LogEnd.end then makes no call at all (~0.2 us of a 2.7 request).
_PY2_UNBUFFERED = PY2 and _UNBUFFERED


# Flush what the function may have buffered in Python: sys.stdout and sys.stderr, and the
# originals too when the function replaced them (they are unbuffered under -u, but a replaced
# stream may write into them). Nothing to do while both are the originals and hold nothing
# (write through on 3.7+, unbuffered on 2.7).
def flush_streams():
    out = sys.stdout
    err = sys.stderr
    if out is _STDOUT and err is _STDERR and _UNBUFFERED and (PY2 or out.write_through and err.write_through):
        return
    try:
        out.flush()
    except Exception:
        pass
    try:
        err.flush()
    except Exception:
        pass
    if out is _STDOUT and err is _STDERR:
        return
    # Both originals, after both streams: a replaced stderr may have just written into the original
    # stdout, which flushing it as `out` (before) did not take.
    for stream in (_STDOUT, _STDERR):
        try:
            stream.flush()
        except Exception:
            pass


class LogEnd(object):
    def __init__(self, log_fd):
        self.log_fd = log_fd
        self.fence = ""
        self.query = _unread_query(log_fd)

    # Flush Python-level buffers, then mark the end of this request's log.
    def fence_now(self, request_id):
        flush_streams()
        # The id JSON-quoted: ASCII and without newlines, whatever the host chose as request id.
        data = "\0fgrun:{0}:{1}\n".format(self.fence, quote_json(request_id))
        try:
            os.write(self.log_fd, ascii_bytes(data))
        except OSError:
            pass

    # End an invoke's log: the fence, or nothing when the host has already read all of it (the
    # common silent request: one write and one host wake-up less). Returns whether it fenced. The
    # unread check is written out here (a call less per request).
    def end(self, request_id):
        if not (_PY2_UNBUFFERED and sys.stdout is _STDOUT and sys.stderr is _STDERR):
            flush_streams()
        query = self.query
        if query is not None:
            request, count, zero = query
            try:
                ioctl(self.log_fd, request, count, True)
                if count == zero:
                    return False
            except (IOError, OSError, ValueError):
                pass
        self.fence_now(request_id)
        return True
