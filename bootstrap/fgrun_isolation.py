# A function imports what it would import in the cloud: the standard library, its code and its
# dependency packages, never what is installed in this interpreter. The host starts the interpreter
# with -S (no `site`: no site-packages, no .pth files) unless --host-site-packages is given; this
# module puts back what `site` gives every program, and explains an ImportError for a module the
# interpreter has but the function may not see (docs/runtimes.md, "What a function can import").
import os
import sys

PY2 = sys.version_info[0] == 2


class _Quitter(object):
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "Use {0}() or Ctrl-D (i.e. EOF) to exit".format(self.name)

    def __call__(self, code=None):
        raise SystemExit(code)


# What `site` would have done that functions rely on: exit() and quit(); on 2.7, no
# sys.setdefaultencoding (site deletes it: code must reload(sys) to reach it, as in the cloud).
def prepare():
    if not sys.flags.no_site:
        return
    builtins = __import__("__builtin__" if PY2 else "builtins")
    for name in ("exit", "quit"):
        if not hasattr(builtins, name):
            setattr(builtins, name, _Quitter(name))
    if PY2 and hasattr(sys, "setdefaultencoding"):
        del sys.setdefaultencoding


# One of fgrun's own modules (bootstrap/), imported when first needed: fgrun's folder is on sys.path
# only while the bootstrap starts (main.py), so what the loop needs later, or only on some paths (the
# debugger's, the error path's), is looked for there and loaded with the bytecode cache fgrun's
# modules keep.
def own_module(name):
    module = sys.modules.get(name)
    if module is not None:
        return module
    here = os.path.dirname(os.path.abspath(__file__))
    write_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = False
    sys.path.insert(0, here)
    try:
        __import__(name)
    finally:
        sys.dont_write_bytecode = write_bytecode
        if sys.path and sys.path[0] == here:
            del sys.path[0]
    return sys.modules[name]


# The site-packages folders this interpreter would have put on sys.path.
def _hidden_folders():
    folders = []
    try:
        import sysconfig
        paths = sysconfig.get_paths()
        folders.extend([paths.get("purelib"), paths.get("platlib")])
    except Exception:
        pass
    if not PY2:
        try:
            import site
            folders.extend(site.getsitepackages())
        except Exception:
            pass
    seen = []
    for folder in folders:
        if folder and folder not in seen and folder not in sys.path and os.path.isdir(folder):
            seen.append(folder)
    return seen


# The top-level module an ImportError could not find, or None.
def _missing_module(error):
    name = getattr(error, "name", None)
    if not name:
        text = str(error)
        prefix = "No module named "
        if not text.startswith(prefix):
            return None
        name = text[len(prefix):].strip().strip("'\"")
    return name.split(".")[0] or None


def _holds(folder, name):
    if os.path.isdir(os.path.join(folder, name)):
        return True
    try:
        entries = os.listdir(folder)
    except OSError:
        return False
    return any(e.startswith(name + ".") and e.endswith((".py", ".so", ".pyd")) for e in entries)


# Top-level module -> the sentence its ImportError gets: a library FunctionGraph's runtime bundles
# that the bundled layer lacks (init's importHints, made by the host's bundled/layer.ts).
_bundled_hints = {}


def set_bundled_hints(hints):
    _bundled_hints.clear()
    _bundled_hints.update(hints or {})


# A sentence to add to an ImportError's message when the module is a bundled library the layer
# lacks, or exists in this interpreter's site-packages, which the function may not see; "" otherwise.
def import_hint(error):
    if not isinstance(error, ImportError):
        return ""
    name = _missing_module(error)
    if name is None:
        return ""
    if name in _bundled_hints:
        return "; " + _bundled_hints[name]
    if not sys.flags.no_site:
        return ""
    for folder in _hidden_folders():
        if _holds(folder, name):
            return ("; '{0}' is installed in this interpreter ({1}), but a FunctionGraph function only sees the "
                    "standard library, its code and its dependency packages: add it with `fgrun build` "
                    "(requirements.txt) or a dependency package, or pass --host-site-packages "
                    "(config: host_site_packages) to use the interpreter's packages locally").format(name, folder)
    return ""
