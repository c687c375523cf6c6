// The host side of the reaper: one tiny process per host that kills every instance when the host
// dies, even by SIGKILL, and even while a handler holds the GIL. Started with the first instance, in
// its own session (a Ctrl-C to the terminal's group does not reach it), and unref'd (it never keeps
// the host alive). The host tells it each instance's start and exit, one line each, at spawn and exit
// only: nothing per request. It ends at end of input: when the host dies (the kernel closes the
// host's end of the pipe) or exits.
//
// While the host lives the reaper is `/bin/sh` (WATCH below): it only keeps the list of live
// instances, and starts in ~1 ms where an interpreter took 10-20 ms of CPU beside the first
// instance's own start. At end of input it hands the instances still listed to
// bootstrap/fgrun_reaper.py, which kills them (cgroup.kill, or the process tree and group) and
// removes their cgroups; with none listed, it removes only the host's cgroup folder. Should that
// interpreter be gone by then, the shell kills each instance's cgroup (or its tree and group) itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The reaper's script, from src/platform or dist/platform. */
const REAPER = fileURLToPath(new URL('../../bootstrap/fgrun_reaper.py', import.meta.url));

// $1 the interpreter, $2 fgrun_reaper.py. Lines: `+ <pid> [<cgroup>]`, `- <pid>` (anything else is
// skipped). `pids` is " <pid> <pid> ... ", each live pid's cgroup is in c_<pid>, the host's cgroup
// folder in `dir`.
const WATCH = `pids=' ' dir=''
# Stop and kill every descendant of $1 (Linux's /proc; daemons re-parent to their subreaper, the instance).
tree() {
  local c
  for c in $(cat /proc/$1/task/*/children 2>/dev/null); do kill -STOP "$c"; tree "$c"; kill -9 "$c"; done
}
while read -r op pid cg; do
  case $pid in ''|*[!0-9]*) continue ;; esac
  case $op in
  +) eval "c_$pid=\\$cg"; [ -n "$cg" ] && dir=\${cg%/*}
     case $pids in *" $pid "*) ;; *) pids="$pids$pid " ;; esac ;;
  -) case $pids in *" $pid "*) pids="\${pids%% $pid *} \${pids#* $pid }" ;; esac; unset "c_$pid" ;;
  esac
done
if [ "$pids" != ' ' ]; then
  for pid in $pids; do eval "printf '+ %s %s\\n' $pid \\"\\$c_$pid\\""; done | "$1" -S -E -B -s "$2"
  # The interpreter is gone (removed since the host started it): cgroup.kill, else the tree and
  # the group of a pid that is still an fgrun instance, as fgrun_reaper.py does.
  if [ $? -ge 126 ]; then
    for pid in $pids; do
      eval "cg=\\$c_$pid"
      if [ -n "$cg" ] && echo 1 > "$cg/cgroup.kill"; then :
      elif grep -qa -e bootstrap/main.py -e bootstrap/fgrun_http_relay.py "/proc/$pid/cmdline"; then
        kill -STOP "$pid"; tree "$pid"; kill -9 "$pid"; kill -9 -- "-$pid"
      fi
    done 2>/dev/null
    for pid in $pids; do
      eval "cg=\\$c_$pid"; n=0
      while [ -n "$cg" ] && [ -d "$cg" ] && ! rmdir "$cg" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.02; n=$((n + 1)); done
    done
  fi
fi
[ -d "$dir" ] && rmdir "$dir" 2>/dev/null
exit 0`;

let reaper: ChildProcess | null = null;
const watched = new Map<number, string>();

// Whether a reaper runs (started, to hand its list to `pythonPath`, if there is none yet).
function ensure(pythonPath: string): boolean {
  if (reaper && reaper.exitCode === null && reaper.signalCode === null && reaper.stdin?.writable) return true;
  try {
    const child = spawn('/bin/sh', ['-c', WATCH, 'fgrun-reaper', pythonPath, REAPER], {
      detached: true, stdio: ['pipe', 'ignore', 'ignore'], env: { PATH: '/usr/bin:/bin' },
    });
    child.on('error', () => {});
    child.stdin!.on('error', () => {});
    if (child.pid === undefined) return false;
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    reaper = child;
    // A new reaper learns every instance still alive.
    for (const [pid, cgroup] of watched) child.stdin!.write(line('+', pid, cgroup));
    return true;
  } catch {
    return false;
  }
}

function line(op: '+' | '-', pid: number, cgroup = ''): string {
  return cgroup ? `${op} ${pid} ${cgroup}\n` : `${op} ${pid}\n`;
}

// Have the reaper kill this instance if the host dies; false when no reaper could be started.
export function reaperWatch(pythonPath: string, pid: number, cgroupDir: string | null): boolean {
  // A reaper started now learns the instances watched before this one, then this one.
  const running = ensure(pythonPath);
  watched.set(pid, cgroupDir ?? '');
  if (!running) return false;
  reaper!.stdin!.write(line('+', pid, cgroupDir ?? ''));
  return true;
}

// The instance exited (or the host killed it): the reaper forgets it.
export function reaperForget(pid: number): void {
  if (!watched.delete(pid)) return;
  if (reaper?.stdin?.writable) reaper.stdin.write(line('-', pid));
}
