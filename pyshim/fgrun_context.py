# The Context object a handler (or the initializer) receives. It may be kept and used in later
# requests, as real functions do (docs/results.md, "A context outlives its request"). The host owns
# every answer; most travel before they are asked for (docs/protocol.md, "Context"):
#   - getRequestID() is its own request's id;
#   - getRemainingTimeInMilliSeconds() counts down to its own deadline (the frame's timeoutMs from
#     the request's start, moved out by a debugger's hold), never below 0; getRunningTimeInSeconds()
#     is its phase's configured timeout;
#   - the getters that never change, and getUserData(), read what the host sent in `init`;
#   - the agency's credentials are asked of the host (one `call` each), as is anything `init` did
#     not carry; such a call from a context kept past its request waits for the next request;
#   - getLogger() is the instance's logger (pyshim/fgrun_logger.py).
import os
import time

from fgrun_logger import function_logger

_clock = getattr(time, "perf_counter", time.time)


class Context(object):
    # `runner` holds the answers sent ahead (runner.answers, runner.user_data) and asks the host the
    # rest (runner.call); `timeout` is this phase's timeout in seconds, `deadline` a _clock() value.
    def __init__(self, request_id, runner, timeout, deadline):
        self._request_id = request_id
        self._runner = runner
        self._timeout = timeout
        self._deadline = deadline

    def _call(self, method, *args):
        return self._runner.call(method, list(args))

    # An answer the host sent ahead, or (when it did not) asked of it.
    def _ahead(self, method):
        answers = self._runner.answers
        if method in answers:
            return answers[method]
        return self._runner.call(method, [])

    def getRequestID(self):
        return self._request_id

    # The OTC runtime mock's names for the request's ids: both are the request id here.
    def get_invoke_id(self):
        return self._request_id

    def get_trace_id(self):
        return self._request_id

    def getRemainingTimeInMilliSeconds(self):
        runner = self._runner
        # While a debugger holds this context, its clock stands still (held_for before held_at: a
        # hold stores them the other way round).
        at = runner.held_at if runner.held_for is self else None
        now = _clock() if at is None else at
        left = (self._deadline - now) * 1000
        return int(left) if left > 0 else 0

    def getRunningTimeInSeconds(self):
        return self._timeout

    def getAccessKey(self):
        return self._ahead("getAccessKey")

    def getSecretKey(self):
        return self._ahead("getSecretKey")

    def getSecurityAccessKey(self):
        return self._call("getSecurityAccessKey")

    def getSecuritySecretKey(self):
        return self._call("getSecuritySecretKey")

    def getSecurityToken(self):
        return self._call("getSecurityToken")

    def getToken(self):
        return self._call("getToken")

    def getUserData(self, key, default=None):
        data = self._runner.user_data
        value = self._call("getUserData", key) if data is None else data.get(key)
        return default if value is None else value

    def getFunctionName(self):
        return self._ahead("getFunctionName")

    def getVersion(self):
        return self._ahead("getVersion")

    def getMemorySize(self):
        return self._ahead("getMemorySize")

    def getCPUNumber(self):
        return self._ahead("getCPUNumber")

    def getProjectID(self):
        return self._ahead("getProjectID")

    def getPackage(self):
        return self._ahead("getPackage")

    def getAlias(self):
        return self._ahead("getAlias")

    # Empty: a local run is never a step of a FunctionGraph Workflow.
    def getWorkflowID(self):
        return self._ahead("getWorkflowID")

    def getWorkflowRunID(self):
        return self._ahead("getWorkflowRunID")

    def getWorkflowStateID(self):
        return self._ahead("getWorkflowStateID")

    def get_invoke_property(self):
        return self._ahead("get_invoke_property")

    # The function's own state, kept for the instance's life (every context of the instance sees
    # it; a new instance starts with None), as a warm instance keeps module globals.
    def set_state(self, state):
        self._runner.local["state"] = state

    def get_state(self):
        return self._runner.local.get("state")

    # The instance's id: what set_instance_id() set, else this instance's process id (one
    # interpreter process is one instance here).
    def set_instance_id(self, instance_id):
        self._runner.local["instance_id"] = instance_id

    def get_instance_id(self):
        local = self._runner.local
        return local["instance_id"] if "instance_id" in local else str(os.getpid())

    def getLogger(self):
        return function_logger()
