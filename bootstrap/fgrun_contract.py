# Generated from src/contract/ by `npm run build` (src/contract/python.ts): do not edit.
# The facts the host and the bootstrap agree on; test/contract/contract.test.ts fails when stale.

# The protocol version both sides speak.
PROTOCOL_VERSION = 4

# Message types and their fields, one table per direction; "?" marks a field that may be absent.
HOST_MESSAGES = {
    "init": ("protocol", "handler", "initializer", "codeRoot", "paths", "fence", "debugPort", "subreaper", "parentDeath", "answers", "userData", "timeouts", "importHints", "map?"),
    "initialize": ("id", "timeoutMs"),
    "invoke": ("id", "size", "timeoutMs", "linger?"),
    "reply": ("seq", "value?", "error?"),
    "shutdown": (),
    "bell": (),
}
PYTHON_MESSAGES = {
    "ready": ("protocol", "python", "pid", "mapped?"),
    "fault": ("target", "stage", "error"),
    "initialized": ("id", "ok", "error?", "durationMs", "maxRssKb"),
    "call": ("seq", "method", "args"),
    "result": ("id", "ok", "kind?", "size?", "error?", "fenced?", "durationMs", "maxRssKb"),
    "debug": ("state", "tool", "port", "codeRoot", "reason?"),
    "bell": (),
}

# How long either side stays awake for the other's answer while an invoke lingers, microseconds.
LINGER_WINDOW_US = 100

# How long a side stays awake for an answer the other side's sleep makes slow, microseconds.
LINGER_RECOVER_US = 500

# Two invokes or results less than this apart are a caller that keeps the instance busy, microseconds.
LINGER_BUSY_US = 1000

# The mapped channel's layout: offsets and sizes in bytes (docs/protocol.md).
MAPPED_CHANNEL = {
    "bytes": 135168,
    "requestSeq": 69628,
    "resultSeq": 64,
    "pythonAwake": 128,
    "hostAwake": 192,
    "token": 256,
    "request": 4096,
    "result": 69632,
    "regionBytes": 65536,
    "requestHead": 12,
    "resultHead": 24,
    "resultKinds": ("none", "str", "json"),
}

# The largest event and response body, bytes.
MAX_PAYLOAD_BYTES = 6291456

# The log tail the service returns, bytes.
LOG_TAIL_BYTES = 4096

# Timeouts in seconds: default and range.
TIMEOUT_SECONDS = {"default": 3, "min": 3, "max": 259200}
INITIALIZER_TIMEOUT_SECONDS = {"default": 3, "min": 1, "max": 300}

# The context getters: all, those sent ahead in init, those asked for, those the function sets.
CONTEXT_METHODS = ("getRequestID", "get_invoke_id", "get_trace_id", "getRemainingTimeInMilliSeconds", "getRunningTimeInSeconds", "getUserData", "getAccessKey", "getSecretKey", "getFunctionName", "getVersion", "getMemorySize", "getCPUNumber", "getProjectID", "getPackage", "getAlias", "getWorkflowID", "getWorkflowRunID", "getWorkflowStateID", "get_invoke_property", "getSecurityAccessKey", "getSecuritySecretKey", "getSecurityToken", "getToken", "get_state", "get_instance_id")
AHEAD_METHODS = ("getAccessKey", "getSecretKey", "getFunctionName", "getVersion", "getMemorySize", "getCPUNumber", "getProjectID", "getPackage", "getAlias", "getWorkflowID", "getWorkflowRunID", "getWorkflowStateID", "get_invoke_property")
ON_DEMAND_METHODS = ("getSecurityAccessKey", "getSecuritySecretKey", "getSecurityToken", "getToken")
LOCAL_METHODS = ("get_state", "get_instance_id")

# FunctionGraph's error codes and message prefixes.
ERROR_TEXT = {
    "entry": {"code": 4001, "prefix": "function entry exception, error: "},
    "invocation": {"code": 4002, "prefix": "function invocation exception, error: "},
    "result-too-large": {"code": 4004, "prefix": "the return value of the function exceeds the maximum allowed limit: "},
    "result-invalid": {"code": 4007, "prefix": "function result is invalid, error: "},
    "initialization": {"code": 4009, "prefix": "function initialization exception, error: "},
    "timeout": {"code": 4010, "prefix": "invoke timed out, error: "},
    "oom": {"code": 4205, "prefix": "runtime memory limit exceeded, error: ", "logReason": "RuntimeMemoryExceedLimit"},
    "init-timeout": {"code": 4211, "prefix": "runtime initialization timed out, error: "},
    "crash": {"code": 4000, "prefix": "runtime process exited unexpectedly, error: "},
}

# The codes of the failures the bootstrap reports (an error's "code").
PYTHON_ERROR_CODES = ("invocation", "result-invalid", "result-too-large", "initialization")

# Where loading the function failed (a fault's "stage").
FAULT_STAGES = ("handler-format", "import", "syntax", "not-found", "protocol")

# The RUNTIME_* variables FunctionGraph sets.
RUNTIME_VARIABLES = ("RUNTIME_PROJECT_ID", "RUNTIME_FUNC_NAME", "RUNTIME_FUNC_VERSION", "RUNTIME_PACKAGE", "RUNTIME_HANDLER", "RUNTIME_TIMEOUT", "RUNTIME_USERDATA", "RUNTIME_CPU", "RUNTIME_MEMORY", "RUNTIME_MAX_RESP_BODY_SIZE", "RUNTIME_INITIALIZER_HANDLER", "RUNTIME_INITIALIZER_TIMEOUT", "RUNTIME_ROOT", "RUNTIME_CODE_ROOT", "RUNTIME_LOG_DIR")
