// What `npm pack` would publish: the bootstrap and shim sources, never Python's byte-code caches.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('npm tarball', () => {
  it('ships bootstrap/ and pyshim/ sources and no __pycache__ or .pyc', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: new URL('../..', import.meta.url) });
    const files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    expect(files).toContain('bootstrap/main.py');
    expect(files).toContain('pyshim/fgrun_context.py');
    expect(files.filter((f) => f.includes('__pycache__') || f.endsWith('.pyc'))).toEqual([]);
  }, 60_000);
});
