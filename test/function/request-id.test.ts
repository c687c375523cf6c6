import { describe, expect, it } from 'vitest';
import { newRequestId } from '../../src/function/request-id.js';

/** crypto.randomUUID()'s form: version 4, the RFC 9562 variant (8, 9, a or b), lowercase hex. */
const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newRequestId (request ids without randomUUID\'s garbage)', () => {
  it('makes version 4 UUIDs as crypto.randomUUID() does, each a fresh string, across refills of its random pool', () => {
    const ids = Array.from({ length: 1000 }, () => newRequestId());
    for (const id of ids) expect(id).toMatch(V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('spreads its random bits over every hex digit but the fixed version and variant ones', () => {
    const seen = Array.from({ length: 36 }, () => new Set<string>());
    for (let i = 0; i < 2000; i++) {
      const id = newRequestId();
      for (let at = 0; at < 36; at++) seen[at]!.add(id[at]!);
    }
    const sizes = seen.map((s) => s.size);
    expect(sizes.filter((_, at) => at !== 8 && at !== 13 && at !== 14 && at !== 18 && at !== 19 && at !== 23).every((n) => n === 16)).toBe(true);
    expect([sizes[8], sizes[13], sizes[14], sizes[18], sizes[19], sizes[23]]).toEqual([1, 1, 1, 1, 4, 1]);
  });
});
