// Who may address this server at all, checked on every request (/v2, /apig and the console) before
// its route's own guard, with or without credentials configured (docs/security.md):
//   - Host: the bound address, localhost or a loopback literal (a wildcard bind also accepts this
//     machine's addresses and hostname); anything else is a DNS-rebinding page: 403.
//   - Origin: a state-changing request (anything but GET, HEAD, OPTIONS) that carries a browser's
//     Origin must come from this server's own origin or one --cors allows: 403. A request that a
//     browser marks cross-site (Sec-Fetch-Site: cross-site or same-site, e.g. a no-cors <img> or form)
//     is refused the same way on every route but the console's page, which links may open.
//   Requests without Origin or Sec-Fetch-Site come from programs (SDKs, curl), not from web pages.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import { ApiError } from '../errors.js';

/** Bind addresses only this machine can reach. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '::1', 'localhost']);
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const CROSS_SITE = new Set(['cross-site', 'same-site']);

/** What the check reads of a request: its method and headers. */
export interface SiteHead {
  method?: string;
  headers: IncomingHttpHeaders;
}

// "host:port", "[::1]:port" or "host" -> the lower-cased host name or address without brackets.
function hostOf(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(1, value.indexOf(']'));
  const colon = value.lastIndexOf(':');
  return colon < 0 ? value : value.slice(0, colon);
}

export class SiteCheck {
  private readonly hosts: Set<string>;
  private readonly cors: Set<string>;

  /** `host`: the bound address; `cors`: the origins (scheme://host[:port]) that --cors allows. */
  constructor(private readonly host: string, cors: readonly string[] = []) {
    const bound = host.toLowerCase();
    this.hosts = new Set(['localhost', '127.0.0.1', '::1', bound]);
    if (WILDCARD_HOSTS.has(bound)) {
      this.hosts.add(hostname().toLowerCase());
      for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) this.hosts.add(a.address.toLowerCase());
    }
    this.cors = new Set(cors.map((origin) => origin.replace(/\/+$/, '').toLowerCase()));
  }

  // Refuse a request whose Host header names another site (DNS rebinding).
  checkHost(req: SiteHead): void {
    const host = req.headers.host;
    if (host === undefined || !this.hosts.has(hostOf(host))) {
      throw new ApiError('forbidden', `fgrun serve answers only requests addressed to ${this.host} or localhost, not '${host ?? ''}' (a DNS-rebinding guard); use the URL fgrun serve printed`);
    }
  }

  // Whether the Origin header is this server's own origin, or one --cors allows.
  allowedOrigin(req: SiteHead): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return false;
    return origin === `http://${req.headers.host ?? ''}` || this.cors.has(origin.toLowerCase());
  }

  // Refuse a state-changing request from another origin, and (unless `navigable`) any request a
  // browser marks as sent by another site.
  checkOrigin(req: SiteHead, navigable = false): void {
    const origin = req.headers.origin;
    const method = req.method ?? 'GET';
    if (this.allowedOrigin(req)) return;
    if (origin !== undefined && !SAFE_METHODS.has(method)) {
      throw new ApiError('forbidden', `fgrun serve refuses ${method} requests from the origin '${origin}': only its own pages may change its state (allow an origin with --cors ORIGIN)`);
    }
    const site = String(req.headers['sec-fetch-site'] ?? '');
    if (!navigable && CROSS_SITE.has(site)) {
      throw new ApiError('forbidden', `fgrun serve refuses ${method} requests a browser sent from another site (Sec-Fetch-Site: ${site}${origin ? `, Origin: ${origin}` : ''}): allow an origin with --cors ORIGIN`);
    }
  }

  // CORS response headers for an allowed foreign origin; a preflight (OPTIONS with
  // Access-Control-Request-Method) is answered here, and true returned.
  answerCors(req: SiteHead, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    if (origin === undefined || !this.cors.has(origin.toLowerCase())) return false;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return false;
    res.writeHead(204, {
      'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
      'Access-Control-Allow-Headers': String(req.headers['access-control-request-headers'] ?? ''),
      'Access-Control-Max-Age': '600',
    });
    res.end();
    return true;
  }
}
