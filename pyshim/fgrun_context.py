# The Context object a handler receives. Every getX() is answered by the host over the protocol
# (the host owns time, identity, credentials and user data); getLogger() is local.
from fgrun_logger import Logger


class Context(object):
    def __init__(self, request_id, call):
        self._request_id = request_id
        self._call = call
        self._logger = None

    def getRequestID(self):
        return self._call("getRequestID", [])

    def getRemainingTimeInMilliSeconds(self):
        return self._call("getRemainingTimeInMilliSeconds", [])

    def getAccessKey(self):
        return self._call("getAccessKey", [])

    def getSecretKey(self):
        return self._call("getSecretKey", [])

    def getSecurityAccessKey(self):
        return self._call("getSecurityAccessKey", [])

    def getSecuritySecretKey(self):
        return self._call("getSecuritySecretKey", [])

    def getSecurityToken(self):
        return self._call("getSecurityToken", [])

    def getToken(self):
        return self._call("getToken", [])

    def getUserData(self, key, default=None):
        value = self._call("getUserData", [key])
        return default if value is None else value

    def getFunctionName(self):
        return self._call("getFunctionName", [])

    def getRunningTimeInSeconds(self):
        return self._call("getRunningTimeInSeconds", [])

    def getVersion(self):
        return self._call("getVersion", [])

    def getMemorySize(self):
        return self._call("getMemorySize", [])

    def getCPUNumber(self):
        return self._call("getCPUNumber", [])

    def getProjectID(self):
        return self._call("getProjectID", [])

    def getPackage(self):
        return self._call("getPackage", [])

    def getAlias(self):
        return self._call("getAlias", [])

    def getLogger(self):
        if self._logger is None:
            self._logger = Logger(self._request_id)
        return self._logger
