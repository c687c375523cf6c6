// The bootstrap's request loop in one Python process, with in-memory streams (as awslambdaric tests
// its loop): a scripted host conversation in, every message and the fenced log out, with no host,
// no pipes and no child process between them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../src/contract/index.js';
import { ROOT } from '../helpers/fixtures.js';
import { describeEachRuntime } from '../helpers/runtimes.js';

// Python 2.7-3.12 alike: the loop reads the host's lines from a BytesIO and writes to another.
const LOOP = `
import io, json, os, sys, tempfile
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import fgrun_protocol, fgrun_runner
code = sys.argv[3]
lines = [
    {"type": "init", "protocol": fgrun_protocol.PROTOCOL_VERSION, "handler": "index.handler", "initializer": None,
     "codeRoot": code, "paths": [], "fence": "F"},
    {"type": "invoke", "id": "r-1", "size": 11},
    {"type": "reply", "seq": 1, "value": "loop-fn"},
    {"type": "invoke", "id": "r-2", "size": 2},
    {"type": "shutdown"},
]
payloads = {"r-1": b'{"n": 41}', "r-2": b"{}"}
data = b""
for line in lines:
    data += json.dumps(line).encode("ascii") + b"\\n"
    if line["type"] == "invoke":
        body = payloads[line["id"]] + b" " * (line["size"] - len(payloads[line["id"]]))
        data += body + b"\\n"
out = io.BytesIO()
log = tempfile.TemporaryFile()
ended = fgrun_runner.Runner(fgrun_protocol.Channel(io.BytesIO(data), writer=out), log_fd=log.fileno()).serve()
# How the loop ended decides whether the bootstrap kills its group (bootstrap/main.py).
def serve(first):
    data = json.dumps(first).encode("ascii") + b"\\n"
    said = io.BytesIO()
    return fgrun_runner.Runner(fgrun_protocol.Channel(io.BytesIO(data), writer=said), log_fd=log.fileno()).serve(), said.getvalue().decode("utf-8")
closed, _ = serve(lines[0])
refused, refusal = serve(dict(lines[0], protocol=-1))
log.seek(0)
sys.stdout.write(json.dumps({"out": out.getvalue().decode("utf-8"), "log": log.read().decode("utf-8"),
                             "ended": [ended, closed, refused], "refusal": refusal}))
`;

const code = mkdtempSync(join(tmpdir(), 'fgrun-loop-'));
writeFileSync(join(code, 'index.py'), [
  'import os',
  'def handler(event, context):',
  '    if "n" not in event:',
  '        raise ValueError("no n")',
  '    os.write(2, b"working\\n")',
  '    return {"n": event["n"] + 1, "name": context.getFunctionName()}',
  '',
].join('\n'));

const ahead = mkdtempSync(join(tmpdir(), 'fgrun-ahead-'));
writeFileSync(join(ahead, 'index.py'), [
  'def handler(event, context):',
  '    left = context.getRemainingTimeInMilliSeconds()',
  '    return {"id": context.getRequestID(), "name": context.getFunctionName(), "version": context.getVersion(),',
  '            "memory": context.getMemorySize(), "cpu": context.getCPUNumber(), "project": context.getProjectID(),',
  '            "package": context.getPackage(), "alias": context.getAlias(), "ak": context.getAccessKey(),',
  '            "sk": context.getSecretKey(), "colour": context.getUserData("COLOUR"), "missing": context.getUserData("NONE", "dflt"),',
  '            "running": context.getRunningTimeInSeconds(), "remainingNear": 6000 < left <= 7000, "token": context.getSecurityToken()}',
  '',
].join('\n'));

// The init frame as the host sends it (src/instance/instance.ts), then one invoke with its timeoutMs.
const AHEAD = `
import io, json, sys, tempfile
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import fgrun_protocol, fgrun_runner
answers = {"getAccessKey": "", "getSecretKey": "", "getFunctionName": "fn", "getVersion": "v3", "getMemorySize": 256,
           "getCPUNumber": 400, "getProjectID": "p1", "getPackage": "pkg", "getAlias": "a1"}
lines = [
    {"type": "init", "protocol": fgrun_protocol.PROTOCOL_VERSION, "handler": "index.handler", "initializer": None,
     "codeRoot": sys.argv[3], "paths": [], "fence": "F", "answers": answers, "userData": {"COLOUR": "green"},
     "timeouts": {"handler": 7, "initializer": 3}},
]
data = b"".join(json.dumps(line).encode("ascii") + b"\\n" for line in lines)
data += b'{"type":"invoke","id":"r-1","size":2,"timeoutMs":7000}\\n{}\\n'
data += json.dumps({"type": "reply", "seq": 1, "value": "tok"}).encode("ascii") + b"\\n"
data += b'{"type":"shutdown"}\\n'
out = io.BytesIO()
log = tempfile.TemporaryFile()
fgrun_runner.Runner(fgrun_protocol.Channel(io.BytesIO(data), writer=out), log_fd=log.fileno()).serve()
sys.stdout.write(json.dumps({"out": out.getvalue().decode("utf-8")}))
`;

// Every way an invoke can end (a result, the function's error, a result that cannot be encoded, one
// too large), each request keeping its context, then one that reports on all it kept: the loop makes
// the next request's context after each result (Runner.invoke), never hands one out twice.
const kept = mkdtempSync(join(tmpdir(), 'fgrun-kept-'));
writeFileSync(join(kept, 'index.py'), [
  'kept = []',
  'def handler(event, context):',
  '    kept.append(context)',
  '    kind = event["kind"]',
  '    if kind == "raise":',
  '        raise ValueError("no")',
  '    if kind == "odd":',
  '        return object()',
  '    if kind == "large":',
  '        return "x" * (6 * 1024 * 1024 + 1)',
  '    if kind == "report":',
  '        return {"distinct": len(set(id(c) for c in kept)),',
  '                "seen": [[c.getRequestID(), c.getRunningTimeInSeconds(), c.getRemainingTimeInMilliSeconds()] for c in kept]}',
  '    return {"kind": kind}',
  '',
].join('\n'));

const KEPT = `
import io, json, sys, tempfile
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import fgrun_protocol, fgrun_runner
data = json.dumps({"type": "init", "protocol": fgrun_protocol.PROTOCOL_VERSION, "handler": "index.handler",
                   "initializer": None, "codeRoot": sys.argv[3], "paths": [], "fence": "F",
                   "timeouts": {"handler": 7, "initializer": 3}}).encode("ascii") + b"\\n"
for n, kind in enumerate(["ok", "raise", "odd", "large", "ok", "report"]):
    event = json.dumps({"kind": kind}).encode("ascii")
    head = {"type": "invoke", "id": "r-%d" % (n + 1), "size": len(event), "timeoutMs": (n + 1) * 100000}
    data += json.dumps(head).encode("ascii") + b"\\n" + event + b"\\n"
data += b'{"type":"shutdown"}\\n'
out = io.BytesIO()
log = tempfile.TemporaryFile()
fgrun_runner.Runner(fgrun_protocol.Channel(io.BytesIO(data), writer=out), log_fd=log.fileno()).serve()
sys.stdout.write(json.dumps({"out": out.getvalue().decode("utf-8")}))
`;

afterAll(() => {
  rmSync(code, { recursive: true, force: true });
  rmSync(ahead, { recursive: true, force: true });
  rmSync(kept, { recursive: true, force: true });
});

// An initializer that raises: the `initialized` frame's error, in full (the host reads its type,
// message and trace; its code names the stage).
const INIT_FAILS = `
import io, json, sys, tempfile
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import fgrun_protocol, fgrun_runner
out = io.BytesIO()
log = tempfile.TemporaryFile()
runner = fgrun_runner.Runner(fgrun_protocol.Channel(io.BytesIO(b""), writer=out), log_fd=log.fileno())
def init(context):
    raise KeyError("no table")
runner.initializer = init
runner.initialize("i-1", 3000)
sys.stdout.write(out.getvalue().decode("utf-8"))
`;

describeEachRuntime('Runner loop in-process', (runtime) => {
  it('answers init, invoke (a context call for what init did not send ahead) and a failing invoke, fences each log, stops at shutdown', () => {
    const run = spawnSync(runtime.path, ['-c', LOOP, join(ROOT, 'bootstrap'), join(ROOT, 'pyshim'), code], { encoding: 'utf8' });
    const { out, log, ended, refusal } = JSON.parse(run.stdout) as { out: string; log: string; ended: unknown[]; refusal: string };
    // shutdown: the host is there; end of input after init: the host is gone; a refused init: ask stdin.
    expect(ended).toEqual(['shutdown', 'closed', null]);
    // A host of another protocol is refused in one fault frame that names both versions.
    expect(refusal.endsWith('\n') && JSON.parse(refusal)).toEqual({
      type: 'fault', target: 'handler', stage: 'protocol',
      error: { type: 'ProtocolError', stackTrace: [], message: `protocol -1 requested, this bootstrap speaks ${PROTOCOL_VERSION}` },
    });
    const frames = out.split('\n');
    const ready = JSON.parse(frames[0]!);
    expect(ready).toEqual({ type: 'ready', protocol: PROTOCOL_VERSION, python: runtime.version, pid: expect.any(Number) });
    expect(JSON.parse(frames[1]!)).toEqual({ type: 'call', seq: 1, method: 'getFunctionName', args: [] });
    const first = JSON.parse(frames[2]!);
    expect(first).toMatchObject({ type: 'result', id: 'r-1', ok: true, kind: 'json', size: frames[3]!.length, fenced: true });
    expect(JSON.parse(frames[3]!)).toEqual({ n: 42, name: 'loop-fn' });
    const second = JSON.parse(frames[4]!);
    expect(second).toMatchObject({ type: 'result', id: 'r-2', ok: false, fenced: true, error: { code: 'invocation', type: 'ValueError', message: 'no n' } });
    expect(frames.slice(5)).toEqual(['']);
    // The fences go to the log channel; the function's own output stays on fd 2.
    expect(log.startsWith('\0fgrun:F:"ready"\n\0fgrun:F:"r-1"\n\0fgrun:F:"r-2"\n')).toBe(true);
    expect(log.slice(log.indexOf('"r-2"\n') + 6)).toBe('\0fgrun:F:"ready"\n');
    expect(run.stderr).toMatch(/^working\nTraceback \(most recent call last\):\n[\s\S]*ValueError: no n\n$/);
  });

  it('answers an initializer that raised with its error, coded initialization, its traceback in the log', () => {
    const run = spawnSync(runtime.path, ['-c', INIT_FAILS, join(ROOT, 'bootstrap'), join(ROOT, 'pyshim')], { encoding: 'utf8' });
    expect(run.stdout.endsWith('\n')).toBe(true);
    expect(JSON.parse(run.stdout)).toEqual({
      type: 'initialized', id: 'i-1', ok: false, durationMs: expect.any(Number), maxRssKb: expect.any(Number),
      error: { type: 'KeyError', message: "'no table'", stackTrace: ['File "<string>", line 9, in init'], code: 'initialization' },
    });
    expect(run.stderr).toBe('Traceback (most recent call last):\n  File "<string>", line 9, in init\nKeyError: \'no table\'\n');
  });

  it('answers every getter but the credentials from the init and invoke frames, with no call; asks for the credentials', () => {
    const run = spawnSync(runtime.path, ['-c', AHEAD, join(ROOT, 'bootstrap'), join(ROOT, 'pyshim'), ahead], { encoding: 'utf8' });
    const frames = (JSON.parse(run.stdout) as { out: string }).out.split('\n');
    expect(JSON.parse(frames[0]!)).toMatchObject({ type: 'ready' });
    // The only call: the security token, answered by the scripted reply.
    expect(JSON.parse(frames[1]!)).toEqual({ type: 'call', seq: 1, method: 'getSecurityToken', args: [] });
    expect(JSON.parse(frames[2]!)).toMatchObject({ type: 'result', id: 'r-1', ok: true, kind: 'json' });
    const seen = JSON.parse(frames[3]!) as Record<string, unknown>;
    expect(seen).toEqual({
      id: 'r-1', name: 'fn', version: 'v3', memory: 256, cpu: 400, project: 'p1', package: 'pkg', alias: 'a1', ak: '', sk: '',
      colour: 'green', missing: 'dflt', running: 7, remainingNear: true, token: 'tok',
    });
    expect(frames.slice(4)).toEqual(['']);
  }, 20_000);

  it('gives every invoke a context of its own, whichever way the one before it ended: a kept context keeps its id, timeout and deadline', () => {
    const run = spawnSync(runtime.path, ['-c', KEPT, join(ROOT, 'bootstrap'), join(ROOT, 'pyshim'), kept], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const lines = (JSON.parse(run.stdout) as { out: string }).out.split('\n');
    expect(lines.pop()).toBe('');
    const frames = lines.map((line) => JSON.parse(line) as { type?: string; id: string; ok: boolean; error?: { code: string } });
    const results = frames.filter((frame) => frame.type === 'result');
    expect(results.map((r) => [r.id, r.ok, r.error?.code])).toEqual([
      ['r-1', true, undefined], ['r-2', false, 'invocation'], ['r-3', false, 'result-invalid'],
      ['r-4', false, 'result-too-large'], ['r-5', true, undefined], ['r-6', true, undefined],
    ]);
    const report = frames[frames.length - 1] as unknown as { distinct: number; seen: Array<[string, number, number]> };
    expect(report.distinct).toBe(6);
    for (const [n, [id, running, left]] of report.seen.entries()) {
      expect(id).toBe(`r-${n + 1}`);
      expect(running).toBe(7);
      // Its own request's timeoutMs from that request's start, counting down (under a minute of this run).
      expect(left).toBeLessThanOrEqual((n + 1) * 100000);
      expect(left).toBeGreaterThan((n + 1) * 100000 - 60000);
    }
  }, 20_000);
});