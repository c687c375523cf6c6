// Issue 19 item 3: the Context surface beyond the guide (the OTC runtime mock's): workflow ids (empty
// locally), invoke and trace ids (the request id), no invoke property, a state store kept by the
// instance across its requests, and the instance id (the interpreter's pid unless set).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createFunction } from '../../src/function/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';

const code = mkdtempSync(join(tmpdir(), 'fgrun-context-extras-'));
writeFileSync(join(code, 'index.py'), [
  'import os',
  '',
  'def handler(event, context):',
  '    before = context.get_state()',
  '    context.set_state((before or 0) + 1)',
  '    if event.get("name"):',
  '        context.set_instance_id(event["name"])',
  '    return {"workflow": [context.getWorkflowID(), context.getWorkflowRunID(), context.getWorkflowStateID()],',
  '            "invoke": context.get_invoke_id(), "trace": context.get_trace_id(), "property": context.get_invoke_property(),',
  '            "state": [before, context.get_state()], "instance": context.get_instance_id(), "pid": str(os.getpid())}',
  '',
].join('\n'));
afterAll(() => rmSync(code, { recursive: true, force: true }));

describeEachRuntime('the Context beyond the guide', (runtime) => {
  it('gives workflow ids, invoke and trace ids, the state store and the instance id', async () => {
    const handle = await createFunction({ code, runtime: runtime.runtime, maxInstances: 1 });
    try {
      const first = (await handle.invoke({}, { requestId: 'r-1' })).result as Record<string, unknown>;
      expect(first).toEqual({ workflow: ['', '', ''], invoke: 'r-1', trace: 'r-1', property: null, state: [null, 1], instance: first['pid'], pid: first['pid'] });
      const second = (await handle.invoke({ name: 'mine' }, { requestId: 'r-2' })).result as Record<string, unknown>;
      expect(second).toMatchObject({ invoke: 'r-2', trace: 'r-2', state: [1, 2], instance: 'mine', pid: first['pid'] });
    } finally {
      await handle.close();
    }
  });
}, undefined, { concurrent: true });
