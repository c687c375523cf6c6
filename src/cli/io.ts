// The streams and exit code a CLI run works with (injectable for tests).
export interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdoutIsTTY: boolean;
  /** Whether stderr is a terminal (colours); false when not given. */
  stderrIsTTY?: boolean;
  exitCode: number;
}

// The process's own streams. stdin is taken when a command reads it (`--event -`, the debugger's
// relay): Node makes its stream on first access, 2-3 ms of every other command's start.
export function processIo(): Io {
  return {
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout, stderr: process.stderr, stdoutIsTTY: Boolean(process.stdout.isTTY), stderrIsTTY: Boolean(process.stderr.isTTY), exitCode: 0,
  };
}
