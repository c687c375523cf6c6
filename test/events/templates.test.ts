// Event templates: every template has exactly the fields (and field types) of the real trigger event,
// with fresh ids and times on each run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_TEMPLATES, EVENT_TRIGGERS, EventTemplateError, generateEvent } from '../../src/events/index.js';
import { ROOT } from '../helpers/fixtures.js';

const REFERENCE: Record<string, string> = {
  apig: 'apig_event.json', timer: 'timer_event.json', obs: 'obss3_event.json', smn: 'smn_event.json', dis: 'dis_event.json',
  kafka: 'dms4kafka_event.json', 'kafka-opensource': 'kafkaopensource_event.json', rocketmq: 'rocketmq_event.json',
  lts: 'lts_event.json', cts: 'cts_fg_create.json', dds: 'dds_event.json',
};

const reference = (name: string): unknown => JSON.parse(readFileSync(join(ROOT, 'fixtures', 'events', REFERENCE[name]!), 'utf8'));

// The structure of a JSON value: keys (sorted) and the type of every leaf; arrays by their first item.
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return [value.length ? shape(value[0]) : 'empty'];
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, shape((value as Record<string, unknown>)[k])]));
  }
  return value === null ? 'null' : typeof value;
}

const at = (value: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], value);
const b64json = (text: string): unknown => JSON.parse(Buffer.from(text, 'base64').toString('utf8'));

describe('event templates', () => {
  it('are the eleven triggers, in order', () => {
    expect(EVENT_TRIGGERS).toEqual(['apig', 'timer', 'obs', 'smn', 'dis', 'kafka', 'kafka-opensource', 'rocketmq', 'lts', 'cts', 'dds']);
    expect(EVENT_TEMPLATES.map((t) => t.description).every((d) => d.length > 5)).toBe(true);
  });

  it.each(EVENT_TRIGGERS)('%s has exactly the fields the reference event has, and survives JSON', (name) => {
    const event = generateEvent(name);
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
    expect(shape(event)).toEqual(shape(reference(name)));
  });

  it('keeps the JSON-in-a-string payloads in the reference\'s shape (LTS base64, DDS documents)', () => {
    const lts = b64json(at(generateEvent('lts'), 'lts.data') as string) as { logs: string };
    const ltsRef = b64json(at(reference('lts'), 'lts.data') as string) as { logs: string };
    expect(shape(lts)).toEqual(shape(ltsRef));
    expect(shape(JSON.parse(lts.logs))).toEqual(shape(JSON.parse(ltsRef.logs)));
    const dds = at(generateEvent('dds'), 'records') as Array<{ dds: Record<string, string> }>;
    const ddsRef = at(reference('dds'), 'records') as Array<{ dds: Record<string, string> }>;
    for (const field of ['token', 'full_document', 'ns']) expect(shape(JSON.parse(dds[0]!.dds[field]!))).toEqual(shape(JSON.parse(ddsRef[0]!.dds[field]!)));
    expect(shape(b64json(at(generateEvent('dis'), 'Message.next_partition_cursor') as string))).toEqual({
      generateTimestamp: 'number',
      getIteratorParam: { 'cursor-type': 'string', 'partition-id': 'string', 'starting-sequence-number': 'string', 'stream-name': 'string' },
    });
  });

  it('stamps every time with `now`, in each trigger\'s own format', () => {
    const now = new Date('2026-03-17T10:13:22.507Z');
    const seconds = 1773742402;
    const e = (name: string) => generateEvent(name, { now }) as Record<string, any>;
    expect(e('timer').time).toBe('2026-03-17T10:13:22+00:00');
    expect(e('obs').Records[0].eventTime).toBe('2026-03-17T10:13:22.507Z');
    expect(e('smn').record[0].smn.timestamp).toBe('2026-03-17T10:13:22Z');
    expect(e('smn').timestamp).toBe('Tue Mar 17 2026 10:13:22 GMT+0000 (UTC)');
    for (const name of ['kafka', 'kafka-opensource', 'rocketmq']) expect(e(name).event_time).toBe(seconds);
    expect(e('cts').cts.time).toBe(now.getTime());
    expect(e('cts').cts.record_time).toBe(now.getTime());
    const logs = JSON.parse((b64json(e('lts').lts.data) as { logs: string }).logs);
    expect(logs[0].time).toBe(now.getTime());
    expect(logs[0].message).toBe('2026-03-17/10:13:22 [WRN] [app.py:8] This is a test message.');
    expect(JSON.parse(e('dds').records[0].dds.full_document)._id.$oid).toMatch(new RegExp(`^${seconds.toString(16)}[0-9a-f]{16}$`));
    expect((b64json(e('dis').Message.next_partition_cursor) as { generateTimestamp: number }).generateTimestamp).toBe(now.getTime());
    const fresh = Date.parse((generateEvent('timer') as { time: string }).time);
    expect(Math.abs(fresh - Date.now())).toBeLessThan(60_000);
  });

  it('gives fresh ids on every run', () => {
    const ids: Array<[string, string, RegExp]> = [
      ['apig', 'requestContext.requestId', /^[0-9a-f]{32}$/],
      ['smn', 'requestId', /^[0-9a-f-]{36}$/],
      ['cts', 'cts.trace_id', /^[0-9a-f-]{36}$/],
    ];
    for (const [name, path, pattern] of ids) {
      const a = at(generateEvent(name), path) as string;
      const b = at(generateEvent(name), path) as string;
      expect(a).toMatch(pattern);
      expect(a).not.toBe(b);
    }
    const obs = () => (generateEvent('obs') as { Records: Array<{ s3: { object: { eTag: string; sequencer: string } } }> }).Records[0]!.s3.object;
    expect(obs().eTag).not.toBe(obs().eTag);
    expect(obs().sequencer).toMatch(/^[0-9A-F]{32}$/);
    const smnId = () => (generateEvent('smn') as { record: Array<{ smn: { message_id: string } }> }).record[0]!.smn.message_id;
    expect(smnId()).not.toBe(smnId());
    const logUid = () => JSON.parse((b64json((generateEvent('lts') as { lts: { data: string } }).lts.data) as { logs: string }).logs)[0].log_uid as string;
    expect(logUid()).not.toBe(logUid());
  });

  it('refuses an unknown trigger, listing the templates', () => {
    let error: EventTemplateError | null = null;
    try {
      generateEvent('sqs');
    } catch (e) {
      error = e as EventTemplateError;
    }
    expect(error).toBeInstanceOf(EventTemplateError);
    expect(error!.code).toBe('FGRUN_EVENT_UNKNOWN_TRIGGER');
    expect(error!.message).toBe("there is no event template 'sqs'; the templates are apig, timer, obs, smn, dis, kafka, kafka-opensource, rocketmq, lts, cts, dds (fgrun event --list)");
    expect(generateEvent('APIG')).toHaveProperty('httpMethod', 'GET');
  });
});
