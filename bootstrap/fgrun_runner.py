# The request loop: init (load handler), initialize (run the initializer once), invoke (run the
# handler), answering each with exactly one message whatever the user's code does.
import os
import sys
import time

import fgrun_isolation
import fgrun_logger
import fgrun_platform

from fgrun_context import Context
from fgrun_isolation import own_module
from fgrun_loader import LoadFault, load_function
from fgrun_peak import PeakRss
from fgrun_contract import INITIALIZER_TIMEOUT_SECONDS, MAX_PAYLOAD_BYTES, TIMEOUT_SECONDS
from fgrun_linger import Linger
from fgrun_log_end import LogEnd
from fgrun_protocol import PROTOCOL_VERSION, ProtocolError, SerialChannel, decode_event, encode_body

_clock = getattr(time, "perf_counter", time.time)
# (No `try: from _thread ...`: on 2.7 the failed import looks in every folder on the path, ~0.1 ms.)
if sys.version_info[0] == 2:
    from thread import allocate_lock
else:
    from _thread import allocate_lock


# A timeout the host put in the environment (seconds), FunctionGraph's default when absent or malformed.
def _seconds(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


class Runner(object):
    # `map_fd`: the descriptor the host may have offered as the mapped channel (fgrun_map.py), kept
    # open until init says whether it did.
    def __init__(self, channel, log_fd=2, map_fd=None):
        self.channel = channel
        self.map_fd = map_fd
        self.log_end = LogEnd(log_fd)
        self.handler = None
        self.initializer = None
        # Held by the loop between requests, released while one runs: a context call (from any
        # thread, any context) waits for a running request and never crosses a request's end.
        self.lock = allocate_lock()
        self.lock.acquire()
        self.log = fgrun_logger.STATE
        self.timeouts = {"handler": TIMEOUT_SECONDS["default"], "initializer": INITIALIZER_TIMEOUT_SECONDS["default"]}
        # The context's answers the host sent ahead in init, and getUserData's variables (None: ask).
        self.answers = {}
        self.user_data = None
        # What the function set on a context (set_state, set_instance_id): kept for the instance's life.
        self.local = {}
        # The context a debugger holds (None: none) and since when (_clock()). Only the context named
        # stands still: a notice that saw a request running and lands after its end holds nobody else.
        self.held_for = None
        self.held_at = None
        self.seq = 0
        self.rss = PeakRss()
        self.current = None
        # The next invoke's context, made while no request waits (invoke()).
        self.spare = Context(None, self, None, None)
        self.debugger = None
        # Spin-then-block for the next request (fgrun_linger.py); None where input has no descriptor.
        self.linger = Linger.for_reader(channel.reader)

    # Serve until shutdown or end of input: "shutdown" (the host asked; it is still there), "closed"
    # (end of input: the host is gone), or None when init failed.
    def serve(self):
        message, _ = self.channel.read_frame()
        if message is None:
            return "closed"
        if message.get("type") != "init":
            raise ProtocolError("expected init, got {0}".format(message.get("type")))
        if not self.init(message):
            return None
        linger = self.linger
        invoke = self.invoke
        # Taken after init, which may have set the channel up anew (a debugger's: SerialChannel).
        take_mapped = self.channel.take_mapped
        read_frame = self.channel.read_frame
        while True:
            # An invoke from the mapped channel comes as its fields: no message to look them up in.
            got = take_mapped()
            if got is not None:
                request_id, payload, timeout_ms = got
                invoke(request_id, payload, timeout_ms)
                if linger is not None:
                    linger.after_result(True)
                continue
            message, payload = read_frame()
            if message is None:
                return "closed"
            kind = message["type"]
            if kind == "invoke":
                invoke(message["id"], payload, message.get("timeoutMs"))
                if linger is not None:
                    linger.after_result(message.get("linger") is True)
            elif kind == "bell":
                # Its invoke is in the mapped channel (read_frame passes other bells over).
                continue
            elif kind == "shutdown":
                return "shutdown"
            elif kind == "initialize":
                self.initialize(message["id"], message.get("timeoutMs"))
            else:
                raise ProtocolError("unexpected {0} between requests".format(kind))

    def init(self, message):
        self.log_end.fence = message.get("fence", "")
        if message.get("protocol") != PROTOCOL_VERSION:
            self.channel.send({"type": "fault", "target": "handler", "stage": "protocol", "error": {
                "type": "ProtocolError", "stackTrace": [],
                "message": "protocol {0} requested, this bootstrap speaks {1}".format(message.get("protocol"), PROTOCOL_VERSION)}})
            return False
        # Before the function's code runs: its orphans re-parent here, and/or it dies with the host.
        fgrun_platform.contain(message.get("subreaper"), message.get("parentDeath"))
        code_root = message["codeRoot"]
        timeouts = message.get("timeouts") or {}
        self.timeouts = {"handler": timeouts.get("handler") or _seconds("RUNTIME_TIMEOUT", TIMEOUT_SECONDS["default"]),
                         "initializer": timeouts.get("initializer") or _seconds("RUNTIME_INITIALIZER_TIMEOUT", INITIALIZER_TIMEOUT_SECONDS["default"])}
        self.answers = message.get("answers") or {}
        self.user_data = message.get("userData")
        fgrun_logger.install()
        sys.path[0:0] = [code_root] + list(message.get("paths") or [])
        fgrun_isolation.set_bundled_hints(message.get("importHints"))
        if message.get("debugPort"):
            # A breakpoint's notice may come from any thread, at any time: frames go out whole.
            fgrun_debug = own_module("fgrun_debug")
            self.channel = SerialChannel(self.channel, allocate_lock())
            self.debugger = fgrun_debug.Debugger(message["debugPort"], code_root, self.debug_notice)
            self.debugger.install()
        mapped = self.open_map(message.get("map"))
        try:
            self.handler = load_function(code_root, message["handler"], "handler")
            if message.get("initializer"):
                self.initializer = load_function(code_root, message["initializer"], "initializer")
        except LoadFault as fault:
            self.log_end.fence_now("ready")
            self.channel.send(fault.to_message())
            return False
        self.log_end.fence_now("ready")
        version = "{0}.{1}.{2}".format(*sys.version_info[:3])
        ready = {"type": "ready", "protocol": PROTOCOL_VERSION, "python": version, "pid": os.getpid()}
        if mapped is not None:
            ready["mapped"] = True
        self.channel.send(ready)
        return True

    # The mapped channel init offers, unless a debugger runs (its frames come from any thread, and
    # go whole through the socket). The descriptor is closed either way, before the function loads.
    def open_map(self, offer):
        fd = self.map_fd
        self.map_fd = None
        if fd is None:
            return None
        import fgrun_map
        mapped = fgrun_map.open_map(fd, None if self.debugger is not None else offer, self.channel.write_fd)
        if mapped is not None:
            fgrun_platform.in_children(mapped.forget)
            self.channel.mapped = mapped
            if self.linger is not None:
                self.linger.mapped = mapped
        return mapped

    # Ask the host for a context value (one round trip), for any context, while a request runs.
    def call(self, method, args):
        with self.lock:
            self.seq += 1
            self.channel.send({"type": "call", "seq": self.seq, "method": method, "args": args})
            message, _ = self.channel.read_frame()
            if message is None:
                # The host is gone mid-request: take the function's processes with us.
                fgrun_platform.kill_tree(os.getpid())
                fgrun_platform.kill_group()
                os._exit(0)
            if message.get("type") != "reply" or message.get("seq") != self.seq:
                raise ProtocolError("expected reply {0}, got {1}".format(self.seq, message.get("type")))
            if "error" in message:
                raise RuntimeError(message["error"])
            return message.get("value")

    # Start a request: its context, its log lines' id, and context calls allowed.
    def begin(self, request_id, timeout, timeout_ms, start):
        self.log.request_id = request_id
        left = timeout * 1000 if timeout_ms is None else timeout_ms
        context = self.current = Context(request_id, self, timeout, start + left / 1000.0)
        self.lock.release()
        return context

    # End a request once no context call is in flight.
    def end(self):
        self.lock.acquire()
        self.current = None
        self.held_for = None
        if self.debugger is not None:
            self.debugger.after_request()

    # Tell the host a debugger holds (or released) the function: its timeout waits meanwhile, and the
    # running context's deadline moves out by the time held, as the host's does (instance/debug-hold.ts).
    # Outside a request (a thread's breakpoint between requests) no request is held, here or in the
    # host. Sent at once from any thread (the channel is a SerialChannel), not under self.lock: the
    # loop holds that between requests, and the host is to say where to attach now, not at the next request.
    # `current` is read once: the loop may end its request meanwhile (end() clears held_for), and a
    # hold that lands after that names a context no request runs with any more. The order of the
    # stores is the order Context.getRemainingTimeInMilliSeconds reads them in.
    def debug_notice(self, state, tool, reason=None):
        current = self.current
        if state == "release":
            held = self.held_for
            at = self.held_at
            self.held_for = None
            if held is not None and at is not None:
                held._deadline += _clock() - at
        elif current is not None and self.held_for is not current:
            self.held_at = _clock()
            self.held_for = current
        message = {"type": "debug", "state": state, "tool": tool, "port": self.debugger.port, "codeRoot": self.debugger.code_root}
        if reason:
            message["reason"] = reason
        self.channel.send(message)

    # The error of the function's exception being handled (fgrun_errors.function_failure).
    def failure(self, e, code):
        return own_module("fgrun_errors").function_failure(e, sys.exc_info()[2], code, self.debugger is not None)

    def initialize(self, request_id, timeout_ms=None):
        self.rss.reset()
        start = _clock()
        reply = {"type": "initialized", "id": request_id, "ok": True}
        context = self.begin(request_id, self.timeouts["initializer"], timeout_ms, start)
        if self.initializer is not None:
            try:
                self.initializer(context)
            except BaseException as e:
                reply = {"type": "initialized", "id": request_id, "ok": False,
                         "error": self.failure(e, "initialization")}
        self.end()
        reply["durationMs"] = round((_clock() - start) * 1000, 3)
        self.log_end.fence_now(request_id)
        reply["maxRssKb"] = self.rss.peak_kb()
        self.channel.send(reply)

    # begin() and end() written out (each call is ~0.15 us of a 2.7 request), as is the peak's reset
    # when the last baseline holds. The context was made after the last result went out: a request
    # fills in its own fields (~0.2 us less than Context() between the request and its result), and
    # the next one's is made after this result, while the host reads it.
    def invoke(self, request_id, payload, timeout_ms=None):
        rss = self.rss
        if rss.stale:
            rss.reset()
        start = _clock()
        error = None
        self.log.request_id = request_id
        timeout = self.timeouts["handler"]
        left = timeout * 1000 if timeout_ms is None else timeout_ms
        context = self.spare
        context._request_id = request_id
        context._timeout = timeout
        context._deadline = start + left / 1000.0
        self.current = context
        lock = self.lock
        lock.release()
        try:
            event = decode_event(payload)
            if self.debugger is not None:
                self.debugger.before_request()
            value = self.handler(event, context)
        except BaseException as e:
            error = self.failure(e, "invocation")
        lock.acquire()
        self.current = None
        self.held_for = None
        if self.debugger is not None:
            self.debugger.after_request()
        # The log is complete: fence it now (when needed), so the host works on it while the result
        # is encoded and the peak read (~8 us from /proc); neither writes to the log.
        fenced = self.log_end.end(request_id)
        if error is None:
            try:
                kind, body = encode_body(value)
                if len(body) > MAX_PAYLOAD_BYTES:
                    error = {"code": "result-too-large", "type": "ResultTooLarge", "stackTrace": [],
                             "message": "{0} bytes, the limit is {1}".format(len(body), MAX_PAYLOAD_BYTES)}
            except BaseException as e:
                error = own_module("fgrun_errors").error_facts(e, None)
                error["code"] = "result-invalid"
        if error is None:
            # The duration goes unrounded: send_result writes it with 3 decimals.
            self.channel.send_result(request_id, kind, body, (_clock() - start) * 1000, rss.peak_kb(), fenced)
        else:
            duration = round((_clock() - start) * 1000, 3)
            self.channel.send({"type": "result", "id": request_id, "ok": False, "error": error,
                               "durationMs": duration, "maxRssKb": rss.peak_kb(), "fenced": fenced})
        self.spare = Context(None, self, None, None)
