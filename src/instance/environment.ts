// The function's environment, built from scratch (never inherited from the host): RUNTIME_*
// variables, the user's variables, and a minimal base for correct I/O.
import { dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { cpuMillicores } from '../context.js';
import { MAX_PAYLOAD_BYTES, type RuntimeVariable } from '../contract/index.js';
import type { ResolvedConfig } from '../config/index.js';
import { INSTALL_ROOT } from '../install/paths.js';

// `codeRoot` is RUNTIME_CODE_ROOT: the `code` link in the function's working folder (work-dir.ts).
export function buildEnvironment(config: ResolvedConfig, pythonPath: string, logDir: string, codeRoot: string, installRoot = INSTALL_ROOT): Record<string, string> {
  return {
    PATH: `${dirname(pythonPath)}:/usr/local/bin:/usr/bin:/bin`,
    LANG: 'C.UTF-8',
    HOME: tmpdir(),
    TZ: 'UTC',
    PYTHONIOENCODING: 'utf-8',
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    ...config.userData,
    ...runtimeVariables(config, logDir, codeRoot, installRoot),
  };
}

// FunctionGraph's RUNTIME_* variables (contract/environment.ts), every one of them.
function runtimeVariables(config: ResolvedConfig, logDir: string, codeRoot: string, installRoot: string): Record<RuntimeVariable, string> {
  return {
    RUNTIME_PROJECT_ID: config.projectId,
    RUNTIME_FUNC_NAME: config.name,
    RUNTIME_FUNC_VERSION: config.version,
    RUNTIME_PACKAGE: config.package,
    RUNTIME_HANDLER: config.handler,
    RUNTIME_TIMEOUT: String(config.timeout),
    RUNTIME_USERDATA: JSON.stringify(config.userData),
    RUNTIME_CPU: String(cpuMillicores(config.memorySize)),
    RUNTIME_MEMORY: String(config.memorySize),
    RUNTIME_MAX_RESP_BODY_SIZE: String(MAX_PAYLOAD_BYTES),
    RUNTIME_INITIALIZER_HANDLER: config.initializer ?? '',
    RUNTIME_INITIALIZER_TIMEOUT: String(config.initializerTimeout),
    RUNTIME_ROOT: installRoot,
    RUNTIME_CODE_ROOT: codeRoot,
    RUNTIME_LOG_DIR: logDir,
  };
}
