// Saved test events, per function, as plain JSON files: <stateDir>/events/<function>/<event>.json.
// They survive restarts and can be committed with the function. The file holds the text as typed
// (it must be JSON), so formatting and key order are kept.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../errors.js';

/** A test event's name: what its file is called, without .json. */
const EVENT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_. -]{0,63}$/;

export interface SavedEvent {
  name: string;
  /** The event's JSON text, as saved. */
  text: string;
}

// A name that is safe as a file name, or FSS.0400 saying what is allowed.
function checkName(name: string): string {
  if (!EVENT_NAME.test(name) || name.endsWith('.') || name.endsWith(' ')) {
    throw new ApiError('invalid-parameter', `a test event name holds 1 to 64 letters, digits, '_', '-', '.' or spaces, starts with a letter, digit or '_' and does not end with '.' or a space; got '${name}'`);
  }
  return name;
}

// The text when it is JSON, else FSS.0406 naming the event.
function checkJson(name: string, text: string): string {
  try {
    JSON.parse(text);
  } catch (cause) {
    throw new ApiError('bad-json', `test event '${name}' is not JSON (${(cause as Error).message}); fix it before saving`, { cause });
  }
  return text;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

export class TestEventStore {
  constructor(readonly stateDir: string) {}

  private folder(fn: string): string {
    return join(this.stateDir, 'events', fn);
  }

  private file(fn: string, name: string): string {
    return join(this.folder(fn), `${checkName(name)}.json`);
  }

  // Every saved event of a function, by name.
  async list(fn: string): Promise<SavedEvent[]> {
    let files: string[];
    try {
      files = (await readdir(this.folder(fn))).filter((f) => f.endsWith('.json')).sort();
    } catch {
      return [];
    }
    const events = await Promise.all(files.map(async (f) => ({ name: f.slice(0, -5), text: await readFile(join(this.folder(fn), f), 'utf8') })));
    return events.filter((e) => EVENT_NAME.test(e.name));
  }

  // Create or replace an event (written to a temporary file, then renamed into place).
  async save(fn: string, name: string, text: string): Promise<SavedEvent> {
    const path = this.file(fn, name);
    checkJson(name, text);
    await mkdir(this.folder(fn), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, path);
    return { name, text };
  }

  // Give an event another name; refuses to overwrite an existing one.
  async rename(fn: string, name: string, to: string): Promise<SavedEvent> {
    const from = this.file(fn, name);
    const target = this.file(fn, to);
    if (!(await exists(from))) throw new ApiError('not-found', `function ${fn} has no test event '${name}'`);
    if (name !== to && (await exists(target))) throw new ApiError('invalid-parameter', `function ${fn} already has a test event '${to}': delete it or pick another name`);
    await rename(from, target);
    return { name: to, text: await readFile(target, 'utf8') };
  }

  async remove(fn: string, name: string): Promise<void> {
    const path = this.file(fn, name);
    if (!(await exists(path))) throw new ApiError('not-found', `function ${fn} has no test event '${name}'`);
    await rm(path);
  }
}
