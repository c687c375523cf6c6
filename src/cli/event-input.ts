// --event JSON | @file | - : the event as the user gave it, or a ConfigError naming the flag.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';

export async function readEvent(value: string | undefined, stdin: NodeJS.ReadableStream = process.stdin): Promise<unknown> {
  if (value === undefined) return {};
  let text: string;
  let where: string;
  if (value === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    text = Buffer.concat(chunks).toString('utf8');
    where = '--event - (standard input)';
  } else if (value.startsWith('@')) {
    const file = value.slice(1);
    try {
      text = readFileSync(file, 'utf8');
    } catch (cause) {
      throw new ConfigError(`--event ${value}: cannot read ${file} (${(cause as NodeJS.ErrnoException).code ?? cause})`, { field: '--event', file, cause });
    }
    where = `--event ${value}`;
  } else {
    text = value;
    where = '--event';
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`${where} is not valid JSON (${(cause as Error).message}); pass a JSON document, @file.json or - for standard input`, { field: '--event', cause });
  }
}
