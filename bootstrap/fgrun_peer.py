# Who is on the other end of a loopback TCP connection (docs/security.md, "The debugger port").
# The debugger ports (--debug-port) accept only the user who runs fgrun: on Linux the peer's socket
# is found in /proc/net/tcp (or tcp6) by its address pair, and its owner's uid compared with ours.
# Where that table cannot be read (macOS), the owner cannot be known and the connection is refused.
# Also imported by debug_adapter/sitecustomize.py inside debugpy's adapter process: stdlib only.
# `socket` is imported where it is used: the bootstrap imports this module at every start, and on
# Python 2.7 socket brings _ssl and OpenSSL (~6 ms of every cold start, docs/performance.md).
import os


def _hex_address(address, family):
    import socket
    # /proc/net/tcp spells an address as the kernel's 32-bit words in host (little-endian) order.
    host, port = address[0], address[1]
    if family == socket.AF_INET:
        packed = socket.inet_aton(host)
        word = packed[::-1]
        return "{0}:{1:04X}".format(_hex(word), port)
    packed = socket.inet_pton(socket.AF_INET6, host)
    words = [packed[i:i + 4][::-1] for i in range(0, 16, 4)]
    return "{0}:{1:04X}".format("".join(_hex(w) for w in words), port)


def _hex(data):
    return "".join("{0:02X}".format(b if isinstance(b, int) else ord(b)) for b in data)


# The uid owning the peer's end of `conn`, or None when it cannot be found.
def peer_uid(conn):
    import socket
    try:
        family = conn.family
        ours = conn.getsockname()
        theirs = conn.getpeername()
    except (socket.error, OSError, AttributeError):
        return None
    table = "/proc/net/tcp" if family == socket.AF_INET else "/proc/net/tcp6"
    try:
        local = _hex_address(theirs, family)
        remote = _hex_address(ours, family)
        with open(table) as lines:
            for line in lines:
                fields = line.split()
                if len(fields) > 7 and fields[1] == local and fields[2] == remote:
                    return int(fields[7])
    except (IOError, OSError, ValueError):
        return None
    return None


# None when the peer is the user running fgrun (the debuggee's own uid), else why it is refused.
def refusal(conn):
    uid = peer_uid(conn)
    if uid is None:
        return "its owner cannot be verified (no /proc/net/tcp)"
    if uid != os.getuid():
        return "it belongs to uid {0}, and only uid {1} (the user who runs fgrun) may attach".format(uid, os.getuid())
    return None


# accept() that closes every connection `refusal` refuses, and says so on `report`.
def accept_own(accept, report):
    while True:
        conn, address = accept()
        why = refusal(conn)
        if why is None:
            return conn, address
        try:
            conn.close()
            report("fgrun: refused a debugger connection from {0}:{1}: {2}\n".format(address[0], address[1], why))
        except Exception:
            pass
