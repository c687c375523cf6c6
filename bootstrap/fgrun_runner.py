# The request loop: init (load handler), initialize (run the initializer once), invoke (run the
# handler), answering each with exactly one message whatever the user's code does.
import json
import os
import sys
import time

import fgrun_watchdog

from fgrun_context import Context
from fgrun_errors import LoadFault, error_facts, log_traceback
from fgrun_loader import load_function
from fgrun_memory import PeakRss
from fgrun_protocol import PROTOCOL_VERSION, PY2, ProtocolError, quote_json

TEXT = unicode if PY2 else str  # noqa: F821 (Python 2 only)
MAX_BODY_BYTES = 6291456
_clock = getattr(time, "perf_counter", time.time)
try:
    from _thread import allocate_lock
except ImportError:
    from thread import allocate_lock


# Encode a handler's return value as FunctionGraph does: None -> "", text as is, else json.dumps.
def encode_body(value):
    if value is None:
        return "none", b""
    if isinstance(value, TEXT):
        return "str", value.encode("utf-8")
    if PY2 and isinstance(value, str):
        value.decode("utf-8")
        return "str", value
    text = json.dumps(value)
    return "json", text.encode("utf-8") if not isinstance(text, bytes) else text


class Runner(object):
    def __init__(self, channel, log_fd=2):
        self.channel = channel
        self.log_fd = log_fd
        self.fence = ""
        self.handler = None
        self.initializer = None
        self.lock = allocate_lock()
        self.seq = 0
        self.rss = PeakRss()
        self.active = None

    # Serve until shutdown or end of input.
    def serve(self):
        message, _ = self.channel.receive()
        if message is None:
            return
        if message.get("type") != "init":
            raise ProtocolError("expected init, got {0}".format(message.get("type")))
        if not self.init(message):
            return
        while True:
            message, payload = self.channel.receive()
            if message is None or message["type"] == "shutdown":
                return
            if message["type"] == "invoke":
                self.invoke(message["id"], payload)
            elif message["type"] == "initialize":
                self.initialize(message["id"])
            else:
                raise ProtocolError("unexpected {0} between requests".format(message["type"]))

    def init(self, message):
        self.fence = message.get("fence", "")
        if message.get("protocol") != PROTOCOL_VERSION:
            self.channel.send({"type": "fault", "target": "handler", "stage": "protocol", "error": {
                "type": "ProtocolError", "stackTrace": [],
                "message": "protocol {0} requested, this bootstrap speaks {1}".format(message.get("protocol"), PROTOCOL_VERSION)}})
            return False
        code_root = message["codeRoot"]
        sys.path[0:0] = [code_root] + list(message.get("paths") or [])
        try:
            self.handler = load_function(code_root, message["handler"], "handler")
            if message.get("initializer"):
                self.initializer = load_function(code_root, message["initializer"], "initializer")
        except LoadFault as fault:
            self.write_fence("ready")
            self.channel.send(fault.to_message())
            return False
        self.write_fence("ready")
        version = "{0}.{1}.{2}".format(*sys.version_info[:3])
        self.channel.send({"type": "ready", "protocol": PROTOCOL_VERSION, "python": version, "pid": os.getpid()})
        return True

    # Ask the host for a context value (one round trip); used by Context while its request runs.
    def call(self, request_id, method, args):
        with self.lock:
            if self.active != request_id:
                raise RuntimeError("context of request {0} used after the request finished".format(request_id))
            self.seq += 1
            self.channel.send({"type": "call", "seq": self.seq, "method": method, "args": args})
            message, _ = self.channel.receive()
            if message is None:
                # The host is gone mid-request: take the function's children with us.
                fgrun_watchdog.kill_group()
                os._exit(0)
            if message.get("type") != "reply" or message.get("seq") != self.seq:
                raise ProtocolError("expected reply {0}, got {1}".format(self.seq, message.get("type")))
            if "error" in message:
                raise RuntimeError(message["error"])
            return message.get("value")

    def context(self, request_id):
        runner = self
        return Context(request_id, lambda method, args: runner.call(request_id, method, args))

    # Flush Python-level buffers, then mark the end of this request's log on fd 2.
    def write_fence(self, request_id):
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        # The originals too, when the function replaced sys.stdout / sys.stderr.
        for stream in (sys.__stdout__, sys.__stderr__):
            if stream is not sys.stdout and stream is not sys.stderr:
                try:
                    stream.flush()
                except Exception:
                    pass
        # The id JSON-quoted: ASCII and without newlines, whatever the host chose as request id.
        data = "\0fgrun:{0}:{1}\n".format(self.fence, quote_json(request_id))
        try:
            os.write(self.log_fd, data.encode("ascii"))
        except OSError:
            pass

    def initialize(self, request_id):
        self.active = request_id
        self.rss.reset()
        start = _clock()
        reply = {"type": "initialized", "id": request_id, "ok": True}
        if self.initializer is not None:
            try:
                self.initializer(self.context(request_id))
            except BaseException as e:
                tb = sys.exc_info()[2]
                log_traceback(e, tb)
                facts = error_facts(e, tb)
                facts["code"] = "initialization"
                reply = {"type": "initialized", "id": request_id, "ok": False, "error": facts}
        self.active = None
        reply["durationMs"] = round((_clock() - start) * 1000, 3)
        self.write_fence(request_id)
        reply["maxRssKb"] = self.rss.peak_kb()
        self.channel.send(reply)

    def invoke(self, request_id, payload):
        self.active = request_id
        self.rss.reset()
        start = _clock()
        error = None
        body = b""
        kind = "none"
        try:
            event = json.loads(payload.decode("utf-8")) if PY2 else json.loads(payload)
            value = self.handler(event, self.context(request_id))
        except BaseException as e:
            tb = sys.exc_info()[2]
            log_traceback(e, tb)
            error = error_facts(e, tb)
            error["code"] = "invocation"
        self.active = None
        # The log is complete: fence it now, so the host works on it while the result is encoded
        # and the peak read (~8 us from /proc); neither writes to the log.
        self.write_fence(request_id)
        if error is None:
            try:
                kind, body = encode_body(value)
                if len(body) > MAX_BODY_BYTES:
                    error = {"code": "result-too-large", "type": "ResultTooLarge", "stackTrace": [],
                             "message": "{0} bytes, the limit is {1}".format(len(body), MAX_BODY_BYTES)}
            except BaseException as e:
                error = error_facts(e, None)
                error["code"] = "result-invalid"
        duration = round((_clock() - start) * 1000, 3)
        peak = self.rss.peak_kb()
        if error is None:
            self.channel.send_result(request_id, kind, body, duration, peak)
        else:
            self.channel.send({"type": "result", "id": request_id, "ok": False, "error": error,
                               "durationMs": duration, "maxRssKb": peak})
