// Handler loading: sub-folders, and a distinct, clear failure for each stage.
import { afterAll, expect, it } from 'vitest';
import { createFunction, type FunctionHandle } from '../../src/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { fixture } from '../helpers/fixtures.js';

describeEachRuntime('loading', (runtime) => {
  const handles: FunctionHandle[] = [];
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
  });
  const invoke = async (scenario: string, handler = 'index.handler') => {
    const h = await createFunction({ code: fixture(scenario), handler, runtime: runtime.runtime });
    handles.push(h);
    return h.invoke({});
  };

  it('loads a handler from a sub-folder that imports a module from the code root', async () => {
    const inv = await invoke('subfolder', 'src/index.handler');
    expect(inv.status).toBe('success');
    expect((inv.result as { from: string }).from).toBe('code root');
  });

  it('reports a module that fails to import, with its error', async () => {
    const inv = await invoke('missing-module');
    expect(inv.status).toBe('error');
    const py2 = runtime.runtime === 'Python2.7';
    expect(inv.error!.errorType).toBe(py2 || runtime.runtime === 'Python3.6' ? (py2 ? 'ImportError' : 'ModuleNotFoundError') : 'ModuleNotFoundError');
    expect(inv.error!.errorMessage).toBe(py2
      ? "function entry exception, error: failed to import module 'index'(No module named fgrun_no_such_module_xyz)"
      : "function entry exception, error: failed to import module 'index'(No module named 'fgrun_no_such_module_xyz')");
    expect(inv.error!.stackTrace).toEqual([`File "${fixture('missing-module')}/index.py", line 1, in <module>\n    import fgrun_no_such_module_xyz`]);
  });

  it('reports a missing handler function by name', async () => {
    const inv = await invoke('missing-function');
    expect(inv.status).toBe('error');
    expect(inv.error).toEqual({
      errorMessage: "function entry exception, error: Handler 'handler' missing on module 'index'",
      errorType: 'HandlerNotFound',
      stackTrace: [],
    });
  });

  it('runs Python-2-only syntax on 2.7 and reports a SyntaxError with file and line elsewhere', async () => {
    const inv = await invoke('py2-only');
    if (runtime.runtime === 'Python2.7') {
      expect(inv.status).toBe('success');
      expect(inv.body).toBe('ran on python 2');
      expect(inv.log).toContain('\npython 2 print statement\n');
      return;
    }
    expect(inv.status).toBe('error');
    expect(inv.error!.errorType).toBe('SyntaxError');
    expect(inv.error!.errorMessage).toMatch(/^function entry exception, error: Syntax error in module 'index': Missing parentheses in call to 'print'.* \(index\.py, line 2\)$/);
  });

  it('refuses a malformed handler string before starting anything', async () => {
    await expect(createFunction({ code: fixture('echo'), handler: 'index', runtime: runtime.runtime })).rejects.toMatchObject({
      code: 'FGRUN_CONFIG',
      kind: 'usage',
      message: expect.stringContaining("handler must be '[path/]file.function'"),
    });
  });
});
