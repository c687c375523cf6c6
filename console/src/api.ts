// The console's API (docs/console.md), same-origin: the cookie carries the token when one is needed.
import type { ConsoleInvocation, FunctionView, MatrixReport, SavedEvent, TemplateInfo } from './types.js';

const BASE = '/console/api';

class ApiFailure extends Error {}

async function call<T>(method: string, path: string, body?: string): Promise<T> {
  const response = await fetch(BASE + path, { method, body, headers: body === undefined ? {} : { 'Content-Type': 'application/json' } });
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { error_msg?: string }).error_msg ?? text;
    } catch {
      // not JSON: show the text
    }
    throw new ApiFailure(`${response.status}: ${message}`);
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

const fn = (urn: string) => `/functions/${encodeURIComponent(urn)}`;
const ev = (name: string) => `/events/${encodeURIComponent(name)}`;

export const api = {
  templates: () => call<{ templates: TemplateInfo[] }>('GET', '/templates').then((r) => r.templates),
  template: (name: string) => call<unknown>('GET', `/templates/${encodeURIComponent(name)}`),
  events: (urn: string) => call<{ events: SavedEvent[] }>('GET', `${fn(urn)}/events`).then((r) => r.events),
  saveEvent: (urn: string, name: string, text: string) => call<SavedEvent>('PUT', fn(urn) + ev(name), text),
  renameEvent: (urn: string, name: string, to: string) => call<SavedEvent>('POST', `${fn(urn)}${ev(name)}/rename`, JSON.stringify({ to })),
  deleteEvent: (urn: string, name: string) => call<void>('DELETE', fn(urn) + ev(name)),
  test: (urn: string, text: string) => call<ConsoleInvocation>('POST', `${fn(urn)}/test`, text),
  matrix: (urn: string, name: string, event: unknown, ignore: string[]) => call<MatrixReport>('POST', `${fn(urn)}/matrix`, JSON.stringify({ name, event, ignore })),
  functions: () => call<{ functions: FunctionView[] }>('GET', '/functions').then((r) => r.functions),
  invocations: () => call<{ invocations: ConsoleInvocation[] }>('GET', '/invocations').then((r) => r.invocations),
};

/** The live stream's events. */
export interface StreamHandlers {
  snapshot(data: { functions: FunctionView[]; invocations: ConsoleInvocation[]; authEnabled: boolean }): void;
  invocation(record: ConsoleInvocation): void;
  functions(functions: FunctionView[]): void;
  connection(state: 'live' | 'reconnecting'): void;
}

// Server-sent events: a snapshot on (re)connect, then each invocation and each instance change.
export function connect(handlers: StreamHandlers): EventSource {
  const source = new EventSource(`${BASE}/stream`);
  source.addEventListener('snapshot', (e) => handlers.snapshot(JSON.parse((e as MessageEvent<string>).data)));
  source.addEventListener('invocation', (e) => handlers.invocation(JSON.parse((e as MessageEvent<string>).data)));
  source.addEventListener('functions', (e) => handlers.functions(JSON.parse((e as MessageEvent<string>).data)));
  source.onopen = () => handlers.connection('live');
  source.onerror = () => handlers.connection('reconnecting');
  return source;
}
