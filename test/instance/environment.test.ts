// The function's environment is built, never inherited: RUNTIME_* with the reference's names and
// values, the user's variables, a minimal base; no host variable; reserved names refused.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { createFunction, ConfigError, RESERVED_ENV } from '../../src/index.js';
import { describeEachRuntime } from '../helpers/runtimes.js';
import { fixture, ROOT, runtimeCodeRoot } from '../helpers/fixtures.js';

const SECRET = 'FGRUN_TEST_HOST_SECRET';

afterEach(() => {
  delete process.env[SECRET];
});

describe.concurrent('environment', () => {
  describeEachRuntime('environment isolation', (runtime) => {
    it('holds exactly the base, the user variables and RUNTIME_*, never a host variable', async () => {
      process.env[SECRET] = 'host-only-value';
      const fn = await createFunction({
        code: fixture('fault-env'), runtime: runtime.runtime, pythonPath: runtime.path, memorySize: 256, timeout: 7,
        initializer: 'index.init', initializerTimeout: 5, userData: { GREETING: 'hé', DB_URL: 'postgres://x' },
        credentials: { securityAccessKey: 'AK-SECRET', securitySecretKey: 'SK-SECRET', securityToken: 'TOKEN-SECRET' },
      });
      try {
        const env = (await fn.invoke({})).result as Record<string, string>;
        expect(Object.keys(env).sort()).toEqual([
          'DB_URL', 'GREETING', 'HOME', 'LANG', 'PATH', 'PYTHONDONTWRITEBYTECODE', 'PYTHONIOENCODING', 'PYTHONUNBUFFERED',
          ...RESERVED_ENV, 'TZ',
        ].sort());
        expect(env).toMatchObject({
          GREETING: 'hé', DB_URL: 'postgres://x', LANG: 'C.UTF-8', TZ: 'UTC',
          PATH: `${dirname(runtime.path)}:/usr/local/bin:/usr/bin:/bin`,
          RUNTIME_PROJECT_ID: 'local', RUNTIME_FUNC_NAME: 'fault-env', RUNTIME_FUNC_VERSION: 'latest', RUNTIME_PACKAGE: 'default',
          RUNTIME_HANDLER: 'index.handler', RUNTIME_TIMEOUT: '7', RUNTIME_USERDATA: JSON.stringify({ GREETING: 'hé', DB_URL: 'postgres://x' }),
          RUNTIME_CPU: '400', RUNTIME_MEMORY: '256', RUNTIME_MAX_RESP_BODY_SIZE: '6291456',
          RUNTIME_INITIALIZER_HANDLER: 'index.init', RUNTIME_INITIALIZER_TIMEOUT: '5',
          RUNTIME_ROOT: ROOT.replace(/\/$/, ''), RUNTIME_CODE_ROOT: runtimeCodeRoot(fixture('fault-env'), 'fault-env'),
        });
        expect(existsSync(env.RUNTIME_LOG_DIR!)).toBe(true);
        expect(JSON.stringify(env)).not.toMatch(/host-only-value|AK-SECRET|SK-SECRET|TOKEN-SECRET/);
      } finally {
        await fn.close();
      }
    });
  });

  it.each(RESERVED_ENV.map((name) => [name]))('refuses %s in user data', async (name) => {
    const created = createFunction({ code: fixture('fault-env'), userData: { [name]: 'x' } });
    await expect(created).rejects.toBeInstanceOf(ConfigError);
    await expect(created).rejects.toMatchObject({
      code: 'FGRUN_CONFIG',
      message: `invalid function config: userData.${name} is reserved by the FunctionGraph runtime; rename the variable`,
    });
  });
});
