# Debugging over --debug-port (docs/debugging.md). With a port:
#   - debugpy, when the function can import it (its dependencies, or the interpreter's packages
#     where those are visible): debugpy.listen(("127.0.0.1", port)) once, and before each request
#     wait until a client (VS Code, PyCharm) is attached;
#   - otherwise breakpoint() / pdb.set_trace() serve a pdb session on 127.0.0.1:port (nc, telnet).
# The host is told when a debugger holds the function ("hold", "release") so that the function's
# timeout does not kill a paused function; "listening" (a hold too) carries the line to print.
# Only the user who runs fgrun may attach (fgrun_peer.py): pdb's accept checks each peer, and debugpy's
# adapter process loads debug_adapter/sitecustomize.py, which checks every connection it accepts.
# Imported only with a port (Runner.init); without one, pdb on the function's stdin (/dev/null) ends at
# once in a BdbQuit, which fgrun_errors.py gives a message naming --debug-port.
import os
import sys

import fgrun_peer


def _cloexec(sock):
    try:
        import fcntl
        flags = fcntl.fcntl(sock.fileno(), fcntl.F_GETFD)
        fcntl.fcntl(sock.fileno(), fcntl.F_SETFD, flags | fcntl.FD_CLOEXEC)
    except (ImportError, IOError, OSError):
        pass


# The environment of debugpy's adapter process: ours, with debug_adapter/ (its peer check) first on
# PYTHONPATH.
def _adapter_env():
    env = dict(os.environ)
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "debug_adapter")
    env["PYTHONPATH"] = os.pathsep.join([folder] + [p for p in [env.get("PYTHONPATH")] if p])
    return env


class Debugger(object):
    # notify(state, tool, reason) sends a `debug` message to the host.
    def __init__(self, port, code_root, notify):
        self.port = port
        self.code_root = code_root
        self.notify = notify
        self.debugpy = None
        self.fallback = None
        self.listener = None
        self.conn = None
        self.stream = None
        self.output = None

    # Choose the debugger (before the user's module is imported, so pdb.set_trace is ours).
    def install(self):
        try:
            import debugpy
            self.debugpy = debugpy
        except ImportError:
            pass
        except Exception as e:
            self.fallback = "debugpy is not importable ({0}: {1})".format(type(e).__name__, e)
        import pdb
        debugger = self

        def set_trace(*args, **kwargs):
            debugger.set_trace(sys._getframe(1))
        pdb.set_trace = set_trace
        if hasattr(sys, "breakpointhook"):
            sys.breakpointhook = set_trace

    # Before a request: with debugpy, listen once and wait for a client; the request is held.
    def before_request(self):
        if self.debugpy is None:
            return
        if self.listener is None:
            # Starting debugpy's adapter takes seconds on a busy machine: not the function's time.
            self.notify("hold", "debugpy")
            try:
                os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
                self.debugpy.configure(pythonEnv=_adapter_env())
                self.debugpy.listen(("127.0.0.1", self.port))
                self.listener = True
                # debugpy's own breakpoint stops in the caller's frame (ours would add one).
                import pdb
                pdb.set_trace = self.debugpy.breakpoint
                if hasattr(sys, "breakpointhook"):
                    sys.breakpointhook = self.debugpy.breakpoint
            except Exception as e:
                self.notify("release", "debugpy")
                self.debugpy = None
                self.fallback = "debugpy could not listen ({0}: {1})".format(type(e).__name__, e)
                return
        if self.debugpy.is_client_connected():
            self.notify("hold", "debugpy")
            return
        self.notify("listening", "debugpy")
        self.debugpy.wait_for_client()

    # After a request: a pdb client's session ends with it.
    def after_request(self):
        if self.stream is not None:
            for close in (self.output.close, self.stream.close, self.conn.close):
                try:
                    close()
                except Exception:
                    pass
        self.stream = None
        self.output = None
        self.conn = None

    # A breakpoint: debugpy's own when attached, else a pdb session on the socket.
    def set_trace(self, frame):
        if self.debugpy is not None:
            self.debugpy.breakpoint()
            return
        if self.conn is None:
            self._accept()
        self._pdb().set_trace(frame)

    def _accept(self):
        import socket
        if self.listener is None:
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            _cloexec(listener)
            listener.bind(("127.0.0.1", self.port))
            listener.listen(1)
            self.listener = listener
        self.notify("listening", "pdb", self.fallback)
        conn, _ = fgrun_peer.accept_own(self.listener.accept, sys.stderr.write)
        _cloexec(conn)
        self.conn = conn
        if sys.version_info[0] == 2:
            self.stream = self.output = conn.makefile("rw", 0)
        else:
            # Two files, not one "rw" text file: a write to a TextIOWrapper drops what it has read
            # ahead, so lines sent together (a paste, `fgrun debug attach` with piped input) got lost.
            self.stream = conn.makefile("r", encoding="utf-8", errors="replace", newline="\n")
            self.output = conn.makefile("w", encoding="utf-8", errors="replace", newline="\n")

    def _pdb(self):
        import pdb
        notify = self.notify

        class SocketPdb(pdb.Pdb):
            def interaction(self, *args, **kwargs):
                notify("hold", "pdb")
                return pdb.Pdb.interaction(self, *args, **kwargs)

            def do_continue(self, arg):
                notify("release", "pdb")
                return pdb.Pdb.do_continue(self, arg)
            do_c = do_cont = do_continue

            def do_quit(self, arg):
                notify("release", "pdb")
                return pdb.Pdb.do_quit(self, arg)
            do_q = do_exit = do_quit

            def do_EOF(self, arg):
                notify("release", "pdb")
                return pdb.Pdb.do_EOF(self, arg)

        options = {"stdin": self.stream, "stdout": self.output, "skip": ["fgrun_*"]}
        if sys.version_info >= (3, 6):
            options["readrc"] = False
        if sys.version_info[0] >= 3:
            options["nosigint"] = True
        debugger = SocketPdb(**options)
        debugger.prompt = "(Pdb) "
        return debugger
