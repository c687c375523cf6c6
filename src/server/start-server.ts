// startServer(): create the served functions, bind, and serve them through one FgrunServer
// (server.ts): its journal, routes and request handlers wired up, or a ConfigError naming the flag.
import { ConfigError } from '../errors.js';
import { primeSettled } from '../platform/index.js';
import { resumeAsync } from './fgs/async-api.js';
import { AsyncJournal } from './fgs/async-journal.js';
import { AsyncStore } from './fgs/async-store.js';
import { connectionLimits, createLimitedServer } from './connections.js';
import { guardsFor } from './auth/route-auth.js';
import { Registry } from './registry.js';
import { buildRoutes } from './routes.js';
import { checkStateDir } from './state-dir.js';
import { DEFAULT_HOST, DEFAULT_PORT, FgrunServer, type ServeOptions } from './server.js';

// The state folder's journal, or a ConfigError naming --state-dir.
function openJournal(stateDir: string): AsyncJournal {
  checkStateDir(stateDir);
  try {
    return new AsyncJournal(stateDir);
  } catch (cause) {
    throw new ConfigError(`the state folder ${stateDir} cannot be used (${(cause as NodeJS.ErrnoException).code ?? String(cause)}); pick another --state-dir`, { field: '--state-dir', cause });
  }
}

// Create the functions, bind, and serve. Rejects with a ConfigError when the port cannot be bound.
export async function startServer(options: ServeOptions): Promise<FgrunServer> {
  const guards = guardsFor(options.auth, options.gatewayAuth);
  const limits = connectionLimits(options.limits);
  const journal = options.stateDir === undefined ? null : openJournal(options.stateDir);
  const registry = await Registry.create(options.functions, { maxInstances: options.maxInstances, env: options.env, maxMemory: options.maxMemory, debugPort: options.debugPort, onNotice: options.onNotice }, options.createHandle);
  // createFunction primed the first instance's cgroup join on the thread pool (platform/cgroup.ts): its
  // descriptor is closed before the server listens.
  await primeSettled();
  const host = options.host ?? DEFAULT_HOST;
  const http = createLimitedServer(limits);
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? DEFAULT_PORT, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (cause) {
    await registry.close();
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new ConfigError(`cannot listen on ${host}:${options.port ?? DEFAULT_PORT} (${code}); pick another --port or --host`, { field: '--port', cause });
  }
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : options.port ?? DEFAULT_PORT;
  const server = new FgrunServer(http, registry, host, port, options, guards);
  const async = { registry, store: new AsyncStore(), invoke: server.invoke, background: server.background, journal };
  const routes = [
    ...buildRoutes({ ...async, startedAt: new Date(), guards }),
    ...(server.console?.routes() ?? []),
  ];
  server.journal = journal;
  try {
    server.resumed = resumeAsync(async);
  } catch (error) {
    // Never leave a bound port that answers nothing: stop, and let the caller report why.
    await server.close(0);
    throw error;
  }
  http.on('request', (req, res) => void server.handle(routes, req, res));
  // Expect: 100-continue is answered only once the head is admitted: a refused upload is never sent.
  http.on('checkContinue', (req, res) => void server.handle(routes, req, res, true));
  return server;
}
