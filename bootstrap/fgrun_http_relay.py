# The relay of an HTTP function's instance (docs/http-functions.md). It runs inside the instance's
# network namespace (or on the host, where none can be made), starts the function's `bootstrap`
# command, and:
#   - tells the host when the server accepts connections on 127.0.0.1:8000 ("ready"), or that the
#     command exited first ("exit <status>"), on the control pipe (fd 4);
#   - forwards every connection the host makes to the Unix socket argv[1] to 127.0.0.1:8000;
#     one thread does it all (connections, log, control) in a select() loop;
#   - passes the server's output (stdout and stderr, in order) to its own stderr, the function's
#     log, fenced so the host attributes it to the request: before it forwards each piece of a
#     response, it writes out all the output the server has written so far, then the fence
#     "\0fgrun:<fence>:<n>" where n counts every byte forwarded to the host so far, this piece
#     included (the host, having read n bytes of responses, knows the log before that fence is
#     whole); on "flush <id>" from the host (fd 3) it does the same with the fence <id>.
# End of input on fd 3 means the host is gone: the server is killed and the relay exits.
# With FGRUN_HTTP_NET=wait, the relay says "netns" (its namespace is set up: the host may give it
# outbound network now, with slirp4netns) and starts the command only after the host's "net" line
# on fd 3: the network is then up.
# stdlib only, one source for Python 2.7 through 3.12.
import errno
import os
import select
import signal
import socket
import subprocess
import sys

CONTROL_IN = 3
CONTROL_OUT = 4
PORT = 8000
CHUNK = 65536


def write_all(fd, data):
    while data:
        try:
            n = os.write(fd, data)
        except OSError as e:
            if e.errno == errno.EINTR:
                continue
            return
        data = data[n:]


class Log(object):
    """The server's output (one pipe for its stdout and stderr) passed on to fd 2, with fences."""

    def __init__(self, fd, fence):
        self.fd = fd
        self.open = True
        self.token = b"\0fgrun:" + fence + b":"

    def read(self):
        data = os.read(self.fd, CHUNK)
        if data:
            write_all(2, data)
        else:
            self.open = False

    def drain(self):
        # All the output written so far (non-blocking).
        while self.open:
            r, _, _ = select.select([self.fd], [], [], 0)
            if not r:
                break
            self.read()

    def fence(self, tag):
        self.drain()
        write_all(2, self.token + tag + b"\n")


class Connections(object):
    """The forwarded connections: each host connection paired with its connection to the server.
    One thread serves them all (with the log and the control pipe): no hand-offs between threads
    on the way of a request."""

    def __init__(self, log):
        self.peer = {}
        self.log = log
        self.sent = 0

    def fds(self):
        return list(self.peer.keys())

    def open(self, client):
        try:
            upstream = socket.create_connection(("127.0.0.1", PORT))
        except (IOError, OSError, socket.error):
            client.close()
            return
        for s in (client, upstream):
            if s.family != socket.AF_UNIX:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.peer[client.fileno()] = (client, upstream, False)
        self.peer[upstream.fileno()] = (upstream, client, True)

    def forward(self, fd):
        source, target, response = self.peer[fd]
        try:
            data = source.recv(CHUNK)
            if data:
                if response:
                    self.sent += len(data)
                    self.log.fence(str(self.sent).encode("ascii"))
                target.sendall(data)
                return
        except (IOError, OSError, socket.error):
            pass
        # Either side ended: so does the pair (HTTP/1.0 servers close after each response). The
        # server's output written before it closed (or died) goes to the host before the close does.
        if response:
            self.log.drain()
        for s in (source, target):
            self.peer.pop(s.fileno(), None)
            try:
                s.close()
            except (IOError, OSError, socket.error):
                pass


def listening():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.connect(("127.0.0.1", PORT))
        return True
    except (IOError, OSError, socket.error):
        return False
    finally:
        s.close()


def kill_server(child):
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except OSError:
        pass


def wait_for_network():
    write_all(CONTROL_OUT, b"netns\n")
    # Read fd 3 up to the "net" line (byte by byte: what follows is the host's later lines).
    line = b""
    while True:
        byte = os.read(CONTROL_IN, 1)
        if not byte:
            os._exit(0)
        if byte != b"\n":
            line += byte
        elif line == b"net":
            return
        else:
            line = b""


def main():
    sock_path, fence = sys.argv[1], sys.argv[2].encode("ascii")
    command = os.environ.pop("FGRUN_HTTP_COMMAND")
    if os.environ.pop("FGRUN_HTTP_NET", "") == "wait":
        wait_for_network()
    log_r, log_w = os.pipe()
    devnull = os.open(os.devnull, os.O_RDONLY)
    child = subprocess.Popen(["/bin/sh", "-c", command], stdin=devnull, stdout=log_w, stderr=log_w,
                             close_fds=True, preexec_fn=os.setpgrp)
    os.close(log_w)
    os.close(devnull)
    ready = False
    control = b""
    log = Log(log_r, fence)
    listener = None
    connections = Connections(log)

    while True:
        watched = [CONTROL_IN] + ([log_r] if log.open else []) + ([listener.fileno()] if listener else []) + connections.fds()
        try:
            readable, _, _ = select.select(watched, [], [], 0.005 if not ready else 0.05)
        except (IOError, OSError, select.error) as e:
            if e.args[0] == errno.EINTR:
                continue
            raise
        for fd in readable:
            if listener is not None and fd == listener.fileno():
                try:
                    client, _ = listener.accept()
                except (IOError, OSError, socket.error):
                    continue
                connections.open(client)
            elif fd in connections.peer:
                connections.forward(fd)
        if log_r in readable:
            # drain(), not a read: forwarding a response above may have drained the pipe already.
            log.drain()
        if CONTROL_IN in readable:
            data = os.read(CONTROL_IN, 4096)
            if not data:
                kill_server(child)
                os._exit(0)
            control += data
            while b"\n" in control:
                line, control = control.split(b"\n", 1)
                if line.startswith(b"flush "):
                    log.fence(line[6:])
        status = child.poll()
        if status is not None:
            log.drain()
            write_all(CONTROL_OUT, "exit {0}\n".format(status).encode("ascii"))
            kill_server(child)
            os._exit(0)
        if not ready and listening():
            ready = True
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(sock_path)
            listener.listen(64)
            write_all(CONTROL_OUT, b"ready\n")


if __name__ == "__main__":
    main()
