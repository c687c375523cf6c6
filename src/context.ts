// The host's answers to context.getX(): the host owns time, identity, credentials and user data.
import type { FunctionConfig } from './config/index.js';

/** What the host knows about the request a context belongs to. */
export interface RequestScope {
  requestId: string;
  /** performance.now() at which the request (or initializer) times out. */
  deadline: number;
  /** The configured timeout of this phase, in seconds (handler or initializer). */
  timeoutSeconds: number;
}

export const CONTEXT_METHODS = [
  'getRequestID', 'getRemainingTimeInMilliSeconds', 'getAccessKey', 'getSecretKey', 'getSecurityAccessKey',
  'getSecuritySecretKey', 'getSecurityToken', 'getToken', 'getUserData', 'getFunctionName',
  'getRunningTimeInSeconds', 'getVersion', 'getMemorySize', 'getCPUNumber', 'getProjectID', 'getPackage', 'getAlias',
] as const;
export type ContextMethod = (typeof CONTEXT_METHODS)[number];

// CPU millicores FunctionGraph allots for a memory size: memory/128*100 + 200 (128 MB -> 300).
export function cpuMillicores(memorySize: number): number {
  return Math.round((memorySize / 128) * 100 + 200);
}

export class UnknownContextMethodError extends Error {}

// Answer one context call; throws UnknownContextMethodError for a method the context does not have.
export function answerContextCall(config: FunctionConfig & { name: string }, scope: RequestScope, method: string, args: readonly unknown[]): unknown {
  switch (method) {
    case 'getRequestID': return scope.requestId;
    case 'getRemainingTimeInMilliSeconds': return Math.max(0, Math.floor(scope.deadline - performance.now()));
    case 'getAccessKey': return '';
    case 'getSecretKey': return '';
    case 'getSecurityAccessKey': return config.credentials.securityAccessKey ?? '';
    case 'getSecuritySecretKey': return config.credentials.securitySecretKey ?? '';
    case 'getSecurityToken': return config.credentials.securityToken ?? '';
    case 'getToken': return config.credentials.token ?? '';
    case 'getUserData': return typeof args[0] === 'string' ? (config.userData[args[0]] ?? null) : null;
    case 'getFunctionName': return config.name;
    case 'getRunningTimeInSeconds': return scope.timeoutSeconds;
    case 'getVersion': return config.version;
    case 'getMemorySize': return config.memorySize;
    case 'getCPUNumber': return cpuMillicores(config.memorySize);
    case 'getProjectID': return config.projectId;
    case 'getPackage': return config.package;
    case 'getAlias': return config.alias;
    default: throw new UnknownContextMethodError(`context has no method ${method}()`);
  }
}
