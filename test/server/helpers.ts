// Start a real server on a free port, and talk to it with the official SDK or plain fetch.
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import type { FunctionConfigInput } from '../../src/config/index.js';
import { startServer, type FgrunServer, type ServeOptions } from '../../src/server/index.js';
import { fixture } from '../helpers/fixtures.js';
import { newestRuntime } from '../helpers/runtimes.js';

const require = createRequire(import.meta.url);

/** The official SDK, loaded as the CommonJS packages they are (types from their .d.ts). */
const core = require('@huaweicloud/huaweicloud-sdk-core') as typeof import('@huaweicloud/huaweicloud-sdk-core');
export const fg = require('@huaweicloud/huaweicloud-sdk-functiongraph') as typeof import('@huaweicloud/huaweicloud-sdk-functiongraph');

// The SDK prints every error response (with its request config) on stdout; keep test output readable.
(require('@huaweicloud/huaweicloud-sdk-core/logger/log4jLogger') as { Logger4jInstance: { level: string } }).Logger4jInstance.level = 'off';

export const PROJECT = 'proj-local';
export const AK = 'FGRUNTESTAK';
export const SK = 'fgrun-test-secret-key';

if (!newestRuntime) throw new Error('no Python runtime found: the server tests need at least one (see docs/runtimes.md)');
export const RUNTIME = newestRuntime.runtime;

// A fixture function's config on the newest runtime.
export function fn(scenario: string, extra: Partial<FunctionConfigInput> = {}): FunctionConfigInput {
  return { code: fixture(scenario), runtime: RUNTIME, projectId: PROJECT, ...extra };
}

export function serve(functions: FunctionConfigInput[], options: Partial<ServeOptions> = {}): Promise<FgrunServer> {
  return startServer({ functions, port: 0, ...options });
}

export function urn(name: string, qualifier = 'latest', region = 'cn-north-4', project = PROJECT): string {
  return `urn:fss:${region}:${project}:function:default:${name}:${qualifier}`;
}

export function invokeUrl(server: FgrunServer, urnText: string, async = false, project = PROJECT): string {
  return `${server.url}/v2/${project}/fgs/functions/${urnText}/invocations${async ? '-async' : ''}`;
}

// An SDK client for the server, signing with AK/SK.
export function sdkClient(server: FgrunServer, sk = SK, ak = AK) {
  const credentials = new core.BasicCredentials().withAk(ak).withSk(sk).withProjectId(PROJECT);
  return fg.FunctionGraphClient.newBuilder().withCredential(credentials).withEndpoint(server.url).build();
}

// What the SDK threw, as plain facts.
export async function sdkError(call: Promise<unknown>): Promise<{ name: string; httpStatusCode: number; errorCode: string; errorMsg: string; requestId: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as Record<string, unknown>;
    return { name: (error as Error).constructor.name, httpStatusCode: e.httpStatusCode as number, errorCode: e.errorCode as string, errorMsg: e.errorMsg as string, requestId: e.requestId as string };
  }
  throw new Error('expected the SDK to throw');
}

// Poll until `read` returns a value (or give up after `ms`).
export async function eventually<T>(read: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no result within ${ms}ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

// One HTTP request with exactly these headers (fetch cannot set Host).
export function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
