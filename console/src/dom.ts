// Small DOM helpers: build elements, find them by id.
type Child = Node | string | number | null | undefined | false;

// An element with attributes (`class`, `data-*`, properties such as `onclick`) and children.
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, unknown> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') (el as unknown as Record<string, unknown>)[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(typeof child === 'number' ? String(child) : child);
  return el;
}

// The element with this id (the page's markup guarantees it).
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the console page has no #${id}`);
  return el as T;
}

// A short message in the header: what just happened, or what went wrong.
export function notify(text: string, isError = false): void {
  const el = byId('notice');
  el.textContent = text;
  el.className = isError ? 'error' : 'ok';
}

export function formatMs(ms: number): string {
  return `${ms.toFixed(ms < 10 ? 3 : 1)} ms`;
}
