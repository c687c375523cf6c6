// An HTTP function's "memory used": the RSS of its server's processes (the bootstrap's shell and
// everything it starts), without fgrun's machinery in front of them, which the cloud's instance
// does not have: bwrap's two processes and the relay (about 14 MB with Python 3.10; the relay is
// an interpreter of the function's runtime). Measured once, when the server listens (the relay's
// RSS barely moves after that), and taken off every sample; the memory limit applies to the rest.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { childrenOf, RssProbe, rssKb } from '../platform/index.js';

/** bwrap (outside and inside the namespaces), then the relay: the deepest the machinery goes. */
const MAX_DEPTH = 3;

export class ServerRssProbe extends RssProbe {
  constructor(pid: number, cgroupProcs: string | null, private readonly machineryKb: number) {
    super(pid, cgroupProcs);
  }

  override readKb(): number {
    const kb = super.readKb();
    return kb === 0 ? 0 : Math.max(0, kb - this.machineryKb);
  }
}

// The RSS of the chain from the instance's first process `pid` down to the relay, or 0 when the
// tree is not the expected one (then everything counts, as it did).
export function machineryKb(pid: number): number {
  let kb = 0;
  let current = pid;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    kb += rssKb(current);
    if (isRelay(current)) return kb;
    const children = childrenOf(current);
    if (children.length !== 1) return 0;
    current = children[0]!;
  }
  return 0;
}

// The relay's interpreter runs bootstrap/fgrun_http_relay.py (bwrap's command lines name it too).
function isRelay(pid: number): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0');
    return basename(args[0] ?? '') !== 'bwrap' && args.some((a) => a.endsWith('fgrun_http_relay.py'));
  } catch {
    return false;
  }
}
