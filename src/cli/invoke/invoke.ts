// `fgrun invoke`: run one request and print the body (stdout), the log and a summary (stderr).
import '../one-shot.js';
import { Command } from 'commander';
import { commandDescription } from '../descriptions.js';
import { createFunction, loadFailureReport, type FunctionHandle } from '../../function/index.js';
import { ConfigError } from '../../errors.js';
import { primeCgroupJoin } from '../../platform/index.js';
import { summaryLine } from '../../result/index.js';
import { addFunctionOptions, debugPort, DEBUG_PORT_HELP, FLAG_FOR_FIELD, type FunctionFlags } from '../function-options.js';
import { readEvent } from '../event-input.js';
import { addConfigOptions, functionSource, type SourceFlags } from '../function-source.js';
import { watchInvoke } from './watch-invoke.js';
import type { Io } from '../io.js';

interface InvokeFlags extends FunctionFlags, SourceFlags {
  event?: string;
  json?: boolean;
  watch?: boolean;
  debugPort?: string;
}

export function invokeCommand(io: Io): Command {
  const command = new Command('invoke')
    .description(commandDescription('invoke'))
    .argument('[code]', 'folder or .zip holding the function code (default: the config file\'s code, or .)')
    .option('--event <json|@file|->', 'the event: inline JSON, @file.json, or - for standard input (default: {})');
  addFunctionOptions(command)
    .option('--json', 'print the whole Invocation as JSON on stdout (also for failures)')
    .option('--watch', 'run again whenever the code changes (new code, fresh instance), until Ctrl-C')
    .option('--debug-port <port>', DEBUG_PORT_HELP);
  addConfigOptions(command)
    .action(async (code: string | undefined, flags: InvokeFlags) => {
      io.exitCode = await runInvoke(code, flags, io);
    });
  return command;
}

// Name the flag rather than the config field in errors that come from flags.
export function flagError(error: unknown): unknown {
  if (error instanceof ConfigError && !error.details.file) {
    const field = String(error.details.field ?? '');
    const top = field.split('.')[0] ?? '';
    const flag = FLAG_FOR_FIELD[top];
    if (flag && typeof error.details.issue === 'string') return new ConfigError(`${flag} ${error.details.issue}`, { field: flag, cause: error });
  }
  return error;
}

async function runInvoke(code: string | undefined, flags: InvokeFlags, io: Io): Promise<number> {
  // The instance's cgroup join comes in ~20 ms: its kernel wait passes meanwhile (platform/cgroup.ts).
  if (!flags.watch) primeCgroupJoin();
  const event = await readEvent(flags.event, io);
  const { input, configFile } = await functionSource(code, flags);
  // One request (or one per save under --watch): no per-instance setup that pays back only over many.
  const create = { onNotice: (line: string) => io.stderr.write(line + '\n'), debugPort: debugPort(flags.debugPort), shortLived: true };
  let handle;
  try {
    // With a config file, each change reads it again (it is watched too).
    const source = configFile ? async () => (await functionSource(code, flags)).input : input;
    if (flags.watch) return await watchInvoke(source, (watched) => invokeOnce(watched, event, flags, io, 'watch'), io, { watch: configFile ? [configFile] : [], create });
    handle = await createFunction(input, create);
  } catch (error) {
    throw flagError(error);
  }
  return invokeOnce(handle, event, flags, io, 'once');
}

// One request on `handle`, printed; 'once' closes the handle afterwards. A body ends with a newline on
// a terminal, and under --watch, where bodies follow each other (a pipe then reads one per line).
async function invokeOnce(handle: FunctionHandle, event: unknown, flags: InvokeFlags, io: Io, mode: 'once' | 'watch'): Promise<number> {
  try {
    // The log (Start line, output, Finish line) streams from the core as it is written.
    const onLog = flags.json ? undefined : (text: string) => io.stderr.write(text);
    const invocation = await handle.invoke(event, { onLog });
    // Why it could not load, and where its code was looked for (stderr: stdout keeps the body).
    const why = loadFailureReport(invocation, handle.config)?.join('\n');
    if (flags.json) {
      io.stdout.write(JSON.stringify(invocation, null, 2) + '\n');
      if (why) io.stderr.write(why + '\n');
    } else {
      io.stderr.write(summaryLine(invocation.requestId, invocation.summary, invocation.runtime, invocation.python) + '\n');
      if (why) io.stderr.write(why + '\n');
      if (invocation.status !== 'success') io.stderr.write(`Status: ${invocation.status}\n`);
      io.stdout.write(invocation.body + ((io.stdoutIsTTY || mode === 'watch') && invocation.body ? '\n' : ''));
    }
    return invocation.status === 'success' ? 0 : 1;
  } finally {
    if (mode === 'once') await handle.close();
  }
}
