// Secrets never reach the host's log: registered values are masked in messages and fields.
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import winston from 'winston';
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
});
