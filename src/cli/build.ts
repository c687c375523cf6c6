// `fgrun build`: install requirements.txt with each runtime's own pip into fgrun's build store.
import './one-shot.js';
import { Command } from 'commander';
import { commandDescription } from './descriptions.js';
import { buildDependencies, type BuildResult } from '../build/index.js';
import { installBundled, type BundledResult } from '../bundled/index.js';
import { resolve } from 'node:path';
import { ConfigError, RuntimeError } from '../errors.js';
import { parseRuntimeList } from '../matrix/index.js';
import { prepareCode } from '../package/index.js';
import { resolveRuntime, type RuntimeInfo } from '../runtimes/index.js';
import { functionSource } from './function-source.js';
import type { Io } from './io.js';

interface BuildFlags {
  runtime?: string;
  runtimes?: string;
  python?: string;
  findLinks?: string[];
  indexUrl?: string;
  index: boolean;
  force?: boolean;
  bundled?: boolean;
  only?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function buildCommand(io: Io): Command {
  return new Command('build')
    .description(commandDescription('build'))
    .argument('[code]', "the function's code folder or .zip, holding requirements.txt (default: the config file's code, or .)")
    .option('--runtime <id>', "the runtime to build for (default: the config file's runtime, or the newest found)")
    .option('--runtimes <list>', 'build for several runtimes: all (every one found) or e.g. Python2.7,Python3.12')
    .option('--python <path>', 'interpreter to use for --runtime (skips discovery)')
    .option('--find-links <dir>', "look for packages in this folder too (pip's --find-links; repeatable)", collect)
    .option('--index-url <url>', "the package index to use (pip's --index-url)")
    .option('--no-index', 'use no package index, only --find-links (offline)')
    .option('--force', 'install again even when a build for this requirements.txt exists')
    .option('--only <names>', 'with --bundled: only these libraries of the list, e.g. obssdk,pyyaml')
    .option('--bundled', "install the libraries FunctionGraph's runtime bundles (requests, obs, yaml, numpy, ...) into that runtime's shared layer, library by library (docs/build.md)")
    .action(async (code: string | undefined, flags: BuildFlags) => {
      io.exitCode = await runBuild(code, flags, io);
    });
}

async function runBuild(code: string | undefined, flags: BuildFlags, io: Io): Promise<number> {
  if (flags.runtime !== undefined && flags.runtimes !== undefined) {
    throw new ConfigError('pass --runtime or --runtimes, not both', { field: '--runtimes' });
  }
  if (flags.only !== undefined && !flags.bundled) throw new ConfigError('--only picks bundled libraries: use it with --bundled', { field: '--only' });
  if (flags.bundled) {
    if (code !== undefined) throw new ConfigError(`--bundled installs a runtime's bundled libraries, for every function: drop CODE ('${code}')`, { field: '--bundled' });
    return buildBundled(await runtimesFor(flags, undefined, undefined, io), flags, io);
  }
  const { input } = await functionSource(code, {});
  const { code: folder } = await prepareCode({ code: input.code });
  const runtimes = await runtimesFor(flags, input.runtime, input.pythonPath, io);
  const { results, failures } = await buildDependencies({
    code: folder, runtimes, force: flags.force, noIndex: !flags.index, indexUrl: flags.indexUrl, findLinks: flags.findLinks,
    onProgress: (runtime, line) => io.stderr.write(`[${runtime.runtime}] ${line}\n`),
  });
  for (const result of results) io.stdout.write(describe(result));
  if (failures.length === 0) return 0;
  // pip's own lines went to stderr as they came: here only its reason, once per runtime.
  const asked = results.length + failures.length;
  io.stderr.write(`fgrun: the build failed for ${failures.length} of ${asked} runtime${asked === 1 ? '' : 's'}:\n`);
  for (const f of failures) {
    const kept = f.kept ? `the previous build of ${f.kept.builtAt} is kept, and the function runs with it` : 'there is no previous build: the function runs without one';
    io.stderr.write(`  ${f.runtime.runtime} (${f.runtime.version}): ${f.why}; ${kept}\n`);
  }
  return 1;
}

// `fgrun build --bundled`: each runtime's layer, a table of what was installed and what failed.
async function buildBundled(runtimes: RuntimeInfo[], flags: BuildFlags, io: Io): Promise<number> {
  let failed = 0;
  for (const runtime of runtimes) {
    const result = await installBundled(runtime, {
      force: flags.force, only: flags.only?.split(',').map((n) => n.trim()).filter(Boolean), noIndex: !flags.index, indexUrl: flags.indexUrl, findLinks: flags.findLinks?.map((dir) => resolve(dir)),
      onProgress: (line) => io.stderr.write(`[${runtime.runtime}] ${line}\n`),
    });
    failed += result.record.failed.length;
    io.stdout.write(bundledTable(result));
  }
  return failed === 0 ? 0 : 1;
}

// One runtime's outcome: a line, then a row per library (installed, or failed and why).
function bundledTable(result: BundledResult): string {
  const { runtime, record } = result;
  const rows = [...record.installed.map((l) => [l.name, l.version, 'installed']), ...record.failed.map((l) => [l.name, l.version, `failed: ${l.why}`])];
  const width = (i: number) => Math.max(...rows.map((r) => r[i]!.length), i === 0 ? 'library'.length : 'version'.length);
  const row = (r: string[]) => `  ${r[0]!.padEnd(width(0))}  ${r[1]!.padEnd(width(1))}  ${r[2]}`;
  const head = `${runtime.runtime} (${runtime.version}): bundled libraries, ${record.installed.length} of ${result.total} installed in ${result.site}`;
  return [head, row(['library', 'version', 'status']), ...rows.map(row)].join('\n') + '\n';
}

// The runtimes to build for, each with its interpreter; with `all`, missing ones are skipped aloud.
async function runtimesFor(flags: BuildFlags, configured: string | undefined, pythonPath: string | undefined, io: Io): Promise<RuntimeInfo[]> {
  if (flags.runtimes === undefined) {
    return [await resolveRuntime(flags.runtime ?? configured, { pythonPath: flags.python ?? pythonPath })];
  }
  if (flags.python !== undefined) throw new ConfigError('--python names one interpreter: use it with --runtime, not --runtimes', { field: '--python' });
  const all = flags.runtimes.trim().toLowerCase() === 'all';
  const found: RuntimeInfo[] = [];
  for (const id of parseRuntimeList(flags.runtimes)) {
    try {
      found.push(await resolveRuntime(id));
    } catch (error) {
      if (!all || !(error instanceof RuntimeError)) throw error;
      io.stderr.write(`[${id}] skipped: not found on this machine (fgrun runtimes --verbose says where fgrun looked)\n`);
    }
  }
  if (found.length === 0) throw new ConfigError('--runtimes all: no supported runtime found on this machine (see fgrun runtimes)', { field: '--runtimes' });
  return found;
}

// The outcome for one runtime and the packages its build holds.
function describe(result: BuildResult): string {
  const { runtime, record } = result;
  const lines = [`${runtime.runtime} (${runtime.version}): ${result.built ? 'built' : 'up to date'}, ${record.packages.length} package${record.packages.length === 1 ? '' : 's'} in ${result.site}`];
  for (const p of record.packages) lines.push(`  ${p.name} ${p.version}`);
  return lines.join('\n') + '\n';
}
