// --event JSON | @file | - : the event as the user gave it, or a ConfigError naming the flag.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import type { Io } from './io.js';

// `io` is asked for stdin only when the event comes from it (Io's stdin is made on first access).
export async function readEvent(value: string | undefined, io: Pick<Io, 'stdin'> = process): Promise<unknown> {
  if (value === undefined) return {};
  let text: string;
  let where: string;
  if (value === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
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
