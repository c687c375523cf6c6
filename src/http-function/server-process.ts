// The process of an HTTP function's instance: the relay (bootstrap/fgrun_http_relay.py), which starts
// the function's bootstrap command, in its own network namespace through bwrap where one can be made
// (namespace/bwrap.ts), else on the host. Spawned detached (its own process group) with the same
// guards as an event function's interpreter (instance/process.ts): a cgroup of its own where one can
// be made, the host-death reaper, and the exit hook that kills what is left. With outbound network
// (namespace/slirp.ts), the relay waits for the host's "net" line before it starts the bootstrap, so
// the server has its network from its first line.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { SpawnError } from '../errors.js';
import { sharedLogDir } from '../instance/index.js';
import { attachNetwork, namespaceResolvConf, type NetworkHelper } from '../namespace/slirp.js';
import { InstanceCgroup, killGroup, killTree, onHostExit, reaperForget, reaperWatch } from '../platform/index.js';
import { INSTALL_ROOT } from '../install/paths.js';

const RELAY = join(INSTALL_ROOT, 'bootstrap', 'fgrun_http_relay.py');

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  /** host -> relay: "flush <id>" lines. */
  control: Writable;
  /** relay -> host: "ready", "exit <status>". */
  events: Readable;
  /** The function's log: the server's stdout and stderr, fenced on flush. */
  log: Readable;
  /** The relay's Unix socket, forwarded to 127.0.0.1:8000 inside. */
  socketPath: string;
  cgroup: InstanceCgroup | null;
  /** The private folder holding the socket (removed after exit). */
  dir: string;
  /** The instance's outbound network (slirp4netns), or null. */
  network: NetworkHelper | null;
}

export interface ServerSpawn {
  pythonPath: string;
  /** The bootstrap's command line, with the local interpreter in it. */
  command: string;
  cwd: string;
  env: Record<string, string>;
  fence: string;
  /** The command that runs the relay in its namespaces (bwrap and its flags), or [] on the host. */
  wrapper: string[];
  /** slirp4netns, to give the namespace outbound network (needs a bwrap wrapper), or null. */
  network: string | null;
  /** Under --sandbox: where fgrun's install root and the sockets folder (socketsDir()) are inside. */
  inside?: { installRoot: string; socketsDir: string };
}

// fds of the instance's process beyond the log (2), control (3) and events (4) pipes, with outbound
// network: bwrap's --info-fd, and the anchor slirp4netns watches (namespace/slirp.ts).
const INFO_FD = 5;

const live = new Map<number, ServerProcess>();

function killAll(): void {
  for (const proc of live.values()) {
    killServer(proc);
    reaperForget(proc.pid);
  }
}

// The folder of the instances' socket folders, beside the functions' log folder (private to the
// user, short enough for a socket path); a sandbox binds it in.
export function socketsDir(): string {
  const dir = join(dirname(sharedLogDir()), 'http');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

// A private folder for one instance's socket.
function socketDir(): string {
  const dir = join(socketsDir(), randomBytes(6).toString('hex'));
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}

// bwrap flags binding a resolv.conf the namespace can use over the host's, when the host's names
// only loopback resolvers (namespace/slirp.ts), or none.
function resolvConfBind(dir: string): string[] {
  let text: string;
  try {
    text = readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return [];
  }
  const conf = namespaceResolvConf(text);
  if (conf === null) return [];
  writeFileSync(join(dir, 'resolv.conf'), conf, { mode: 0o644 });
  return ['--ro-bind', join(dir, 'resolv.conf'), '/etc/resolv.conf'];
}

export function spawnServer(options: ServerSpawn): ServerProcess {
  if (live.size === 0) onHostExit('kill', killAll);
  const dir = socketDir();
  const socketPath = join(dir, 's');
  // The relay's script and socket as the instance sees them (a sandbox binds both elsewhere).
  const inside = options.inside;
  const relayScript = inside ? join(inside.installRoot, 'bootstrap', 'fgrun_http_relay.py') : RELAY;
  const relaySocket = inside ? join(inside.socketsDir, basename(dir), 's') : socketPath;
  const relay = [options.pythonPath, '-S', '-E', '-B', '-s', '-u', relayScript, relaySocket, options.fence];
  // A gate: the shell waits for "go" on the control pipe before it becomes bwrap (or the relay), so
  // the cgroup is joined before anything forks (bwrap forks at once, before a join after spawn).
  const file = '/bin/sh';
  const net = options.network !== null && options.wrapper.length > 0 ? options.network : null;
  const wrapper = net ? [...options.wrapper, '--info-fd', String(INFO_FD), ...resolvConfBind(dir)] : options.wrapper;
  const args = ['-c', 'read go <&3 && exec "$@"', 'fgrun-http', ...wrapper, ...relay];
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: { ...options.env, FGRUN_HTTP_COMMAND: options.command, ...(net ? { FGRUN_HTTP_NET: 'wait' } : {}) },
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe', ...(net ? ['pipe', 'pipe'] as const : [])],
  });
  child.on('error', () => {});
  const [, , log, control, events, info, anchor] = child.stdio as unknown as [null, null, Readable | null, Writable | null, Readable | null, Readable | undefined, Readable | undefined];
  if (child.pid === undefined || !log || !control || !events) {
    for (const s of [log, control, events]) s?.destroy();
    rmSync(dir, { recursive: true, force: true });
    throw new SpawnError(`could not start the HTTP function's server with ${file}: ${child.pid === undefined ? 'it could not be executed' : 'no file descriptors were left for its pipes'}`);
  }
  control.on('error', () => {});
  const pid = child.pid;
  const cgroup = InstanceCgroup.join(pid);
  control.write('go\n');
  reaperWatch(options.pythonPath, pid, cgroup?.dir ?? null);
  const network = net && info && anchor ? attachNetwork(net, info, anchor) : null;
  network?.ready.then(() => control.write('net\n'), () => {});
  const proc: ServerProcess = { child, pid, control, events, log, socketPath, cgroup, dir, network };
  live.set(pid, proc);
  child.once('exit', () => {
    live.delete(pid);
    reaperForget(pid);
    cleanUp(proc);
  });
  return proc;
}

// Kill the instance's processes now: its cgroup, or its tree and group.
export function killServer(proc: ServerProcess): void {
  if (proc.cgroup) proc.cgroup.kill();
  else killTree(proc.pid);
  killGroup(proc.pid, 'SIGKILL');
  proc.network?.kill();
}

// After the relay exited: end what it left, remove its cgroup and its socket folder.
function cleanUp(proc: ServerProcess): void {
  killServer(proc);
  rmSync(proc.dir, { recursive: true, force: true });
  const cgroup = proc.cgroup;
  if (!cgroup || cgroup.remove()) return;
  let tries = 0;
  const retry = setInterval(() => {
    if (cgroup.remove() || ++tries >= 50) clearInterval(retry);
  }, 20);
  retry.unref();
}
