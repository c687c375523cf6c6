import { describe, expect, it } from 'vitest';
import { pyenvRoot, sortPyenvVersions } from '../../src/runtimes/candidates.js';

describe('pyenv versions', () => {
  it('orders plain releases by numeric patch, highest first, then the rest', () => {
    const names = ['3.9.2', '3.9.18-debug', '3.9.18', '3.9.10', '3.10.13', '3.1.4', '3.9.0rc1', 'system', '3.9', 'miniconda3-3.9'];
    expect(sortPyenvVersions(names, '3.9')).toEqual(['3.9.18', '3.9.10', '3.9.2', '3.9.18-debug', '3.9.0rc1']);
  });

  it('does not mistake 3.1.x for 3.10.x or the other way round', () => {
    const names = ['3.1.4', '3.10.13', '3.10.2', '3.12.1'];
    expect(sortPyenvVersions(names, '3.10')).toEqual(['3.10.13', '3.10.2']);
    expect(sortPyenvVersions(names, '3.1')).toEqual(['3.1.4']);
  });

  it('finds the root in PYENV_ROOT, else under HOME, else nowhere', () => {
    expect(pyenvRoot({ PYENV_ROOT: '/opt/pyenv', HOME: '/home/u' })).toBe('/opt/pyenv');
    expect(pyenvRoot({ HOME: '/home/u' })).toBe('/home/u/.pyenv');
    expect(pyenvRoot({ PYENV_ROOT: 'relative', HOME: '/home/u' })).toBe('/home/u/.pyenv');
    expect(pyenvRoot({})).toBeNull();
  });
});
