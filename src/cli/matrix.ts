// `fgrun matrix`: run the function on every runtime (or --runtimes) with each event, show where
// runtimes disagree. Exit 0 when all succeed with equal results, 1 when any fails or differs.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { parseRuntimeList, runMatrix, toJUnit, type MatrixEvent } from '../matrix/index.js';
import { readEvent } from './event-input.js';
import { addFunctionOptions, type FunctionFlags } from './function-options.js';
import { addConfigOptions, functionSource, type SourceFlags } from './function-source.js';
import { flagError } from './invoke.js';
import type { Io } from './io.js';
import { formatMatrix, progressLine } from './matrix-report.js';

interface MatrixFlags extends FunctionFlags, SourceFlags {
  event?: string[];
  events?: string;
  runtimes?: string;
  json?: boolean;
  junit?: string;
  allowDiff?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

// The `matrix` command and its flags.
export function matrixCommand(io: Io): Command {
  const command = new Command('matrix')
    .description('run the function on every Python runtime found and show where the results differ')
    .argument('[code]', "folder or .zip holding the function code (default: the config file's code, or .)")
    .option('--event <json|@file|->', 'an event (repeatable): inline JSON, @file.json, or - for standard input (default: {})', collect)
    .option('--events <dir>', 'every *.json file in the folder is an event, in name order')
    .option('--runtimes <list>', `all, or a comma-separated list such as Python2.7,Python3.12 (default: all)`);
  addFunctionOptions(command)
    .option('--json', 'print [{runtime, python, event, status, result, body, error, summary, agrees, reason}] on stdout')
    .option('--junit <file>', 'also write a JUnit XML report to the file')
    .option('--allow-diff', 'results that differ between runtimes do not fail the run (exit 0)');
  addConfigOptions(command).action(async (code: string | undefined, flags: MatrixFlags) => {
    io.exitCode = await runMatrixCommand(code, flags, io);
  });
  return command;
}

// Read the events and the function, run the matrix, print or write the report; the exit code.
async function runMatrixCommand(code: string | undefined, flags: MatrixFlags, io: Io): Promise<number> {
  if (flags.runtime !== undefined) throw new ConfigError(`--runtime picks one runtime; a matrix runs several: use --runtimes ${flags.runtime}`, { field: '--runtime' });
  const runtimes = parseRuntimeList(flags.runtimes);
  const events = await readEvents(flags, io.stdin);
  const { input } = await functionSource(code, flags);
  const cores = availableParallelism();
  io.stderr.write(`fgrun matrix: ${runtimes.join(', ')} (${Math.min(cores, runtimes.length)} at a time), ${events.length} event${events.length === 1 ? '' : 's'}\n`);
  const stopOnSignal = () => process.exit(130);
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  let report;
  try {
    report = await runMatrix(input, events, { runtimes, concurrency: cores, onProgress: (p) => io.stderr.write(progressLine(p)) });
  } catch (error) {
    throw flagError(error);
  } finally {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
  }
  if (flags.junit) writeFileSync(flags.junit, toJUnit(report, { allowDiff: flags.allowDiff }));
  if (flags.json) {
    const rows = report.rows.map(({ runtime, python, event, status, result, body, error, summary, agrees, reason }) => ({ runtime, python, event, status, result, body, error, summary, agrees, reason }));
    io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  } else {
    io.stdout.write(formatMatrix(report, { allowDiff: flags.allowDiff }));
  }
  return report.failed > 0 || (report.differing > 0 && !flags.allowDiff) ? 1 : 0;
}

// --event (each) then --events DIR (each *.json), named for reports; {} when there are none.
async function readEvents(flags: MatrixFlags, stdin: NodeJS.ReadableStream): Promise<MatrixEvent[]> {
  const events: MatrixEvent[] = [];
  const given = flags.event ?? [];
  for (const [i, value] of given.entries()) {
    const name = value === '-' ? 'stdin' : value.startsWith('@') ? basename(value.slice(1)) : given.length === 1 ? 'event' : `event-${i + 1}`;
    events.push({ name, event: await readEvent(value, stdin) });
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
