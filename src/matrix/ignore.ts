// `--ignore PATH`: fields that change from run to run (a request id, a time, a Date header) and so
// must not count as a difference between runtimes. A path walks into the result: `requestId`,
// `body.time`, `headers.date`, `items[0].id`, `items.*.id`. A string field that holds JSON (an APIG
// response's `body`) is walked into as the value it encodes.
import { ConfigError } from '../errors.js';

/** One step of a path: an object key, an array index, or `*` (every key or index). */
type Step = string | number;

export interface IgnorePath {
  /** The path as the user wrote it. */
  text: string;
  steps: Step[];
}

const KEY = /^[^.[\]]+$/;

// The paths of --ignore (or a config file's matrix_ignore), parsed; a ConfigError names the bad one.
export function parseIgnorePaths(paths: readonly string[], field = '--ignore'): IgnorePath[] {
  return paths.map((text) => ({ text, steps: parseSteps(text, field) }));
}

// `a.b[0].*` -> ['a', 'b', 0, '*'].
function parseSteps(text: string, field: string): Step[] {
  const bad = (why: string) => new ConfigError(`${field} ${JSON.stringify(text)}: ${why}; write a path into the result such as requestId, body.time, headers.date or items[0].id`, { field });
  if (text.trim() === '') throw bad('is empty');
  const steps: Step[] = [];
  for (const part of text.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) throw bad(`'${part}' is not a key or key[index]`);
    const [, key = '', indexes = ''] = match;
    if (key === '' && indexes === '') throw bad('has an empty step (two dots, or a dot at an end)');
    if (key !== '') {
      if (!KEY.test(key)) throw bad(`'${key}' is not a key`);
      steps.push(key);
    }
    for (const index of indexes.matchAll(/\[(\d+)\]/g)) steps.push(Number(index[1]));
  }
  return steps;
}

// A copy of `value` without the ignored fields (the value itself is never changed).
export function withoutIgnored(value: unknown, paths: readonly IgnorePath[]): unknown {
  let out = value;
  for (const path of paths) out = drop(out, path.steps);
  return out;
}

// `value` without what `steps` points at; untouched (the same object) when the path is absent.
function drop(value: unknown, steps: readonly Step[]): unknown {
  if (steps.length === 0) return value;
  if (typeof value === 'string') {
    const inner = parseJsonContainer(value);
    return inner === undefined ? value : drop(inner, steps);
  }
  const [step, ...rest] = steps as [Step, ...Step[]];
  if (Array.isArray(value)) {
    const hits = step === '*' ? value.map((_, i) => i) : typeof step === 'number' || /^\d+$/.test(step) ? [Number(step)] : [];
    if (rest.length === 0) return hits.length ? value.filter((_, i) => !hits.includes(i)) : value;
    return value.map((item, i) => (hits.includes(i) ? drop(item, rest) : item));
  }
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const keys = step === '*' ? Object.keys(object) : Object.hasOwn(object, String(step)) ? [String(step)] : [];
    if (keys.length === 0) return value;
    const copy = { ...object };
    for (const key of keys) {
      if (rest.length === 0) delete copy[key];
      else copy[key] = drop(copy[key], rest);
    }
    return copy;
  }
  return value;
}

// The object or array a JSON string encodes, else undefined.
export function parseJsonContainer(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
