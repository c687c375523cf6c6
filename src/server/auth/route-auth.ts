// Each route's guard: who may call it, checked on the request's head before its body is read
// (so an unauthenticated upload costs nothing), with the body-dependent part (a signature over the
// body's hash) run once the body is in. The invoke API and the APIG gateway have one each; other
// routes (the console) bring their own Guard.
import { ConfigError } from '../../errors.js';
import { registerSecret } from '../../log.js';
import { admitApp, admitIam, authEnabled, refusals, type AuthOptions, type BodyCheck, type RequestHead } from './admission.js';

/** How the gateway authenticates, as an APIG API does: none, IAM (token or AK/SK), or App (app key/secret). */
export const APIG_AUTH_MODES = ['none', 'iam', 'app'] as const;
export type ApigAuthMode = (typeof APIG_AUTH_MODES)[number];

export interface GatewayAuthOptions {
  /** Default: 'app' when an app key is configured, else 'iam' when IAM credentials are, else 'none'. */
  mode?: ApigAuthMode;
  appKey?: string;
  appSecret?: string;
}

export interface Guard {
  /** 'none' when the route is open to everyone. */
  readonly mode: string;
  /** What a caller must send, for the banner. */
  readonly requirement: string;
  /** Throws the refusal when the head alone decides; else the check of the body, or null. */
  admit(head: RequestHead, now?: Date): BodyCheck | null;
}

export interface Guards {
  invoke: Guard;
  gateway: Guard;
}

const open = (requirement: string): Guard => ({ mode: 'none', requirement, admit: () => null });

function iamGuard(options: AuthOptions, refuse = refusals('unauthorized', 'Incorrect IAM authentication information')): Guard {
  const what = [options.ak ? 'a signature with the configured AK/SK (SDK-HMAC-SHA256)' : '', options.token ? 'the configured X-Auth-Token' : ''].filter(Boolean).join(' or ');
  return { mode: 'iam', requirement: `IAM: ${what}`, admit: (head, now) => admitIam(options, head, now, refuse) };
}

function appGuard(appKey: string, appSecret: string): Guard {
  const refuse = refusals('apig-app-unauthorized', 'Incorrect app authentication information');
  return {
    mode: 'app',
    requirement: 'App: a signature with the configured app key and secret (SDK-HMAC-SHA256 with X-Sdk-Date)',
    admit: (head, now = new Date()) => admitApp(appKey, appSecret, head, now, refuse),
  };
}

// The invoke API's and the gateway's guards, or a ConfigError naming the flag that is missing.
export function guardsFor(iam: AuthOptions = {}, gateway: GatewayAuthOptions = {}): Guards {
  if (Boolean(gateway.appKey) !== Boolean(gateway.appSecret)) {
    throw new ConfigError('--app-key and --app-secret go together: pass both (or FGRUN_SERVE_APP_KEY and FGRUN_SERVE_APP_SECRET), or neither', { field: gateway.appKey ? '--app-secret' : '--app-key' });
  }
  for (const secret of [iam.sk, iam.token, gateway.appSecret]) registerSecret(secret);
  const hasIam = authEnabled(iam);
  const mode = gateway.mode ?? (gateway.appKey ? 'app' : hasIam ? 'iam' : 'none');
  if (mode === 'iam' && !hasIam) throw new ConfigError('--apig-auth iam needs IAM credentials: add --ak/--sk or --token', { field: '--apig-auth' });
  if (mode === 'app' && !gateway.appKey) throw new ConfigError('--apig-auth app needs the app credentials: add --app-key and --app-secret (or FGRUN_SERVE_APP_KEY and FGRUN_SERVE_APP_SECRET)', { field: '--apig-auth' });
  const invoke = hasIam ? iamGuard(iam) : open('none: no credentials configured (--ak/--sk, --token), every request is accepted');
  const gatewayGuard = mode === 'app' ? appGuard(gateway.appKey!, gateway.appSecret!)
    : mode === 'iam' ? iamGuard(iam, refusals('apig-iam-unauthorized', 'Incorrect IAM authentication information'))
    : open(gateway.mode === 'none' ? 'none: every request is accepted (--apig-auth none)' : 'none: no credentials configured, every request is accepted');
  return { invoke, gateway: gatewayGuard };
}
