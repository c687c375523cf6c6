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
#
# The host writes a request with one system call, its number last (the region's last 4 bytes, the
# head and the frame before it); the bootstrap publishes a result with two copies, the head and body,
# then the number. Either way the number's stores come after the frame's in a copy of their own, and
# x86-64 does not let the stores of one string operation pass those of an earlier one (Intel SDM vol.
# 3A, "Fast-String Operation and Out-of-Order Stores"): who sees the number sees the frame. The
# reader reads the number, then the frame, in two reads (the order of loads within one copy is not
# guaranteed).
import mmap
import os
import struct

from fgrun_contract import MAPPED_CHANNEL
from fgrun_platform import set_cloexec
from fgrun_protocol import PY2, TEXT, ProtocolError, ascii_bytes

# (No `try: from _thread ...`: on 2.7 the failed import looks in every folder on the path, ~0.1 ms.)
if PY2:
    from thread import allocate_lock
else:
    from _thread import allocate_lock

_U32 = struct.Struct("<I")
_pack = _U32.pack
# The bell frame the bootstrap writes: the contract's `bell`, as Channel.send would encode it (written
# out: json.dumps with separators costs ~20 us of a 2.7 cold start; a test compares the two).
BELL = b'{"type":"bell"}\n'
_AWAKE = b"\x01"
_ASLEEP = b"\x00"

_SIZE = MAPPED_CHANNEL["bytes"]
_REQ_SEQ = MAPPED_CHANNEL["requestSeq"]
_RES_SEQ = MAPPED_CHANNEL["resultSeq"]
_PY_AWAKE = MAPPED_CHANNEL["pythonAwake"]
_HOST_AWAKE = MAPPED_CHANNEL["hostAwake"]
_TOKEN = MAPPED_CHANNEL["token"]
_REQUEST = MAPPED_CHANNEL["request"]
_RESULT = MAPPED_CHANNEL["result"]
_REGION = MAPPED_CHANNEL["regionBytes"]
# The frames' heads (the contract's layout): the request's event length, timeoutMs and id length, at
# a fixed offset just before its number, the id and event before the head; the result's body length,
# the request it answers, durationMs, maxRssKb, kind and fenced. Read and written in place (struct's
# *_from / *_into on the map), with no header text to format or parse.
_REQUEST_HEAD = struct.Struct("<IIH")
_REQUEST_HEAD_AT = _REQ_SEQ - MAPPED_CHANNEL["requestHead"]
_RESULT_HEAD = struct.Struct("<IIdIBB")
_RESULT_AT = _RESULT + MAPPED_CHANNEL["resultHead"]
_RESULT_MOST = _REGION - MAPPED_CHANNEL["resultHead"]
_KINDS = dict((kind, code) for code, kind in enumerate(MAPPED_CHANNEL["resultKinds"]))


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
        if view[_TOKEN:_TOKEN + len(token)] != ascii_bytes(token):
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
        # What this side's flag in the file says; whether the last result found the host asleep (it
        # will be slow to send the next request: the linger waits longer for it).
        self.awake = False
        self.host_slept = False
        lock = allocate_lock()
        self._acquire = lock.acquire
        self._release = lock.release

    # Whether the next request is in the file (the linger's spin).
    def ready(self):
        return self.view[_REQ_SEQ:_REQ_SEQ + 4] == self.want

    # The next request as (id, event's bytes, timeoutMs) when it is in the file, else None: an invoke
    # whose `linger` is true, its fields as the loop passes them on, with no message made (a dict and
    # its lookups cost ~0.3 us a request on 2.7; docs/performance.md, "Issue 22, twelfth pass").
    def take(self):
        view = self.view
        if view[_REQ_SEQ:_REQ_SEQ + 4] != self.want:
            return None
        self.taken = (self.taken + 1) & 0xFFFFFFFF
        self.want = _pack((self.taken + 1) & 0xFFFFFFFF)
        size, timeout_ms, id_bytes = _REQUEST_HEAD.unpack_from(view, _REQUEST_HEAD_AT)
        # The frame ends at the head: the event just before it, the id before the event.
        middle = _REQUEST_HEAD_AT - size
        start = middle - id_bytes
        if start < _REQUEST:
            raise ProtocolError("the mapped channel holds no invoke: an id of {0} bytes and an event of {1}".format(id_bytes, size))
        data = view[start:middle]
        try:
            # unicode(data, "utf-8") on 2.7, whose str.decode calls the codec's Python function (~0.3 us).
            request_id = TEXT(data, "utf-8") if PY2 else data.decode("utf-8")
        except UnicodeError:
            raise ProtocolError("the mapped channel holds no invoke: its id is not UTF-8")
        return request_id, view[middle:_REQUEST_HEAD_AT], timeout_ms

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

    # Publish the result of the request taken last (a success: its body of `kind`, the duration in ms,
    # the peak in KB, whether a fence follows in the log); False when the socket is to carry it: it
    # does not fit, or the host already said it sleeps (its socket wakes it, a bell would be one more
    # read for the same). Rings the host's bell when the host said it sleeps meanwhile.
    def publish(self, kind, body, duration_ms, max_rss_kb, fenced):
        size = len(body)
        view = self.view
        if size > _RESULT_MOST:
            return False
        if view[_HOST_AWAKE:_HOST_AWAKE + 1] != _AWAKE:
            self.host_slept = True
            return False
        _RESULT_HEAD.pack_into(view, _RESULT, size, self.taken, duration_ms, max_rss_kb, _KINDS[kind], 1 if fenced else 0)
        view[_RESULT_AT:_RESULT_AT + size] = body
        self.published = (self.published + 1) & 0xFFFFFFFF
        view[_RES_SEQ:_RES_SEQ + 4] = _pack(self.published)
        self._acquire()
        self._release()
        if view[_HOST_AWAKE:_HOST_AWAKE + 1] != _AWAKE:
            self.host_slept = True
            os.write(self.write_fd, BELL)
        return True
