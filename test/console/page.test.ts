// The console page's smaller parts, in a real browser (headless Chromium): its favicon, each
// invocation's request id (a link that opens its result, also when the page is opened on it), and the
// matrix's ignore field, which leaves the named fields out of the comparison as `fgrun matrix --ignore`.
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FgrunServer } from '../../src/server/index.js';
import { runtimesFound } from '../helpers/runtimes.js';
import { fn, invokeUrl, serve, urn } from '../server/helpers.js';
import { launchChromium } from './browser.js';

let browser: Browser;
let page: Page;
let server: FgrunServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), serve([fn('matrix-volatile', { name: 'volatile' })], { console: {} })]);
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
});

afterAll(async () => {
  await Promise.all([browser?.close(), server?.close()]);
});

const wait = (fnText: string) => page.waitForFunction(fnText, { timeout: 30_000 });
const invoke = async (event: unknown) => {
  const res = await fetch(invokeUrl(server, urn('volatile')), { method: 'POST', body: JSON.stringify(event) });
  return (await res.json()) as { requestId: string };
};

describe('the console page in Chromium', () => {
  it('has a favicon, served from its own assets', async () => {
    await page.goto(server.consoleUrl!);
    const href = await page.$eval('link[rel="icon"]', (el) => el.getAttribute('href'));
    expect(href).toBe('/console/assets/favicon.svg');
    const icon = await fetch(new URL(href!, server.url));
    expect([icon.status, icon.headers.get('content-type'), (await icon.text()).startsWith('<svg ')]).toEqual([200, 'image/svg+xml', true]);
  });

  it("lists each invocation's request id; clicking it opens that invocation, and so does a link to it", async () => {
    const { requestId } = await invoke({});
    await page.goto(server.consoleUrl!);
    await wait(`document.querySelector('#invocation-table tr[data-request-id="${requestId}"] a.request-id')`);
    expect(await page.$eval(`#invocation-table tr[data-request-id="${requestId}"] a.request-id`, (a) => [a.textContent, a.getAttribute('href')])).toEqual([requestId, `#${requestId}`]);
    await page.click(`#invocation-table tr[data-request-id="${requestId}"] a.request-id`);
    await wait(`!document.querySelector('#result').hidden && document.querySelector('#result-return').textContent.includes(${JSON.stringify(requestId)})`);
    const other = await page.browser().newPage();
    try {
      await other.goto(`${server.consoleUrl!}#${requestId}`);
      await other.waitForFunction(`!document.querySelector('#result').hidden && document.querySelector('#result-return').textContent.includes(${JSON.stringify(requestId)})`, { timeout: 30_000 });
    } finally {
      await other.close();
    }
  });

  it.runIf(runtimesFound.length > 1)('the matrix ignore field leaves fields out of the comparison, as fgrun matrix --ignore', async () => {
    await page.goto(server.consoleUrl!);
    await wait(`document.querySelector('#connection').textContent === 'live'`);
    await page.$eval('#event-text', (el) => { (el as unknown as { value: string }).value = '{"mode": "plain"}'; el.dispatchEvent(new Event('input')); });
    await page.click('#run-matrix');
    await wait(`document.querySelector('#matrix-status').dataset.differing !== undefined && !document.querySelector('#matrix-status').textContent.includes('running')`);
    // Each runtime's requestId differs from the reference's.
    expect(await page.$eval('#matrix-status', (el) => el.textContent)).toBe(`${runtimesFound.length - 1} differ, 0 failed`);
    await page.$eval('#matrix-ignore', (el) => { (el as unknown as { value: string }).value = 'requestId'; });
    await page.click('#run-matrix');
    await wait(`document.querySelector('#matrix-status').textContent.includes('agree')`);
    expect(await page.$eval('#matrix-status', (el) => el.textContent)).toBe(`all ${runtimesFound.length} runtimes agree`);
  });
});
