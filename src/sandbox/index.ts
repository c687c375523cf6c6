// `--sandbox` (docs/sandbox.md): whether it can run here, and the layout of one instance's sandbox.
import type { ResolvedConfig } from '../config/index.js';
import { ConfigError, FgrunError } from '../errors.js';
import { namespaceSupport } from '../namespace/bwrap.js';
import { sandboxLayout, type SandboxLayout } from './layout.js';

export type { SandboxLayout } from './layout.js';

// The sandbox of one instance of `config`, run by `pythonPath`; `shared`: host folders it must reach.
// Throws FGRUN_SANDBOX_UNAVAILABLE (exit 2) where bubblewrap or user namespaces are missing: never
// runs without the sandbox that was asked for.
export function sandboxFor(config: Pick<ResolvedConfig, 'code' | 'dependencies' | 'sandboxNetwork'>, pythonPath: string, env: NodeJS.ProcessEnv = process.env, shared: readonly string[] = []): SandboxLayout {
  const support = namespaceSupport(env);
  if (!support.available) {
    throw new FgrunError('FGRUN_SANDBOX_UNAVAILABLE', 'usage', `--sandbox cannot run here: ${support.reason}; ${support.fix}. fgrun never runs a function without the sandbox it was asked for: drop --sandbox to run it unsandboxed (docs/sandbox.md)`, { details: { missing: support.missing } });
  }
  return sandboxLayout({ bwrap: support.bwrap, code: config.code, dependencies: config.dependencies, pythonPath, network: config.sandboxNetwork, shared });
}

// The sandbox fields, checked together: --sandbox-network none needs --sandbox.
export function checkSandboxFields(config: Pick<ResolvedConfig, 'sandbox' | 'sandboxNetwork'>, env: NodeJS.ProcessEnv = process.env): void {
  if (config.sandboxNetwork === 'none' && !config.sandbox) {
    throw new ConfigError('--sandbox-network none cuts the network of the sandbox: add --sandbox (config: "sandbox": true)', { field: 'sandboxNetwork' });
  }
  if (config.sandbox) sandboxFor({ code: '/', dependencies: [], sandboxNetwork: config.sandboxNetwork }, '/usr/bin/python3', env);
}

// One line for `fgrun runtimes --verbose`: whether --sandbox (and HTTP functions' own ports) can run here.
export function sandboxStatusLine(env: NodeJS.ProcessEnv = process.env): string {
  const support = namespaceSupport(env);
  if (support.available) return `Sandbox (--sandbox) and HTTP functions' own 127.0.0.1:8000: available (${support.bwrap}, user namespaces)\n`;
  return `Sandbox (--sandbox) and HTTP functions' own 127.0.0.1:8000: unavailable: ${support.reason}; ${support.fix}\n`;
}
