# Peak resident memory of this interpreter during one request.
# Linux: writing "5" to /proc/self/clear_refs resets the peak (VmHWM) to the current RSS, so VmHWM
# read after the handler is the real peak of that request. Elsewhere: ru_maxrss (peak since start).
import os
import sys


# The whole of a small /proc file through a kept fd (one pread where the interpreter has it).
if hasattr(os, "pread"):
    def _read_at_start(fd):
        return os.pread(fd, 16384, 0)
else:
    def _read_at_start(fd):
        os.lseek(fd, 0, 0)
        return os.read(fd, 16384)


class PeakRss(object):
    def __init__(self):
        self.clear_fd = None
        self.status_fd = None
        try:
            self.status_fd = os.open("/proc/self/status", os.O_RDONLY)
            self.clear_fd = os.open("/proc/self/clear_refs", os.O_WRONLY)
            os.write(self.clear_fd, b"5")
        except (IOError, OSError):
            self.clear_fd = None

    # Start a new measurement window.
    def reset(self):
        if self.clear_fd is not None:
            try:
                os.write(self.clear_fd, b"5")
            except (IOError, OSError):
                self.clear_fd = None

    # Peak RSS in KiB since the last reset (or since start where the peak cannot be reset).
    def peak_kb(self):
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
