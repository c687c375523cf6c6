// How an HTTP function's instances each get 127.0.0.1:8000 (docs/http-functions.md):
//   - in its own network namespace (bwrap, namespace/bwrap.ts), where Linux allows it: any number
//     of instances, each believing it owns the port, as in the cloud; the host reaches each through
//     the relay's Unix socket. A pid namespace too, so the instance's processes end with it. Its
//     outbound network comes from slirp4netns (namespace/slirp.ts) where it is installed.
//   - else on the host's port 8000: one instance per function, one such function per host; the
//     reason is said once on stderr and a second function that needs the port is refused.
import { ConfigError } from '../errors.js';
import { namespaceSupport, type NamespaceSupport } from '../namespace/bwrap.js';
import { slirpSupport } from '../namespace/slirp.js';

export interface Isolation {
  /** bwrap and its flags, or [] on the host. */
  wrapper: string[];
  /** Instances the function may run at once (1 on the host's port), or null for its own setting. */
  maxInstances: number | null;
  /** slirp4netns, to give each namespace outbound network, or null (the host's network, or none). */
  network: string | null;
  /** Give the host's port back (close()). */
  release: () => void;
}

/** The function holding the host's port 8000 in this host process, if any. */
let holder: string | null = null;
let said = false;
let saidNoNetwork = false;

/** The bwrap flags of an HTTP function's instance: a network and pid namespace, the host's file system. */
function networkNamespace(bwrap: string): string[] {
  return [bwrap, '--unshare-user', '--unshare-net', '--unshare-pid', '--die-with-parent', '--dev-bind', '/', '/', '--proc', '/proc'];
}

// The isolation of function `key` (its name and code), or a ConfigError when the host's port is taken.
// `sandbox`: the instance's --sandbox command line (it has a network namespace of its own). With
// FGRUN_HTTP_NETWORK=host the host's port is used even where namespaces can be made. `outbound`:
// whether the instance has outbound network (false under --sandbox-network none).
export function httpIsolation(key: string, notice: (line: string) => void, env: NodeJS.ProcessEnv = process.env, sandbox: string[] | null = null, outbound = true): Isolation {
  const network = () => (outbound ? outboundNetwork(notice, env) : null);
  if (sandbox) return { wrapper: sandbox, maxInstances: null, network: network(), release: () => {} };
  const support: NamespaceSupport = env.FGRUN_HTTP_NETWORK === 'host'
    ? { available: false, missing: 'bwrap', reason: 'FGRUN_HTTP_NETWORK=host asks for the host\'s network', fix: 'unset FGRUN_HTTP_NETWORK for an instance per request' }
    : namespaceSupport(env);
  if (support.available) return { wrapper: networkNamespace(support.bwrap), maxInstances: null, network: network(), release: () => {} };
  if (holder !== null && holder !== key) {
    throw new ConfigError(`the HTTP function ${key} needs 127.0.0.1:8000, which HTTP function ${holder} already uses: without network namespaces (${support.reason}) only one HTTP function can run per fgrun process; ${support.fix}`, { field: 'type', details: { holder } });
  }
  if (!said) {
    said = true;
    notice(`fgrun: HTTP functions run on the host's 127.0.0.1:8000, one instance at a time: ${support.reason}; for an instance per request as in the cloud, ${support.fix}`);
  }
  holder = key;
  return { wrapper: [], maxInstances: 1, network: null, release: () => {
    if (holder === key) holder = null;
  } };
}

// slirp4netns for a namespace's outbound network, or null with one stderr line saying what is missing.
function outboundNetwork(notice: (line: string) => void, env: NodeJS.ProcessEnv): string | null {
  const support = slirpSupport(env);
  if ('slirp' in support) return support.slirp;
  if (!saidNoNetwork) {
    saidNoNetwork = true;
    notice(`fgrun: HTTP functions' instances have no outbound network (only their own loopback): ${support.reason}; ${support.fix} for outbound connections as in the cloud, or set FGRUN_HTTP_NETWORK=host to run on the host's network (docs/http-functions.md)`);
  }
  return null;
}
