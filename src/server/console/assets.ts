// The console's page and assets, built by `npm run build` (console/build.mjs) into dist/console and
// shipped in the package: nothing is fetched from a CDN, so the console works offline.
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { INSTALL_ROOT } from '../../install/paths.js';
import { ApiError } from '../errors.js';
import { send } from '../respond.js';

const ASSETS_DIR = join(INSTALL_ROOT, 'dist', 'console');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'application/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.map': 'application/json',
};
/** Same-origin only; uPlot sets inline styles. No framing (clickjacking). */
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

// Send one built asset by file name (no folders: nothing outside dist/console can be named).
export async function sendAsset(res: ServerResponse, file: string, status = 200, extra: Record<string, string> = {}): Promise<void> {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(file) || !TYPES[extname(file)]) throw new ApiError('not-found', `the console has no asset '${file}'`);
  let body: Buffer;
  try {
    body = await readFile(join(ASSETS_DIR, file));
  } catch (cause) {
    if (file === 'index.html') throw new ApiError('internal', `the console is not built (${ASSETS_DIR} is missing): run npm run build`, { cause });
    throw new ApiError('not-found', `the console has no asset '${file}'`, { cause });
  }
  send(res, status, { ...SECURITY_HEADERS, 'Content-Type': TYPES[extname(file)]!, ...extra }, body);
}

// The page a browser gets without the token: how to get in.
export function sendTokenPage(res: ServerResponse): void {
  const html = '<!doctype html><meta charset="utf-8"><title>fgrun console</title>' +
    '<p>This fgrun console needs its session token. Open the console URL that <code>fgrun serve</code> printed: it ends in <code>?token=...</code>.</p>';
  send(res, 401, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8' }, html);
}
