# The Context object a handler (or the initializer) receives. It may be kept and used in later
# requests, as real functions do (docs/results.md, "A context outlives its request"):
#   - getRequestID() is its own request's id;
#   - getRemainingTimeInMilliSeconds() and getRunningTimeInSeconds() are asked of the host while
#     its own request runs (the host owns the deadline); afterwards the context counts down from
#     its own start on its own timeout, never below 0;
#   - every other getter is answered by the host, whichever request is running;
#   - getLogger() is the instance's logger (pyshim/fgrun_logger.py).
import time

from fgrun_logger import function_logger

_clock = getattr(time, "perf_counter", time.time)


class Context(object):
    # `runner` answers host calls (runner.call) and holds the running request's context (runner.current);
    # `timeout` is this request's own timeout in seconds, counted from `start` (a _clock() value).
    def __init__(self, request_id, runner, timeout, start):
        self._request_id = request_id
        self._runner = runner
        self._timeout = timeout
        self._start = start

    def _call(self, method, *args):
        return self._runner.call(method, list(args))

    def getRequestID(self):
        return self._request_id

    def getRemainingTimeInMilliSeconds(self):
        if self._runner.current is self:
            return self._runner.call("getRemainingTimeInMilliSeconds", [])
        left = self._timeout * 1000 - (_clock() - self._start) * 1000
        return int(left) if left > 0 else 0

    def getAccessKey(self):
        return self._call("getAccessKey")

    def getSecretKey(self):
        return self._call("getSecretKey")

    def getSecurityAccessKey(self):
        return self._call("getSecurityAccessKey")

    def getSecuritySecretKey(self):
        return self._call("getSecuritySecretKey")

    def getSecurityToken(self):
        return self._call("getSecurityToken")

    def getToken(self):
        return self._call("getToken")

    def getUserData(self, key, default=None):
        value = self._call("getUserData", key)
        return default if value is None else value

    def getFunctionName(self):
        return self._call("getFunctionName")

    def getRunningTimeInSeconds(self):
        if self._runner.current is self:
            return self._call("getRunningTimeInSeconds")
        return self._timeout

    def getVersion(self):
        return self._call("getVersion")

    def getMemorySize(self):
        return self._call("getMemorySize")

    def getCPUNumber(self):
        return self._call("getCPUNumber")

    def getProjectID(self):
        return self._call("getProjectID")

    def getPackage(self):
        return self._call("getPackage")

    def getAlias(self):
        return self._call("getAlias")

    def getLogger(self):
        return function_logger()
