// Escapes with a cgroup v2 per instance (where this machine allows one; otherwise a visible skip).
import { describe, it } from 'vitest';
import { cgroupFolder } from '../../src/platform/index.js';
import { escapeCases } from './escape-cases.js';

if (cgroupFolder()) escapeCases('cgroup per instance', {});
else describe.skip('escapes (cgroup per instance) skipped: no writable cgroup v2 here (not root, not delegated)', () => it('needs a cgroup', () => {}));
