// The interpreter process: spawned through python-shell in its own process group (detached: a new
// session), with the protocol on stdin/stdout and the log on stderr. Each instance is contained at
// spawn (nothing per request): a cgroup of its own where one can be made, else the interpreter as
// the subreaper of what the function starts; the reaper process kills it if the host dies; every
// instance still alive is killed when the host exits or is interrupted (platform/host-exit.ts).
import { join } from 'node:path';
import { PythonShell } from 'python-shell';
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { InstanceCgroup, killGroup, killTree, onHostExit, reaperForget, reaperWatch } from '../platform/index.js';
import { BOOTSTRAP_MAIN } from '../install/paths.js';
import { SpawnError } from '../errors.js';
import { buildEnvironment } from './environment.js';
import { EXIT_DRAIN_MS } from './lifecycle.js';
import type { InstanceOptions } from './options.js';
import type { ProtocolPair } from './protocol-socket.js';
import { sharedLogDir } from './paths.js';
import { workDir } from './work-dir.js';
import { offerMap, type MapOffer } from './mapped-channel.js';
import { closeSync } from 'node:fs';

export interface PythonProcess {
  shell: PythonShell;
  child: ChildProcess;
  pid: number;
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** The instance's cgroup, or null where none could be made. */
  cgroup: InstanceCgroup | null;
  /** What the bootstrap asks of the kernel at init: without a cgroup, to be the subreaper; without a reaper, to die with the host. */
  containment: { subreaper: boolean; parentDeath: boolean };
  /** The mapped channel offered to it as fd 3 (mapped-channel.ts), closed here once it exits; null: none. */
  map: MapOffer | null;
}

const live = new Map<number, PythonProcess>();

// Kill every instance still alive (host exit, Ctrl-C).
function killAll(): void {
  for (const proc of live.values()) {
    killProcess(proc);
    reaperForget(proc.pid);
  }
}

interface SpawnOptions {
  /** Let the function import the interpreter's own site-packages (no -S). */
  hostSitePackages?: boolean;
  /** The sandbox's bwrap command line (--sandbox, docs/sandbox.md), the interpreter run inside it. */
  sandbox?: readonly string[];
  /** Where the install root is for the interpreter (a sandbox binds it elsewhere). @default INSTALL_ROOT */
  installRoot?: string;
  /** The protocol's socket pair: its child end becomes fd 1, its reader is `stdout` (else a pipe). */
  protocol?: ProtocolPair | null;
  /** A mapped channel to offer: its file becomes fd 3. */
  map?: MapOffer | null;
}

/** The shell gate of a sandboxed instance: it waits for "go" on stdin, then becomes bwrap, so the
 * cgroup is joined before bwrap forks (a join after the spawn would miss bwrap's children). */
const GATE = ['-c', 'read go && exec "$@"', 'fgrun-sandbox'];

// -S keeps the interpreter's site-packages (and a venv's) off sys.path: in the cloud a function
// imports only the standard library, its code and its dependency packages (docs/runtimes.md).
function spawnPython(pythonPath: string, cwd: string, env: Record<string, string>, options: SpawnOptions = {}): PythonProcess {
  if (live.size === 0) onHostExit('kill', killAll);
  const flags = options.hostSitePackages ? ['-u', '-B', '-s'] : ['-u', '-B', '-s', '-S'];
  const shell = new PythonShell(options.installRoot ? join(options.installRoot, 'bootstrap', 'main.py') : BOOTSTRAP_MAIN, {
    mode: 'binary',
    ...(options.sandbox ? { pythonPath: '/bin/sh', pythonOptions: [...GATE, ...options.sandbox, pythonPath, ...flags] } : { pythonPath, pythonOptions: flags }),
    cwd,
    env,
    detached: true,
    stdio: options.map ? ['pipe', options.protocol?.child ?? 'pipe', 'pipe', options.map.fd] : ['pipe', options.protocol?.child ?? 'pipe', 'pipe'],
  });
  const child = shell.childProcess;
  // The interpreter has its own copy of the socket now (or never will, when the spawn failed).
  options.protocol?.child.destroy();
  const stdout = options.protocol?.reader ?? child.stdout;
  // A failed spawn's 'error' event follows on the next tick: listen before anything can throw.
  shell.on('error', () => {});
  shell.on('pythonError', () => {});
  if (child.pid === undefined || !child.stdin || !stdout || !child.stderr) {
    // EMFILE/ENFILE leave no pipes at all; ENOENT/EACCES leave a dead child. Either way: no instance.
    child.stdin?.destroy();
    stdout?.destroy();
    child.stderr?.destroy();
    if (options.map) closeSync(options.map.fd);
    throw spawnFailure(pythonPath, !child.stderr);
  }
  const stderr = child.stderr;
  // python-shell keeps every stderr byte in a string and splits it into lines; the log can be
  // hundreds of MB, so take stderr over and keep only what the LogCollector bounds.
  stderr.unpipe();
  stderr.removeAllListeners('data');
  child.stdin.on('error', () => {});
  const pid = child.pid;
  // Joined before the init message is even written, so before any of the function's code runs.
  const cgroup = InstanceCgroup.join(pid);
  if (options.sandbox) child.stdin.write('go\n');
  const reaped = reaperWatch(pythonPath, pid, cgroup?.dir ?? null);
  const proc: PythonProcess = {
    shell, child, pid, stdin: child.stdin, stdout, stderr, cgroup, containment: { subreaper: cgroup === null, parentDeath: !reaped }, map: options.map ?? null,
  };
  live.set(pid, proc);
  child.once('exit', () => {
    live.delete(pid);
    reaperForget(pid);
  });
  return proc;
}

// The interpreter of an instance, in the function's working folder (or its sandbox) with its environment.
export function spawnInstance(options: InstanceOptions): PythonProcess {
  const root = workDir(options.config.code, options.config.name);
  const box = options.sandbox;
  const env = buildEnvironment(options.config, options.runtime.path, box?.logDir ?? sharedLogDir(), box?.codeRoot ?? root.codeRoot, box?.installRoot);
  // Offered where lingering can pay (a warm instance, read through its socket pair) and no debugger
  // sends frames from other threads.
  const map = options.protocol && options.debugPort === undefined && options.mapped !== false ? offerMap() : null;
  return spawnPython(options.runtime.path, root.cwd, env, {
    hostSitePackages: options.config.hostSitePackages, sandbox: box?.wrapper, installRoot: box?.installRoot, protocol: options.protocol, map,
  });
}

// Call `then` once the exited interpreter's pipes have drained (or EXIT_DRAIN_MS passed): python-shell
// closes after stderr (and its stdout pipe, when fd 1 is one); a protocol socket is waited for apart.
export function afterDrain(proc: PythonProcess, then: () => void): void {
  const socketDone = proc.stdout !== proc.child.stdout ? proc.stdout.readableEnded || proc.stdout.destroyed : true;
  if (proc.shell.terminated && socketDone) return then();
  const shellClosed = proc.shell.terminated ? Promise.resolve() : new Promise<void>((r) => proc.shell.once('close', () => r()));
  const socketClosed = socketDone ? Promise.resolve() : new Promise<void>((r) => proc.stdout.once('close', () => r()));
  const drained = Promise.all([shellClosed, socketClosed]);
  void Promise.race([drained, new Promise<void>((r) => setTimeout(r, EXIT_DRAIN_MS).unref())]).then(then);
}

// The SpawnError for an interpreter that did not start (Node leaves no pipes on EMFILE/ENFILE).
function spawnFailure(pythonPath: string, noPipes: boolean): SpawnError {
  const why = noPipes ? 'no file descriptors were left for its pipes (EMFILE: raise `ulimit -n` or lower --max-instances)' : 'it could not be executed';
  return new SpawnError(`could not start the interpreter ${pythonPath}: ${why}`);
}

// Whether the process and its pipes keep the host's event loop alive: yes while it works, no while
// it idles (a script that forgets close() still ends; the exit hook then kills the group).
export function setRef(proc: PythonProcess, ref: boolean): void {
  for (const handle of [proc.child, proc.stdin, proc.stdout, proc.stderr] as Array<{ ref?: () => void; unref?: () => void }>) {
    if (ref) handle.ref?.();
    else handle.unref?.();
  }
}

// Kill the instance now: every process of its cgroup, or its tree (daemons that left the group
// included, stopped before they are killed) and its group.
export function killProcess(proc: PythonProcess): void {
  if (proc.pid <= 0) return;
  if (proc.cgroup) proc.cgroup.kill();
  else killTree(proc.pid);
  killGroup(proc.pid, 'SIGKILL');
}

// After the interpreter exited: end whatever it left (its group, its cgroup) and remove the cgroup.
export function cleanUpAfterExit(proc: PythonProcess): void {
  killGroup(proc.pid, 'SIGKILL');
  if (proc.map) {
    closeSync(proc.map.fd);
    proc.map = null;
  }
  const cgroup = proc.cgroup;
  if (!cgroup) return;
  cgroup.kill();
  if (cgroup.remove()) return;
  // Members still exiting: try again a few times (the exit hook removes what is left).
  let tries = 0;
  const retry = setInterval(() => {
    if (cgroup.remove() || ++tries >= 50) clearInterval(retry);
  }, 20);
  retry.unref();
}

/** Interpreters fgrun started that are still alive (for tests and diagnostics). */
export function liveProcessGroups(): number[] {
  return [...live.keys()];
}
