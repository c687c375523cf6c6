# The bootstrap's side of the mapped channel (docs/protocol.md, "The mapped channel"; the host's side
# is src/instance/mapped-channel.ts). While an invoke lingers, it comes through a tmpfs file the host
# offered as fd 3, mapped here and read from memory with no system call, and its result goes back the
# same way; the socket carries everything else, and each side's bell.
#
# Each side says in the file whether it is awake (spinning on the file) or asleep (blocked on its
# socket). A writer publishes its frame, then its sequence number, then reads the reader's flag, and
# rings the reader's bell when it sleeps; a reader about to sleep stores its flag, then reads the
# sequence number once more. A full fence between each side's store and its load (Dekker's order)
# makes at least one of the two see the other: no wake-up is lost. Here the fence is a lock's
# acquire and release: a locked instruction on x86-64 (glibc's semaphores, under CPython's locks on
# 2.7 through 3.12), which is a full fence there and only there, so the channel is x86-64's alone.
import json
import mmap
import os
import struct

from fgrun_contract import MAPPED_CHANNEL
from fgrun_platform import set_cloexec
from fgrun_protocol import PY2, ProtocolError, _invoke_header

try:
    from _thread import allocate_lock
except ImportError:
    from thread import allocate_lock

_U32 = struct.Struct("<I")
_pack = _U32.pack
_unpack = _U32.unpack
# The bell frame the bootstrap writes: the contract's `bell`, encoded as Channel.send encodes a frame.
BELL = json.dumps({"type": "bell"}, separators=(",", ":")).encode("ascii") + b"\n"
_AWAKE = b"\x01"
_ASLEEP = b"\x00"

_SIZE = MAPPED_CHANNEL["bytes"]
_FRAME = MAPPED_CHANNEL["frameBytes"]
_REQ_SEQ = MAPPED_CHANNEL["requestSeq"]
_RES_SEQ = MAPPED_CHANNEL["resultSeq"]
_PY_AWAKE = MAPPED_CHANNEL["pythonAwake"]
_HOST_AWAKE = MAPPED_CHANNEL["hostAwake"]
_TOKEN = MAPPED_CHANNEL["token"]
_REQUEST = MAPPED_CHANNEL["request"]
_RESULT = MAPPED_CHANNEL["result"]


# The channel on `fd` when init's `offer` names it and the file holds its token, on x86-64; None
# otherwise. The descriptor is closed either way: the mapping stays, with the one descriptor mmap
# keeps of its own, close-on-exec (_map).
def open_map(fd, offer, write_fd):
    if fd is None:
        return None
    try:
        token = (offer or {}).get("token")
        if not token or offer.get("fd") != fd or os.uname()[4] != "x86_64" or os.fstat(fd).st_size != _SIZE:
            return None
        view = _map(fd)
        if view[_TOKEN:_TOKEN + len(token)] != token.encode("ascii"):
            view.close()
            return None
        return Mapped(view, write_fd)
    except (EnvironmentError, ValueError, TypeError, AttributeError, UnicodeError):
        return None
    finally:
        os.close(fd)


# mmap.mmap(fd) keeps a duplicate of `fd` while the mapping lives (before 3.13), at the lowest number
# free. From 3.4 that duplicate is close-on-exec; on 2.7 it is not, and every program the function
# starts (subprocess's close_fds is False there) would inherit the channel's file, which the
# protocol's own descriptors never are (claim_stdio): marked here. Its number is the one a dup of
# `fd` takes just before (nothing else runs at init), checked to be the same file before it is marked.
def _map(fd):
    if not PY2:
        return mmap.mmap(fd, _SIZE)
    kept = os.dup(fd)
    os.close(kept)
    view = mmap.mmap(fd, _SIZE)
    try:
        mine = os.fstat(fd)
        its = os.fstat(kept)
        if (its.st_dev, its.st_ino) == (mine.st_dev, mine.st_ino):
            set_cloexec(kept)
    except OSError:
        pass
    return view


class Mapped(object):
    # A child forked from the interpreter (a daemon the function starts) unmaps the channel at once,
    # closing mmap's descriptor of it (fgrun_platform.in_children).
    def forget(self):
        try:
            self.view.close()
        except (EnvironmentError, ValueError):
            pass

    def __init__(self, view, write_fd):
        self.view = view
        self.write_fd = write_fd
        # The next request's number as the file will hold it; the last result's number published.
        self.taken = 0
        self.want = _pack(1)
        self.published = 0
        # What this side's flag in the file says.
        self.awake = False
        lock = allocate_lock()
        self._acquire = lock.acquire
        self._release = lock.release

    # Whether the next request is in the file (the linger's spin).
    def ready(self):
        return self.view[_REQ_SEQ:_REQ_SEQ + 4] == self.want

    # The next request as (message, payload) when it is in the file, else None.
    def take(self):
        view = self.view
        if view[_REQ_SEQ:_REQ_SEQ + 4] != self.want:
            return None
        self.taken = (self.taken + 1) & 0xFFFFFFFF
        self.want = _pack((self.taken + 1) & 0xFFFFFFFF)
        start = _REQUEST + 4
        end = start + _unpack(view[_REQUEST:start])[0]
        newline = view.find(b"\n", start, end)
        if end - start > _FRAME or newline < 0:
            raise ProtocolError("the mapped channel holds no frame")
        line = view[start:newline + 1]
        message = _invoke_header(line)
        if message is None:
            try:
                message = json.loads(line.decode("ascii"))
            except ValueError as e:
                raise ProtocolError("malformed mapped frame: {0}".format(e))
        if not isinstance(message, dict) or message.get("type") != "invoke" or newline + 2 + message.get("size", -1) != end:
            raise ProtocolError("the mapped channel holds no invoke: {0!r}".format(line[:200]))
        return message, view[newline + 1:end - 1]

    # The loop spins on the file for the next request: the host need not ring.
    def wake(self):
        if not self.awake:
            self.view[_PY_AWAKE:_PY_AWAKE + 1] = _AWAKE
            self.awake = True

    # The loop will block on its socket: say so, then the caller looks once more (Dekker's order).
    def sleep(self):
        if self.awake:
            self.view[_PY_AWAKE:_PY_AWAKE + 1] = _ASLEEP
            self.awake = False
            self._acquire()
            self._release()

    # Publish a result frame (its header line, its body, a newline); False when the socket is to carry
    # it: it does not fit, or the host already said it sleeps (its socket wakes it, a bell would be
    # one more read for the same). Rings the host's bell when the host said it sleeps meanwhile.
    def publish(self, header, body):
        size = len(header) + len(body) + 1
        view = self.view
        if size > _FRAME or view[_HOST_AWAKE:_HOST_AWAKE + 1] != _AWAKE:
            return False
        start = _RESULT + 4
        middle = start + len(header)
        end = middle + len(body)
        view[_RESULT:start] = _pack(size)
        view[start:middle] = header
        view[middle:end] = body
        view[end:end + 1] = b"\n"
        self.published = (self.published + 1) & 0xFFFFFFFF
        view[_RES_SEQ:_RES_SEQ + 4] = _pack(self.published)
        self._acquire()
        self._release()
        if view[_HOST_AWAKE:_HOST_AWAKE + 1] != _AWAKE:
            os.write(self.write_fd, BELL)
        return True
