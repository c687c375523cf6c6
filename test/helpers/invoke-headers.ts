// The header line of each invoke frame the instances write while `body` runs, in order (other
// frames, such as context calls' replies, left out). Observes each instance's private stdin writer,
// and restores it.
import type { Instance } from '../../src/instance/index.js';

export async function invokeHeaders(instances: Instance[], body: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const restore = instances.map((instance) => {
    const stdin = (instance as unknown as { stdin: { write(data: string | Buffer): void } }).stdin;
    const write = stdin.write.bind(stdin);
    stdin.write = (data) => {
      const line = String(data).split('\n')[0]!;
      if (line.startsWith('{"type":"invoke"')) sent.push(line);
      write(data);
    };
    return () => { stdin.write = write; };
  });
  try {
    await body();
  } finally {
    for (const r of restore) r();
  }
  return sent;
}
