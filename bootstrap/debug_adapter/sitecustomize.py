# Loaded (through PYTHONPATH) by debugpy's adapter process only, which fgrun_debug.py starts with
# this folder first on PYTHONPATH: every connection the adapter accepts (the IDE's, and pydevd's own
# from the function) must come from the user who runs fgrun (fgrun_peer.py), or it is closed
# before a byte is read. debugpy's adapter has no credential of its own for the IDE's connection.
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import fgrun_peer  # noqa: E402
del sys.path[0]

_accept = socket.socket.accept


def _accept_own(self):
    return fgrun_peer.accept_own(lambda: _accept(self), sys.stderr.write)


socket.socket.accept = _accept_own
