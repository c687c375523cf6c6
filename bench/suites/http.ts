// An HTTP function's warm request (docs/http-functions.md): the APIG event through fgrun (the relay
// into the instance's network namespace, the HTTP round trip, the APIG result), vs a raw HTTP round
// trip (keep-alive) to the same server script run bare on the host.
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { figure, type Figure } from '../figures.js';
import { interleave } from '../measure.js';
import type { Plan } from '../plan.js';
import { summarize } from '../stats.js';
import { FUNCTIONS, invokeOk } from '../subjects.js';
import { createFunction, type RuntimeInfo } from '../fgrun.js';

const EVENT = { httpMethod: 'GET', path: '/', headers: {}, body: '', isBase64Encoded: true };

// A free port on 127.0.0.1.
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// GET / over a kept-alive connection, the body read whole.
function get(agent: Agent, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.on('data', () => {});
      res.on('end', resolve);
    }).on('error', reject).end();
  });
}

// The bench server on the host, answering once it listens.
async function bareServer(runtime: RuntimeInfo, port: number) {
  const child = spawn(runtime.path, ['-u', `${FUNCTIONS}bench-http/src/index.py`], { env: { PORT: String(port) }, stdio: 'ignore' });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; ; i++) {
    try {
      await get(agent, port);
      break;
    } catch (error) {
      if (i > 500) throw error;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  return { call: () => get(agent, port), close: () => { agent.destroy(); child.kill('SIGKILL'); } };
}

export async function httpFunction(runtime: RuntimeInfo, plan: Plan): Promise<Figure[]> {
  const raw = await bareServer(runtime, await freePort());
  const fn = await createFunction({ code: FUNCTIONS + 'bench-http', runtime: runtime.runtime, pythonPath: runtime.path, timeout: 60 }, { maxInstances: 1, onNotice: () => {} });
  try {
    await invokeOk(fn, EVENT);
    const t = await interleave({ raw: () => raw.call(), fgrun: () => invokeOk(fn, EVENT) }, plan.warmCalls, plan.rounds, plan.warmup);
    const r = summarize(t.raw.samples);
    const f = summarize(t.fgrun.samples);
    return [
      figure('http.p50', 'HTTP function warm request p50', 'µs', f.p50, { label: 'raw HTTP round trip p50', value: r.p50 }, f.n),
      figure('http.p99', 'HTTP function warm request p99', 'µs', f.p99, { label: 'raw HTTP round trip p99', value: r.p99 }, f.n),
    ];
  } finally {
    raw.close();
    await fn.close();
  }
}
