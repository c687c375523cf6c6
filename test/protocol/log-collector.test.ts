// Log attribution by fence: output split across chunks, partial lines, and the per-segment cap.
import { describe, expect, it } from 'vitest';
import { LogCollector } from '../../src/instance/index.js';

function collector(cap?: number) {
  const segments: Array<[string, string]> = [];
  const c = new LogCollector('n0nce', (id, log) => segments.push([id, log]), cap);
  return { c, segments };
}

describe('LogCollector', () => {
  it('attributes output to the request whose fence follows it, even mid-line', () => {
    const { c, segments } = collector();
    c.push(Buffer.from('line 1\npartial\0fgrun:n0nce:req-1\nnext\n\0fgrun:n0nce:req-2\n'));
    expect(segments).toEqual([['req-1', 'line 1\npartial'], ['req-2', 'next\n']]);
  });

  it('ends a segment without a fence (the request the host had read in full) with every byte, a held-back "\\0fg" too', () => {
    const { c, segments } = collector();
    c.push(Buffer.from('first\n\0fgrun:n0nce:r1\nsilent or not\n\0fg'));
    expect(c.take(true)).toBe('silent or not\n\0fg');
    expect(c.take(true)).toBe('');
    c.push(Buffer.from('next\0fgrun:n0nce:r3\n'));
    expect(segments).toEqual([['r1', 'first\n'], ['r3', 'next']]);
  });

  it('finds a fence split across chunks at any byte', () => {
    const data = Buffer.from('abc\n\0fgrun:n0nce:r1\nxyz\0fgrun:n0nce:r2\n');
    for (let cut = 1; cut < data.length; cut++) {
      const { c, segments } = collector();
      c.push(data.subarray(0, cut));
      c.push(data.subarray(cut));
      expect(segments).toEqual([['r1', 'abc\n'], ['r2', 'xyz']]);
    }
  });

  it('ignores a fence with another nonce (user output that imitates one)', () => {
    const { c, segments } = collector();
    c.push(Buffer.from('\0fgrun:guess:r1\nreal\0fgrun:n0nce:r1\n'));
    expect(segments).toEqual([['r1', '\0fgrun:guess:r1\nreal']]);
  });

  it('keeps only the newest bytes of a flood and says how much was dropped', () => {
    const { c, segments } = collector(10);
    c.push(Buffer.from('0123456789'));
    c.push(Buffer.from('abcdefghij'));
    c.push(Buffer.from('\0fgrun:n0nce:r\n'));
    expect(segments).toEqual([['r', '[fgrun: 10 bytes of earlier log output dropped; the last 10 bytes are kept]\nabcdefghij']]);
  });
});
