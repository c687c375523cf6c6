// `fgrun event` as a user runs it, and a generated event through a real function.
import { describe, expect, it } from 'vitest';
import { createFunction } from '../../src/function/index.js';
import { generateEvent } from '../../src/events/index.js';
import { ROOT } from '../helpers/fixtures.js';
import { newestRuntime } from '../helpers/runtimes.js';
import { cli, fgrun } from '../matrix/fgrun-cli.js';
import { join } from 'node:path';

describe.concurrent('fgrun event', () => {
  it('lists the templates', async () => {
    const run = await fgrun(['event', '--list']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe([
      'apig              API Gateway (APIG) request',
      'timer             Timer trigger',
      'obs               Object Storage Service (OBS) object created',
      'smn               Simple Message Notification (SMN) message',
      'dis               Data Ingestion Service (DIS) records',
      'kafka             Distributed Message Service (DMS) for Kafka messages',
      'kafka-opensource  Open-source Kafka messages',
      'rocketmq          DMS for RocketMQ messages',
      'lts               Log Tank Service (LTS) logs (base64 payload)',
      'cts               Cloud Trace Service (CTS) trace',
      'dds               Document Database Service (DDS) change',
      '',
    ].join('\n'));
  });

  it('prints an event with --set applied, as indented JSON', async () => {
    const run = await cli(['event', 'apig', '--apig-base64', 'false', '--set', 'body={"a":1}', '--set', 'queryStringParameters.x=1', '--set', 'httpMethod=POST']);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith('{\n  "body": "{\\"a\\":1}",\n')).toBe(true);
    const event = JSON.parse(run.stdout);
    expect(event).toMatchObject({ body: '{"a":1}', httpMethod: 'POST', queryStringParameters: { responseType: 'json', x: '1' }, isBase64Encoded: false });
  });

  it('exits 2 for an unknown trigger, a missing one, or a bad --set', async () => {
    const unknown = await cli(['event', 'sqs']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("fgrun: there is no event template 'sqs'; the templates are apig, timer, obs, smn, dis, kafka, kafka-opensource, rocketmq, lts, cts, dds (fgrun event --list)\n");
    const none = await cli(['event']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('fgrun: name a trigger: apig, timer, obs, smn, dis, kafka, kafka-opensource, rocketmq, lts, cts, dds (or --list)\n');
    const bad = await cli(['event', 'timer', '--set', 'time']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('fgrun: --set time: expects path=value');
  });
});

describe.runIf(newestRuntime)('a generated event through a real function', () => {
  it('gives the APIG event to the handler as the cloud would', async () => {
    const handle = await createFunction({ code: join(ROOT, 'examples', 'hello') });
    try {
      const invocation = await handle.invoke(generateEvent('apig', { set: ['name=events'] }));
      expect(invocation.status).toBe('success');
      expect(invocation.result).toMatchObject({ statusCode: 200, isBase64Encoded: false });
      expect(JSON.parse((invocation.result as { body: string }).body).message).toBe('Hello, events!');
    } finally {
      await handle.close();
    }
  });
});
