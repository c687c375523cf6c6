# The logger returned by context.getLogger(): "<UTC time>Z <requestId> <LEVEL> <message>" lines on
# the function's log, %-style arguments, default level INFO (FunctionGraph's format).
import sys
import time

LEVELS = {"DEBUG": 10, "INFO": 20, "WARN": 30, "WARNING": 30, "ERROR": 40}


class Logger(object):
    def __init__(self, request_id, stream=None):
        self._request_id = request_id
        self._stream = stream
        self._level = LEVELS["INFO"]

    # Accepts "DEBUG"/"INFO"/"WARN"/"WARNING"/"ERROR" (any case) or a logging-style number.
    def setLevel(self, level):
        if isinstance(level, int):
            self._level = level
            return
        name = str(level).upper()
        if name not in LEVELS:
            raise ValueError("unknown log level {0!r}: use DEBUG, INFO, WARN or ERROR".format(level))
        self._level = LEVELS[name]

    def _log(self, number, name, message, args):
        if number < self._level:
            return
        if args:
            try:
                message = message % args
            except (TypeError, ValueError):
                message = " ".join([str(message)] + [str(a) for a in args])
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        stream = self._stream or sys.stderr
        stream.write(u"{0} {1} {2} {3}\n".format(stamp, self._request_id, name, message))
        stream.flush()

    def debug(self, message, *args):
        self._log(10, "DEBUG", message, args)

    def info(self, message, *args):
        self._log(20, "INFO", message, args)

    def warn(self, message, *args):
        self._log(30, "WARN", message, args)

    warning = warn

    def error(self, message, *args):
        self._log(40, "ERROR", message, args)
