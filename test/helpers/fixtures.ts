// Paths of the fixture functions under fixtures/functions/<scenario>/.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const fixture = (scenario: string): string => join(ROOT, 'fixtures', 'functions', scenario);
export const CLI = join(ROOT, 'bin', 'fgrun.js');
