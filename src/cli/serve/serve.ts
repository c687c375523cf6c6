// `fgrun serve`: FunctionGraph's invoke API and an APIG gateway on localhost, until SIGINT/SIGTERM.
import { Command, Option } from 'commander';
import { commandDescription } from '../descriptions.js';
import { ConfigError } from '../../errors.js';
import { APIG_AUTH_MODES, CONNECTION_DEFAULTS, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_STATE_DIR, InvocationFeed, LOOPBACK_HOSTS, SHUTDOWN_GRACE_MS, invokeUrl, startServer, type ApigAuthMode, type AuthOptions, type ConnectionLimits, type FgrunServer, type Guard, type HandleFactory } from '../../server/index.js';
import { createWatchedFunction } from '../../watch/index.js';
import { addFunctionOptions, debugPort, DEBUG_PORT_HELP } from '../function-options.js';
import { addConfigOptions, functionSourcesOf, type SourceFlags } from '../function-source.js';
import { flagError } from '../invoke/invoke.js';
import type { Io } from '../io.js';
import { openBrowser } from './open-browser.js';
import { watchingLine } from '../watch-line.js';
import { startServeLog } from './serve-log.js';
import { painter } from './serve-lines.js';

interface ServeFlags extends SourceFlags {
  host: string;
  port: string;
  ak?: string;
  sk?: string;
  token?: string;
  apigAuth?: ApigAuthMode;
  appKey?: string;
  appSecret?: string;
  quiet?: boolean;
  logFile?: string;
  watch?: boolean;
  debugPort?: string;
  maxConnections?: string;
  maxMemory?: string;
  stateDir: string;
  shutdownGrace?: string;
  headersTimeout?: string;
  requestTimeout?: string;
  /** false with --no-console. */
  console: boolean;
  open?: boolean;
  cors: string[];
}

export function serveCommand(io: Io): Command {
  const command = new Command('serve')
    .description(commandDescription('serve'))
    .argument('[code...]', "folders or .zips each holding a function's code, each served under its own name (default: every function of --config or of fgrun.json / .yaml / .yml here, else .)");
  addConfigOptions(addFunctionOptions(command), 'every')
    .option('--host <address>', 'address to bind', DEFAULT_HOST)
    .option('--port <port>', 'port to listen on (0 picks a free one)', String(DEFAULT_PORT))
    .addOption(new Option('--ak <AK>', 'access key SDK clients must sign with (SDK-HMAC-SHA256)').env('FGRUN_SERVE_AK'))
    .addOption(new Option('--sk <SK>', 'secret key matching --ak (prefer the FGRUN_SERVE_SK variable: flags show in ps)').env('FGRUN_SERVE_SK'))
    .addOption(new Option('--token <token>', 'accept requests carrying this X-Auth-Token').env('FGRUN_SERVE_TOKEN'))
    .addOption(new Option('--apig-auth <mode>', "the gateway's authentication, as an APIG API's: none, iam (as the invoke API) or app (--app-key/--app-secret) (default: app with an app key, else iam with credentials, else none)").choices(APIG_AUTH_MODES))
    .addOption(new Option('--app-key <key>', 'APIG app key gateway callers sign with (SDK-HMAC-SHA256, X-Sdk-Date)').env('FGRUN_SERVE_APP_KEY'))
    .addOption(new Option('--app-secret <secret>', 'APIG app secret matching --app-key (prefer FGRUN_SERVE_APP_SECRET: flags show in ps)').env('FGRUN_SERVE_APP_SECRET'))
    .option('--state-dir <folder>', "the serve state folder: accepted async invocations are journaled there until they finish (the next serve runs what was left pending), and the console's saved test events are in its events/ folder", DEFAULT_STATE_DIR)
    .option('--shutdown-grace <seconds>', `on SIGINT/SIGTERM, how long in-flight requests may finish (default: ${SHUTDOWN_GRACE_MS / 1000})`)
    .option('--max-memory <MB>', "the most memory a request's X-Cff-Instance-Memory may ask for (default: the function's --memory)")
    .option('--max-connections <n>', `connections open at once; more are closed as they arrive (default: ${CONNECTION_DEFAULTS.maxConnections})`)
    .option('--headers-timeout <seconds>', `time a client has to send a request's headers, then 408 and the connection is closed (default: ${CONNECTION_DEFAULTS.headersTimeoutMs / 1000})`)
    .option('--request-timeout <seconds>', `time a client has to send a whole request, body included (default: ${CONNECTION_DEFAULTS.requestTimeoutMs / 1000})`)
    .option('--quiet', "print the request lines only, not the functions' output")
    .option('--log-file <file>', 'also append JSON lines to the file: one per log line, one per request')
    .option('--watch', 'reload a function when its code (or the config file) changes: warm instances are retired, the next request loads the new code')
    .option('--debug-port <port>', `${DEBUG_PORT_HELP}; the second function served gets PORT+1, and so on`)
    .option('--cors <origin>', 'let web pages of this origin (scheme://host[:port]; repeatable) send requests that change state, with CORS headers; other origins get 403', collectOrigin, [])
    .option('--open', 'open the console in the default browser ($BROWSER when set)')
    .option('--no-console', 'do not serve the browser console at /');
  command.action(async (codes: string[], flags: ServeFlags) => {
    io.exitCode = await runServe(codes, flags, io);
  });
  return command;
}

// --cors, once per origin: scheme://host[:port], nothing else.
function collectOrigin(value: string, previous: string[]): string[] {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (url === null || !/^https?:$/.test(url.protocol) || url.origin !== value.replace(/\/+$/, '')) {
    throw new ConfigError(`--cors takes an origin like http://localhost:3000 (scheme, host and port only), got '${value}'`, { field: '--cors' });
  }
  return [...previous, url.origin];
}

// A whole number from a flag, or a ConfigError naming it.
function whole(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new ConfigError(`${flag} must be a whole number from ${min} to ${max}, got '${value}'`, { field: flag });
  return n;
}

// The connection limits the flags set (the server's defaults for the others).
function limitsFrom(flags: ServeFlags): ConnectionLimits {
  const seconds = (flag: string, value: string | undefined) => {
    const n = whole(flag, value, 1, 3600);
    return n === undefined ? undefined : n * 1000;
  };
  return {
    maxConnections: whole('--max-connections', flags.maxConnections, 1, 1_000_000),
    headersTimeoutMs: seconds('--headers-timeout', flags.headersTimeout),
    requestTimeoutMs: seconds('--request-timeout', flags.requestTimeout),
  };
}

// The credentials the flags (or FGRUN_SERVE_* variables) configure.
function authFrom(flags: ServeFlags): AuthOptions {
  if (Boolean(flags.ak) !== Boolean(flags.sk)) {
    throw new ConfigError('--ak and --sk go together: pass both (or FGRUN_SERVE_AK and FGRUN_SERVE_SK), or neither', { field: flags.ak ? '--sk' : '--ak' });
  }
  const auth: AuthOptions = {};
  if (flags.ak && flags.sk) Object.assign(auth, { ak: flags.ak, sk: flags.sk });
  if (flags.token) auth.token = flags.token;
  return auth;
}

// What the server answers, printed once it listens.
function banner(server: FgrunServer): string {
  const lines = [`fgrun serve: listening on ${server.url}`];
  if (server.consoleUrl) lines.push(`  console: ${server.consoleUrl}`);
  for (const f of server.functions) {
    lines.push(`  ${f.name} (${f.runtime})`);
    lines.push(`    urn:     ${f.urn}`);
    lines.push(`    invoke:  POST ${invokeUrl(server.url, f.urn)}`);
    if (f.gatewayUrl) lines.push(`    gateway: ${f.gatewayUrl}`);
  }
  lines.push(`fgrun serve: auth of /v2 (invoke API): ${server.guards.invoke.requirement}`);
  lines.push(`fgrun serve: auth of /apig (gateway): ${server.guards.gateway.requirement}`);
  if (server.console) lines.push(`fgrun serve: auth of the console: ${server.console.access.apiGuard.requirement}`);
  const { resumed, unserved } = server.resumed;
  for (const q of server.journal?.quarantined ?? []) lines.push(`fgrun serve: ${server.journal!.file} line ${q.line} cannot be run (${q.why}): moved to ${server.journal!.quarantineFile}`);
  if (resumed) lines.push(`fgrun serve: resuming ${resumed} async invocation${resumed > 1 ? 's' : ''} left pending by a previous run (${server.journal!.file})`);
  if (unserved) lines.push(`fgrun serve: ${unserved} pending async invocation${unserved > 1 ? 's are' : ' is'} for functions not served now; kept in ${server.journal!.file}`);
  lines.push('Press Ctrl-C to stop.');
  return lines.join('\n') + '\n';
}

// The stderr warning when other machines can call a route that requires nothing.
function exposure(server: FgrunServer): string {
  if (LOOPBACK_HOSTS.has(server.host)) return '';
  const routes: Array<[string, Guard]> = [['/v2 (invoke API)', server.guards.invoke], ['/apig (gateway)', server.guards.gateway]];
  const open = routes.filter(([, guard]) => guard.mode === 'none').map(([name]) => name);
  if (!open.length) return '';
  return `fgrun serve: warning: ${server.host} is reachable from other machines and ${open.join(' and ')} ${open.length > 1 ? 'accept' : 'accepts'} every request; add --ak/--sk or --token (and --apig-auth iam|app)\n`;
}

// The first SIGINT/SIGTERM; a second one exits at once (fgrun kills its instances on exit).
function signals(io: Io): { first: Promise<NodeJS.Signals>; dispose: () => void } {
  const again = () => {
    io.stderr.write('fgrun serve: second signal, exiting now\n');
    process.exit(130);
  };
  let onFirst: (signal: NodeJS.Signals) => void = () => {};
  const first = new Promise<NodeJS.Signals>((resolve) => {
    onFirst = (signal) => {
      process.off('SIGINT', onFirst);
      process.off('SIGTERM', onFirst);
      process.on('SIGINT', again);
      process.on('SIGTERM', again);
      resolve(signal);
    };
  });
  process.on('SIGINT', onFirst);
  process.on('SIGTERM', onFirst);
  const dispose = () => {
    for (const listener of [onFirst, again]) {
      process.off('SIGINT', listener);
      process.off('SIGTERM', listener);
    }
  };
  return { first, dispose };
}

// Under --watch every function's handle reloads itself on changes, and says so on stderr.
function watchedFactory(io: Io): HandleFactory {
  return async (config, options) => {
    const handle = await createWatchedFunction(config, {
      ...options,
      onReload: ({ changed, error }) => {
        const what = changed.length ? changed.join(', ') : 'its code';
        io.stderr.write(error
          ? `fgrun serve: ${config.name ?? config.code}: could not reload after ${what} changed (${(error as Error).message}); the previous code keeps serving\n`
          : `fgrun serve: ${config.name ?? config.code}: reloaded after ${what} changed\n`);
      },
    });
    io.stderr.write(`fgrun serve: ${handle.config.name}: ${watchingLine(handle)}\n`);
    return handle;
  };
}

async function runServe(codes: string[], flags: ServeFlags, io: Io): Promise<number> {
  const port = whole('--port', flags.port, 0, 65535)!;
  if (flags.open && !flags.console) throw new ConfigError('--open opens the console, which --no-console turns off: pass one of them', { field: '--open' });
  const auth = authFrom(flags);
  const write = (text: string) => io.stderr.write(text);
  const feed = new InvocationFeed();
  const log = await startServeLog(feed, { quiet: Boolean(flags.quiet), paint: painter(Boolean(io.stderrIsTTY)), write, logFile: flags.logFile });
  let server: FgrunServer;
  try {
    const { inputs: functions } = await functionSourcesOf(codes, flags);
    server = await startServer({
      functions, host: flags.host, port, auth, feed, cors: flags.cors,
      gatewayAuth: { mode: flags.apigAuth, appKey: flags.appKey, appSecret: flags.appSecret },
      limits: limitsFrom(flags),
      maxMemory: whole('--max-memory', flags.maxMemory, 128, 10240),
      stateDir: flags.stateDir,
      shutdownGraceMs: (whole('--shutdown-grace', flags.shutdownGrace, 0, 3600) ?? SHUTDOWN_GRACE_MS / 1000) * 1000,
      log: (line) => write(line + '\n'),
      onRequest: (record) => log.onRequest(record),
      createHandle: flags.watch ? watchedFactory(io) : undefined,
      debugPort: debugPort(flags.debugPort),
      onNotice: (line) => io.stderr.write(line + '\n'),
      console: flags.console ? { stateDir: flags.stateDir } : false,
    });
  } catch (error) {
    await log.close();
    throw flagError(error);
  }
  const { first, dispose } = signals(io);
  try {
    io.stdout.write(banner(server));
    io.stderr.write(exposure(server));
    if (flags.open && server.consoleUrl) openBrowser(server.consoleUrl, (why) => io.stderr.write(`fgrun serve: --open: ${why}; open ${server.consoleUrl} yourself\n`));
    const signal = await first;
    io.stderr.write(`fgrun serve: ${signal}: finishing in-flight requests and stopping every instance\n`);
    await server.close();
    await log.close();
    const left = server.journal?.left.length ?? 0;
    if (server.journal?.closeProblem) io.stderr.write(`fgrun serve: ${server.journal.closeProblem}\n`);
    io.stderr.write(left ? `fgrun serve: stopped; ${left} async invocation${left > 1 ? 's' : ''} left pending in ${server.journal!.file}: the next fgrun serve with this state folder runs ${left > 1 ? 'them' : 'it'}\n` : 'fgrun serve: stopped\n');
    return 0;
  } finally {
    dispose();
  }
}
