// Escapes without cgroups (FGRUN_CGROUP=off): the interpreter is the subreaper, the host and the
// reaper walk the process tree.
import { escapeCases } from './escape-cases.js';

process.env.FGRUN_CGROUP = 'off';
escapeCases('no cgroup: subreaper and process tree', { FGRUN_CGROUP: 'off' });
