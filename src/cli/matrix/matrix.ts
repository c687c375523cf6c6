// `fgrun matrix`: run the function on every runtime (or --runtimes) with each event, show where
// runtimes disagree. Exit 0 when all succeed with equal results, 1 when any fails or differs.
// For CI: --ignore fields that change per run, --require-all, --shard I/N and --merge of the shards.
import '../one-shot.js';
import { accessSync, constants, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { commandDescription } from '../descriptions.js';
import { ConfigError } from '../../errors.js';
import { cpuSlots } from '../../platform/index.js';
import { mergeShardFiles, parseIgnorePaths, parseRuntimeList, parseShard, runMatrix, toJUnit, type MatrixEvent, type MatrixReport } from '../../matrix/index.js';
import { readEvent } from '../event-input.js';
import { addFunctionOptions, type FunctionFlags } from '../function-options.js';
import { addConfigOptions, functionSources, type SourceFlags } from '../function-source.js';
import { flagError } from '../invoke/invoke.js';
import type { Io } from '../io.js';
import { formatMatrix, matrixJson, progressLine } from './matrix-report.js';

interface MatrixFlags extends FunctionFlags, SourceFlags {
  event?: string[];
  events?: string;
  runtimes?: string;
  json?: boolean;
  junit?: string;
  allowDiff?: boolean;
  ignore?: string[];
  requireAll?: boolean;
  wide?: boolean;
  shard?: string;
  merge?: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

// The `matrix` command and its flags.
export function matrixCommand(io: Io): Command {
  const command = new Command('matrix')
    .description(commandDescription('matrix'))
    .argument('[code]', "folder or .zip holding the function code (default: the config file's code, or .)")
    .option('--event <json|@file|->', 'an event (repeatable): inline JSON, @file.json, or - for standard input (default: {})', collect)
    .option('--events <dir>', 'every *.json file in the folder is an event, in name order')
    .option('--runtimes <list>', `all, or a comma-separated list such as Python2.7,Python3.12 (default: all)`);
  addFunctionOptions(command)
    .option('--json', 'print [{runtime, python, event, status, result, body, error, summary, agrees, reason}] on stdout')
    .option('--junit <file>', 'also write a JUnit XML report to the file')
    .option('--allow-diff', 'results that differ between runtimes do not fail the run (exit 0)')
    .option('--ignore <path>', 'leave a field that changes from run to run out of comparisons (repeatable): requestId, body.time, headers.date, items[0].id', collect)
    .option('--require-all', 'fail (exit 1) when a selected runtime has no interpreter here, instead of skipping it')
    .option('--wide', 'show whole results in the table, not their start')
    .option('--shard <I/N>', 'run only share I of N of the cells (function x runtime x event), for a CI job matrix; join with --merge')
    .option('--merge <file...>', 'join the --json files of --shard runs into one report (runs nothing)');
  // A matrix refuses these (it runs several runtimes); they stay parsed to say what to use instead.
  for (const option of command.options) if (option.long === '--runtime' || option.long === '--python') option.hideHelp();
  addConfigOptions(command, 'every').action(async (code: string | undefined, flags: MatrixFlags) => {
    io.exitCode = await runMatrixCommand(code, flags, io);
  });
  return command;
}

// Read the events and the functions, run the matrix (or merge shards), print or write the report; the exit code.
async function runMatrixCommand(code: string | undefined, flags: MatrixFlags, io: Io): Promise<number> {
  if (flags.runtime !== undefined) throw new ConfigError(`--runtime picks one runtime; a matrix runs several: use --runtimes ${flags.runtime}`, { field: '--runtime' });
  if (flags.junit !== undefined) checkWritable(flags.junit);
  const ignore = flags.ignore ?? [];
  parseIgnorePaths(ignore);
  if (flags.merge !== undefined) return mergeCommand(code, flags, io);
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  const runtimes = parseRuntimeList(flags.runtimes);
  const events = await readEvents(flags, io);
  const { inputs } = await functionSources(code, flags, 'every');
  const cores = cpuSlots();
  const share = shard ? `, shard ${shard.index}/${shard.count}` : '';
  const several = inputs.length > 1 ? `${inputs.length} functions, ` : '';
  io.stderr.write(`fgrun matrix: ${several}${runtimes.join(', ')} (${Math.min(cores, runtimes.length)} at a time), ${events.length} event${events.length === 1 ? '' : 's'}${share}\n`);
  const stopOnSignal = () => process.exit(130);
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  let report;
  try {
    report = await runMatrix(inputs, events, { runtimes, concurrency: cores, ignore, shard, onProgress: (p) => io.stderr.write(progressLine(p, inputs.length > 1)) });
  } catch (error) {
    throw flagError(error);
  } finally {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
  }
  return printReport(report, flags, io);
}

// --merge: join the shards' JSON, compare, print and write like a whole run.
function mergeCommand(code: string | undefined, flags: MatrixFlags, io: Io): number {
  const ran = code !== undefined ? 'CODE' : flags.event ? '--event' : flags.events ? '--events' : flags.shard ? '--shard' : flags.config ? '--config' : null;
  if (ran) throw new ConfigError(`--merge joins the results of shards that already ran; it runs nothing, so ${ran} has no use here: drop it`, { field: '--merge' });
  const report = mergeShardFiles(flags.merge!, flags.ignore ?? []);
  io.stderr.write(`fgrun matrix: merged ${flags.merge!.length} file${flags.merge!.length === 1 ? '' : 's'}, ${report.rows.length} cells\n`);
  return printReport(report, flags, io);
}

// Print the table or the JSON, write the JUnit file; the exit code.
function printReport(report: MatrixReport, flags: MatrixFlags, io: Io): number {
  const options = { allowDiff: flags.allowDiff, requireAll: flags.requireAll, wide: flags.wide };
  if (flags.junit) writeFileSync(flags.junit, toJUnit(report, options));
  io.stdout.write(flags.json ? matrixJson(report) : formatMatrix(report, options));
  const missing = flags.requireAll && report.skipped.length > 0;
  return report.failed > 0 || missing || (report.differing > 0 && !flags.allowDiff) ? 1 : 0;
}

// --junit must be writable before anything runs: an hour of matrix is not lost to a typo.
function checkWritable(file: string): void {
  const path = resolve(file);
  const fail = (why: string) => new ConfigError(`--junit ${file}: ${why}; give a path in a folder that exists and that you can write to`, { field: '--junit', file });
  let folder: ReturnType<typeof statSync> | undefined;
  try {
    folder = statSync(dirname(path));
  } catch {
    throw fail(`the folder ${dirname(path)} does not exist`);
  }
  if (!folder.isDirectory()) throw fail(`${dirname(path)} is not a folder`);
  try {
    const existing = statSync(path, { throwIfNoEntry: false });
    if (existing?.isDirectory()) throw fail('is a folder');
    accessSync(existing ? path : dirname(path), constants.W_OK);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw fail(`cannot be written (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
}

// --event (each) then --events DIR (each *.json), named for reports; {} when there are none.
async function readEvents(flags: MatrixFlags, io: Io): Promise<MatrixEvent[]> {
  const events: MatrixEvent[] = [];
  const given = flags.event ?? [];
  for (const [i, value] of given.entries()) {
    const name = value === '-' ? 'stdin' : value.startsWith('@') ? basename(value.slice(1)) : given.length === 1 ? 'event' : `event-${i + 1}`;
    events.push({ name, event: await readEvent(value, io) });
  }
  if (flags.events !== undefined) {
    let files: string[];
    try {
      files = readdirSync(flags.events).filter((f) => f.toLowerCase().endsWith('.json')).sort();
    } catch (cause) {
      throw new ConfigError(`--events ${flags.events}: cannot read the folder (${(cause as NodeJS.ErrnoException).code ?? cause})`, { field: '--events', cause });
    }
    if (files.length === 0) throw new ConfigError(`--events ${flags.events}: the folder has no *.json event files (fgrun event <trigger> > ${join(flags.events, 'apig.json')} makes one)`, { field: '--events' });
    for (const file of files) {
      const path = join(flags.events, file);
      try {
        events.push({ name: file, event: JSON.parse(readFileSync(path, 'utf8')) });
      } catch (cause) {
        throw new ConfigError(`--events: ${path} is not valid JSON (${(cause as Error).message})`, { field: '--events', file: path, cause });
      }
    }
  }
  // Two events with one name would be indistinguishable in reports.
  const seen = new Map<string, number>();
  for (const event of events) {
    const n = (seen.get(event.name) ?? 0) + 1;
    seen.set(event.name, n);
    if (n > 1) event.name = `${event.name}#${n}`;
  }
  return events.length ? events : [{ name: '{}', event: {} }];
}
