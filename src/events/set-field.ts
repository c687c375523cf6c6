// `--set path=value` and `--set path:=json` on a generated event. `=` keeps text where the template
// has text (or the field is new) and reads JSON where the template has a number, boolean, null,
// object or array; `:=` always reads JSON. Paths use dots and [n]: records[0].messages[1] or records.0.x.
import { EventTemplateError } from './errors.js';

type Container = Record<string, unknown> | unknown[];

// Apply one assignment to `event` in place.
export function setField(event: unknown, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw setError(assignment, "expects path=value (text) or path:=json, e.g. body='{\"a\":1}' or queryStringParameters.x=1");
  const asJson = assignment[eq - 1] === ':';
  const pathText = assignment.slice(0, asJson ? eq - 1 : eq);
  const raw = assignment.slice(eq + 1);
  const path = parsePath(pathText, assignment);
  if (typeof event !== 'object' || event === null) throw setError(assignment, 'the event is not an object');
  let container = event as Container;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    let next = read(container, key);
    if (next === undefined) {
      next = typeof path[i + 1] === 'number' ? [] : {};
      write(container, key, next, assignment);
    }
    if (typeof next !== 'object' || next === null) throw setError(assignment, `${describePath(path.slice(0, i + 1))} is ${kind(next)}, so it has no field '${path[i + 1]}'`);
    container = next as Container;
  }
  const last = path[path.length - 1]!;
  const current = read(container, last);
  const wantsJson = asJson || (current !== undefined && typeof current !== 'string');
  write(container, last, wantsJson ? parseJson(raw, current, pathText, assignment, asJson) : raw, assignment);
}

// "a.b[0].c" -> ['a', 'b', 0, 'c']; a purely numeric dotted part is an index too.
function parsePath(text: string, assignment: string): Array<string | number> {
  const parts: Array<string | number> = [];
  for (const piece of text.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(piece);
    if (!match || (match[1] === '' && match[2] === '')) throw setError(assignment, `'${text}' is not a field path: use dots and [n], e.g. records[0].messages[1]`);
    if (match[1] !== '') parts.push(/^\d+$/.test(match[1]!) ? Number(match[1]) : match[1]!);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) parts.push(Number(index[1]));
  }
  return parts;
}

// The value at `key`, own properties only (never the prototype's).
function read(container: Container, key: string | number): unknown {
  if (Array.isArray(container)) return typeof key === 'number' ? container[key] : undefined;
  return Object.prototype.hasOwnProperty.call(container, key) ? container[String(key)] : undefined;
}

// Set `key`, refusing prototype keys and array holes.
function write(container: Container, key: string | number, value: unknown, assignment: string): void {
  if (Array.isArray(container)) {
    if (typeof key !== 'number') throw setError(assignment, `'${key}' is not an index: that part of the event is an array`);
    if (key > container.length) throw setError(assignment, `index ${key} is past the end of an array of ${container.length}`);
    container[key] = value;
    return;
  }
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw setError(assignment, `'${key}' cannot be set`);
  container[String(key)] = value;
}

// The value as JSON, or an error saying why JSON is needed there.
function parseJson(raw: string, current: unknown, pathText: string, assignment: string, explicit: boolean): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    const why = explicit ? `'${raw}' is not JSON` : `${pathText} is ${kind(current)} in the template, so the value must be JSON (got '${raw}'); to store text there use ${pathText}:='"text"'`;
    throw setError(assignment, why);
  }
}

// "a string", "an object"... for messages.
function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

// ['records', 0, 'x'] -> records[0].x, for messages.
function describePath(path: Array<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

// FGRUN_EVENT_SET naming the assignment.
function setError(assignment: string, why: string): EventTemplateError {
  return new EventTemplateError('FGRUN_EVENT_SET', `--set ${assignment}: ${why}`, { set: assignment });
}
