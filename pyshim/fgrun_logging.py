# The `logging` side of the function's log (imported only once `logging` is): FunctionGraph's line
# format, the handler on the root logger, and the logger context.getLogger() returns.
import logging
import sys
import time

PY2 = sys.version_info[0] == 2
TEXT = unicode if PY2 else str  # noqa: F821 (Python 2 only)

# Python's level names, as the runtimes whose code can be read print them (the OTC FunctionGraph
# runtime mock logs through `logging`: WARNING, not RUNTIME_LOG_LEVEL's WARN; docs/results.md).
LEVEL_NAMES = {10: "DEBUG", 20: "INFO", 30: "WARNING", 40: "ERROR", 50: "CRITICAL"}
LOGGER_NAME = "function"
# A log line longer than this (characters, its head included) is written as several lines of at
# most this length, each with the line's head, as the OTC runtime mock splits lines over 90 KB.
LINE_SPLIT = 90 * 1024


# Text of any value on 2.7: UTF-8 bytes decoded (invalid bytes replaced), never an exception.
def _text(value):
    if isinstance(value, TEXT):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    try:
        return TEXT(value)
    except UnicodeError:
        return str(value).decode("utf-8", "replace")


# The record's message with its %-arguments. On 2.7 a UTF-8 `str` and `unicode` mix: the plain %
# is tried first (so %r keeps its output), then again with every byte string decoded.
def message_text(record):
    if not PY2:
        return record.getMessage()
    msg, args = record.msg, record.args
    if not args:
        return _text(msg)
    try:
        return _text(msg % args)
    except UnicodeError:
        pass
    if isinstance(args, dict):
        args = dict((k, _decoded(v)) for k, v in args.items())
    else:
        args = tuple(_decoded(a) for a in args)
    return _text(msg) % args


# A non-ASCII byte string as text; anything else unchanged (an ASCII str keeps its %r).
def _decoded(value):
    if isinstance(value, bytes):
        try:
            value.decode("ascii")
        except UnicodeError:
            return value.decode("utf-8", "replace")
    return value


# The message with each line longer than LINE_SPLIT (with `head` before it) cut into pieces, every
# piece after the first on a new line behind the same head.
def split_long(message, head):
    room = LINE_SPLIT - len(head)
    if len(message) <= room and u"\n" not in message:
        return message
    out = []
    for line in message.split(u"\n"):
        pieces = [line[i:i + room] for i in range(0, len(line), room)] or [u""]
        out.append((u"\n" + head).join(pieces))
    return u"\n".join(out)


class FunctionFormatter(logging.Formatter):
    def __init__(self, state):
        logging.Formatter.__init__(self)
        self.state = state

    # "<UTC time>Z <requestId> <LEVEL> <message>", then the traceback and stack, if any.
    def format(self, record):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created))
        level = LEVEL_NAMES.get(record.levelno) or record.levelname
        request_id = self.state.request_id
        head = u"{0} {1} {2} ".format(stamp, request_id, level) if request_id else u"{0} {1} ".format(stamp, level)
        text = head + split_long(message_text(record), head)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            text = text + u"\n" + _text(record.exc_text)
        stack = getattr(record, "stack_info", None)
        if stack:
            text = text + u"\n" + _text(self.formatStack(stack))
        return text


class FunctionLogHandler(logging.Handler):
    # Writes to the function's log (sys.stderr as it is at the time: fd 2 unless the function
    # replaced it), whole lines, flushed.
    def emit(self, record):
        try:
            line = self.format(record) + u"\n"
            stream = sys.stderr
            if PY2:
                try:
                    stream.write(line.encode("utf-8"))
                except TypeError:
                    stream.write(line)
            else:
                stream.write(line)
            stream.flush()
        except Exception:
            self.handleError(record)


class FunctionLogger(logging.Logger):
    # Level names in any case, FunctionGraph's WARN among them, as the old context logger took them.
    def setLevel(self, level):
        if isinstance(level, (str, TEXT)):
            level = str(level).upper()
        logging.Logger.setLevel(self, level)
        cache = getattr(self, "_cache", None)
        if cache is not None:
            cache.clear()


_handler = None
_logger = None


# Put the function-log handler on the root logger, at RUNTIME_LOG_LEVEL (once).
def configure_root(module, state):
    global _handler
    if _handler is not None:
        return _handler
    _handler = FunctionLogHandler()
    _handler.setFormatter(FunctionFormatter(state))
    root = module.getLogger()
    root.addHandler(_handler)
    root.setLevel(state.level)
    return _handler


# The one logger context.getLogger() returns on this instance: its own copy of the handler (it
# does not propagate, so a line is never written twice), at RUNTIME_LOG_LEVEL.
def function_logger(state):
    global _logger
    if _logger is not None:
        return _logger
    handler = configure_root(logging, state)
    previous = logging.getLoggerClass()
    logging.setLoggerClass(FunctionLogger)
    try:
        logger = logging.getLogger(LOGGER_NAME)
    finally:
        logging.setLoggerClass(previous)
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(state.level)
    _logger = logger
    return logger
