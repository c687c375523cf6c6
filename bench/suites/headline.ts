// The headline: unpinned (where users run), every subject alive at once, measured in interleaved
// blocks whose order rotates, each with its latency percentiles and its CPU per request (this Node
// process plus the subject's own processes, from schedstat). Every figure is a ratio to the raw
// echo of the same run. Subjects: the raw echo, fgrun's trivial handler, a Context call timed from
// inside a handler, with --peer serverless-offline's warm Python runner, and a second raw echo: the
// run's own A/A, how far two identical subjects land apart in it (its noise floor). Each subject
// runs as `plan.headline.processes` processes alike, its blocks spread over them, so that no one
// process's placement by the scheduler decides its figures.
import type { RuntimeInfo } from '../fgrun.js';
import { figure, type Figure } from '../figures.js';
import { rotate, type Measured, type Subject } from '../measure.js';
import { startPeer } from '../peer.js';
import type { Plan } from '../plan.js';
import { RawEcho } from '../raw-echo.js';
import { summarize } from '../stats.js';
import { benchEvent, invokeOk, warmFunction } from '../subjects.js';

export interface HeadlineOptions {
  peer: boolean;
}

const cpuUs = (m: Measured, part: 'all' | 'node' | 'node-main' | 'node-other' | 'subject' = 'all'): number =>
  ({ all: m.nodeNs + m.subjectNs, node: m.nodeNs, 'node-main': m.nodeMainNs, 'node-other': m.nodeNs - m.nodeMainNs, subject: m.subjectNs })[part] / m.calls / 1e3;

export async function headline(runtime: RuntimeInfo, plan: Plan, options: HeadlineOptions): Promise<Figure[]> {
  const h = plan.headline;
  const closers: Array<() => Promise<void>> = [];
  // Each subject runs as `h.processes` processes alike, its blocks spread over them (bench/plan.ts).
  const each = async <T>(start: () => Promise<T>, close: (t: T) => Promise<void>): Promise<T[]> => {
    const made: T[] = [];
    for (let k = 0; k < h.processes; k++) {
      const t = await start();
      closers.push(() => close(t));
      made.push(t);
    }
    return made;
  };
  const rawEcho = async (): Promise<RawEcho> => {
    const echo = new RawEcho(runtime.path);
    await echo.send({ id: 0, event: benchEvent(0) });
    return echo;
  };
  try {
    const raws = await each(rawEcho, (e) => e.close());
    const twins = await each(rawEcho, (e) => e.close());
    const echoes = await each(() => warmFunction('bench-echo', runtime, benchEvent(0)), (e) => e.fn.close());
    const ctxs = await each(() => warmFunction('bench-context', runtime, { calls: 1 }), (e) => e.fn.close());
    const peers = options.peer ? await each(() => startPeer(runtime.path), (p) => p.close()) : [];
    const echoSubject = (e: RawEcho): Subject => ({ call: (i) => e.send({ id: i, event: benchEvent(i) }), pids: [e.pid] });
    const subjects: Record<string, Subject[]> = {
      raw: raws.map(echoSubject),
      twin: twins.map(echoSubject),
      fgrun: echoes.map((e) => ({ call: (i) => invokeOk(e.fn, benchEvent(i)), pids: e.pids })),
      // One invoke of `contextCalls` Context calls every `contextCalls` indices: as many Context
      // round trips as the others make calls (the rest resolve at once, with no samples).
      context: ctxs.map((ctx) => ({
        call: async (i) => (i % h.contextCalls === 0 ? JSON.parse(await invokeOk(ctx.fn, { calls: h.contextCalls })) as number[] : []),
        pids: ctx.pids,
        inside: true,
      })),
    };
    if (peers.length) subjects.peer = peers.map((peer) => ({ call: (i) => peer.call(benchEvent(i)), pids: [peer.pid] }));
    const m = await rotate(subjects, h.calls, h.rounds, plan.warmup);
    const r = summarize(m.raw!.samples);
    const f = summarize(m.fgrun!.samples);
    const c = summarize(m.context!.samples);
    const n = f.n;
    const rawCpu = { label: 'raw echo', value: cpuUs(m.raw!) };
    const figures = [
      figure('warm.cpu', 'warm invoke CPU per request (Node + Python)', 'µs', cpuUs(m.fgrun!), rawCpu, n),
      figure('warm.cpu.node', '  of which Node', 'µs', cpuUs(m.fgrun!, 'node'), { label: 'raw echo, Node', value: cpuUs(m.raw!, 'node') }, n),
      figure('warm.cpu.node.main', '    Node main thread', 'µs', cpuUs(m.fgrun!, 'node-main'), { label: 'raw echo, Node main', value: cpuUs(m.raw!, 'node-main') }, n),
      // The raw echo's other threads often run nothing in a block: its whole Node CPU is the baseline.
      figure('warm.cpu.node.other', '    Node other threads (GC, libuv)', 'µs', cpuUs(m.fgrun!, 'node-other'), { label: 'raw echo, all of Node', value: cpuUs(m.raw!, 'node') }, n),
      figure('warm.cpu.python', '  of which Python', 'µs', cpuUs(m.fgrun!, 'subject'), { label: 'raw echo, Python', value: cpuUs(m.raw!, 'subject') }, n),
      figure('warm.syscalls.node', 'read/write syscalls per request, Node', 'calls', m.fgrun!.nodeSyscalls / m.fgrun!.calls, { label: 'raw echo', value: m.raw!.nodeSyscalls / m.raw!.calls }, n),
      figure('warm.syscalls.python', 'read/write syscalls per request, Python', 'calls', m.fgrun!.subjectSyscalls / m.fgrun!.calls, { label: 'raw echo', value: m.raw!.subjectSyscalls / m.raw!.calls }, n),
      // Where the scheduler ran each interpreter: one core or two sets the round trip (Method).
      // Each subject's share of blocks against the blocks measured: a count against the raw echo's
      // own count would divide by zero whenever the scheduler kept the raw echo off Node's core.
      figure('raw.same-core', 'raw echo blocks with its interpreter last on Node\'s core', 'blocks', m.raw!.sameCore, { label: 'blocks measured', value: m.raw!.blocks }, m.raw!.blocks),
      // The A/A: the same loop in a second process, against the first. How far it lands from 1x is
      // how far apart two identical subjects can land in this run (scheduler placement, the host).
      figure('raw.aa.cpu', 'A/A: a second raw echo process, CPU per request', 'µs', cpuUs(m.twin!), rawCpu, m.twin!.calls),
      figure('raw.aa.p50', 'A/A: a second raw echo process, p50', 'µs', summarize(m.twin!.samples).p50, { label: 'raw echo p50', value: r.p50 }, m.twin!.samples.length),
      figure('warm.same-core', 'blocks with the interpreter last on Node\'s core', 'blocks', m.fgrun!.sameCore, { label: 'blocks measured', value: m.fgrun!.blocks }, m.fgrun!.blocks),
      figure('warm.p50', 'warm invoke p50', 'µs', f.p50, { label: 'raw echo p50', value: r.p50 }, n),
      figure('warm.p99', 'warm invoke p99', 'µs', f.p99, { label: 'raw echo p99', value: r.p99 }, n),
      figure('warm.rate', 'warm invoke, one caller', 'req/s', m.fgrun!.calls / m.fgrun!.seconds, { label: 'raw echo', value: m.raw!.calls / m.raw!.seconds }, n),
      figure('context.p50', 'context call p50 (inside the handler)', 'µs', c.p50, { label: 'raw echo p50', value: r.p50 }, c.n),
      figure('context.vs-warm', 'a request with a context call, p50', 'µs', f.p50 + c.p50, { label: 'warm invoke p50', value: f.p50 }, c.n),
      figure('context.p99', 'context call p99', 'µs', c.p99, { label: 'raw echo p99', value: r.p99 }, c.n),
    ];
    if (m.peer) {
      const p = summarize(m.peer.samples);
      const peerCpu = { label: 'serverless-offline', value: cpuUs(m.peer) };
      figures.push(
        figure('peer.same-core', 'serverless-offline blocks with its interpreter last on Node\'s core', 'blocks', m.peer.sameCore, { label: 'blocks measured', value: m.peer.blocks }, m.peer.blocks),
        figure('peer.cpu', 'serverless-offline CPU per request', 'µs', cpuUs(m.peer), rawCpu, p.n),
        figure('peer.p50', 'serverless-offline p50', 'µs', p.p50, { label: 'raw echo p50', value: r.p50 }, p.n),
        figure('peer.p99', 'serverless-offline p99', 'µs', p.p99, { label: 'raw echo p99', value: r.p99 }, p.n),
        figure('warm.cpu.vs-peer', 'warm invoke CPU per request vs the peer', 'µs', cpuUs(m.fgrun!), peerCpu, n),
        figure('warm.p50.vs-peer', 'warm invoke p50 vs the peer', 'µs', f.p50, { label: 'serverless-offline p50', value: p.p50 }, n),
      );
    }
    return figures;
  } finally {
    for (const close of closers.reverse()) await close();
  }
}
