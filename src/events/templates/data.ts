// Storage, database and audit triggers: OBS, DDS, LTS, CTS (shapes: fixtures/events/
// obss3_event.json, dds_event.json, lts_event.json, cts_fg_create.json).
import { DOMAIN, PROJECT, REGION } from './account.js';
import { base64, hex, isoMillis, objectId, uuid } from '../fresh.js';

// An object uploaded to a bucket just now.
export function obsEvent(now: Date): unknown {
  return {
    Records: [
      {
        eventVersion: '2.0',
        eventTime: isoMillis(now),
        requestParameters: { sourceIPAddress: '203.0.113.25' },
        s3: {
          configurationId: `UK1D${hex(44).toUpperCase()}`,
          object: { eTag: hex(32), sequencer: hex(32).toUpperCase(), key: 'photo.png', size: 777835 },
          bucket: { arn: 'arn:fss:s3:::fgrun-bucket', name: 'fgrun-bucket', ownerIdentity: { PrincipalId: DOMAIN } },
        },
        awsRegion: REGION,
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: hex(32) },
      },
    ],
  };
}

// A document inserted into a DDS (MongoDB) collection; the fields are JSON text, as DDS sends them.
export function ddsEvent(now: Date): unknown {
  return {
    records: [
      {
        event_source: 'dds',
        event_name: 'insert',
        region: REGION,
        event_version: '1.0',
        dds: {
          size_bytes: '100',
          token: JSON.stringify({ _data: hex(100).toUpperCase() }),
          full_document: JSON.stringify({ _id: { $oid: objectId(now) }, name: 'dds', age: { $numberDouble: '52.0' } }),
          ns: JSON.stringify({ db: 'functiongraph', coll: 'person' }),
        },
        event_source_id: 'e6f0a1b2-c3d4-4e5f-8a9b-0c1d2e3f4a5b',
      },
    ],
  };
}

// One LTS log line: `data` is base64 of a JSON object whose `logs` is itself JSON text.
export function ltsEvent(now: Date): unknown {
  const logs = [{
    message: `${now.toISOString().slice(0, 10)}/${now.toISOString().slice(11, 19)} [WRN] [app.py:8] This is a test message.`,
    time: now.getTime(), host_name: 'ecs-fgrun', ip: '192.0.2.10', path: 'var/log/app.log', log_uid: uuid(), line_no: 1,
  }];
  const payload = { logs: JSON.stringify(logs), owner: PROJECT, log_group_id: 'b8a7c6d5-e4f3-4a2b-9c1d-0e9f8a7b6c5d', log_topic_id: 'f1e2d3c4-b5a6-4978-8a1b-2c3d4e5f6a7b' };
  return { lts: { data: base64(JSON.stringify(payload)) } };
}

// A CTS trace: a FunctionGraph function was created just now.
export function ctsEvent(now: Date): unknown {
  return {
    cts: {
      api_version: '',
      code: 0,
      domain_id: DOMAIN,
      message: `POST /v2/${PROJECT}/fgs/functions, create function[fgrun-function]`,
      operation_id: 'CreateFunction',
      project_id: PROJECT,
      read_only: false,
      record_time: now.getTime(),
      request: {},
      resource_account_id: '',
      resource_id: 'fgrun-function',
      resource_name: 'fgrun-function',
      resource_type: 'Functions',
      response: {},
      service_type: 'FunctionGraph',
      source_ip: '203.0.113.4',
      time: now.getTime(),
      trace_id: uuid(),
      trace_name: 'createFunction',
      trace_rating: 'normal',
      trace_status: 'normal',
      trace_type: 'ConsoleAction',
      user: { domain: { name: 'fgrun-domain', id: DOMAIN }, name: 'user', id: hex(32) },
    },
  };
}
