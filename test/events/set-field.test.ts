// --set path=value / path:=json on generated events.
import { describe, expect, it } from 'vitest';
import { EventTemplateError, generateEvent, setField } from '../../src/events/index.js';

const failure = (event: unknown, assignment: string): EventTemplateError => {
  try {
    setField(event, assignment);
  } catch (error) {
    expect(error).toBeInstanceOf(EventTemplateError);
    expect((error as EventTemplateError).code).toBe('FGRUN_EVENT_SET');
    return error as EventTemplateError;
  }
  throw new Error(`--set ${assignment} did not fail`);
};

describe('--set', () => {
  it('keeps text where the template has text, even text that looks like JSON', () => {
    const event = generateEvent('apig', { set: ['body={"a":1}', 'queryStringParameters.x=1', 'httpMethod=POST', 'headers.x-custom=a=b'], apigBase64: false }) as Record<string, any>;
    expect(event.body).toBe('{"a":1}');
    expect(event.queryStringParameters).toEqual({ responseType: 'json', x: '1' });
    expect(event.httpMethod).toBe('POST');
    expect(event.headers['x-custom']).toBe('a=b');
  });

  it('reads JSON where the template has a number, boolean, null, object or array, and always with :=', () => {
    const event = generateEvent('apig', { set: ['isBase64Encoded=true', 'pathParameters={"id":"7"}', 'extra:=[1,{"b":null}]', 'count:=3', 'note:="text"'] }) as Record<string, any>;
    expect(event.isBase64Encoded).toBe(true);
    expect(event.pathParameters).toEqual({ id: '7' });
    expect(event.extra).toEqual([1, { b: null }]);
    expect(event.count).toBe(3);
    expect(event.note).toBe('text');
  });

  it('walks arrays with [n] or .n and creates missing objects and arrays', () => {
    const event = generateEvent('kafka', { set: ['records[0].messages[1]=second', 'records.0.topic_id=orders', 'records[1].messages[0]=new', 'meta.source.name=fgrun'] }) as Record<string, any>;
    expect(event.records[0].messages).toEqual(['kafka message1', 'second', 'kafka message3']);
    expect(event.records[0].topic_id).toBe('orders');
    expect(event.records[1]).toEqual({ messages: ['new'] });
    expect(event.meta).toEqual({ source: { name: 'fgrun' } });
  });

  it('says what is wrong with an assignment it cannot apply', () => {
    const event = generateEvent('apig');
    expect(failure(event, 'body').message).toBe("--set body: expects path=value (text) or path:=json, e.g. body='{\"a\":1}' or queryStringParameters.x=1");
    expect(failure(event, 'isBase64Encoded=yes').message).toBe("--set isBase64Encoded=yes: isBase64Encoded is a boolean in the template, so the value must be JSON (got 'yes'); to store text there use isBase64Encoded:='\"text\"'");
    expect(failure(event, 'x:={oops').message).toBe("--set x:={oops: '{oops' is not JSON");
    expect(failure(event, 'body.inner=1').message).toBe("--set body.inner=1: body is a string, so it has no field 'inner'");
    expect(failure(event, 'a..b=1').message).toBe("--set a..b=1: 'a..b' is not a field path: use dots and [n], e.g. records[0].messages[1]");
    expect(failure(generateEvent('kafka'), 'records[5].x=1').message).toBe('--set records[5].x=1: index 5 is past the end of an array of 1');
    expect(failure(event, '__proto__.polluted=1').message).toBe("--set __proto__.polluted=1: '__proto__' cannot be set");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
