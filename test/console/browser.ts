// Headless Chromium from Debian's `chromium` package (.ci/run installs it), driven by puppeteer-core,
// which never downloads a browser of its own.
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

// Launch the browser, or fail saying how to install it.
export async function launchChromium(): Promise<Browser> {
  const executablePath = CANDIDATES.find((p): p is string => p !== undefined && existsSync(p));
  if (!executablePath) throw new Error('no Chromium found: install Debian\'s package (apt-get install chromium; .ci/run does it) or set CHROMIUM_PATH');
  return puppeteer.launch({
    executablePath,
    headless: true,
    // As root (CI) Chromium's sandbox cannot start; the pages are our own.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check'],
  });
}
