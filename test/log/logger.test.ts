// Secrets never reach the host's log: registered values are masked in messages and fields.
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import winston from 'winston';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/fixtures.js';
import { hostLog, redact, registerSecret } from '../../src/log.js';

describe('host log', () => {
  it('masks registered secrets in messages and metadata', () => {
    registerSecret('SK-very-secret-1234');
    registerSecret('ab'); // too short to mask safely: ignored
    expect(redact('signed with SK-very-secret-1234 twice SK-very-secret-1234')).toBe('signed with *** twice ***');
    expect(redact('ab stays')).toBe('ab stays');
    const lines: string[] = [];
    const sink = new winston.transports.Stream({ stream: new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }) });
    hostLog.add(sink);
    const level = hostLog.level;
    hostLog.level = 'info';
    hostLog.info('credentials SK-very-secret-1234 loaded', { sk: 'SK-very-secret-1234', ak: 'AK-PUBLIC' });
    hostLog.level = level;
    hostLog.remove(sink);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z fgrun info: credentials \*\*\* loaded \{"sk":"\*\*\*","ak":"AK-PUBLIC"\}\n?$/);
    expect(lines[0]).not.toContain('very-secret');
  });

  it('loads winston only for a line the level lets through', () => {
    // Run in a fresh process: whether winston is in the module cache after each call.
    const script = `
      import { createRequire } from 'node:module';
      import { hostLog } from ${JSON.stringify(join(ROOT, 'dist', 'log.js'))};
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((p) => p.includes('/node_modules/winston/'));
      const seen = [loaded()];
      hostLog.debug('dropped at the default level');
      seen.push(loaded());
      hostLog.warn('written');
      seen.push(loaded());
      process.stdout.write(JSON.stringify(seen));`;
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'FGRUN_LOG_LEVEL'));
    const result = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    expect(JSON.parse(result.toString())).toEqual([false, false, true]);
  });
});
