// Turns a zod issue about the config file into "field message" in the file's own terms
// (functions[1].memory_size, user_data.KEY), saying what is wrong and what is accepted.
import type { z } from 'zod';
import { FILE_FIELDS } from './file-schema.js';

export interface FileIssue {
  field: string;
  message: string;
}

// `functions[1].memory_size` from ['functions', 1, 'memory_size'].
function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

// The field and a message for one zod issue (parsed with reportInput, so `input` is there).
export function describeIssue(issue: z.core.$ZodIssue): FileIssue {
  const field = fieldPath(issue.path);
  const last = issue.path[issue.path.length - 1];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      const hint = closest(key, FILE_FIELDS);
      const known = issue.path.length === 0 || typeof last === 'number' ? `; the fields are ${FILE_FIELDS.join(', ')}` : '';
      const message = hint ? `is not a field fgrun knows: did you mean '${hint}'?` : `is not a field fgrun knows${known}`;
      return { field: fieldPath([...issue.path, key]), message };
    }
    case 'invalid_type':
      if (issue.input === undefined) return { field, message: 'is required' };
      // A message of our own (e.g. .int()'s "whole number") says it better than the type name.
      if (!issue.message.startsWith('Invalid input')) return { field, message: withInput(issue.message, issue.input) };
      return { field, message: `must be ${article(issue.expected)}, got ${describe(issue.input)}` };
    case 'invalid_union':
      if (last === 'user_data' || last === 'encrypted_user_data') {
        return { field, message: `must be an object of NAME: value pairs (strings, numbers or booleans), or that object as a JSON string; got ${describe(issue.input)}` };
      }
      if (issue.path.length >= 2 && (issue.path[issue.path.length - 2] === 'user_data' || issue.path[issue.path.length - 2] === 'encrypted_user_data')) {
        return { field, message: `must be a string, number or boolean, got ${describe(issue.input)}` };
      }
      if (issue.path.length === 0) return { field: '(file)', message: 'must be an object: one function, or { "functions": [...] }' };
      return { field, message: `has the wrong shape (got ${describe(issue.input)})` };
    default:
      return { field: field || '(file)', message: withInput(issue.message, issue.input) };
  }
}

// The message, with the offending value when it is short enough to show.
function withInput(message: string, input: unknown): string {
  if (input === undefined) return message;
  const shown = describe(input);
  return shown.length <= 60 ? `${message} (got ${shown})` : message;
}

// A value as a message shows it: strings quoted, objects by kind.
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

// "a number", "an object".
function article(type: string): string {
  if (type === 'array' || type === 'object' || type === 'integer') return `an ${type}`;
  return `a ${type}`;
}

// The known field nearest to a typo (edit distance <= 2), for "did you mean".
function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

// Levenshtein distance.
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
