// Resource caps a caller cannot multiply (issue 11.8): the instance limit is the function's whatever
// X-Cff-Instance-Memory asks for, and a requested memory above the function's own (or --max-memory)
// is refused with FSS.0400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveProcessGroups } from '../../src/instance/index.js';
import type { FgrunServer } from '../../src/server/index.js';
import { fn, invokeUrl, serve, urn } from './helpers.js';

let server: FgrunServer;

beforeAll(async () => {
  server = await serve([fn('server-echo', { name: 'echo', memorySize: 512, timeout: 30 })], { maxInstances: 2 });
});

afterAll(async () => {
  await server?.close();
});

const post = (target: FgrunServer, memory: number, body = '{"sleep": 0.2}') =>
  fetch(invokeUrl(target, urn('echo')), { method: 'POST', body, headers: { 'X-Cff-Instance-Memory': String(memory) } })
    .then(async (r) => ({ status: r.status, summary: r.headers.get('x-cff-invoke-summary'), text: await r.text() }));

describe('resource caps', () => {
  it('runs at most --max-instances processes for a function whatever memory sizes are asked for', async () => {
    const before = new Set(liveProcessGroups());
    let peak = 0;
    const sampler = setInterval(() => { peak = Math.max(peak, liveProcessGroups().filter((g) => !before.has(g)).length); }, 5);
    try {
      const sizes = [128, 256, 512, 128, 256, 512, 128, 256, 512];
      const answers = await Promise.all(sizes.map((m) => post(server, m)));
      expect(answers.map((a) => a.status)).toEqual(sizes.map(() => 200));
      expect(answers.map((a) => JSON.parse(a.summary!).memorySize)).toEqual(sizes);
    } finally {
      clearInterval(sampler);
    }
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(2);
  });

  it("refuses a memory above the function's own, or above maxMemory, with FSS.0400", async () => {
    const above = await post(server, 1024);
    expect([above.status, JSON.parse(above.text)]).toEqual([400, { error_code: 'FSS.0400', error_msg: "X-Cff-Instance-Memory 1024 is above the function's memory of 512 MB; ask for at most 512 MB" }]);
    const raised = await serve([fn('server-echo', { name: 'echo', memorySize: 128 })], { maxMemory: 1024 });
    try {
      const over = await post(raised, 2048);
      expect([over.status, JSON.parse(over.text).error_msg]).toEqual([400, 'X-Cff-Instance-Memory 2048 is above --max-memory 1024; ask for at most 1024 MB']);
      const allowed = await post(raised, 1024, '{"return": 1}');
      expect([allowed.status, JSON.parse(allowed.summary!).memorySize]).toEqual([200, 1024]);
    } finally {
      await raised.close();
    }
  });
});
