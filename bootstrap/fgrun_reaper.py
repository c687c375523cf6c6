# The reaper's end: the host's reaper (src/platform/reaper.ts, a /bin/sh started with the host's
# first instance) keeps the list of live instances while the host lives, and runs this script once
# the host is gone, with the instances still listed, to kill every one of them whatever state it is
# in (a handler holding the GIL in a C loop cannot run a watchdog thread; this process does not
# depend on it). It reads lines on stdin, as the host writes them:
#   + <pid> [<cgroup folder>]    an instance started (its interpreter's pid, its cgroup if any)
#   - <pid>                      that instance exited
# End of input means the host is gone (its end of the pipe closed when it died, or it exited): each
# instance still listed is killed (cgroup.kill, or its process tree and group) and its cgroup removed.
import os
import sys
import time


def kill_instance(platform, pid, cgroup):
    if cgroup:
        try:
            with open(os.path.join(cgroup, "cgroup.kill"), "w") as f:
                f.write("1")
            return
        except (IOError, OSError):
            pass
    # Without a cgroup the pid is all there is: make sure it is still an fgrun instance (where /proc
    # can tell; elsewhere only its group is killed).
    if os.path.isdir("/proc/self"):
        try:
            with open("/proc/{0}/cmdline".format(pid), "rb") as f:
                cmdline = f.read()
                # An event function's interpreter, or an HTTP function's relay (bwrap's command line holds it).
                if b"bootstrap/main.py" not in cmdline and b"bootstrap/fgrun_http_relay.py" not in cmdline:
                    return
        except (IOError, OSError):
            return
    platform.kill_tree(pid, include_self=True)
    platform.kill_group(pid)


def remove_cgroup(cgroup):
    for _ in range(50):
        try:
            os.rmdir(cgroup)
            return
        except OSError as e:
            if e.errno == 2:
                return
            time.sleep(0.02)


def main():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import fgrun_platform
    instances = {}
    folders = set()
    stdin = getattr(sys.stdin, "buffer", sys.stdin)
    for line in iter(stdin.readline, b""):
        parts = line.decode("utf-8", "replace").rstrip("\n").split(" ", 2)
        try:
            pid = int(parts[1])
        except (IndexError, ValueError):
            continue
        if parts[0] == "+":
            instances[pid] = parts[2] if len(parts) > 2 else ""
            if instances[pid]:
                folders.add(os.path.dirname(instances[pid]))
        elif parts[0] == "-":
            instances.pop(pid, None)
    for pid, cgroup in instances.items():
        kill_instance(fgrun_platform, pid, cgroup)
    for cgroup in instances.values():
        if cgroup:
            remove_cgroup(cgroup)
    # The host's own cgroup folder, once its instances' folders are gone.
    for folder in folders:
        remove_cgroup(folder)


if __name__ == "__main__":
    main()
