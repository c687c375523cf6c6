// Every invocation, live, newest first: filtered by function and status, a click opens its result.
import { byId, formatMs, h } from './dom.js';
import type { ConsoleInvocation } from './types.js';

/** As many as the server keeps. */
const KEEP = 1000;

export class InvocationsList {
  records: ConsoleInvocation[] = [];
  private readonly body = byId('invocation-table').querySelector('tbody')!;
  private readonly fnFilter = byId<HTMLSelectElement>('filter-function');
  private readonly statusFilter = byId<HTMLSelectElement>('filter-status');

  constructor(private readonly onOpen: (record: ConsoleInvocation) => void) {
    this.fnFilter.addEventListener('change', () => this.render());
    this.statusFilter.addEventListener('change', () => this.render());
  }

  // The function names the filter offers.
  setFunctions(names: string[]): void {
    const chosen = this.fnFilter.value;
    this.fnFilter.replaceChildren(h('option', { value: '' }, 'all'), ...[...new Set(names)].map((n) => h('option', { value: n }, n)));
    this.fnFilter.value = names.includes(chosen) ? chosen : '';
  }

  replace(records: ConsoleInvocation[]): void {
    this.records = records.slice(-KEEP);
    this.render();
  }

  // Records fetched apart from the stream (the whole history), merged with those already here by seq.
  merge(records: ConsoleInvocation[]): void {
    const bySeq = new Map(this.records.map((r) => [r.seq, r]));
    for (const r of records) bySeq.set(r.seq, r);
    this.replace([...bySeq.values()].sort((a, b) => a.seq - b.seq));
  }

  add(record: ConsoleInvocation): void {
    this.records.push(record);
    if (this.records.length > KEEP) {
      this.records.shift();
      this.body.lastElementChild?.remove();
    }
    if (this.matches(record)) this.body.prepend(this.row(record));
    this.count();
  }

  private matches(r: ConsoleInvocation): boolean {
    const fn = this.fnFilter.value;
    const status = this.statusFilter.value;
    return (fn === '' || r.function === fn) && (status === '' || (status === 'failed' ? r.status !== 'success' : r.status === status));
  }

  private row(r: ConsoleInvocation): HTMLTableRowElement {
    return h('tr', { 'data-request-id': r.requestId, 'data-status': r.status, 'data-function': r.function, onclick: () => this.onOpen(r) },
      h('td', {}, new Date(r.time).toLocaleTimeString()),
      h('td', {}, h('a', { class: 'request-id', href: `#${r.requestId}`, title: 'open this invocation' }, r.requestId)),
      h('td', {}, r.function),
      h('td', {}, r.source),
      h('td', { class: r.status === 'success' ? 'ok' : 'error' }, r.status),
      h('td', {}, formatMs(r.summary.durationMs)),
      h('td', {}, `${r.summary.maxMemoryUsedMb.toFixed(1)} / ${r.summary.memorySizeMb} MB`));
  }

  private render(): void {
    this.body.replaceChildren(...this.records.filter((r) => this.matches(r)).reverse().map((r) => this.row(r)));
    this.count();
  }

  private count(): void {
    byId('invocation-count').textContent = `(${this.body.childElementCount} shown of ${this.records.length})`;
  }
}
