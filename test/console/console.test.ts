// The console in a real browser (headless Chromium): open it, create a test event from the APIG
// template, Test and read the three parts, watch an SDK invocation arrive live, filter, see chart
// points, run the matrix, and be refused without the token on a non-loopback bind.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FgrunServer } from '../../src/server/index.js';
import { ROOT } from '../helpers/fixtures.js';
import { runtimesFound } from '../helpers/runtimes.js';
import { fg, fn, PROJECT, RUNTIME, sdkClient, serve, AK, SK } from '../server/helpers.js';
import { launchChromium } from './browser.js';

const stateDir = mkdtempSync(join(tmpdir(), 'fgrun-console-'));
const hello = { code: join(ROOT, 'examples', 'hello'), runtime: RUNTIME, projectId: PROJECT, name: 'hello' };
let browser: Browser;
let page: Page;
let server: FgrunServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([
    launchChromium(),
    serve([hello, fn('server-raise', { name: 'raise' })], { auth: { ak: AK, sk: SK }, gatewayAuth: { mode: 'none' }, console: { stateDir } }),
  ]);
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
});

afterAll(async () => {
  await Promise.all([browser?.close(), server?.close()]);
  rmSync(stateDir, { recursive: true, force: true });
});

const text = (selector: string) => page.$eval(selector, (el) => el.textContent ?? '');
const wait = (fnText: string, ...args: unknown[]) => page.waitForFunction(fnText, { timeout: 30_000 }, ...args);

describe('the console in Chromium', () => {
  it('with credentials configured, opens through the token URL even on loopback, and shows each function live, with its exact interpreter', async () => {
    expect(server.consoleUrl).toMatch(new RegExp(`^${server.url.replace(/\./g, '\\.')}/\\?token=[0-9a-f]{48}$`));
    const response = await page.goto(server.consoleUrl!);
    expect([response!.status(), page.url()]).toEqual([200, `${server.url}/`]);
    await wait(`document.querySelectorAll('#functions .function').length === 2 && document.querySelector('#connection').textContent === 'live'`);
    expect(await text('#functions .function[data-name="hello"] .meta')).toBe(`${RUNTIME} · Python ${runtimesFound.at(-1)!.version} · 128 MB`);
    expect(await text('#details td[data-field="handler"]')).toBe('index.handler');
    expect(await text('#details td[data-field="urn"]')).toBe(`urn:fss:local:${PROJECT}:function:default:hello:latest`);
    expect(await text('#details td[data-field="gateway"]')).toBe(`${server.url}/apig/hello/`);
    expect(await text('#functions .function[data-name="hello"] [data-instances="warm"]')).toBe('warm 0');
  });

  it('creates a test event from the APIG template, saved as a plain JSON file, and shows a JSON error\'s line as you type', async () => {
    await page.select('#template-select', 'apig');
    await page.$eval('#event-name', (el) => { (el as unknown as { value: string }).value = 'apig-test'; });
    await page.click('#create-event');
    await wait(`document.querySelector('#event-select').value === 'apig-test'`);
    const editorText = await page.$eval('#event-text', (el) => (el as unknown as { value: string }).value);
    expect(JSON.parse(editorText)).toMatchObject({ httpMethod: 'GET', requestContext: { stage: 'RELEASE' } });
    expect(readFileSync(join(stateDir, 'events', 'hello', 'apig-test.json'), 'utf8')).toBe(editorText);

    await page.$eval('#event-text', (el) => { (el as unknown as { value: string }).value = '{\n  "a": 1,\n  "b": 2\n  "c": 3\n}'; el.dispatchEvent(new Event('input')); });
    expect(await text('#editor-status')).toMatch(/^Line 4: /);
    expect(await text('#gutter .bad')).toBe('4');
    expect(await page.$eval('#test', (el) => (el as unknown as { disabled: boolean }).disabled)).toBe(true);
    await page.select('#event-select', 'apig-test');
    expect(await text('#editor-status')).toBe('Valid JSON');
  });

  it('Test shows the three parts: the return, the summary with the cold start\'s init duration, the log with Start and Finish', async () => {
    await page.click('#test');
    await wait(`!document.querySelector('#result').hidden && document.querySelector('#result-status').textContent !== ''`);
    expect(await text('#result-status')).toBe('success');
    const returned = JSON.parse(await text('#result-return'));
    expect(returned).toEqual({ statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: '{"message": "Hello, world!", "timeoutSeconds": 3}', isBase64Encoded: false });
    const summary = await page.$$eval('#result-summary tr', (rows) => Object.fromEntries(rows.map((r) => [r.children[0]!.textContent, r.children[1]!.textContent])));
    expect(Object.keys(summary)).toEqual(['Request ID', 'Function', 'Runtime', 'Configured memory', 'Duration', 'Memory used', 'Billed duration', 'Init duration', 'Status']);
    expect(summary['Configured memory']).toBe('128 MB');
    expect(summary['Init duration']).toMatch(/^\d+\.\d{3} ms \(cold start\)$|^\d+\.\d ms \(cold start\)$/);
    expect(summary.Function).toBe('hello (console)');
    const id = summary['Request ID']!;
    const log = await text('#result-log');
    expect(log).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ Start invoke request '${id}', version: latest\\n`));
    expect(log).toContain('hello from hello\n');
    expect(log).toMatch(new RegExp(`Finish invoke request '${id}', duration: [\\d.]+ms, billing duration: \\d+ms, memory used: [\\d.]+MB, billing memory: 128MB, cpu used: [\\d.]+U\\n$`));
    await wait(`document.querySelector('#functions .function[data-name="hello"] [data-instances="warm"]').textContent === 'warm 1'`);
  });

  it('an invocation made through the official SDK appears live; rows filter by function and status; a row opens its result', async () => {
    const urn = `urn:fss:cn-north-4:${PROJECT}:function:default:hello:latest`;
    const r = await sdkClient(server).invokeFunction(new fg.InvokeFunctionRequest().withFunctionUrn(urn).withXCFFRequestVersion('v1').withBody({ name: 'sdk' } as unknown as Record<string, object>));
    const requestId = (r as unknown as { request_id: string }).request_id;
    await wait(`document.querySelector('#invocation-table tr[data-request-id="${requestId}"]')`);
    expect(await page.$eval(`#invocation-table tr[data-request-id="${requestId}"]`, (tr) => [...tr.children].slice(1, 5).map((td) => td.textContent))).toEqual([requestId, 'hello', 'invoke', 'success']);
    const failed = await fetch(`${server.url}/apig/raise/`);
    expect(failed.status).toBe(500);
    await wait(`document.querySelectorAll('#invocation-table tbody tr').length === 3`);
    await page.select('#filter-status', 'failed');
    expect(await page.$$eval('#invocation-table tbody tr', (rows) => rows.map((r) => `${r.getAttribute('data-function')} ${r.getAttribute('data-status')}`))).toEqual(['raise error']);
    await page.select('#filter-status', '');
    await page.select('#filter-function', 'hello');
    expect(await page.$$eval('#invocation-table tbody tr', (rows) => rows.map((r) => r.children[3]!.textContent))).toEqual(['invoke', 'console']);
    await page.click(`#invocation-table tr[data-request-id="${requestId}"]`);
    expect(JSON.parse(JSON.parse(await text('#result-return')).body)).toEqual({ message: 'Hello, sdk!', timeoutSeconds: 3 });
  });

  it('charts each invocation of the selected function as a point', async () => {
    await wait(`document.querySelector('#chart-duration').dataset.points === '2'`);
    expect(await page.$$eval('#charts canvas', (c) => c.length)).toBe(3);
    expect(await text('#chart-duration .u-title')).toBe('Duration');
  });

  it('runs the selected event on every runtime found, as fgrun matrix does', async () => {
    await page.click('#run-matrix');
    await wait(`document.querySelector('#matrix-status').textContent.includes('agree') || document.querySelector('#matrix-status').textContent.includes('differ')`);
    expect(await text('#matrix-status')).toBe(`all ${runtimesFound.length} runtimes agree`);
    expect(await page.$$eval('#matrix-table tr[data-runtime]', (rows) => rows.map((r) => r.getAttribute('data-runtime')))).toEqual(runtimesFound.map((r) => r.runtime));
  });

  it('after a reload lists the whole history, though the live stream\'s snapshot carries only the newest 50', async () => {
    for (let i = 0; i < 55; i++) expect((await fetch(`${server.url}/apig/hello/`)).status).toBe(200);
    const all = (await (await fetch(`${server.url}/console/api/invocations`, { headers: { Authorization: `token ${server.console!.access.token}` } })).json()) as { invocations: unknown[] };
    expect(all.invocations.length).toBeGreaterThan(55);
    await page.reload();
    await wait(`document.querySelector('#invocation-count').textContent === '(${all.invocations.length} shown of ${all.invocations.length})'`);
  });

  it('beyond loopback (127.0.0.2) refuses the page and the API without the token, and takes it from the banner URL', async () => {
    const remote = await serve([hello], { host: '127.0.0.2', console: { stateDir } });
    try {
      const base = remote.url;
      expect(remote.consoleUrl).toMatch(new RegExp(`^${base.replace(/\./g, '\\.')}/\\?token=[0-9a-f]{48}$`));
      const refused = await page.goto(`${base}/`);
      expect(refused!.status()).toBe(401);
      expect(await text('body')).toContain('needs its session token');
      const api = await page.evaluate(() => fetch('/console/api/functions').then((r) => r.status));
      expect(api).toBe(401);
      await page.goto(remote.consoleUrl!);
      expect(page.url()).toBe(`${base}/`);
      await wait(`document.querySelectorAll('#functions .function').length === 1`);
      expect(await page.evaluate(() => fetch('/console/api/functions').then((r) => r.status))).toBe(200);
    } finally {
      await remote.close();
    }
  });
});
