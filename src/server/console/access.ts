// Who may use the console, checked on every console request before its route runs, after the
// server-wide Host and Origin checks (auth/site-check.ts):
//   - Token: required unless the server is bound to 127.0.0.1, ::1 or localhost and no credentials
//     are configured (with --ak/--sk or --token the console would otherwise run functions, and show
//     signed callers' results, to anyone on this machine). The page takes it once as ?token= (then a
//     cookie, and a redirect that drops it from the address bar); API calls carry the cookie or
//     `Authorization: token T`. Missing or wrong: 401.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../errors.js';
import { LOOPBACK_HOSTS } from '../auth/site-check.js';
import type { Guard } from '../auth/route-auth.js';

/** What the checks read of a request: its headers (the head, before any body). */
interface ConsoleHead {
  headers: IncomingHttpHeaders;
}

interface AccessOptions {
  /** The address the server is bound to. */
  host: string;
  port: number;
  /** Whether credentials are configured: the console then requires its token on loopback too. */
  credentials: boolean;
  /** A fixed token (tests, scripts); a random one is made when the bind needs one. */
  token?: string;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// One cookie's value from a Cookie header.
function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class ConsoleAccess {
  /** The session token, or null when the bind is loopback-only and no credentials are configured. */
  readonly token: string | null;
  /** The cookie holding the token; per port, since browsers share cookies across a host's ports. */
  readonly cookieName: string;

  constructor(options: AccessOptions) {
    const open = LOOPBACK_HOSTS.has(options.host.toLowerCase()) && !options.credentials;
    this.token = open ? null : options.token ?? randomBytes(24).toString('hex');
    this.cookieName = `fgrun-console-${options.port}`;
    this.apiGuard = {
      mode: this.token === null ? 'none' : 'console',
      requirement: this.token === null
        ? 'none: loopback bind and no credentials configured, every local user may use it'
        : 'the console token (in the console URL printed above, then a cookie; or Authorization: token T)',
      admit: (head) => {
        this.checkToken(head);
        return null;
      },
    };
  }

  // Whether the request carries the token (always true when none is needed).
  hasToken(req: ConsoleHead, queryToken?: string): boolean {
    if (this.token === null) return true;
    const given = queryToken ?? cookie(req.headers.cookie, this.cookieName) ?? /^token\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    return given !== undefined && sameText(given, this.token);
  }

  // Refuse an API request without the token.
  checkToken(req: ConsoleHead): void {
    if (!this.hasToken(req)) {
      throw new ApiError('unauthorized', 'the console needs its session token: open the console URL fgrun serve printed (it ends in ?token=...), or send Authorization: token <token>');
    }
  }

  /** The page and its assets: open (the page itself asks for the token, see app.ts). */
  readonly pageGuard: Guard = {
    mode: 'console', requirement: 'console page: open (it asks for the token)',
    admit: () => null,
  };

  /** The console's API: the token, on the head before the body is read. */
  readonly apiGuard: Guard;

  /** The Set-Cookie value that keeps the token for later requests. */
  get setCookie(): string {
    return `${this.cookieName}=${this.token ?? ''}; Path=/; HttpOnly; SameSite=Strict`;
  }
}
