# Everything the bootstrap does that depends on the operating system, in one place (docs/platforms.md).
# Each mechanism and what happens where it is missing:
#   close_inherited_fds   Linux /proc/self/fd, macOS /dev/fd; elsewhere fds 3-255 are closed blindly
#   forget_in_children    os.register_at_fork (3.7+), a wrapped os.fork/os.forkpty before (2.7, 3.6):
#                         a forked child closes the protocol fds; C code calling fork() directly on
#                         2.7/3.6 keeps them until it execs (they are close-on-exec)
#   contain               prctl(PR_SET_CHILD_SUBREAPER / PR_SET_PDEATHSIG) through ctypes, Linux only;
#                         elsewhere nothing (docs/instances.md: what is then not guaranteed)
#   descendants/kill_tree /proc/<pid>/task/*/children (Linux); elsewhere only the process group
#   PeakRss               fgrun_peak.py: /proc/self/clear_refs + VmHWM (Linux); elsewhere ru_maxrss
import os
import stat
import sys

SIGKILL = 9
SIGSTOP = 19 if sys.platform.startswith("linux") else 17
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


# `fd` when it is open on a regular file, else None.
def regular_file(fd):
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return fd
    except OSError:
        pass
    return None


# Close every descriptor above 2 except `keep`: an fd the host inherited without close-on-exec must
# not reach the function.
def close_inherited_fds(keep):
    fds = None
    for folder in ("/proc/self/fd", "/dev/fd"):
        try:
            fds = [int(name) for name in os.listdir(folder)]
            break
        except (OSError, ValueError):
            pass
    for fd in fds if fds is not None else range(3, 256):
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


# Mark `fd` close-on-exec (Python 2's os.open and os.dup leave it inheritable; 3.4+ do not).
def set_cloexec(fd):
    try:
        import fcntl
        flags = fcntl.fcntl(fd, fcntl.F_GETFD)
        fcntl.fcntl(fd, fcntl.F_SETFD, flags | fcntl.FD_CLOEXEC)
    except (ImportError, IOError, OSError):
        pass


# Make every child forked from now on close `fds` (the protocol's own) at once.
def forget_in_children(fds):
    def close_all():
        for fd in fds:
            try:
                os.close(fd)
            except OSError:
                pass
    in_children(close_all)


# Run `action` in every child forked from now on, at once (close-on-exec covers only children that
# exec; a forked daemon keeps every descriptor otherwise).
def in_children(action):
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=action)
        return
    for name in ("fork", "forkpty"):
        original = getattr(os, name, None)
        if original is not None:
            setattr(os, name, _closing(original, action))


def _closing(original, close_all):
    def forked(*args):
        result = original(*args)
        if (result[0] if isinstance(result, tuple) else result) == 0:
            close_all()
        return result
    forked.__name__ = original.__name__
    forked.__doc__ = original.__doc__
    return forked


# Ask the kernel to contain the instance: orphans re-parent to this interpreter (subreaper), and
# this interpreter dies with the host (parent-death signal). False where prctl is not available.
def contain(subreaper, parent_death):
    if not (subreaper or parent_death) or not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        ok = True
        if subreaper:
            ok = libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 and ok
        if parent_death:
            parent = os.getppid()
            ok = libc.prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == 0 and ok
            # The host may have died before the signal was armed.
            if os.getppid() != parent:
                os.kill(os.getpid(), SIGKILL)
        return ok
    except Exception:
        return False


# The children of every thread of `pid` (a child started from a thread is that thread's child).
def _children(pid):
    found = []
    try:
        tids = os.listdir("/proc/{0}/task".format(pid))
    except OSError:
        return found
    for tid in tids:
        try:
            with open("/proc/{0}/task/{1}/children".format(pid, tid)) as f:
                found.extend(int(c) for c in f.read().split())
        except (IOError, OSError, ValueError):
            pass
    return found


# Every descendant of `pid`, parents before children.
def descendants(pid):
    found = []
    stack = [pid]
    while stack:
        for child in _children(stack.pop()):
            if child not in found:
                found.append(child)
                stack.append(child)
    return found


# Kill `pid`'s descendants (stopped first, so none forks meanwhile) and its process group. Run by a
# subreaper on itself at exit, and by the reaper on an instance whose host died.
def kill_tree(pid, include_self=False):
    stopped = []
    for _ in range(8):
        fresh = [p for p in descendants(pid) if p not in stopped]
        if not fresh:
            break
        for p in fresh:
            _signal(p, SIGSTOP)
        stopped.extend(fresh)
    for p in stopped:
        _signal(p, SIGKILL)
    if include_self:
        _signal(pid, SIGKILL)


def _signal(pid, sig):
    try:
        os.kill(pid, sig)
    except OSError:
        pass


def is_group_leader():
    try:
        return os.getpgrp() == os.getpid()
    except OSError:
        return False


# Kill this process's group (and the interpreter with it), or the group led by `leader`. Only a
# group leader (how the host spawns the bootstrap) kills its own, so a bootstrap run by hand never
# kills its caller.
def kill_group(leader=None):
    if leader is None and not is_group_leader():
        return
    try:
        os.killpg(leader or os.getpid(), SIGKILL)
    except OSError:
        pass


# Whether the host closed the protocol input (it is gone) rather than asking us to shut down.
def input_closed(fd):
    import select
    try:
        readable, _, _ = select.select([fd], [], [], 0)
        return bool(readable) and os.read(fd, 1) == b""
    except (OSError, ValueError, select.error):
        return False
