// An unsupported platform is refused in one clear line, before anything is spawned. The CLI case runs
// the real CLI with process.platform reading 'win32' (the only way to be Windows on Linux).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { assertSupportedPlatform } from '../../src/platform/index.js';
import { CLI, fixture } from '../helpers/fixtures.js';

const WINDOWS = 'functions run on Linux and macOS only, not on win32 (a Windows port needs Job Objects in place of process groups; use WSL 2 meanwhile): see docs/platforms.md';

describe('supported platforms', () => {
  it('accepts Linux and macOS, refuses the others with FGRUN_PLATFORM_UNSUPPORTED', () => {
    expect(() => assertSupportedPlatform('linux')).not.toThrow();
    expect(() => assertSupportedPlatform('darwin')).not.toThrow();
    expect(() => assertSupportedPlatform('win32')).toThrow(expect.objectContaining({ code: 'FGRUN_PLATFORM_UNSUPPORTED', kind: 'usage', message: WINDOWS }));
    expect(() => assertSupportedPlatform('freebsd')).toThrow('functions run on Linux and macOS only, not on freebsd: see docs/platforms.md');
  });

  it('`fgrun invoke` on Windows prints one line, no stack trace, and exits 2', () => {
    const preload = 'data:text/javascript,Object.defineProperty(process,"platform",{value:"win32"})';
    const cli = spawnSync(process.execPath, ['--import', preload, CLI, 'invoke', fixture('echo')], { encoding: 'utf8' });
    expect([cli.status, cli.stdout, cli.stderr]).toEqual([2, '', `fgrun: ${WINDOWS}\n`]);
  });
});
