// Outbound network for an instance in a network namespace of its own, through Debian's
// `slirp4netns` (user-mode networking, unprivileged): the namespace gets a tap0 device
// (10.0.2.100/24, gateway 10.0.2.2, DNS 10.0.2.3) whose traffic slirp4netns, running on the host,
// turns into ordinary sockets of its own. The instance keeps its own 127.0.0.1 (its port 8000 stays
// its own); the host's loopback is 10.0.2.2 inside (slirp4netns's default, host loopback not
// disabled), so a database on the host's 127.0.0.1:5432 is 10.0.2.2:5432 to the function.
// (docs/http-functions.md, "Outbound network".)
//
// How it is tied to the instance: bwrap writes the namespace's first pid on its --info-fd; the host
// then starts slirp4netns on that pid with --exit-fd set to a socket whose other end only the
// instance holds (its "anchor"). When the instance's last process is gone, so is the anchor's other
// end, and slirp4netns exits: nothing outlives the instance, even if the host is killed outright.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import type { Readable } from 'node:stream';
import { findOnPath } from './bwrap.js';

/** The tap device's MTU: slirp4netns's maximum, for the throughput of large bodies. */
const MTU = 65520;

/** slirp4netns's DNS forwarder, as the namespace sees it. */
const DNS = '10.0.2.3';

// The resolv.conf a namespace needs instead of the host's `text`, or null when the host's works:
// a loopback nameserver (systemd-resolved's 127.0.0.53, a local dnsmasq) is the namespace's own
// loopback inside, so every nameserver line is then replaced by slirp4netns's forwarder, which
// asks the host's resolver from the host.
export function namespaceResolvConf(text: string): string | null {
  const lines = text.split('\n');
  const servers = lines.map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1]).filter((v): v is string => v !== undefined);
  if (servers.length > 0 && !servers.every((ip) => ip.startsWith('127.') || ip === '::1')) return null;
  const rest = lines.filter((l) => !/^\s*nameserver\s/.test(l) && l.trim().length > 0);
  return [`nameserver ${DNS}`, ...rest].join('\n') + '\n';
}

/** The device slirp4netns opens inside the namespace for its tap0. */
const TUN = '/dev/net/tun';

/** slirp4netns on PATH, or null. */
export function slirpPath(env: NodeJS.ProcessEnv = process.env): string | null {
  return findOnPath('slirp4netns', env);
}

// slirp4netns, or why it cannot give a namespace its network here and the fix.
export function slirpSupport(env: NodeJS.ProcessEnv = process.env, tun = TUN): { slirp: string } | { reason: string; fix: string } {
  const slirp = slirpPath(env);
  if (!slirp) return { reason: 'slirp4netns is not installed', fix: 'install it (`apt-get install slirp4netns`)' };
  try {
    // 0666 on Debian and Ubuntu; some containers leave it to root (slirp4netns then cannot make tap0).
    accessSync(tun, constants.R_OK | constants.W_OK);
  } catch {
    return { reason: `this user cannot open ${tun}`, fix: `make it usable (\`chmod 0666 ${tun}\`, as Debian ships it)` };
  }
  return { slirp };
}

export interface NetworkHelper {
  /** Resolves once tap0 is up in the namespace; rejects with the reason it could not be. */
  ready: Promise<void>;
  /** The namespace is set up (the relay runs in it): slirp4netns may configure it now. */
  begin: () => void;
  kill: () => void;
}

// Read bwrap's info JSON from `info` ({"child-pid": N, ...}); once begin() is called too, start
// slirp4netns on that pid (not before: bwrap configures the namespace's loopback until it runs the
// command, and two configurations at once fail). `anchor`: the host's end of the socket the
// instance holds open for its whole life.
export function attachNetwork(slirp: string, info: Readable, anchor: Readable): NetworkHelper {
  let child: ChildProcess | null = null;
  let killed = false;
  let pid: number | null = null;
  let begun = false;
  let go = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    go = () => {
      if (pid === null || !begun || child || killed) return;
      child = start(slirp, pid, anchor, resolve, reject);
    };
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const match = /"child-pid":\s*(\d+)/.exec(text);
      if (!match) return;
      // Read on to the end: bwrap still writes the rest, and would die of SIGPIPE on a closed socket.
      info.off('data', onData);
      info.resume();
      pid = Number(match[1]);
      go();
    };
    info.on('data', onData);
    info.once('end', () => {
      if (pid === null) reject(new Error('bwrap ended before it named the namespace\'s process'));
    });
  });
  ready.catch(() => {});
  return {
    ready,
    begin: () => {
      begun = true;
      go();
    },
    kill: () => {
      killed = true;
      anchor.destroy();
      if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

function start(slirp: string, pid: number, anchor: Readable, resolve: () => void, reject: (e: Error) => void): ChildProcess {
  // The namespace by path: as root, slirp4netns joins only the network namespace (bwrap may have
  // nested a second user namespace for --uid, whose process could not join its parent's network);
  // otherwise it must first join the user namespace that owns it (bwrap nests none for a user).
  const userns = process.getuid?.() === 0 ? [] : [`--userns-path=/proc/${pid}/ns/user`];
  const args = ['--configure', `--mtu=${MTU}`, '--ready-fd=3', '--exit-fd=4', ...userns, '--netns-type=path', `/proc/${pid}/ns/net`, 'tap0'];
  const child = spawn(slirp, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', anchor], detached: true });
  // The instance's end of the anchor is all that is left: the host holds no copy.
  anchor.destroy();
  child.unref();
  let stderr = '';
  let up = false;
  const [, , err, readyFd] = child.stdio as unknown as [null, null, Readable, Readable];
  err.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  readyFd.once('data', () => {
    up = true;
    readyFd.destroy();
    resolve();
  });
  for (const s of [err, readyFd] as Array<Readable & { unref?: () => void }>) s.unref?.();
  child.on('error', (error) => reject(new Error(`slirp4netns could not be started (${error.message})`)));
  child.once('exit', (code, signal) => {
    if (up) return;
    const said = stderr.trim().split('\n').filter((l) => l.length > 0).slice(-2).join(' | ');
    reject(new Error(`slirp4netns exited (${signal ?? `status ${code}`}) before the network was up${said ? `: ${said}` : ''}`));
  });
  return child;
}
