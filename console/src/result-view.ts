// An invocation's execution result in FunctionGraph's three parts: function return, execution
// summary, log output.
import { byId, formatMs, h } from './dom.js';
import type { ConsoleInvocation } from './types.js';

// The return as pretty JSON when it is JSON, else the body as sent.
function returnText(record: ConsoleInvocation): string {
  if (record.error) return JSON.stringify(record.error, null, 2);
  if (record.bodyTruncated) return `${record.body}\n… (cut at 64 KB)`;
  try {
    return JSON.stringify(JSON.parse(record.body), null, 2);
  } catch {
    return record.body;
  }
}

export function showResult(record: ConsoleInvocation): void {
  const s = record.summary;
  byId('result').hidden = false;
  const status = byId('result-status');
  status.textContent = record.status;
  status.className = `badge ${record.status === 'success' ? 'success' : 'failed'}`;
  byId('result-return').textContent = returnText(record);
  const rows: [string, string][] = [
    ['Request ID', record.requestId],
    ['Function', `${record.function} (${record.source})`],
    ['Runtime', `${record.runtime} (Python ${record.python})`],
    ['Configured memory', `${s.memorySizeMb} MB`],
    ['Duration', formatMs(s.durationMs)],
    ['Memory used', `${s.maxMemoryUsedMb.toFixed(3)} MB`],
    ['Billed duration', `${s.billedDurationMs} ms`],
  ];
  if (s.coldStart && s.initDurationMs !== null) rows.push(['Init duration', `${formatMs(s.initDurationMs)} (cold start)`]);
  rows.push(['Status', record.status]);
  byId('result-summary').replaceChildren(...rows.map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', {}, v))));
  byId('result-log').textContent = record.log;
}
