// The trigger event templates by name, and generateEvent() that builds one with fresh ids and times.
import { EventTemplateError } from './errors.js';
import { setField } from './set-field.js';
import { apigEvent, timerEvent } from './templates/http.js';
import { disEvent, kafkaEvent, kafkaOpenSourceEvent, rocketmqEvent, smnEvent } from './templates/messaging.js';
import { ctsEvent, ddsEvent, ltsEvent, obsEvent } from './templates/data.js';

export interface EventTemplate {
  /** The name `fgrun event <name>` takes. */
  name: string;
  /** The trigger, as FunctionGraph's console names it. */
  description: string;
  /** A new event, stamped with `now`. */
  build(now: Date): unknown;
}

export const EVENT_TEMPLATES: readonly EventTemplate[] = Object.freeze([
  { name: 'apig', description: 'API Gateway (APIG) request', build: apigEvent },
  { name: 'timer', description: 'Timer trigger', build: timerEvent },
  { name: 'obs', description: 'Object Storage Service (OBS) object created', build: obsEvent },
  { name: 'smn', description: 'Simple Message Notification (SMN) message', build: smnEvent },
  { name: 'dis', description: 'Data Ingestion Service (DIS) records', build: disEvent },
  { name: 'kafka', description: 'Distributed Message Service (DMS) for Kafka messages', build: kafkaEvent },
  { name: 'kafka-opensource', description: 'Open-source Kafka messages', build: kafkaOpenSourceEvent },
  { name: 'rocketmq', description: 'DMS for RocketMQ messages', build: rocketmqEvent },
  { name: 'lts', description: 'Log Tank Service (LTS) logs (base64 payload)', build: ltsEvent },
  { name: 'cts', description: 'Cloud Trace Service (CTS) trace', build: ctsEvent },
  { name: 'dds', description: 'Document Database Service (DDS) change', build: ddsEvent },
]);

/** Every template name, in `fgrun event --list` order. */
export const EVENT_TRIGGERS: readonly string[] = Object.freeze(EVENT_TEMPLATES.map((t) => t.name));

export interface GenerateEventOptions {
  /** `path=value` / `path:=json` assignments, applied in order. */
  set?: string[];
  /** The time the event is stamped with. @default now */
  now?: Date;
}

// A new event for `trigger`, with fresh ids and times and the --set overrides applied.
export function generateEvent(trigger: string, options: GenerateEventOptions = {}): unknown {
  const template = EVENT_TEMPLATES.find((t) => t.name === trigger.toLowerCase());
  if (!template) {
    throw new EventTemplateError('FGRUN_EVENT_UNKNOWN_TRIGGER', `there is no event template '${trigger}'; the templates are ${EVENT_TRIGGERS.join(', ')} (fgrun event --list)`, { trigger });
  }
  const event = template.build(options.now ?? new Date());
  for (const assignment of options.set ?? []) setField(event, assignment);
  return event;
}
