// Trigger event templates (fgrun event). Re-exports only.
export { EVENT_TEMPLATES, EVENT_TRIGGERS, generateEvent, type EventTemplate, type GenerateEventOptions } from './registry.js';
export { setField } from './set-field.js';
export { EventTemplateError } from './errors.js';
