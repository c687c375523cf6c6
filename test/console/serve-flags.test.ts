// `fgrun serve` and its console flags as real processes: the banner's console URL, --open (through
// $BROWSER), --no-console, and the two together refused.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { CLI, fixture } from '../helpers/fixtures.js';
import { eventually } from '../server/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fgrun-console-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { FGRUN_SERVE_AK: _a, FGRUN_SERVE_SK: _s, FGRUN_SERVE_TOKEN: _t, BROWSER: _b, ...rest } = process.env;
  return { ...rest, ...extra };
}

// Start `fgrun serve`, wait for its banner, and return it with a stop function.
async function startServe(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [CLI, 'serve', fixture('server-echo'), '--port', '0', ...args], { cwd: dir, env: env(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`serve exited early: ${stderr}`);
    return stdout.includes('Press Ctrl-C to stop.') ? true : undefined;
  });
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]!;
  const stop = async () => {
    child.kill('SIGTERM');
    return exited;
  };
  return { stdout, url, stop };
}

describe('fgrun serve: the console flags', () => {
  it('prints the console URL, --open hands it to $BROWSER, --no-console serves none', async () => {
    const opened = join(dir, 'opened');
    const browser = join(dir, 'browser.sh');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
    chmodSync(browser, 0o755);
    const [withConsole, without] = await Promise.all([startServe(['--open'], { BROWSER: browser }), startServe(['--no-console'])]);
    try {
      expect(withConsole.stdout).toContain(`fgrun serve: listening on ${withConsole.url}\n  console: ${withConsole.url}/\n`);
      const readOpened = async () => {
        try {
          return readFileSync(opened, 'utf8') || undefined;
        } catch {
          return undefined;
        }
      };
      expect(await eventually(readOpened)).toBe(`${withConsole.url}/`);
      const page = await fetch(`${withConsole.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>fgrun console</title>');
      expect(without.stdout).not.toContain('console:');
      expect((await fetch(`${without.url}/`)).status).toBe(404);
    } finally {
      expect(await Promise.all([withConsole.stop(), without.stop()])).toEqual([0, 0]);
    }
  });

  it('refuses --open with --no-console (exit 2)', async () => {
    let stderr = '';
    const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new Writable({ write(chunk, _e, done) { stderr += chunk; done(); } }), stdoutIsTTY: false, exitCode: 0 };
    expect(await main(['serve', fixture('server-echo'), '--port', '0', '--open', '--no-console'], io)).toBe(2);
    expect(stderr).toBe('fgrun: --open opens the console, which --no-console turns off: pass one of them\n');
  });
});
