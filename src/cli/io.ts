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

export function processIo(): Io {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, stdoutIsTTY: Boolean(process.stdout.isTTY), stderrIsTTY: Boolean(process.stderr.isTTY), exitCode: 0 };
}
