// The host's answers to context.getX(): the host owns time, identity, credentials and user data.
import type { FunctionConfig } from './config/index.js';
import { AHEAD_METHODS, type AheadMethod, type ContextMethod } from './contract/context-methods.js';

/** What the host knows about the request a context belongs to. */
export interface RequestScope {
  requestId: string;
  /** performance.now() at which the request (or initializer) times out. */
  deadline: number;
  /** The configured timeout of this phase, in seconds (handler or initializer). */
  timeoutSeconds: number;
}

// CPU millicores FunctionGraph allots for a memory size: memory/128*100 + 200 (128 MB -> 300).
export function cpuMillicores(memorySize: number): number {
  return Math.round((memorySize / 128) * 100 + 200);
}

export class UnknownContextMethodError extends Error {}

type Config = FunctionConfig & { name: string };

/** The host's answer to each context method (contract/context-methods.ts lists them). */
const ANSWERS = {
  getRequestID: (_config: Config, scope: RequestScope) => scope.requestId,
  getRemainingTimeInMilliSeconds: (_config: Config, scope: RequestScope) => Math.max(0, Math.floor(scope.deadline - performance.now())),
  getAccessKey: () => '',
  getSecretKey: () => '',
  getSecurityAccessKey: (config: Config) => config.credentials.securityAccessKey ?? '',
  getSecuritySecretKey: (config: Config) => config.credentials.securitySecretKey ?? '',
  getSecurityToken: (config: Config) => config.credentials.securityToken ?? '',
  getToken: (config: Config) => config.credentials.token ?? '',
  getUserData: (config: Config, _scope: RequestScope, args: readonly unknown[]) => (typeof args[0] === 'string' ? (config.userData[args[0]] ?? null) : null),
  getFunctionName: (config: Config) => config.name,
  getRunningTimeInSeconds: (_config: Config, scope: RequestScope) => scope.timeoutSeconds,
  getVersion: (config: Config) => config.version,
  getMemorySize: (config: Config) => config.memorySize,
  getCPUNumber: (config: Config) => cpuMillicores(config.memorySize),
  getProjectID: (config: Config) => config.projectId,
  getPackage: (config: Config) => config.package,
  getAlias: (config: Config) => config.alias,
} satisfies Record<ContextMethod, (config: Config, scope: RequestScope, args: readonly unknown[]) => unknown>;

// Answer one context call; throws UnknownContextMethodError for a method the context does not have.
export function answerContextCall(config: Config, scope: RequestScope, method: string, args: readonly unknown[]): unknown {
  if (!Object.hasOwn(ANSWERS, method)) throw new UnknownContextMethodError(`context has no method ${method}()`);
  return ANSWERS[method as keyof typeof ANSWERS](config, scope, args);
}

// The answers sent ahead in the instance's init frame, by method (contract/context-methods.ts):
// each reads the config only.
export function aheadAnswers(config: Config): Record<AheadMethod, unknown> {
  return Object.fromEntries(AHEAD_METHODS.map((method) => [method, ANSWERS[method](config)])) as Record<AheadMethod, unknown>;
}
