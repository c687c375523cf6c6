# The function's log as the FunctionGraph runtime sets it up (docs/results.md, "Logging"):
#   - context.getLogger() is a real logging.Logger writing "<UTC time>Z <requestId> <LEVEL> <message>";
#   - the root logger gets the same handler at RUNTIME_LOG_LEVEL (default INFO), so logging.info()
#     from the function and its libraries lands in the log in that format.
# `logging` costs milliseconds to import, so nothing here imports it: a meta-path hook configures it
# the moment anyone (the function, a library, getLogger()) imports it. Per request the runner only
# stores the request id that log lines carry (STATE.request_id).
import os
import sys

_SHIM = os.path.dirname(os.path.abspath(__file__))
LEVELS = {"DEBUG": 10, "INFO": 20, "WARN": 30, "WARNING": 30, "ERROR": 40}
DEFAULT_LEVEL = 20


class _State(object):
    # The request whose log lines are being written now (the last one started); "" before any.
    request_id = ""
    # The level RUNTIME_LOG_LEVEL asks for, read once when the runtime starts.
    level = DEFAULT_LEVEL


STATE = _State()


# RUNTIME_LOG_LEVEL (DEBUG/INFO/WARN/ERROR, any case) as a logging level number; INFO otherwise.
def level_from_env(environ=None):
    name = (environ if environ is not None else os.environ).get("RUNTIME_LOG_LEVEL", "")
    return LEVELS.get(name.strip().upper(), DEFAULT_LEVEL)


# fgrun_logging, from the shim folder (not on the function's sys.path), with a bytecode cache as
# for the rest of fgrun's own modules (bootstrap/main.py).
def _logging_side():
    loaded = sys.modules.get("fgrun_logging")
    if loaded is not None:
        return loaded
    write_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = False
    sys.path.insert(0, _SHIM)
    try:
        import fgrun_logging
    finally:
        sys.dont_write_bytecode = write_bytecode
        if sys.path and sys.path[0] == _SHIM:
            del sys.path[0]
    return fgrun_logging


# Configure `logging` once it is in sys.modules (the hook's callback).
def _configured(module):
    _logging_side().configure_root(module, STATE)


class _LoggingHook(object):
    # Python 3: wraps logging's own loader so that executing the module also configures it.
    def find_spec(self, name, path=None, target=None):
        if name != "logging":
            return None
        self.remove()
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find is not None else None
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _ConfiguringLoader(spec.loader)
                return spec
        return None

    # Python 2: import logging the ordinary way (the hook is gone), then configure it.
    def find_module(self, name, path=None):
        return self if name == "logging" else None

    def load_module(self, name):
        self.remove()
        module = __import__(name)
        _configured(module)
        return module

    def remove(self):
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass


class _ConfiguringLoader(object):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        # Leave no trace: the module's loader is its own.
        module.__loader__ = self.loader
        if getattr(module, "__spec__", None) is not None:
            module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        _configured(module)

    def __getattr__(self, name):
        return getattr(self.loader, name)


# Read RUNTIME_LOG_LEVEL and make sure `logging` is configured when (if ever) it is imported.
def install():
    STATE.level = level_from_env()
    if "logging" in sys.modules:
        _configured(sys.modules["logging"])
    else:
        sys.meta_path.insert(0, _LoggingHook())


# The function's logger (context.getLogger()), one per instance, built on first use.
def function_logger():
    import logging  # noqa: F401 (runs the hook: the root logger is configured first)
    return _logging_side().function_logger(STATE)
