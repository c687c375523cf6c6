// The RUNTIME_* variables FunctionGraph sets in a function's environment (docs/cloud-reference.md,
// "Environment inside the function"). The host sets them (instance/environment.ts); the bootstrap
// reads the timeouts; users may not define any of them (config/fields.ts).
export const RUNTIME_VARIABLES = [
  'RUNTIME_PROJECT_ID', 'RUNTIME_FUNC_NAME', 'RUNTIME_FUNC_VERSION', 'RUNTIME_PACKAGE', 'RUNTIME_HANDLER',
  'RUNTIME_TIMEOUT', 'RUNTIME_USERDATA', 'RUNTIME_CPU', 'RUNTIME_MEMORY', 'RUNTIME_MAX_RESP_BODY_SIZE',
  'RUNTIME_INITIALIZER_HANDLER', 'RUNTIME_INITIALIZER_TIMEOUT', 'RUNTIME_ROOT', 'RUNTIME_CODE_ROOT', 'RUNTIME_LOG_DIR',
] as const;
export type RuntimeVariable = (typeof RUNTIME_VARIABLES)[number];

