// Message triggers: SMN, DIS, DMS for Kafka, open-source Kafka, RocketMQ (shapes:
// fixtures/events/smn_event.json, dms4kafka_event.json, kafkaopensource_event.json,
// rocketmq_event.json; DIS from FunctionGraph's documented example).
import { REGION, PROJECT } from './account.js';
import { base64, dateText, epochSeconds, hex, isoSeconds, uuid } from '../fresh.js';

// One SMN notification, published now.
export function smnEvent(now: Date): unknown {
  return {
    record: [
      {
        event_version: '1.0',
        smn: {
          topic_urn: `urn:smn:${REGION}:${PROJECT}:fgrun-topic`,
          timestamp: isoSeconds(now),
          message_attributes: null,
          message: 'this is smn message content',
          type: 'notification',
          message_id: hex(32),
          subject: 'this is smn message subject',
        },
        event_subscription_urn: `urn:fss:${REGION}:${PROJECT}:function:default:fgrun-function:latest`,
        event_source: 'smn',
      },
    ],
    functionname: 'fgrun-function',
    requestId: uuid(),
    timestamp: dateText(now),
  };
}

// A batch of DIS records: `data` is base64, as the stream holds it.
export function disEvent(now: Date): unknown {
  const cursor = { getIteratorParam: { 'stream-name': 'dis-fgrun', 'partition-id': 'shardId-0000000000', 'cursor-type': 'TRIM_HORIZON', 'starting-sequence-number': '3' }, generateTimestamp: now.getTime() };
  return {
    ShardID: 'shardId-0000000000',
    Message: {
      next_partition_cursor: base64(JSON.stringify(cursor)),
      records: ['hello', 'from', 'dis'].map((word, i) => ({ partition_key: 'shardId_0000000000', data: base64(word), sequence_number: String(i) })),
      millis_behind_latest: '',
    },
    Tag: 'latest',
    StreamName: 'dis-fgrun',
  };
}

// The envelope DMS for Kafka, open-source Kafka and RocketMQ triggers share.
function queueEvent(now: Date, triggerType: string, instanceId: string, topic: string, prefix: string): unknown {
  return {
    event_version: 'v1.0',
    event_time: epochSeconds(now),
    trigger_type: triggerType,
    region: REGION,
    instance_id: instanceId,
    records: [{ messages: [1, 2, 3].map((n) => `${prefix} message${n}`), topic_id: topic }],
  };
}

// DMS for Kafka messages.
export function kafkaEvent(now: Date): unknown {
  return queueEvent(now, 'KAFKA', '3b1f6f0e-7c1a-4f39-9d0a-2c5e8b7a4d10', 'topic-fgrun', 'kafka');
}

// Open-source Kafka messages (the same envelope as DMS for Kafka).
export function kafkaOpenSourceEvent(now: Date): unknown {
  return queueEvent(now, 'KAFKA', '8e2d4c6a-1b3f-4e5d-a7c9-0f1e2d3c4b5a', 'topic-fgrun', 'kafka');
}

// DMS for RocketMQ messages.
export function rocketmqEvent(now: Date): unknown {
  return queueEvent(now, 'ROCKETMQ', 'c41e7a9b-5d2f-4a8e-b6c3-9f0d1e2a3b4c', 'topic-fgrun', 'rocketmq');
}
