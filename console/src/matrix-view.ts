// The matrix of one event on every runtime: which runtimes agree with the reference, and a diff
// where they do not (the report `fgrun matrix` prints).
import { byId, formatMs, h } from './dom.js';
import type { MatrixReport } from './types.js';

export function showMatrixRunning(): void {
  byId('matrix').hidden = false;
  const status = byId('matrix-status');
  status.textContent = 'running…';
  status.className = 'badge';
  byId('matrix-table').replaceChildren();
  byId('matrix-diffs').replaceChildren();
}

export function showMatrix(report: MatrixReport): void {
  const status = byId('matrix-status');
  const ran = report.rows.filter((r) => r.status !== 'skipped').length;
  const allAgree = report.differing === 0 && report.failed === 0;
  status.textContent = allAgree ? `all ${ran} runtimes agree` : `${report.differing} differ, ${report.failed} failed`;
  status.className = `badge ${allAgree ? 'success' : 'failed'}`;
  status.dataset.differing = String(report.differing);
  const head = h('tr', {}, ...['runtime', 'python', 'status', 'agrees', 'duration', 'result'].map((t) => h('th', {}, t)));
  const rows = report.rows.map((r) => h('tr', { 'data-runtime': r.runtime },
    h('td', {}, r.runtime + (r.runtime === report.reference ? ' (reference)' : '')),
    h('td', {}, r.python ?? '—'),
    h('td', {}, r.status),
    h('td', { class: r.agrees === false ? 'error' : 'ok' }, r.agrees === null ? '—' : r.agrees ? 'yes' : 'no'),
    h('td', {}, r.summary ? formatMs(r.summary.durationMs) : r.reason ?? '—'),
    h('td', {}, h('code', {}, (r.body ?? '').slice(0, 120)))));
  byId('matrix-table').replaceChildren(head, ...rows);
  byId('matrix-diffs').replaceChildren(...report.differences.map((d) => h('div', {},
    h('h3', {}, `${d.runtime} against ${d.reference}`),
    h('pre', { class: 'diff' }, ...d.diff.split('\n').map((line) =>
      h('span', { class: line.startsWith('+') ? 'diff-add' : line.startsWith('-') ? 'diff-del' : '' }, line + '\n'))))));
}
