// Where a config file is, apart from reading one (file.ts): a command run without a config file
// never loads the file's schema (docs/performance.md, "CLI start").
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The names `fgrun` looks for in a folder, in this order. */
export const CONFIG_FILE_NAMES = ['fgrun.json', 'fgrun.yaml', 'fgrun.yml'] as const;

// The config file in `dir` (fgrun.json, then fgrun.yaml, then fgrun.yml), or null.
export function findConfigFile(dir = '.'): string | null {
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}
