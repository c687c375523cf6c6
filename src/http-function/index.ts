// HTTP functions (docs/http-functions.md): recognised by their `bootstrap` file (kind.ts), run as their
// own web server per instance. The one entry createFunction() calls, and imports only for an HTTP
// function: an event function's start never loads node:http nor this folder's instance.
import type { ResolvedConfig } from '../config/index.js';
import { ConfigError } from '../errors.js';
import type { ColdRequest, WarmUp } from '../function/warm-up.js';
import type { RuntimeInfo } from '../runtimes/index.js';
import { localCommand, readBootstrap } from './bootstrap-file.js';
import { httpIsolation } from './isolation.js';
import { warmUpHttp } from './warm-up.js';
import { socketsDir } from './server-process.js';
import { sandboxFor } from '../sandbox/index.js';

export interface HttpStart {
  config: ResolvedConfig;
  start: (request: ColdRequest, signal: AbortSignal) => Promise<WarmUp>;
  release: () => void;
}

// What a handle of an HTTP function needs: its instances' isolation and its warm-up.
export function startHttp(config: ResolvedConfig, runtime: RuntimeInfo, options: { notice: (line: string) => void; env: NodeJS.ProcessEnv; debugPort: number | undefined }): HttpStart {
  if (options.debugPort !== undefined) {
    throw new ConfigError('--debug-port serves a debugger in an event function\'s runtime; an HTTP function runs its own server: start debugpy from your bootstrap instead (docs/http-functions.md)', { field: 'debugPort' });
  }
  const command = localCommand(readBootstrap(config.code), runtime.path);
  // In a sandbox the instance's network namespace is always its own: its 127.0.0.1:8000 must be;
  // it has outbound network (slirp4netns) unless --sandbox-network none.
  const sandbox = config.sandbox ? sandboxFor({ ...config, sandboxNetwork: 'none' }, runtime.path, options.env, [socketsDir()]) : null;
  const outbound = !(config.sandbox && config.sandboxNetwork === 'none');
  const isolation = httpIsolation(`${config.name} (${config.code})`, options.notice, options.env, sandbox?.wrapper ?? null, outbound);
  const resolved = isolation.maxInstances === null ? config : { ...config, maxInstances: isolation.maxInstances };
  return { config: resolved, start: (_request, signal) => warmUpHttp(resolved, runtime, isolation, command, signal, sandbox), release: isolation.release };
}
