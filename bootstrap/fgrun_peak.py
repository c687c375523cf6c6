# The peak resident memory of one request (docs/instances.md), apart from fgrun_platform.py's process
# guards: /proc/self/clear_refs + VmHWM on Linux; elsewhere ru_maxrss, the peak since start.
import os
import sys

from fgrun_platform import in_children, set_cloexec


# The whole of a small /proc file through a kept fd (one pread where the interpreter has it).
if hasattr(os, "pread"):
    def _read_at_start(fd):
        return os.pread(fd, 16384, 0)
else:
    def _read_at_start(fd):
        os.lseek(fd, 0, 0)
        return os.read(fd, 16384)


# A descriptor of the bootstrap's own, not inherited by a program the function starts (2.7's
# os.open leaves it inheritable; 3.4+ already do not).
def _private(fd):
    if sys.version_info[0] == 2:
        set_cloexec(fd)
    return fd


# Peak resident memory of this interpreter during one request, in one syscall in the common case
# (docs/instances.md). Linux: writing "5" to /proc/self/clear_refs resets the peak (VmHWM) to the
# current RSS. A baseline is that reset, the RSS it left (the short /proc/self/statm) and the
# process's page-fault count (getrusage). RSS grows only through page faults (GUP, read() into new
# pages and populate included), so a request that finds the count unchanged since the baseline
# peaked at the baseline RSS: one getrusage (~1.4 us). One that faulted reads the exact peak, VmHWM
# from /proc/self/status (~11 us: the kernel formats all of it), and the next request takes a new
# baseline; until then the baseline stands, so requests that fault nothing cost one syscall each.
# Elsewhere: ru_maxrss (the peak since start).
class PeakRss(object):
    def __init__(self):
        self.clear_fd = None
        self.status_fd = None
        self.statm_fd = None
        self.start_kb = None
        self.faults = None
        # Whether the next request needs a new baseline (the last one faulted, or none was taken).
        self.stale = True
        # A forked child (a daemon) keeps none of them: they read and reset this interpreter's peak.
        in_children(self.forget)
        try:
            self.status_fd = _private(os.open("/proc/self/status", os.O_RDONLY))
            self.clear_fd = _private(os.open("/proc/self/clear_refs", os.O_WRONLY))
            os.write(self.clear_fd, b"5")
        except (IOError, OSError):
            self.clear_fd = None
            return
        try:
            import resource
            self.page_kb = resource.getpagesize() // 1024
            self.rusage = resource.getrusage
            self.statm_fd = _private(os.open("/proc/self/statm", os.O_RDONLY))
            self.faults = self.fault_count()
        except (ImportError, IOError, OSError, ValueError):
            self.statm_fd = None

    def forget(self):
        for fd in (self.status_fd, self.clear_fd, self.statm_fd):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.status_fd = self.clear_fd = self.statm_fd = None

    # Page faults of the whole process (every thread) so far.
    def fault_count(self):
        usage = self.rusage(0)
        return usage.ru_minflt + usage.ru_majflt

    # A request starts: take a new baseline when the last one no longer holds.
    def reset(self):
        if self.clear_fd is None or not self.stale:
            return
        try:
            os.write(self.clear_fd, b"5")
        except (IOError, OSError):
            self.clear_fd = None
            return
        self.start_kb = None
        if self.statm_fd is not None:
            try:
                self.start_kb = int(_read_at_start(self.statm_fd).split(None, 2)[1]) * self.page_kb
                # Counted after the reads: their own faults, if any, are not the request's.
                self.faults = self.fault_count()
                self.stale = False
            except (IOError, OSError, ValueError, IndexError):
                self.statm_fd = None
                self.start_kb = None

    # Peak RSS in KiB of the request that just ended (since start where the peak cannot be reset).
    def peak_kb(self):
        if self.start_kb is not None and not self.stale:
            usage = self.rusage(0)
            if usage.ru_minflt + usage.ru_majflt == self.faults:
                return self.start_kb
        self.stale = True
        return self.status_peak_kb()

    def status_peak_kb(self):
        if self.status_fd is not None and self.clear_fd is not None:
            try:
                data = _read_at_start(self.status_fd)
                start = data.find(b"VmHWM:")
                if start >= 0:
                    end = data.find(b"\n", start)
                    return int(data[start + 6:end].split()[0])
            except (IOError, OSError, ValueError, IndexError):
                pass
        try:
            import resource
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            return peak // 1024 if sys.platform == "darwin" else peak
        except Exception:
            return 0
