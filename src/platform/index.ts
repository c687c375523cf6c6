// Everything fgrun's host does that depends on the operating system, in one place (docs/platforms.md).
export { onHostExit } from './host-exit.js';
export { tempFolder } from './temp.js';
export { childrenOf, killGroup, killTree, processState, readPeakKb, RssProbe, rssKb } from './proc.js';
export { Placement } from './placement.js';
export { cgroupFolder, InstanceCgroup, primeCgroupJoin, primeSettled } from './cgroup.js';
export { cgroupCpuLimit, cpuBudget, cpuCgroup, cpuSlots } from './cpu-budget.js';
export { reaperForget, reaperWatch } from './reaper.js';
export { assertSupportedPlatform } from './support.js';
