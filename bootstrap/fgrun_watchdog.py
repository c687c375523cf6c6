# Orphan protection. The host kills an instance's whole process group when it retires it, exits or
# is interrupted; a host killed with SIGKILL cannot, so the instance watches for it itself:
#   - a thread polls the parent pid; when it changes (the host died, we were re-parented) it kills
#     the group: the interpreter and every process the function started;
#   - end of input on the protocol channel also means the host is gone (a normal stop sends
#     `shutdown` and keeps stdin open), so after the loop ends the group is killed the same way.
# Only a process-group leader (how the host spawns the bootstrap) ever kills its group.
import os
import time

POLL_SECONDS = 0.5
SIGKILL = 9


def _is_group_leader():
    try:
        return os.getpgrp() == os.getpid()
    except OSError:
        return False


def kill_group():
    if _is_group_leader():
        try:
            os.killpg(os.getpid(), SIGKILL)
        except OSError:
            pass


def _watch(parent):
    while True:
        time.sleep(POLL_SECONDS)
        if os.getppid() != parent:
            kill_group()
            return


# Start the parent-watching thread (a bare _thread: no threading import, ~50 us at start-up).
def start():
    if not _is_group_leader():
        return
    try:
        import _thread as thread
    except ImportError:
        import thread
    thread.start_new_thread(_watch, (os.getppid(),))


# Whether the host closed the protocol input (it is gone) rather than asking us to shut down.
def input_closed(fd):
    import select
    try:
        readable, _, _ = select.select([fd], [], [], 0)
        return bool(readable) and os.read(fd, 1) == b""
    except (OSError, ValueError, select.error):
        return False
