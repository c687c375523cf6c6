// The bootstrap's warm request loop, where it does less than the plain library calls it stands for
// (docs/performance.md, "Issue 22, fourth pass: bootstrap loop"): the result body from a C encoder
// built once instead of json.dumps, the event scanned from its bytes on Python 2, and no flush of
// the write-through original streams. Each must give exactly what the plain call gives.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Instance } from '../../src/instance/index.js';
import { resolveConfig } from '../../src/config/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { ROOT } from '../helpers/fixtures.js';

const PREAMBLE = [
  'import json, sys',
  `sys.path[0:0] = [${JSON.stringify(join(ROOT, 'bootstrap'))}, ${JSON.stringify(join(ROOT, 'pyshim'))}]`,
  'import fgrun_protocol as p',
  'out = {}',
  'def text(b):',
  '    return b.decode("utf-8") if not isinstance(b, str) else b',
  'def attempt(f, *args):',
  '    try:',
  '        return {"value": f(*args)}',
  '    except Exception as e:',
  '        return {"error": type(e).__name__, "message": str(e)}',
];

// encode_body against json.dumps: stock values, errors, an error inside a container (the encoder's
// memory of the containers it is in must not outlive it), and json replaced in three ways.
const ENCODE = [
  ...PREAMBLE,
  'class Odd(object):',
  '    pass',
  'values = [{"hello": "world", "i": 1, "pad": ""}, [1, 2.5, float("nan"), float("-inf"), None, True, -0.0, 10 ** 20],',
  '          {"k": [u"\\u4e2d", "tab\\t", {"deep": [[]]}]}, 1.0 / 3, {1: 2, 2.5: 3, None: 4, True: 5}, 7, False, (1, 2)]',
  'out["stock"] = [[text(p.encode_body(v)[1]), json.dumps(v)] for v in values]',
  'out["kinds"] = sorted(set(p.encode_body(v)[0] for v in values))',
  'odd = {"a": Odd()}',
  'out["odd"] = [attempt(lambda: p.encode_body(odd)), attempt(lambda: json.dumps(odd))]',
  'loop = [1]',
  'loop.append(loop)',
  'out["circular"] = [attempt(lambda: p.encode_body(loop))["error"], attempt(lambda: json.dumps(loop))["error"]]',
  'loop.pop()',
  'out["after"] = [attempt(lambda: text(p.encode_body(loop)[1])), attempt(lambda: json.dumps(loop))]',
  'json.JSONEncoder.default = lambda self, o: "odd"',
  'out["default"] = [text(p.encode_body({"a": Odd()})[1]), json.dumps({"a": Odd()})]',
  'stock = json._default_encoder',
  'json._default_encoder = json.JSONEncoder(sort_keys=True)',
  'out["encoder"] = [text(p.encode_body({"b": 1, "a": 2})[1]), json.dumps({"b": 1, "a": 2})]',
  'json._default_encoder = stock',
  'quote = json.encoder.encode_basestring_ascii',
  'json.encoder.encode_basestring_ascii = lambda s: quote(s.upper())',
  'out["quote"] = [text(p.encode_body({"b": "x"})[1]), json.dumps({"b": "x"})]',
  'json.encoder.encode_basestring_ascii = quote',
  'dumps = json.dumps',
  'json.dumps = lambda v: dumps(v, separators=(",", ":"))',
  'out["dumps"] = [text(p.encode_body({"b": [1, 2]})[1]), json.dumps({"b": [1, 2]})]',
  'json.dumps = dumps',
  // Text and None (dicts and lists skip their checks), a dict subclass, and on 2.7 bytes that are
  // not UTF-8: the error str.decode gives.
  'class D(dict):',
  '    pass',
  'out["subclass"] = [text(p.encode_body(D(a=1))[1]), json.dumps(D(a=1))]',
  'out["text"] = [[p.encode_body(v)[0], text(p.encode_body(v)[1])] for v in [None, u"\\u4e2d", "plain"]]',
  'if str is bytes:',
  '    out["bad"] = [attempt(lambda: p.encode_body("x\\xff")), attempt(lambda: "x\\xff".decode("utf-8"))]',
  'sys.stdout.write(dumps(out))',
].join('\n');

// decode_event against json.loads of the decoded bytes, raw bytes included (invalid UTF-8 inside
// and outside strings, a truncated sequence, a BOM): the same value or the same error and message.
const DECODE = [
  ...PREAMBLE,
  'payloads = [b\'{"a":"b"}\', b\'{"k":"\\xe4\\xb8\\xad","e":"\\\\ud83d\\\\ude00","r":"\\xf0\\x9f\\x98\\x80"}\', b\'[1,2.5,"x",null,true]\',',
  '            b\'"\\xff"\', b\'\\xff\', b\'{"a\\xff":1}\', b\'"\\xe4\\xb8"\', b\'\\xef\\xbb\\xbf{}\', b\'{"a":"\\\\ud800"}\', b\'{} \', b\'\']',
  'def loads(b):',
  '    return json.loads(b.decode("utf-8"))',
  'out["pairs"] = [[attempt(p.decode_event, b), attempt(loads, b)] for b in payloads]',
  'sys.stdout.write(json.dumps(out))',
].join('\n');

function python(path: string, src: string): Record<string, unknown> {
  return JSON.parse(execFileSync(path, ['-u', '-c', src]).toString()) as Record<string, unknown>;
}

const code = mkdtempSync(join(tmpdir(), 'fgrun-warm-loop-'));
writeFileSync(join(code, 'index.py'), [
  'import sys',
  'def handler(event, context):',
  '    if event.get("reconfigure") and hasattr(sys.stdout, "reconfigure"):',
  '        sys.stdout.reconfigure(write_through=False)',
  '    if event.get("say"):',
  '        sys.stdout.write(event["say"])',
  '    return event.get("n")',
  '',
].join('\n'));
afterAll(() => rmSync(code, { recursive: true, force: true }));

describeEachRuntime('the warm loop', (runtime) => {
  it('encodes a result exactly as json.dumps does, json patched or not', () => {
    const out = python(runtime.path, ENCODE);
    for (const [fast, plain] of out.stock as Array<[string, string]>) expect(fast).toBe(plain);
    expect(out.kinds).toEqual(['json']);
    const [odd, plainOdd] = out.odd as Array<{ error: string; message: string }>;
    expect(odd).toEqual(plainOdd);
    expect(odd!.error).toBe('TypeError');
    expect(out.circular).toEqual(['ValueError', 'ValueError']);
    // Without the encoder forgetting the containers it was in, the list would still be "circular".
    expect(out.after).toEqual([{ value: '[1]' }, { value: '[1]' }]);
    expect(out.default).toEqual(['{"a": "odd"}', '{"a": "odd"}']);
    expect(out.encoder).toEqual(['{"a": 2, "b": 1}', '{"a": 2, "b": 1}']);
    expect(out.quote).toEqual(['{"B": "X"}', '{"B": "X"}']);
    expect(out.dumps).toEqual(['{"b":[1,2]}', '{"b":[1,2]}']);
    expect(out.subclass).toEqual(['{"a": 1}', '{"a": 1}']);
    expect(out.text).toEqual([['none', ''], ['str', '中'], ['str', 'plain']]);
    if (runtime.runtime === 'Python2.7') {
      const [bad, plainBad] = out.bad as Array<{ error: string; message: string }>;
      expect(bad).toEqual(plainBad);
      expect(bad!.error).toBe('UnicodeDecodeError');
    } else {
      expect(out.bad).toBeUndefined();
    }
  });

  it('decodes an event exactly as json.loads does, value for value and error for error', () => {
    const pairs = python(runtime.path, DECODE).pairs as Array<[unknown, unknown]>;
    for (const [i, [fast, plain]] of pairs.entries()) expect(fast, `payload ${i}`).toEqual(plain);
    expect(pairs[1]![0]).toEqual({ value: { k: '中', e: '😀', r: '😀' } });
    expect(pairs[3]![0]).toMatchObject({ error: 'UnicodeDecodeError' });
  });

  it('flushes the original stdout once the function turns its write-through off', async () => {
    const instance = new Instance({ config: resolveConfig({ code, runtime: runtime.runtime, pythonPath: runtime.path }), runtime });
    try {
      expect((await instance.start()).kind).toBe('done');
      const requests: Array<{ say?: string; reconfigure?: boolean }> = [
        { say: 'before' }, {}, { reconfigure: true, say: 'held back' }, {}, { say: 'again' }, {},
      ];
      for (const [n, event] of requests.entries()) {
        const outcome = await instance.invoke(`r${n}`, Buffer.from(JSON.stringify({ ...event, n })));
        if (outcome.kind !== 'done') throw new Error(`r${n}: ${outcome.kind}`);
        expect(outcome.payload?.toString()).toBe(String(n));
        expect(outcome.log, `r${n}`).toBe(event.say ?? '');
        if (!event.say) expect(outcome.message.fenced, `r${n}`).toBe(false);
      }
    } finally {
      await instance.stop();
    }
  });
});
