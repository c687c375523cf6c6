// The warm path's hand-written frames, both ways: the invoke header the host writes (ASCII whatever
// the request id) and the bootstrap reads without json.loads, and the result header the bootstrap
// formats by hand. Each must mean exactly what the JSON it stands for means.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFunction, type FunctionHandle } from '../../src/index.js';
import { encodeInvokeBytes, encodeInvokeText, isPlainResult, resultSchema } from '../../src/protocol/index.js';
import { Instance, LogCollector } from '../../src/instance/index.js';
import { resolveConfig } from '../../src/config/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { fixture, ROOT } from '../helpers/fixtures.js';

/** Request ids for the bootstrap's fast path (plain) and its json.loads fallback (escapes). */
const IDS = ['11111111-2222-4333-8444-555555555555', '', 'quote"back\\slash', 'ünïcödé-请求-😀', 'tab\there', 'line\nbreak'];

describe('encodeInvokeBytes', () => {
  it('writes an ASCII header that JSON.parse reads back to the same id, then the payload and a newline', () => {
    for (const [i, id] of IDS.entries()) {
      const linger = i % 2 === 0;
      const payload = Buffer.from('{"k":"中文"}', 'utf8');
      const frame = encodeInvokeBytes(id, payload, 3000, linger);
      const nl = frame.indexOf(10);
      const header = frame.subarray(0, nl);
      expect(header.every((b) => b < 128), id).toBe(true);
      expect(JSON.parse(header.toString('latin1'))).toEqual({ type: 'invoke', id, size: payload.length, timeoutMs: 3000, linger });
      expect(frame.subarray(nl + 1)).toEqual(Buffer.concat([payload, Buffer.from('\n')]));
      // The event as text is written as UTF-8 in place: the same frame.
      expect(encodeInvokeBytes(id, '{"k":"中文"}', 3000, linger)).toEqual(frame);
      // And as one string the pipe encodes (the warm path's frame): the same bytes.
      expect(Buffer.from(encodeInvokeText(id, '{"k":"中文"}', 3000, linger), 'utf8')).toEqual(frame);
    }
  });
});

describe('LogCollector fence ids', () => {
  it('reads JSON-quoted ids (as the bootstrap writes them) and bare ones', () => {
    const segments: Array<[string, string]> = [];
    const c = new LogCollector('n0nce', (id, log) => segments.push([id, log]));
    const quoted = IDS.map((id) => `log of ${JSON.stringify(id)}\n\0fgrun:n0nce:${JSON.stringify(id).replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`);
    c.push(Buffer.from(quoted.join('') + 'bare\0fgrun:n0nce:req-1\n'));
    expect(segments).toEqual([...IDS.map((id): [string, string] => [id, `log of ${JSON.stringify(id)}\n`]), ['req-1', 'bare']]);
  });
});

// What the bootstrap's protocol module makes of lines: [fast-path result or null, json.loads result].
function pythonReads(python: string, lines: string[]): Array<[unknown, unknown]> {
  const src = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'bootstrap'))})`,
    'import fgrun_protocol as p',
    'out = []',
    'for line in json.loads(sys.stdin.read()):',
    '    raw = line.encode("latin-1")',
    '    out.append([p._invoke_header(raw), json.loads(raw.decode("latin-1"))])',
    'sys.stdout.write(json.dumps(out))',
  ].join('\n');
  return JSON.parse(execFileSync(python, ['-c', src], { input: JSON.stringify(lines) }).toString()) as Array<[unknown, unknown]>;
}

// The result header as the bootstrap formats it, for (id, kind, body, duration, peak, fenced).
function pythonResult(python: string, args: [string, string, string, number, number, boolean]): string {
  const src = [
    'import json, os, sys',
    `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'bootstrap'))})`,
    'import fgrun_protocol as p',
    'a = json.loads(sys.stdin.read())',
    'r, w = os.pipe()',
    'p.Channel(None, write_fd=w).send_result(a[0], str(a[1]), a[2].encode("utf-8"), a[3], a[4], a[5])',
    'os.close(w)',
    'data = os.read(r, 65536)',
    'getattr(sys.stdout, "buffer", sys.stdout).write(data)',
  ].join('\n');
  return execFileSync(python, ['-c', src], { input: JSON.stringify(args) }).toString('latin1');
}

// What the bootstrap's end of an invoke's log does on a socketpair and on a pipe: no fence while the
// reader has read all that was written, a fence (and true) while it has not; on /dev/null it cannot
// tell (no query) and always fences. [end()'s answers, what the reader got after the first 1000 bytes].
function pythonLogEnds(python: string): unknown {
  const src = [
    'import fcntl, json, os, socket, sys',
    `sys.path[0:0] = [${JSON.stringify(join(ROOT, 'bootstrap'))}, ${JSON.stringify(join(ROOT, 'pyshim'))}]`,
    'from fgrun_log_end import LogEnd',
    'def drain(fd):',
    '    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)',
    '    got = b""',
    '    try:',
    '        while True:',
    '            chunk = os.read(fd, 65536)',
    '            if not chunk:',
    '                break',
    '            got += chunk',
    '    except OSError:',
    '        pass',
    '    return got',
    'out = {}',
    'a, b = socket.socketpair()',
    'r, w = os.pipe()',
    'for name, fd, reader in (("socket", a.fileno(), b.fileno()), ("pipe", w, r)):',
    '    end = LogEnd(fd)',
    '    end.fence = "F"',
    '    seen = [end.end("a")]',
    '    os.write(fd, b"x" * 3000)',
    '    seen.append(end.end("b"))',
    '    os.read(reader, 1000)',
    '    seen.append(end.end("c"))',
    '    rest = drain(reader)',
    '    seen.append(end.end("d"))',
    '    out[name] = [seen, rest.replace(b"x" * 2000, b"<2000 x>").decode("ascii")]',
    'out["devnull"] = LogEnd(os.open(os.devnull, os.O_WRONLY)).query',
    'sys.stdout.write(json.dumps(out))',
  ].join('\n');
  return JSON.parse(execFileSync(python, ['-c', src]).toString());
}

// The bootstrap's per-request peak (fgrun_peak.PeakRss) over four windows, against the kernel's
// own VmHWM (read from /proc/self/status right after) and whether the status file was read at all:
// quiet (five times: the first ones take the faults of starting up; Python 3.9 here still faulted in the third), holding 24 MiB (faults: the status path), quiet again, and freeing memory between two
// windows (RSS shrinks without a fault: the quiet window must report the RSS after the shrink).
function pythonPeaks(python: string): Array<{ peak: number; hwm: number; status: boolean }> {
  const src = [
    'import json, os, sys',
    `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'bootstrap'))})`,
    'from fgrun_peak import PeakRss',
    'rss = PeakRss()',
    'reads = []',
    'read_status = rss.status_peak_kb',
    'def counted():',
    '    reads.append(1)',
    '    return read_status()',
    'rss.status_peak_kb = counted',
    'status = os.open("/proc/self/status", os.O_RDONLY)',
    'def hwm():',
    '    os.lseek(status, 0, 0)',
    '    data = os.read(status, 16384)',
    '    start = data.find(b"VmHWM:")',
    '    return int(data[start + 6:data.find(b"\\n", start)].split()[0])',
    'out = []',
    'def window(work):',
    '    del reads[:]',
    '    rss.reset()',
    '    work()',
    '    peak = rss.peak_kb()',
    '    out.append({"peak": peak, "hwm": hwm(), "status": bool(reads)})',
    'def quiet():',
    '    pass',
    'def hold():',
    '    block = bytearray(24 * 1024 * 1024)',
    '    for i in range(0, len(block), 4096):',
    '        block[i] = 1',
    // An anonymous map, not the heap: malloc may keep freed heap memory; munmap gives it back.
    'import mmap',
    'kept = []',
    'def grow():',
    '    block = mmap.mmap(-1, 16 * 1024 * 1024)',
    '    for i in range(0, len(block), 4096):',
    '        block[i:i + 1] = b"x"',
    '    kept.append(block)',
    'for _ in range(5):',
    '    window(quiet)',
    'window(hold)',
    'window(quiet)',
    'window(grow)',
    'kept.pop().close()',
    'window(quiet)',
    'sys.stdout.write(json.dumps(out))',
  ].join('\n');
  return JSON.parse(execFileSync(python, ['-c', src]).toString()) as Array<{ peak: number; hwm: number; status: boolean }>;
}

// What the original sys.stdout holds at a request's end: "held" written to it (no newline, no
// flush; fd 1 a file), then LogEnd.end; then "again" written to a sys.stderr the function replaced
// (with a stream that writes into the original stdout when flushed), and LogEnd.end again; then the
// same with sys.stdout replaced. The file's size after each, whether each end fenced (a fence flushes too),
// and whether the bootstrap took the originals to hold nothing (_UNBUFFERED), under each way the
// interpreter may have been started.
function pythonStdoutAtEnd(python: string, flags: string[], env: Record<string, string>): [number[], boolean[], boolean] {
  const src = [
    'import json, os, socket, sys',
    `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'bootstrap'))})`,
    'import fgrun_log_end',
    // A log the host has read all of (an empty socketpair): no fence, whose write would flush too.
    'mine, peer = socket.socketpair()',
    'log = mine.fileno()',
    'sys.stdout.write("held")',
    'fenced = [fgrun_log_end.LogEnd(log).end("a")]',
    'sizes = [os.fstat(1).st_size]',
    // The function replaced sys.stderr with a stream that holds what it is given until flushed.
    'class Held(object):',
    '    parts = []',
    '    def write(self, text):',
    '        self.parts.append(text)',
    '    def flush(self):',
    '        sys.__stdout__.write("".join(self.parts))',
    '        del self.parts[:]',
    'sys.stderr = Held()',
    'sys.stderr.write("again")',
    'fenced.append(fgrun_log_end.LogEnd(log).end("b"))',
    'sizes.append(os.fstat(1).st_size)',
    // The same, sys.stdout replaced instead.
    'sys.stderr = sys.__stderr__',
    'sys.stdout = Held()',
    'sys.stdout.write("third")',
    'fenced.append(fgrun_log_end.LogEnd(log).end("c"))',
    'sizes.append(os.fstat(1).st_size)',
    'os.write(2, json.dumps([sizes, fenced, fgrun_log_end._UNBUFFERED]).encode("ascii"))',
  ].join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'fgrun-held-'));
  const fd = openSync(join(dir, 'out'), 'w');
  try {
    const run = spawnSync(python, [...flags, '-c', src], { env, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    return JSON.parse(run.stderr) as [number[], boolean[], boolean];
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

// decode_event against json.loads on the same payload bytes: [value or error type] for each.
function pythonDecodes(python: string, payloads: string[]): Array<[unknown, unknown]> {
  const src = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'bootstrap'))})`,
    'from fgrun_protocol import decode_event',
    'def attempt(f, raw):',
    '    try:',
    '        return {"value": f(raw)}',
    '    except ValueError as e:',
    '        return {"error": type(e).__name__}',
    'out = []',
    'for text in json.loads(sys.stdin.read()):',
    '    raw = text.encode("utf-8")',
    '    out.append([attempt(decode_event, raw), attempt(lambda b: json.loads(b.decode("utf-8")), raw)])',
    'sys.stdout.write(json.dumps(out))',
  ].join('\n');
  return JSON.parse(execFileSync(python, ['-c', src], { input: JSON.stringify(payloads) }).toString()) as Array<[unknown, unknown]>;
}

describeEachRuntime('hot-path frames', (runtime) => {
  it('reads the peak from statm when the request took no page fault, from VmHWM when it did', () => {
    const [, , , , first, held, after, grown, shrunk] = pythonPeaks(runtime.path);
    // No fault: no status read, and the peak is the RSS at the reset (the kernel's VmHWM is that
    // same RSS, through a per-CPU counter that may lag by a few pages).
    for (const w of [first, after, shrunk]) {
      expect(w!.status).toBe(false);
      expect(Math.abs(w!.peak - w!.hwm)).toBeLessThan(512);
    }
    // 24 MiB touched and freed inside the window: the kernel's peak, exactly.
    expect(held!.status).toBe(true);
    expect(held!.peak).toBe(held!.hwm);
    expect(held!.peak - first!.peak).toBeGreaterThan(24 * 1024 - 512);
    expect(after!.peak).toBeLessThan(held!.peak - 20 * 1024);
    // Memory freed between two windows (RSS went down, no fault): the later window reports the lower RSS.
    expect(grown!.status).toBe(true);
    expect(shrunk!.peak).toBeLessThan(grown!.peak - 8 * 1024);
  });

  it('decodes events as json.loads does, value for value and error for error', () => {
    const payloads = ['{"hello":"world","i":1}', '[1,2.5,"\u4e2d",null,true]', '"text"', '42', ' {"a":1} ', '{"a":1}\n', '\ufeff{}', '{"a":', '', '-0.5e3', '{"a":1}{"b":2}'];
    const read = pythonDecodes(runtime.path, payloads);
    for (const [i, [fast, slow]] of read.entries()) expect(fast, payloads[i]).toEqual(slow);
    expect(read[0]![0]).toEqual({ value: { hello: 'world', i: 1 } });
    expect(read[7]![0]).toEqual({ error: expect.stringMatching(/Error$/) });
  });

  it('knows when the host has read the whole log: on a socketpair (what libuv spawns), a pipe, not /dev/null', () => {
    const fenced = [[false, true, true, false], '<2000 x>\0fgrun:F:"b"\n\0fgrun:F:"c"\n'];
    expect(pythonLogEnds(runtime.path)).toEqual({ socket: fenced, pipe: fenced, devnull: null });
  });

  it('flushes the original stdout at a request\'s end unless it cannot hold bytes (3.7+ under -u, 2.7 under PYTHONUNBUFFERED)', () => {
    const [major, minor] = runtime.version.split('.').map(Number) as [number, number];
    const modern = major === 3 && minor >= 7;
    const cases: Array<[string[], Record<string, string>, boolean]> = [
      [[], {}, false],
      [['-u'], {}, modern],
      [[], { PYTHONUNBUFFERED: '1' }, modern || major === 2],
      [[], { PYTHONUNBUFFERED: '' }, false],
      [['-E'], { PYTHONUNBUFFERED: '1' }, false],
    ];
    for (const [flags, env, unbuffered] of cases) {
      expect(pythonStdoutAtEnd(runtime.path, flags, env), `${flags.join(' ')} ${JSON.stringify(env)}`).toEqual([[4, 9, 14], [false, false, false], unbuffered]);
    }
  });

  it('reads invoke headers without json.loads exactly as json.loads would, falling back on escapes', () => {
    const lines = IDS.map((id, i) => encodeInvokeBytes(id, Buffer.from('{}'), 259200000, i === 1).toString('latin1').split('\n')[0]! + '\n');
    lines.push(
      '{"type":"invoke","id":"x","size":-1,"timeoutMs":3,"linger":false}\n', '{"type":"invoke","size":2,"id":"x","timeoutMs":3,"linger":false}\n',
      '{"type":"invoke","id":"x","size":2}\n', '{"type":"invoke","id":"x","size":2,"timeoutMs":-3,"linger":false}\n', '{"type":"reply","seq":1,"value":2}\n',
      // Without `linger` (a host before it), or with a value that is not a boolean: json.loads.
      '{"type":"invoke","id":"x","size":2,"timeoutMs":3}\n', '{"type":"invoke","id":"x","size":2,"timeoutMs":3,"linger":1}\n',
    );
    const read = pythonReads(runtime.path, lines);
    const fast = read.map(([f]) => f !== null);
    expect(fast).toEqual([true, true, false, false, false, false, false, false, false, false, false, false, false]);
    expect(read.slice(0, 2).map(([f]) => (f as { linger: boolean }).linger)).toEqual([false, true]);
    expect(read.slice(11).map(([, slow]) => (slow as { linger?: unknown }).linger)).toEqual([undefined, 1]);
    for (const [f, slow] of read) if (f !== null) expect(f).toEqual(slow);
  });

  it('formats result headers as valid protocol JSON with the exact id, kind, size, duration, peak and fence flag', () => {
    for (const [i, id] of IDS.entries()) {
      const fenced = i % 2 === 0;
      const frame = pythonResult(runtime.path, [id, 'json', '{"a": "é"}', 12.345, 10240, fenced]);
      const nl = frame.indexOf('\n');
      const header = frame.slice(0, nl);
      expect(/^[\x20-\x7e]*$/.test(header), header).toBe(true);
      const expected = { type: 'result', id, ok: true, kind: 'json', size: 11, durationMs: 12.345, maxRssKb: 10240, fenced };
      expect(resultSchema.parse(JSON.parse(header))).toEqual(expected);
      expect(isPlainResult(JSON.parse(header))).toBe(true);
      expect(Buffer.from(frame.slice(nl + 1), 'latin1').toString('utf8')).toBe('{"a": "é"}\n');
    }
  });

  it('gives each request exactly its own log, silent requests going without a fence', async () => {
    const instance = new Instance({ config: resolveConfig({ code: fixture('maybe-print'), runtime: runtime.runtime, pythonPath: runtime.path }), runtime });
    try {
      expect((await instance.start()).kind).toBe('done');
      const requests: Array<{ say?: string; times?: number }> = [
        {}, { say: 'a\n' }, {}, {}, { say: 'no newline' }, {}, { say: 'big line\n', times: 20000 }, {}, { say: '\0fg' }, {}, { say: 'last\n' },
      ];
      for (const [n, event] of requests.entries()) {
        const outcome = await instance.invoke(`r${n}`, Buffer.from(JSON.stringify({ ...event, n })));
        if (outcome.kind !== 'done') throw new Error(`r${n}: ${outcome.kind}`);
        expect(outcome.message.id).toBe(`r${n}`);
        expect(outcome.payload?.toString()).toBe(String(n));
        expect(outcome.log, `r${n}`).toBe(event.say ? event.say.repeat(event.times ?? 1) : '');
        if (!event.say) expect(outcome.message.fenced, `r${n}`).toBe(false);
      }
    } finally {
      await instance.stop();
    }
  });

  describe('through a warm instance', () => {
    let fn: FunctionHandle;
    beforeAll(async () => {
      fn = await createFunction({ code: fixture('echo'), runtime: runtime.runtime, pythonPath: runtime.path });
    });
    afterAll(() => fn.close());

    it('answers every request id, plain or escaped, with its own result, log and peak memory', async () => {
      for (const id of IDS.filter((i) => i !== '')) {
        const inv = await fn.invoke({ id }, { requestId: id });
        expect(inv.status, id).toBe('success');
        expect(inv.requestId).toBe(id);
        expect(inv.result).toEqual({ id });
        expect(inv.log).toContain(`Start invoke request '${id}'`);
        expect(inv.log).toContain(`Finish invoke request '${id}'`);
        expect(inv.summary.maxMemoryUsedMb).toBeGreaterThan(1);
      }
    });
  });
});
