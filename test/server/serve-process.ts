// `fgrun serve` as a real process (bin/fgrun.cjs over dist/): start it, wait for its banner, stop it.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { CLI } from '../helpers/fixtures.js';

export interface ServeProcess {
  child: ChildProcess;
  out: { stdout: string; stderr: string };
  exited: Promise<number | null>;
  url: string;
}

export interface ServeProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

// The environment without the FGRUN_SERVE_* credentials a developer may have exported.
function serveEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const rest = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('FGRUN_SERVE_')));
  return { ...rest, ...extra };
}

// Start `fgrun serve ARGS` and wait for its banner (rejects with its stderr if it exits first).
export async function startServe(args: string[], options: ServeProcessOptions = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { cwd: options.cwd, env: options.env ?? serveEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => { out.stdout += d; });
  child.stderr!.on('data', (d) => { out.stderr += d; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', () => (out.stdout.includes('Press Ctrl-C to stop.') ? resolve() : undefined));
    void exited.then((code) => reject(new Error(`serve exited early (${code}): ${out.stderr}`)));
  });
  const url = /listening on (http:\/\/[^\s]+)/.exec(out.stdout)![1]!;
  return { child, out, exited, url };
}

// SIGKILL whatever is still running (a test's finally).
export function killServe(serve: ServeProcess | undefined): void {
  if (serve && serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
}

// How many descriptors a process holds.
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

// Wait for `check` to hold, polling every 50 ms, up to `ms` (generous: the machine may be loaded).
export async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

// Parse what a server sent on a raw socket: each HTTP/1.1 response (Content-Length framed) in order.
export function parseResponses(raw: string): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let rest = raw;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
    const length = Number(headers['content-length'] ?? 0);
    const bodyBytes = Buffer.from(rest.slice(end + 4), 'latin1');
    answers.push({ status: Number(statusLine!.split(' ')[1]), headers, body: bodyBytes.subarray(0, length).toString('utf8') });
    rest = bodyBytes.subarray(length).toString('latin1');
  }
  return answers;
}

// Connect a raw TCP socket to a server URL (resolves once connected).
export function connectRaw(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

// Everything a raw socket receives until the server closes it (latin1, so bytes survive).
export function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let raw = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => { raw += d; });
    socket.on('error', () => {});
    socket.once('close', () => resolve(raw));
  });
}
