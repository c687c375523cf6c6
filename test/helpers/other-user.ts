// A second local user for the tests of what another user on this machine can reach: `fgrun-other`,
// created once (useradd) when the tests run as root; elsewhere the reason to skip.
import { execFileSync, spawn } from 'node:child_process';

export interface OtherUser {
  name: string;
  uid: number;
  gid: number;
}

const NAME = 'fgrun-other';

function lookup(): OtherUser | null {
  try {
    const [, , uid, gid] = execFileSync('getent', ['passwd', NAME], { encoding: 'utf8' }).trim().split(':');
    return { name: NAME, uid: Number(uid), gid: Number(gid) };
  } catch {
    return null;
  }
}

function create(): OtherUser | string {
  if (process.platform !== 'linux') return `needs Linux (a second user and /proc/net/tcp), not ${process.platform}`;
  if (process.getuid?.() !== 0) return `needs root to create the second local user '${NAME}' (running as uid ${process.getuid?.()})`;
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', NAME], { stdio: 'pipe' });
  } catch (error) {
    // Another test file created it at the same time.
    return lookup() ?? `useradd ${NAME} failed: ${String((error as { stderr?: unknown }).stderr ?? error)}`;
  }
  return lookup() ?? `useradd ${NAME} left no such user`;
}

const made = create();
/** The second user, or null (see `otherUserSkip`). */
export const otherUser: OtherUser | null = typeof made === 'string' ? null : made;
/** Why tests that need a second user are skipped, or null. */
export const otherUserSkip: string | null = typeof made === 'string' ? made : null;

// Runs a Python 3 snippet as the other user; resolves with its stdout and exit code.
export function runAsOther(user: OtherUser, code: string, args: string[] = []): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', code, ...args], { uid: user.uid, gid: user.gid, cwd: '/', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.once('error', reject);
    child.once('close', (code) => resolve({ stdout, stderr, code }));
  });
}

/** A Python client: connect to 127.0.0.1:argv[1], send argv[2], print the first bytes that come back, or `closed` when the peer closes (or resets). */
export const PROBE_CLIENT = [
  'import socket, sys',
  's = socket.create_connection(("127.0.0.1", int(sys.argv[1])))',
  's.sendall(sys.argv[2].encode())',
  'try:',
  '    got = s.recv(65536)',
  'except socket.error:',
  '    got = b""',
  'sys.stdout.write(repr(got) if got else "closed")',
].join('\n');
