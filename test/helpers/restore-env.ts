// Setup file of the files that share a worker (vitest.config.ts): each file gets the environment
// the worker started with, whatever the file before it set or deleted in process.env.
import { afterAll } from 'vitest';

const started = { ...process.env };

afterAll(() => {
  for (const key of Object.keys(process.env)) if (!(key in started)) delete process.env[key];
  Object.assign(process.env, started);
});
