// FunctionGraph's log framing, billing and tail, exactly as the real service prints them.
import { describe, expect, it } from 'vitest';
import { billedDuration, finishLine, logTail, logTimestamp, startLine, summaryLine } from '../../src/result/index.js';

const at = new Date('2026-03-17T10:13:22.456Z');
const summary = { durationMs: 2.049, billedDurationMs: 3, memorySizeMb: 128, maxMemoryUsedMb: 36.535, initDurationMs: null, coldStart: false };

describe('result formatting', () => {
  it('stamps lines in UTC whole seconds', () => {
    expect(logTimestamp(at)).toBe('2026-03-17T10:13:22Z');
  });

  it('stamps each second with its own text, whatever order the seconds come in', () => {
    const stamps = ['2026-03-17T10:13:22.999Z', '2026-03-17T10:13:23.000Z', '2026-03-17T10:13:22.001Z', '1969-12-31T23:59:59.500Z', '2026-03-17T10:13:22.000Z']
      .map((iso) => logTimestamp(new Date(iso)));
    expect(stamps).toEqual(['2026-03-17T10:13:22Z', '2026-03-17T10:13:23Z', '2026-03-17T10:13:22Z', '1969-12-31T23:59:59Z', '2026-03-17T10:13:22Z']);
  });

  it('rounds billing up to the whole millisecond', () => {
    expect([billedDuration(2.049), billedDuration(65.828), billedDuration(3), billedDuration(0.01), billedDuration(3.0000001)]).toEqual([3, 66, 3, 1, 3]);
  });

  it('frames the log with the real Start and Finish lines', () => {
    expect(startLine('960d089c-c812-4fe7-9997-a72f773e4bcb', 'latest', at)).toBe("2026-03-17T10:13:22Z Start invoke request '960d089c-c812-4fe7-9997-a72f773e4bcb', version: latest\n");
    expect(finishLine('960d089c-c812-4fe7-9997-a72f773e4bcb', summary, at)).toBe(
      "2026-03-17T10:13:22Z Finish invoke request '960d089c-c812-4fe7-9997-a72f773e4bcb', duration: 2.049ms, billing duration: 3ms, memory used: 36.535MB, billing memory: 128MB, cpu used: 0.300U\n");
  });

  it('keeps the last 4 KB as the tail without splitting a character', () => {
    const log = 'a'.repeat(5000) + '世'.repeat(10);
    const tail = logTail(log);
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(4096);
    expect(tail.endsWith('世'.repeat(10))).toBe(true);
    expect(tail).toBe('a'.repeat(4096 - 30) + '世'.repeat(10));
    expect(logTail('short')).toBe('short');
  });

  it('prints the console summary', () => {
    expect(summaryLine('id-1', { ...summary, coldStart: true, initDurationMs: 12.5 }, 'Python3.12', '3.12.1')).toBe(
      'Request ID: id-1  Runtime: Python3.12 (3.12.1)  Memory: 128MB  Duration: 2.049ms  Billed duration: 3ms  Max memory used: 36.535MB  Init duration: 12.500ms');
  });
});
