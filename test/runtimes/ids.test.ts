import { describe, expect, it } from 'vitest';
import { isRuntimeId, normalizeRuntimeId, RUNTIME_IDS, runtimeEnvVar } from '../../src/runtimes/index.js';
import { runtimeBinary, runtimeVersion, versionLabel } from '../../src/runtimes/ids.js';

describe('runtime ids', () => {
  it('lists the supported ids oldest -> newest', () => {
    expect(RUNTIME_IDS).toEqual(['Python2.7', 'Python3.6', 'Python3.9', 'Python3.10', 'Python3.12']);
    expect(Object.isFrozen(RUNTIME_IDS)).toBe(true);
  });

  it('recognises only the exact spelling as a RuntimeId', () => {
    expect(RUNTIME_IDS.every((id) => isRuntimeId(id))).toBe(true);
    expect(isRuntimeId('python3.9')).toBe(false);
    expect(isRuntimeId('Python3.7')).toBe(false);
    expect(isRuntimeId('Python3.1')).toBe(false);
  });

  it('normalises any letter case and surrounding spaces', () => {
    expect(normalizeRuntimeId('python3.9')).toBe('Python3.9');
    expect(normalizeRuntimeId(' PYTHON3.10 ')).toBe('Python3.10');
    expect(normalizeRuntimeId('Python2.7')).toBe('Python2.7');
    expect(normalizeRuntimeId('Python3.7')).toBeNull();
    expect(normalizeRuntimeId('3.9')).toBeNull();
    expect(normalizeRuntimeId('Ruby')).toBeNull();
  });

  it('derives the version, env var and binary name of each runtime', () => {
    expect(RUNTIME_IDS.map((id) => runtimeVersion(id))).toEqual([
      { major: 2, minor: 7 },
      { major: 3, minor: 6 },
      { major: 3, minor: 9 },
      { major: 3, minor: 10 },
      { major: 3, minor: 12 },
    ]);
    expect(RUNTIME_IDS.map((id) => runtimeEnvVar(id))).toEqual([
      'FGRUN_PYTHON_2_7',
      'FGRUN_PYTHON_3_6',
      'FGRUN_PYTHON_3_9',
      'FGRUN_PYTHON_3_10',
      'FGRUN_PYTHON_3_12',
    ]);
    expect(RUNTIME_IDS.map((id) => runtimeBinary(id))).toEqual(['python2.7', 'python3.6', 'python3.9', 'python3.10', 'python3.12']);
    expect(versionLabel('Python3.10')).toBe('3.10');
  });
});
