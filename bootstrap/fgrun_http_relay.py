# The relay of an HTTP function's instance (docs/http-functions.md). It runs inside the instance's
# network namespace (or on the host, where none can be made), starts the function's `bootstrap`
# command, and:
#   - tells the host when the server accepts connections on 127.0.0.1:8000 ("ready"), or that the
#     command exited first ("exit <status>"), on the control pipe (fd 4);
#   - forwards every connection the host makes to the Unix socket argv[1] to 127.0.0.1:8000;
#   - passes the server's output (stdout and stderr, in order) to its own stderr, the function's
#     log, and on "flush <id>" from the host (fd 3) writes out all the output the server has written
#     so far, then the fence "\0fgrun:<fence>:<id>", so the host attributes the log to the request.
# End of input on fd 3 means the host is gone: the server is killed and the relay exits.
# stdlib only, one source for Python 2.7 through 3.12.
import errno
import os
import select
import signal
import socket
import subprocess
import sys
import threading

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


def pump(source, target):
    try:
        while True:
            data = source.recv(CHUNK)
            if not data:
                break
            target.sendall(data)
    except (IOError, OSError, socket.error):
        pass
    for s in (target, source):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except (IOError, OSError, socket.error):
            pass


def serve_connection(client):
    try:
        upstream = socket.create_connection(("127.0.0.1", PORT))
        upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except (IOError, OSError, socket.error):
        client.close()
        return
    for a, b in ((client, upstream), (upstream, client)):
        t = threading.Thread(target=pump, args=(a, b))
        t.daemon = True
        t.start()


def accept_loop(listener):
    while True:
        try:
            client, _ = listener.accept()
        except (IOError, OSError, socket.error) as e:
            if getattr(e, "errno", None) == errno.EINTR:
                continue
            return
        serve_connection(client)


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


def main():
    sock_path, fence = sys.argv[1], sys.argv[2].encode("ascii")
    command = os.environ.pop("FGRUN_HTTP_COMMAND")
    log_r, log_w = os.pipe()
    devnull = os.open(os.devnull, os.O_RDONLY)
    child = subprocess.Popen(["/bin/sh", "-c", command], stdin=devnull, stdout=log_w, stderr=log_w,
                             close_fds=True, preexec_fn=os.setpgrp)
    os.close(log_w)
    os.close(devnull)
    ready = False
    control = b""
    log_open = True

    def drain():
        # Everything the server has written so far (non-blocking).
        while log_open:
            r, _, _ = select.select([log_r], [], [], 0)
            if not r:
                return True
            data = os.read(log_r, CHUNK)
            if not data:
                return False
            write_all(2, data)
        return False

    while True:
        watched = [CONTROL_IN] + ([log_r] if log_open else [])
        try:
            readable, _, _ = select.select(watched, [], [], 0.005 if not ready else 0.05)
        except (IOError, OSError, select.error) as e:
            if e.args[0] == errno.EINTR:
                continue
            raise
        if log_r in readable and log_open:
            data = os.read(log_r, CHUNK)
            if data:
                write_all(2, data)
            else:
                log_open = False
        if CONTROL_IN in readable:
            data = os.read(CONTROL_IN, 4096)
            if not data:
                kill_server(child)
                os._exit(0)
            control += data
            while b"\n" in control:
                line, control = control.split(b"\n", 1)
                if line.startswith(b"flush "):
                    log_open = drain() and log_open
                    write_all(2, b"\0fgrun:" + fence + b":" + line[6:] + b"\n")
        status = child.poll()
        if status is not None:
            if log_open:
                drain()
            write_all(CONTROL_OUT, "exit {0}\n".format(status).encode("ascii"))
            kill_server(child)
            os._exit(0)
        if not ready and listening():
            ready = True
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(sock_path)
            listener.listen(64)
            t = threading.Thread(target=accept_loop, args=(listener,))
            t.daemon = True
            t.start()
            write_all(CONTROL_OUT, b"ready\n")


if __name__ == "__main__":
    main()
