# Error facts sent to the host: type, message, and the user's own frames only. Imported on the first
# error (fgrun_isolation.own_module), not at every start.
import os
import sys

from fgrun_isolation import import_hint


_HERE = os.path.dirname(os.path.abspath(__file__))
_SHIM = os.path.join(os.path.dirname(_HERE), "pyshim")

NO_DEBUGGER = ("breakpoint() / pdb.set_trace() found no debugger: the function's stdin is not a "
               "terminal. Run fgrun invoke or serve with --debug-port PORT, then connect with "
               "`fgrun debug attach PORT` (docs/debugging.md)")


# Whether an exception is pdb giving up on the function's empty stdin (no --debug-port): that error
# is given a message naming --debug-port instead (NO_DEBUGGER).
def is_bdb_quit(e):
    cls = type(e)
    return cls.__name__ == "BdbQuit" and cls.__module__ == "bdb"


def _is_runtime_frame(filename):
    return (filename.startswith(_HERE + os.sep) or filename.startswith(_SHIM + os.sep)
            or filename.startswith("<frozen ") or filename.endswith(os.sep + "importlib" + os.sep + "__init__.py"))


# The traceback's frames without fgrun's own or the import machinery's.
def user_frames(tb):
    import traceback
    return [f for f in traceback.extract_tb(tb) if not _is_runtime_frame(f[0])]


def format_frames(frames):
    out = []
    for filename, lineno, name, line in frames:
        text = 'File "{0}", line {1}, in {2}'.format(filename, lineno, name)
        if line:
            text += "\n    " + line.strip()
        out.append(text)
    return out


def exception_text(e):
    try:
        return str(e)
    except Exception:
        try:
            return unicode(e).encode("utf-8")  # noqa: F821 (Python 2 only)
        except Exception:
            return repr(e)


# Error facts for the host: {type, message, stackTrace}.
def describe_exception(e, tb):
    return format_frames(user_frames(tb))


def error_facts(e, tb):
    message = exception_text(e)
    if isinstance(e, ImportError):
        message += import_hint(e)
    return {"type": type(e).__name__, "message": message, "stackTrace": describe_exception(e, tb)}


# Print the user's traceback to the log the way Python does, runtime frames cut.
def log_traceback(e, tb, stream=None):
    stream = stream or sys.stderr
    import traceback
    try:
        lines = ["Traceback (most recent call last):\n"]
        lines.extend(traceback.format_list(user_frames(tb)))
        lines.extend(traceback.format_exception_only(type(e), e))
        stream.write("".join(lines))
        stream.flush()
    except Exception:
        pass


# The error of a request whose function raised `e` (traceback `tb`) in `code`'s stage ("invocation",
# "initialization"), its traceback logged as Python prints it. A handler's pdb without a debugger
# (`debugging` false) is told to use --debug-port.
def function_failure(e, tb, code, debugging):
    if code == "invocation" and not debugging and is_bdb_quit(e):
        e = type(e)(NO_DEBUGGER)
    log_traceback(e, tb)
    facts = error_facts(e, tb)
    facts["code"] = code
    return facts
