# Loads "[path/]file.function" from the code root, with a distinct failure for each stage:
# malformed name, module not importable, syntax error (file and line), function missing.
import os
import sys

from fgrun_isolation import import_hint, own_module

PY2 = sys.version_info[0] == 2

_FIRST = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
_REST = _FIRST + "0123456789"


class LoadFault(Exception):
    def __init__(self, target, stage, error_type, message, stack=None):
        Exception.__init__(self, message)
        self.target = target
        self.stage = stage
        self.error_type = error_type
        self.message = message
        self.stack = stack or []

    def to_message(self):
        return {"type": "fault", "target": self.target, "stage": self.stage,
                "error": {"type": self.error_type, "message": self.message, "stackTrace": self.stack}}


# The user's frames of a failure's traceback (fgrun_errors, imported only when loading failed).
def _frames(tb):
    return own_module("fgrun_errors").describe_exception(None, tb)


# A Python identifier in the ASCII subset (no regex: `re` costs start-up time on 3.x).
def _is_name(text):
    return bool(text) and text[0] in _FIRST and all(c in _REST for c in text)


# Split "src/index.handler" into ("src/index", "handler"), or raise a "handler-format" fault.
def parse_handler(spec, target):
    text = spec if isinstance(spec, str) else str(spec)
    if "." not in text:
        raise LoadFault(target, "handler-format", "MalformedHandlerName",
                        "Bad {0} format '{1}': expected '[path/]file.function', e.g. 'index.handler'".format(target, text))
    module_path, function = text.rsplit(".", 1)
    parts = module_path.split("/")
    if not _is_name(function) or not all(_is_name(p) for p in parts):
        raise LoadFault(target, "handler-format", "MalformedHandlerName",
                        "Bad {0} format '{1}': expected '[path/]file.function' with Python identifiers, e.g. 'index.handler'".format(target, text))
    return module_path, function


def _is_package_path(code_root, parts):
    for i in range(1, len(parts)):
        if not os.path.isfile(os.path.join(code_root, *(parts[:i] + ["__init__.py"]))):
            return False
    return True


def _import(code_root, module_path):
    parts = module_path.split("/")
    dotted = ".".join(parts)
    if dotted in sys.modules:
        return sys.modules[dotted]
    if len(parts) == 1 or _is_package_path(code_root, parts) or not PY2:
        if PY2:
            # What 2.7's importlib.import_module does for an absolute name, without importing it
            # (~40 us of a cold start).
            __import__(dotted)
            return sys.modules[dotted]
        import importlib
        return importlib.import_module(dotted)
    # Python 2 without __init__.py files: load the file itself under its base name.
    import imp
    path = os.path.join(code_root, *parts) + ".py"
    if not os.path.isfile(path):
        raise ImportError("No module named {0}".format(dotted))
    return imp.load_source(parts[-1], path)


# Import the module of `spec` and return its function; every failure is a LoadFault.
def load_function(code_root, spec, target):
    module_path, function = parse_handler(spec, target)
    try:
        module = _import(code_root, module_path)
    except SyntaxError as e:
        where = e.filename or module_path + ".py"
        if where.startswith(code_root + os.sep):
            where = where[len(code_root) + 1:]
        message = "Syntax error in module '{0}': {1} ({2}, line {3})".format(module_path, e.msg, where, e.lineno)
        raise LoadFault(target, "syntax", type(e).__name__, message, _frames(sys.exc_info()[2]))
    except Exception as e:
        # The cloud's texts: a module that cannot be found, or one whose code raised while importing.
        if isinstance(e, ImportError):
            message = "failed to import module '{0}'({1}{2})".format(module_path, e, import_hint(e))
        else:
            message = "module initialization error({0}: {1})".format(type(e).__name__, e)
        raise LoadFault(target, "import", type(e).__name__, message, _frames(sys.exc_info()[2]))
    fn = getattr(module, function, None)
    if fn is None:
        raise LoadFault(target, "not-found", "HandlerNotFound",
                        "{0} '{1}' missing on module '{2}'".format(target.capitalize(), function, module_path))
    if not callable(fn):
        raise LoadFault(target, "not-found", "HandlerNotFound",
                        "{0} '{1}' on module '{2}' is not callable".format(target.capitalize(), function, module_path))
    return fn
