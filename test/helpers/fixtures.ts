// Paths of the fixture functions under fixtures/functions/<scenario>/.
import { createHash } from 'node:crypto';
import { tmpdir, userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const fixture = (scenario: string): string => join(ROOT, 'fixtures', 'functions', scenario);
export const CLI = join(ROOT, 'bin', 'fgrun.cjs');

// RUNTIME_CODE_ROOT of a function (docs/runtimes.md): <tmp>/fgrun-<uid>/roots/<name>-<sha256(code) 12 hex>/code.
export const runtimeCodeRoot = (code: string, name: string): string =>
  join(tmpdir(), `fgrun-${userInfo().uid}`, 'roots', `${name}-${createHash('sha256').update(code).digest('hex').slice(0, 12)}`, 'code');
