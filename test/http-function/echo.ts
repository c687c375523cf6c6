// The http-echo fixture's answer, read from an APIG result.
import { expect } from 'vitest';

interface Echo { method: string; path: string; headers: Record<string, string>; body: string; python: string; cwd: string }

// The APIG result of an invocation, and the echo it carries.
export function echoOf(result: unknown): { statusCode: number; headers: Record<string, string>; echo: Echo } {
  const r = result as { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded: boolean };
  expect(r.isBase64Encoded).toBe(true);
  return { statusCode: r.statusCode, headers: r.headers, echo: JSON.parse(Buffer.from(r.body, 'base64').toString('utf8')) as Echo };
}
