// `--sandbox` (docs/sandbox.md): each instance in the cloud's file system and identity, made with
// bubblewrap (namespace/bwrap.ts). What the function sees:
//   /opt/function            its working directory (a private tmpfs)
//   /opt/function/code       its code, read-only (RUNTIME_CODE_ROOT)
//   /opt/function/deps/<n>   its dependency packages (and its `fgrun build`), read-only, in order
//   /tmp                     private to the instance, empty, 512 MB
//   /root, /home             empty (the host's homes are hidden); /home/snuser/log is RUNTIME_LOG_DIR
//   /home/snuser/runtime     fgrun's bootstrap, read-only (RUNTIME_ROOT, the cloud's runtime folder)
//   /opt/.fgrun/<n>          an HTTP function's socket folder (the relay's), shared with the host
//   uid 1003, gid 1003       as the cloud runs functions
// The rest of the host's file system is read-only; the interpreter's prefix is bound back read-only
// wherever it lives (a pyenv build under a home included). fgrun's own files are bound at the cloud's
// runtime folder, not where they are installed, so a clone under /tmp leaves the private /tmp empty.
import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { INSTALL_ROOT } from '../install/paths.js';

/** The cloud's paths (Huawei FAQ functiongraph_03_0330, custom-image guide functiongraph_04_0104). */
const CLOUD = {
  cwd: '/opt/function',
  code: '/opt/function/code',
  deps: '/opt/function/deps',
  logDir: '/home/snuser/log',
  runtimeRoot: '/home/snuser/runtime',
  uid: 1003,
  gid: 1003,
  /** /tmp: 512 MB per instance (FAQ functiongraph_03_0170). */
  tmpBytes: 512 * 1024 * 1024,
} as const;

export interface SandboxLayout {
  /** bwrap and its flags, ready to be followed by the command. */
  wrapper: string[];
  /** The code folder as the function sees it. */
  codeRoot: string;
  /** The dependency folders as the function sees them. */
  paths: string[];
  logDir: string;
  cwd: string;
  /** Where fgrun's install root (bootstrap/, pyshim/) is inside: RUNTIME_ROOT. */
  installRoot: string;
  /** Where each of the spec's `shared` folders is inside, in order. */
  sharedAt: string[];
}

export interface SandboxSpec {
  bwrap: string;
  code: string;
  dependencies: readonly string[];
  pythonPath: string;
  network: 'host' | 'none';
  /** Host folders the instance must reach, writable (an HTTP function's socket folder), bound at
   * /opt/.fgrun/<n>: out of /tmp, which stays the instance's own and empty. */
  shared?: readonly string[];
}

// The interpreter's installation prefix: <prefix>/bin/python3 -> <prefix>.
function pythonPrefix(pythonPath: string): string {
  let real = pythonPath;
  try {
    real = realpathSync(pythonPath);
  } catch {
    // bound as given
  }
  return dirname(dirname(real));
}

// The bwrap command line and the paths the function sees.
export function sandboxLayout(spec: SandboxSpec): SandboxLayout {
  const paths = spec.dependencies.map((_, i) => `${CLOUD.deps}/${i}`);
  const shared = spec.shared ?? [];
  const sharedAt = shared.map((_, i) => `/opt/.fgrun/${i}`);
  const args = [
    spec.bwrap, '--unshare-user', '--uid', String(CLOUD.uid), '--gid', String(CLOUD.gid), '--unshare-pid', '--unshare-ipc', '--unshare-uts',
    ...(spec.network === 'none' ? ['--unshare-net'] : []),
    '--die-with-parent', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc',
    '--size', String(CLOUD.tmpBytes), '--tmpfs', '/tmp',
    '--tmpfs', '/root', '--tmpfs', '/home', '--dir', CLOUD.logDir, '--ro-bind', INSTALL_ROOT, CLOUD.runtimeRoot,
    '--tmpfs', '/opt', '--dir', CLOUD.cwd, '--ro-bind', spec.code, CLOUD.code,
    ...spec.dependencies.flatMap((dep, i) => ['--ro-bind', dep, paths[i]!]),
    '--ro-bind', pythonPrefix(spec.pythonPath), pythonPrefix(spec.pythonPath),
    ...shared.flatMap((dir, i) => ['--bind', dir, sharedAt[i]!]),
    '--chdir', CLOUD.cwd,
  ];
  return { wrapper: args, codeRoot: CLOUD.code, paths, logDir: CLOUD.logDir, cwd: CLOUD.cwd, installRoot: CLOUD.runtimeRoot, sharedAt };
}
