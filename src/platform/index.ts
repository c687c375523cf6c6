// Everything fgrun's host does that depends on the operating system, in one place (docs/platforms.md).
export { onHostExit } from './host-exit.js';
export { tempFolder } from './temp.js';
export { killGroup, killTree, readPeakKb, RssProbe } from './proc.js';
export { cgroupFolder, InstanceCgroup } from './cgroup.js';
export { reaperForget, reaperWatch } from './reaper.js';
export { assertSupportedPlatform } from './support.js';
