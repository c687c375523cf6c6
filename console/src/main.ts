// The console page: wires the functions, the event editor, Test, the matrix, the live invocations
// and the charts to the console's API and its event stream.
import { api, connect } from './api.js';
import { Charts } from './charts.js';
import { curlCommand, invokeCommand } from './commands.js';
import { byId, notify } from './dom.js';
import { JsonEditor } from './editor.js';
import { EventsPanel } from './events-panel.js';
import { FunctionsPanel } from './functions-panel.js';
import { InvocationsList } from './invocations-list.js';
import { showMatrix, showMatrixRunning } from './matrix-view.js';
import { showResult } from './result-view.js';

const editor = new JsonEditor();
const events = new EventsPanel(editor);
const charts = new Charts();
const list = new InvocationsList(showResult);
let authEnabled = false;

const chartFor = (name: string | undefined) => charts.show(list.records.filter((r) => r.function === name));

const functions = new FunctionsPanel((fn) => {
  void events.load(fn.urn).catch((error: Error) => notify(error.message, true));
  chartFor(fn.name);
});

const button = (id: string) => byId<HTMLButtonElement>(id);
editor.onChange((check) => {
  button('test').disabled = !check.ok;
  button('run-matrix').disabled = !check.ok;
});

// Run `action` with its button disabled; failures show in the header.
async function busy(id: string, action: () => Promise<void>): Promise<void> {
  const b = button(id);
  b.disabled = true;
  try {
    await action();
  } catch (error) {
    notify((error as Error).message, true);
  } finally {
    b.disabled = !editor.check.ok;
  }
}

button('test').addEventListener('click', () => void busy('test', async () => {
  const fn = functions.current!;
  const record = await api.test(fn.urn, editor.text);
  showResult(record);
  notify(`${fn.name}: ${record.status} in ${record.summary.durationMs.toFixed(3)} ms`);
}));

button('run-matrix').addEventListener('click', () => void busy('run-matrix', async () => {
  const fn = functions.current!;
  showMatrixRunning();
  const ignore = byId<HTMLInputElement>('matrix-ignore').value.split(/[\s,]+/).filter((p) => p !== '');
  showMatrix(await api.matrix(fn.urn, events.eventName, JSON.parse(editor.text), ignore));
}));

// Show the command and put it on the clipboard when the browser lets us.
function copy(text: string): void {
  const pre = byId('command');
  pre.hidden = false;
  pre.textContent = text;
  navigator.clipboard?.writeText(text).then(() => notify('copied to the clipboard'), () => notify('select the command below to copy it'));
}
button('copy-invoke').addEventListener('click', () => copy(invokeCommand(functions.current!, editor.text)));
button('copy-curl').addEventListener('click', () => copy(curlCommand(functions.current!, editor.text, authEnabled)));

connect({
  snapshot(data) {
    authEnabled = data.authEnabled;
    list.setFunctions(data.functions.map((f) => f.name));
    list.replace(data.invocations);
    // A link to one invocation (#<request id>, as the list's request ids are) opens its result.
    const linked = data.invocations.find((r) => `#${r.requestId}` === location.hash);
    if (linked) showResult(linked);
    functions.update(data.functions);
    chartFor(functions.current?.name);
    // The stream's snapshot carries the newest invocations only: the rest of the history comes once.
    api.invocations().then((all) => {
      list.merge(all);
      const found = all.find((r) => `#${r.requestId}` === location.hash);
      if (found && !linked) showResult(found);
      chartFor(functions.current?.name);
    }, (error: Error) => notify(error.message, true));
  },
  invocation(record) {
    list.add(record);
    if (record.function === functions.current?.name) chartFor(record.function);
  },
  functions(data) {
    functions.update(data);
  },
  connection(state) {
    const badge = byId('connection');
    badge.textContent = state;
    badge.className = `badge ${state === 'live' ? 'success' : 'failed'}`;
  },
});

api.templates().then((t) => events.setTemplates(t), (error: Error) => notify(error.message, true));
