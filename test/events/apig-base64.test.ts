// APIG bodies are base64 by default, as the cloud sends them (x-apigateway-is-send-fg-body-base64);
// `fgrun event apig --apig-base64 false` and the apig_base64 config field send text.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { generateEvent } from '../../src/events/index.js';

// The CLI in-process: exit code and both streams.
async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await main(argv, { stdin: new PassThrough(), stdout, stderr, stdoutIsTTY: false, exitCode: 0 });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

describe('APIG body encoding', () => {
  it('fgrun event apig sends the body base64-encoded by default, --set body taking text', async () => {
    const plain = await run(['event', 'apig']);
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({ body: Buffer.from('{"name": "fgrun"}').toString('base64'), isBase64Encoded: true });
    const set = await run(['event', 'apig', '--set', 'body=中文 {"a":1}']);
    expect(JSON.parse(set.stdout)).toMatchObject({ body: Buffer.from('中文 {"a":1}').toString('base64'), isBase64Encoded: true });
  });

  it('sends text with --apig-base64 false, and refuses a value that is not true or false', async () => {
    const text = await run(['event', 'apig', '--apig-base64', 'false', '--set', 'body=中文']);
    expect(text.code).toBe(0);
    expect(JSON.parse(text.stdout)).toMatchObject({ body: '中文', isBase64Encoded: false });
    const bad = await run(['event', 'apig', '--apig-base64', 'no']);
    expect([bad.code, bad.stdout, bad.stderr]).toEqual([2, '', "fgrun: --apig-base64 must be true or false, got 'no'\n"]);
  });

  it('leaves a body the --set assignments declared base64 as it is, and other triggers alone', () => {
    const given = Buffer.from([0, 255]).toString('base64');
    expect(generateEvent('apig', { set: [`body=${given}`, 'isBase64Encoded=true'] })).toMatchObject({ body: given, isBase64Encoded: true });
    expect(generateEvent('timer', { apigBase64: true })).not.toHaveProperty('isBase64Encoded');
  });
});
