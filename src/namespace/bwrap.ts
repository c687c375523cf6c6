// Linux namespaces through bubblewrap (Debian's `bubblewrap`, `bwrap`): what HTTP functions use to
// give each instance its own 127.0.0.1:8000 (docs/http-functions.md) and `--sandbox` uses for the
// cloud's file system and identity (docs/sandbox.md). Unprivileged: bwrap makes a user namespace
// (--unshare-user), so it works for any user where the kernel allows unprivileged user namespaces,
// and for root.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export type NamespaceSupport =
  | { available: true; bwrap: string }
  | { available: false; missing: 'platform' | 'bwrap' | 'userns'; reason: string; fix: string };

/** The answer per PATH (a caller may hand its own environment). */
const known = new Map<string, NamespaceSupport>();

// Where the program `name` is on PATH, or null.
export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    if (!dir) continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return null;
}

// Whether namespaces can be made here (asked once per host: one bwrap run, a few ms).
export function namespaceSupport(env: NodeJS.ProcessEnv = process.env): NamespaceSupport {
  const key = env.PATH ?? '';
  let answer = known.get(key);
  if (!answer) known.set(key, (answer = probe(env)));
  return answer;
}

function probe(env: NodeJS.ProcessEnv): NamespaceSupport {
  if (process.platform !== 'linux') {
    return { available: false, missing: 'platform', reason: `namespaces are a Linux feature and this is ${process.platform}`, fix: 'run fgrun on Linux (or in a Linux VM or container)' };
  }
  const bwrap = findOnPath('bwrap', env);
  if (!bwrap) {
    return { available: false, missing: 'bwrap', reason: 'bubblewrap (bwrap) is not installed', fix: 'install it: `apt-get install bubblewrap` (Debian/Ubuntu) or `dnf install bubblewrap`' };
  }
  const run = spawnSync(bwrap, ['--unshare-user', '--unshare-net', '--dev-bind', '/', '/', 'true'], { encoding: 'utf8', timeout: 10_000 });
  if (run.status === 0) return { available: true, bwrap };
  const said = (run.stderr ?? '').trim().split('\n').pop() ?? '';
  return {
    available: false, missing: 'userns',
    reason: `bwrap cannot make a user namespace here${said ? ` (${said})` : ''}`,
    fix: 'enable unprivileged user namespaces: `sysctl -w kernel.unprivileged_userns_clone=1` (Debian) or `sysctl -w user.max_user_namespaces=15000`; on Ubuntu 24.04+ also `sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`',
  };
}
