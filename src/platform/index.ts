// Everything fgrun's host does that depends on the operating system, in one place (docs/platforms.md).
export { onHostExit, type ExitPhase } from './host-exit.js';
export { descendants, killGroup, killTree, readPeakKb, RssProbe } from './proc.js';
export { cgroupFolder, InstanceCgroup } from './cgroup.js';
export { reaperForget, reaperWatch } from './reaper.js';
export { assertSupportedPlatform } from './support.js';
