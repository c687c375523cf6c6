// Who may use the console, checked on every console request before its route runs:
//   - Host: the bound address, localhost or a loopback literal (a wildcard bind also accepts this
//     machine's addresses and hostname); anything else is a DNS-rebinding attempt: 403.
//   - Token: required unless the server is bound to 127.0.0.1, ::1 or localhost. The page takes it once
//     as ?token= (then a cookie, and a redirect that drops it from the address bar); API calls carry the
//     cookie or `Authorization: token T`. Missing or wrong: 401.
//   - Origin: a state-changing request (POST, PUT, DELETE) that carries Origin must come from the
//     console's own origin: 403. Requests without Origin come from programs, not from a web page.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import { ApiError } from '../errors.js';
import type { Guard } from '../auth/route-auth.js';

/** Bind addresses where the console needs no token: only this machine can reach them. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '::1', 'localhost']);
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What the checks read of a request: its method and headers (the head, before any body). */
interface ConsoleHead {
  method?: string;
  headers: IncomingHttpHeaders;
}

interface AccessOptions {
  /** The address the server is bound to. */
  host: string;
  port: number;
  /** A fixed token (tests, scripts); a random one is made when the bind needs one. */
  token?: string;
}

// "host:port", "[::1]:port" or "host" -> the lower-cased host name or address without brackets.
function hostOf(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(1, value.indexOf(']'));
  const colon = value.lastIndexOf(':');
  return colon < 0 ? value : value.slice(0, colon);
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
  /** The session token, or null when the bind is loopback-only. */
  readonly token: string | null;
  /** The cookie holding the token; per port, since browsers share cookies across a host's ports. */
  readonly cookieName: string;
  private readonly hosts: Set<string>;

  constructor(private readonly options: AccessOptions) {
    const bound = options.host.toLowerCase();
    this.token = LOOPBACK_HOSTS.has(bound) ? null : options.token ?? randomBytes(24).toString('hex');
    this.cookieName = `fgrun-console-${options.port}`;
    this.hosts = new Set(['localhost', '127.0.0.1', '::1', bound]);
    if (WILDCARD_HOSTS.has(bound)) {
      this.hosts.add(hostname().toLowerCase());
      for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) this.hosts.add(a.address.toLowerCase());
    }
  }

  // Refuse a request whose Host header names another site (DNS rebinding).
  checkHost(req: ConsoleHead): void {
    const host = req.headers.host;
    if (host === undefined || !this.hosts.has(hostOf(host))) {
      throw new ApiError('forbidden', `the console answers only requests addressed to ${this.options.host} or localhost, not '${host ?? ''}' (a DNS-rebinding guard); open the URL fgrun serve printed`);
    }
  }

  // Refuse a state-changing request sent by a page of another origin.
  checkOrigin(req: ConsoleHead): void {
    if (SAFE_METHODS.has(req.method ?? 'GET')) return;
    const origin = req.headers.origin;
    if (origin === undefined) return;
    if (origin !== `http://${req.headers.host ?? ''}`) {
      throw new ApiError('forbidden', `the console refuses ${req.method} requests from the origin '${origin}': only its own pages may change its state`);
    }
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

  /** The page and its assets: Host only (the page itself handles the token, see app.ts). */
  readonly pageGuard: Guard = {
    mode: 'console', requirement: 'console: a Host of this server',
    admit: (head) => {
      this.checkHost(head);
      return null;
    },
  };

  /** The console's API: Host, then the token, then Origin, all on the head before the body is read. */
  readonly apiGuard: Guard = {
    mode: 'console', requirement: 'console: a Host of this server, the session token beyond loopback, its own Origin',
    admit: (head) => {
      this.checkHost(head);
      this.checkToken(head);
      this.checkOrigin(head);
      return null;
    },
  };

  /** The Set-Cookie value that keeps the token for later requests. */
  get setCookie(): string {
    return `${this.cookieName}=${this.token ?? ''}; Path=/; HttpOnly; SameSite=Strict`;
  }
}
