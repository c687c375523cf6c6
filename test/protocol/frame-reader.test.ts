// Protocol framing on the host: header lines validated with zod, payloads by byte count, caps.
import { describe, expect, it } from 'vitest';
import { FrameReader, isPlainResult, plainResultLine, resultSchema, type PythonMessage } from '../../src/protocol/index.js';
import type { ProtocolError } from '../../src/errors.js';
import { encodeMessage, eventBytes, encodeInvokeBytes } from '../../src/protocol/index.js';

function reader(limits?: { header: number; payload: number }) {
  const frames: Array<{ message: PythonMessage; payload: Buffer | null }> = [];
  const errors: ProtocolError[] = [];
  const r = new FrameReader((message, payload) => frames.push({ message, payload }), (e) => errors.push(e), limits);
  return { r, frames, errors };
}

const result = (size: number) => `{"type":"result","id":"r1","ok":true,"kind":"str","size":${size},"durationMs":0.5,"maxRssKb":9000}\n`;

describe('FrameReader', () => {
  it('reads several messages from one chunk, with a payload', () => {
    const { r, frames, errors } = reader();
    r.push(Buffer.from('{"type":"ready","protocol":1,"python":"3.12.1","pid":42}\n' + result(5) + 'héllo'.replace('é', 'e') + '\n{"type":"call","seq":1,"method":"getVersion","args":[]}\n'));
    expect(errors).toEqual([]);
    expect(frames.map((f) => f.message.type)).toEqual(['ready', 'result', 'call']);
    expect(frames[1]!.payload!.toString()).toBe('hello');
    expect(frames[0]!.payload).toBeNull();
  });

  it('reassembles a header and payload split byte by byte', () => {
    const { r, frames, errors } = reader();
    const body = Buffer.from('{"k": "中文"}', 'utf8');
    const all = Buffer.concat([Buffer.from(result(body.length)), body, Buffer.from('\n')]);
    for (let i = 0; i < all.length; i++) r.push(all.subarray(i, i + 1));
    expect(errors).toEqual([]);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.payload!.toString('utf8')).toBe('{"k": "中文"}');
  });

  it('reads a long header line that arrives in many chunks', () => {
    const { r, frames, errors } = reader();
    const message = JSON.stringify({ type: 'call', seq: 7, method: 'getUserData', args: ['k'.repeat(200_000)] }) + '\n';
    const bytes = Buffer.from(message + '{"type":"call","seq":8,"method":"getVersion","args":[]}\n');
    for (let i = 0; i < bytes.length; i += 1000) r.push(bytes.subarray(i, i + 1000));
    expect(errors).toEqual([]);
    expect(frames.map((f) => (f.message as { seq: number }).seq)).toEqual([7, 8]);
    expect((frames[0]!.message as { args: string[] }).args[0]).toHaveLength(200_000);
  });

  it('turns a line that is not JSON into a protocol error and stops', () => {
    const { r, frames, errors } = reader();
    r.push(Buffer.from('hello from print\n{"type":"ready","protocol":1,"python":"3","pid":1}\n'));
    expect(frames).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe('FGRUN_PROTOCOL');
    expect(errors[0]!.message).toBe('malformed protocol line: hello from print');
  });

  it('rejects JSON that is not a protocol message', () => {
    const { r, errors } = reader();
    r.push(Buffer.from('{"type":"result","id":"x"}\n'));
    expect(errors[0]!.message).toMatch(/^invalid protocol message: \{"type":"result","id":"x"\} \(/);
  });

  it('caps header lines and payloads', () => {
    const small = reader({ header: 64, payload: 10 });
    small.r.push(Buffer.from('x'.repeat(100)));
    expect(small.errors[0]!.message).toBe('protocol line over the 64-byte cap');
    const big = reader({ header: 1024, payload: 10 });
    big.r.push(Buffer.from(result(11)));
    expect(big.errors[0]!.message).toBe('payload of 11 bytes is over the 10-byte cap');
  });
});

describe('host frames', () => {
  it('writes ASCII-only JSON lines and invoke frames with a byte-counted payload', () => {
    expect(encodeMessage({ type: 'reply', seq: 3, value: 'hé世' })).toBe('{"type":"reply","seq":3,"value":"h\\u00e9\\u4e16"}\n');
    const payload = eventBytes({ name: 'é' });
    const frame = encodeInvokeBytes('id-1', payload, 3000);
    expect(frame.toString('utf8')).toBe('{"type":"invoke","id":"id-1","size":13,"timeoutMs":3000,"linger":false}\n{"name":"é"}\n');
    expect(encodeInvokeBytes('id-1', payload, 3000, true).toString('utf8')).toBe('{"type":"invoke","id":"id-1","size":13,"timeoutMs":3000,"linger":true}\n{"name":"é"}\n');
    expect(payload.length).toBe(13);
  });
});

describe('isPlainResult (the hand-checked hot-path header)', () => {
  const base = { type: 'result', id: 'r1', ok: true, kind: 'json', size: 3, durationMs: 0.25, maxRssKb: 9000, fenced: false };
  const variants: Array<[string, unknown]> = [
    ['base', base],
    ['fenced absent', { ...base, fenced: undefined }],
    ['fenced true', { ...base, fenced: true }],
    ['kind none, size 0', { ...base, kind: 'none', size: 0 }],
    ['kind str', { ...base, kind: 'str' }],
    ['duration 0', { ...base, durationMs: 0 }],
    ['empty id', { ...base, id: '' }],
    ['kind unknown', { ...base, kind: 'bytes' }],
    ['kind absent', { ...base, kind: undefined }],
    ['size absent', { ...base, size: undefined }],
    ['size negative', { ...base, size: -1 }],
    ['size fractional', { ...base, size: 1.5 }],
    ['size a string', { ...base, size: '3' }],
    ['id a number', { ...base, id: 1 }],
    ['ok false', { ...base, ok: false }],
    ['negative duration', { ...base, durationMs: -1 }],
    ['duration a string', { ...base, durationMs: '1' }],
    ['peak fractional', { ...base, maxRssKb: 1.5 }],
    ['peak negative', { ...base, maxRssKb: -1 }],
    ['peak absent', { ...base, maxRssKb: undefined }],
    ['fenced a string', { ...base, fenced: 'no' }],
    ['with an error', { ...base, error: { type: 'E', message: 'm', stackTrace: [] } }],
    ['an unknown key', { ...base, extra: 1 }],
    ['another type', { ...base, type: 'initialized' }],
    ['null', null],
    ['an array', [base]],
  ];

  it('accepts only what the zod schema accepts, unchanged, and the form the bootstrap writes on the warm path', () => {
    for (const [name, raw] of variants) {
      const value = JSON.parse(JSON.stringify(raw)) as unknown;
      if (isPlainResult(value)) expect(resultSchema.parse(value), name).toEqual(value);
    }
    expect(variants.filter(([, raw]) => isPlainResult(JSON.parse(JSON.stringify(raw)))).map(([name]) => name))
      .toEqual(['base', 'fenced absent', 'fenced true', 'kind none, size 0', 'kind str', 'duration 0', 'empty id']);
  });

  it('hands the reader the header as parsed, and sends anything else through zod', () => {
    const { r, frames, errors } = reader();
    r.push(Buffer.from(`${JSON.stringify(base)}\nabc\n{"type":"result","id":"r2","ok":false,"durationMs":1,"maxRssKb":1,"error":{"type":"E","message":"m","stackTrace":[]}}\n`));
    expect(errors).toEqual([]);
    expect(frames.map((f) => f.message)).toEqual([base, { type: 'result', id: 'r2', ok: false, durationMs: 1, maxRssKb: 1, error: { type: 'E', message: 'm', stackTrace: [] } }]);
    const bad = reader();
    bad.r.push(Buffer.from('{"type":"result","id":"r3","ok":true,"kind":"json","size":-1,"durationMs":1,"maxRssKb":1}\n'));
    expect(bad.errors.map((e) => e.message)).toEqual([expect.stringContaining('invalid protocol message')]);
  });
});

describe('plainResultLine (the warm path header read without JSON.parse)', () => {
  const line = (fields: string[]) => `{${fields.join(',')}}`;
  const form = (id: string, kind: string, size: string, duration: string, peak: string, fenced: string) =>
    line([`"type":"result"`, `"id":${id}`, `"ok":true`, `"kind":"${kind}"`, `"size":${size}`, `"durationMs":${duration}`, `"maxRssKb":${peak}`, `"fenced":${fenced}`]);

  it('reads exactly what JSON.parse reads, for every header the bootstrap writes on the warm path', () => {
    const lines = [
      form('"11111111-2222-4333-8444-555555555555"', 'json', '3', '12.345', '10240', 'false'),
      form('""', 'none', '0', '0.0', '1', 'true'),
      form('"a b/c:d"', 'str', '6291456', '0.001', '0', 'false'),
      form('"x"', 'json', '1', '1e-05', '7', 'true'),
      form('"x"', 'json', '1', '123456.75', '9007199254740991', 'false'),
      // Read at the places the check fixed: commas and colons in the id, every kind, 15-digit counts.
      form('"a,b:c,\'d\'"', 'none', '12', '3.5E+7', '42', 'true'),
      form('",,,"', 'str', '900719925474099', '1e-7', '123456789012345', 'false'),
      form('"id\x7f"', 'json', '0', '0', '0', 'true'),
    ];
    for (const text of lines) {
      const fast = plainResultLine(text);
      expect(fast, text).not.toBeNull();
      expect(fast).toEqual(JSON.parse(text));
      expect(Object.keys(fast!)).toEqual(Object.keys(JSON.parse(text) as object));
      expect(isPlainResult(fast)).toBe(true);
    }
  });

  it('reads a duration as the very double Number() makes, without its string conversion', () => {
    const texts = ['0.000', '0.001', '0.021', '0.1', '0.3', '12.345', '999.999', '1000', '65432.125', '0.000000000000001',
      '123456789012.345', '1234567890123456.5', '0.30000000000000004', '9007199254740993', '1.5e3', '2E-4'];
    // Every form the bootstrap's %.3f writes for durations up to 10 s, and a spread of longer ones.
    for (let us = 0; us <= 10_000_000; us += 997) texts.push((us / 1000).toFixed(3));
    for (let i = 0; i < 2000; i++) texts.push((Math.random() * 10 ** (i % 16)).toFixed(i % 10));
    for (const text of texts) {
      const fast = plainResultLine(form('"x"', 'json', '1', text, '1', 'false'));
      expect(Object.is(fast?.durationMs, Number(text)), text).toBe(true);
    }
  });

  it('leaves everything else to JSON.parse and zod: escapes, other orders, errors, odd numbers', () => {
    const others = [
      form('"quote\\"back"', 'json', '3', '1.0', '1', 'false'),
      form('"tab\\t"', 'json', '3', '1.0', '1', 'false'),
      form('"x"', 'bytes', '3', '1.0', '1', 'false'),
      form('"x"', 'json', '-3', '1.0', '1', 'false'),
      form('"x"', 'json', '3', '-1.0', '1', 'false'),
      form('"x"', 'json', '3', '01', '1', 'false'),
      form('"x"', 'json', '3', '1e999', '1', 'false'),
      form('"x"', 'json', '3', '1.0', '1.5', 'false'),
      form('"x"', 'json', '3', '1.0', '99999999999999999999', 'false'),
      form('"x"', 'json', '3', 'NaN', '1', 'false'),
      '{"type":"result","ok":true,"id":"x","kind":"json","size":3,"durationMs":1,"maxRssKb":1,"fenced":false}',
      '{"type":"result","id":"x","ok":false,"durationMs":1,"maxRssKb":1,"error":{"type":"E","message":"m","stackTrace":[]}}',
      `${form('"x"', 'json', '3', '1.0', '1', 'false')} `,
    ];
    for (const text of others) expect(plainResultLine(text), text).toBeNull();
  });
});

