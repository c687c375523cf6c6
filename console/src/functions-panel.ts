// The served functions: a card each (name, runtime, live instance counts), and the selected one's
// configuration in full.
import { byId, h } from './dom.js';
import type { FunctionView } from './types.js';

export class FunctionsPanel {
  functions: FunctionView[] = [];
  selected: string | null = null;

  constructor(private readonly onSelect: (fn: FunctionView) => void) {}

  get current(): FunctionView | undefined {
    return this.functions.find((f) => f.urn === this.selected);
  }

  // New facts from the server (the snapshot, or a change of instance counts).
  update(functions: FunctionView[]): void {
    this.functions = functions;
    const first = this.selected === null || !this.current;
    if (first && functions[0]) this.selected = functions[0].urn;
    this.render();
    if (first && this.current) this.onSelect(this.current);
  }

  select(urn: string): void {
    if (urn === this.selected) return;
    this.selected = urn;
    this.render();
    if (this.current) this.onSelect(this.current);
  }

  private render(): void {
    byId('functions').replaceChildren(...this.functions.map((f) => h('div', {
      class: `function${f.urn === this.selected ? ' selected' : ''}`, 'data-urn': f.urn, 'data-name': f.name, onclick: () => this.select(f.urn),
    },
    h('div', { class: 'name' }, f.name),
    h('div', { class: 'meta' }, `${f.runtime} · Python ${f.python} · ${f.memorySize} MB`),
    h('div', { class: 'instances' },
      h('span', { class: 'badge', 'data-instances': 'warm', title: 'idle warm instances' }, `warm ${f.instances.warm}`),
      h('span', { class: 'badge', 'data-instances': 'busy', title: 'instances running a request' }, `busy ${f.instances.busy}`),
      h('span', { class: 'badge', 'data-instances': 'starting', title: 'instances starting' }, `starting ${f.instances.starting}`),
      f.instances.queued ? h('span', { class: 'badge', title: 'requests waiting for an instance' }, `queued ${f.instances.queued}`) : null))));
    const f = this.current;
    if (!f) return;
    const rows: [string, Node | string][] = [
      ['Name', f.name],
      ['Runtime', `${f.runtime} (Python ${f.python}, ${f.interpreter})`],
      ['Type', f.type === 'http' ? 'HTTP function (its bootstrap starts a server on 127.0.0.1:8000)' : 'event function'],
      ['Handler', f.handler],
      ['Initializer', f.initializer ?? '—'],
      ['Memory', `${f.memorySize} MB`],
      ['Timeout', `${f.timeout} s`],
      ['URN', f.urn],
      ['Invoke API', `POST ${f.invokeUrl}`],
      ['Gateway', f.gatewayUrl ? h('a', { href: f.gatewayUrl, target: '_blank', rel: 'noopener' }, f.gatewayUrl) : '— (another function has this name)'],
      ['Instances', `${f.instances.warm} warm, ${f.instances.busy} busy, ${f.instances.starting} starting (at most ${f.maxInstances})`],
    ];
    byId('details').replaceChildren(h('h2', {}, f.name), h('table', {}, ...rows.map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', { 'data-field': k.toLowerCase() }, v)))));
  }
}
