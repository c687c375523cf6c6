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
  /**
   * APIG only: send the body base64-encoded (isBase64Encoded: true), as the cloud does by default
   * (backend setting x-apigateway-is-send-fg-body-base64). The body is encoded after the --set
   * assignments, so `--set body=...` takes text; not when they set isBase64Encoded themselves.
   * @default true
   */
  apigBase64?: boolean;
}

// The APIG event's text body as APIG sends it by default: base64, isBase64Encoded true.
function encodeApigBody(event: Record<string, unknown>): void {
  if (event.isBase64Encoded !== false || typeof event.body !== 'string') return;
  event.body = Buffer.from(event.body, 'utf8').toString('base64');
  event.isBase64Encoded = true;
}

// A new event for `trigger`, with fresh ids and times and the --set overrides applied.
export function generateEvent(trigger: string, options: GenerateEventOptions = {}): unknown {
  const template = EVENT_TEMPLATES.find((t) => t.name === trigger.toLowerCase());
  if (!template) {
    throw new EventTemplateError('FGRUN_EVENT_UNKNOWN_TRIGGER', `there is no event template '${trigger}'; the templates are ${EVENT_TRIGGERS.join(', ')} (fgrun event --list)`, { trigger });
  }
  const event = template.build(options.now ?? new Date());
  for (const assignment of options.set ?? []) setField(event, assignment);
  if (template.name === 'apig' && options.apigBase64 !== false) encodeApigBody(event as Record<string, unknown>);
  return event;
}
