# Spin, then block, for the next request (docs/performance.md, "Linger"). After a result is written
# the interpreter polls its input for up to WINDOW before it blocks in read(). Where an idle CPU
# halts (a virtual machine without guest halt-polling, as this project's CI machine is), a reader
# blocked in read() costs the host's write a wake-up of the halted CPU and itself a cold start; a
# caller that sends its next request within the window finds the interpreter still running, and
# the answer comes back before the host's own CPU has gone idle. Only for a caller that keeps it
# busy: lingering starts once two results are less than ARM apart (never after the first, so a
# one-shot invoke neither lingers nor imports select), and stops after MISSES windows in a row
# passed with no request, for twice as many results each time; requests spaced out cost a clock
# read each. A result that found the host asleep (it is slow to wake) is followed by a longer spin,
# RECOVER: sleeping at WINDOW would make the next exchange slow too (docs/performance.md, "Issue 22,
# tenth pass").
import os
import time

from fgrun_contract import LINGER_BUSY_US, LINGER_RECOVER_US, LINGER_WINDOW_US

_clock = getattr(time, "perf_counter", time.time)

# Seconds: the longest spin (the contract's window, which the host waits awake too); the time
# between two results under which lingering starts (the contract's, the host's test of a busy caller).
WINDOW = LINGER_WINDOW_US / 1e6
ARM = LINGER_BUSY_US / 1e6
# Seconds: the spin after a result that found the host asleep (mapped channel only): the host wakes
# slowly, and a window that passes before its next request sends this side to sleep too.
RECOVER = LINGER_RECOVER_US / 1e6
# Windows in a row that pass with no request before lingering stops, and the most results it then
# lets pass before it may start again (a caller just slower than the window wastes ~MISSES windows
# in MAX_BACKOFF requests).
MISSES = 4
MAX_BACKOFF = 1024
# With the mapped channel: turns of the spin between two polls of the socket.
POLL_EVERY = 8


def _noop():
    return None


# sched_yield(2): a task waiting for this CPU runs first (the host, when the scheduler put both on
# one core: without it a spin would hold the core for the whole window while the request it waits
# for cannot be sent). os.sched_yield on Python 3.3+; on 2.7, libc's through _ctypes, the module
# under ctypes (about 1 ms to load where ctypes takes 6-11 ms), made when lingering first starts.
def yielder():
    found = getattr(os, "sched_yield", None)
    if found is not None:
        return found
    try:
        import _ctypes

        class Int(_ctypes._SimpleCData):
            _type_ = "i"

        class Libc(object):
            _handle = _ctypes.dlopen(None, 0)

        class Function(_ctypes.CFuncPtr):
            _flags_ = _ctypes.FUNCFLAG_CDECL
            _restype_ = Int

        return Function(("sched_yield", Libc()))
    except Exception:
        return _noop


def _poller(fd):
    import select
    poll = select.poll()
    poll.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    return poll.poll


class Linger(object):
    # `fd`: the protocol's input; `poller(fd)` gives a function that polls it with a timeout in ms
    # (select.poll's, made when lingering first starts); `clock`: seconds.
    def __init__(self, fd, poller=_poller, clock=_clock):
        self.fd = fd
        self.active = False
        self.misses = 0
        # After lingering stops, results to let pass before it may start again: doubled each time
        # it stops, back to 1 once a window catches a request.
        self.skip = 0
        self.backoff = 1
        self.sent_at = None
        self.poll = None
        self.pause = None
        self.poller = poller
        self.clock = clock
        # The mapped channel (fgrun_map.py) once init set it up: the spin reads the next request's
        # number there, and polls the socket only every POLL_EVERY turns (a frame too large for the
        # map, or one that is not an invoke).
        self.mapped = None

    # A Linger for a channel's reader, or None when it has no descriptor to poll (a test's reader).
    @classmethod
    def for_reader(cls, reader):
        try:
            return cls(reader.fileno())
        except (AttributeError, IOError, OSError, ValueError):
            return None

    # A result has been written: poll the input for up to WINDOW when lingering and `allowed` (the
    # host's word in the invoke frame: it has nothing else running). True when input arrived
    # meanwhile. Two results less than ARM apart (a caller that keeps the instance busy) start
    # lingering. All of it after the result's write, off the round trip's path.
    def after_result(self, allowed=True):
        mapped = self.mapped
        # The result found the host asleep (fgrun_map.py): its next request will be slow to come.
        slept = mapped is not None and mapped.host_slept
        if slept:
            mapped.host_slept = False
        if not allowed:
            self.sent_at = None
            return False
        clock = self.clock
        now = clock()
        last = self.sent_at
        self.sent_at = now
        if not self.active:
            if self.skip > 0:
                self.skip -= 1
                return False
            if last is None or now - last >= ARM:
                return False
            self.active = True
            self.misses = 0
        poll = self.poll
        if poll is None:
            poll = self.poll = self.poller(self.fd)
            self.pause = yielder()
        end = now + (RECOVER if slept else WINDOW)
        pause = self.pause
        if mapped is not None:
            mapped.wake()
            ready = mapped.ready
            turns = 0
            while not ready():
                pause()
                turns += 1
                if (turns % POLL_EVERY == 0 and poll(0)) or clock() >= end:
                    break
            else:
                # caught() written out: this is on the round trip's path (the request is waiting).
                self.misses = 0
                self.backoff = 1
                return True
            return self.caught() if poll(0) or ready() else self.missed()
        while not poll(0):
            # Any other runnable task on this CPU goes first.
            pause()
            if clock() >= end:
                return self.missed()
        return self.caught()

    # A window caught the next request.
    def caught(self):
        self.misses = 0
        self.backoff = 1
        return True

    # A window passed with no request.
    def missed(self):
        self.misses += 1
        if self.misses >= MISSES:
            self.active = False
            self.skip = self.backoff
            self.backoff = min(self.backoff * 2, MAX_BACKOFF)
        return False
