// Zip entry names -> safe relative paths. A name that is absolute (`/x`, `C:x`, `\\x`), holds a
// `..` segment, or a NUL byte is refused: it could write outside the folder it is unpacked into.

/** The deepest an entry may be nested (folders): deeper trees exhaust path lengths and recursive removal. */
export const MAX_ENTRY_DEPTH = 100;

export type EntryName =
  | { ok: true; path: string; isDirectory: boolean; depth: number }
  | { ok: false; reason: string };

// The entry's relative path with `/` separators ('' for the root folder itself), or why it is unsafe.
export function safeEntryName(name: string): EntryName {
  if (name.includes('\0')) return { ok: false, reason: 'holds a NUL byte' };
  // Some Windows tools write `\` separators; treat them as `/` so `..\\x` is seen for what it is.
  const slashed = name.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) return { ok: false, reason: 'is an absolute path' };
  const parts = slashed.split('/');
  if (parts.includes('..')) return { ok: false, reason: "holds a '..' segment" };
  const kept = parts.filter((part) => part !== '' && part !== '.');
  return { ok: true, path: kept.join('/'), isDirectory: slashed.endsWith('/'), depth: slashed.endsWith('/') ? kept.length : kept.length - 1 };
}

// Whether `child` (absolute, normalised) is `root` or inside it.
export function isInside(root: string, child: string): boolean {
  return child === root || child.startsWith(root.endsWith('/') ? root : `${root}/`);
}
