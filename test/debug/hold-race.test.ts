// A debugger's hold names the context it holds (bootstrap/fgrun_runner.py Runner.debug_notice), in
// one Python process per runtime, with no host: a thread the function started reaches a breakpoint
// while request A runs, and its `hold` is made to land only after A has ended and B has begun (the
// thread stops at that line until then: a trace function, no sleep). B's clock still runs; B's own
// hold then stops it, and its release moves B's deadline out by the time held.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/fixtures.js';
import { describeEachRuntime } from '../helpers/runtimes.js';

const SCRIPT = `
import io, json, sys, tempfile, threading, time
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import fgrun_protocol, fgrun_runner
clock = fgrun_runner._clock

class Debugger(object):
    port = 5678
    code_root = "/code"
    def after_request(self):
        pass

out = io.BytesIO()
log = tempfile.TemporaryFile()
runner = fgrun_runner.Runner(fgrun_protocol.Channel(io.BytesIO(b""), writer=out), log_fd=log.fileno())
runner.debugger = Debugger()

# The line where a hold takes its time: the thread stops there until B has begun.
source = fgrun_runner.Runner.debug_notice
code = getattr(source, "__func__", source).__code__
first = code.co_firstlineno
import linecache
lines = linecache.getlines(code.co_filename)
hold_line = next(i + 1 for i in range(first - 1, len(lines)) if "self.held_at = _clock()" in lines[i])
at_line = threading.Event()
go_on = threading.Event()

def tracer(frame, event, arg):
    if frame.f_code is not code:
        return None
    def local(frame, event, arg):
        if event == "line" and frame.f_lineno == hold_line:
            at_line.set()
            go_on.wait()
        return local
    return local

def wait_ms(ms):
    end = clock() + ms / 1000.0
    while clock() < end:
        pass

a = runner.begin("A", 30, 30000, clock())
threading.settrace(tracer)
thread = threading.Thread(target=runner.debug_notice, args=("hold", "pdb"))
thread.start()
# The thread reads the hook when it begins to run, maybe after start() returned: the hook stays
# until the thread has stopped at the line. (40 s only ends a run that would otherwise hang.)
if not at_line.wait(40):
    sys.exit("the thread never reached the hold's line")
threading.settrace(None)
runner.end()
b = runner.begin("B", 30, 30000, clock())
go_on.set()
thread.join()
held_for_a = getattr(runner, "held_for", None) is a
b1 = b.getRemainingTimeInMilliSeconds()
wait_ms(50)
b2 = b.getRemainingTimeInMilliSeconds()
# B's own hold, then its release, from this thread.
runner.debug_notice("hold", "pdb")
h1 = b.getRemainingTimeInMilliSeconds()
wait_ms(50)
h2 = b.getRemainingTimeInMilliSeconds()
deadline = b._deadline
runner.debug_notice("release", "pdb")
moved = (b._deadline - deadline) * 1000
r1 = b.getRemainingTimeInMilliSeconds()
runner.end()
frames = [json.loads(line)["state"] for line in out.getvalue().decode("ascii").splitlines()]
sys.stdout.write(json.dumps({"heldForA": held_for_a, "b": [b1, b2], "held": [h1, h2], "moved": moved,
                             "afterRelease": r1, "frames": frames}))
`;

describeEachRuntime('a debugger hold that lands after its request ended', (runtime) => {
  it("holds only the context it saw: the next request's clock runs, and its own hold stops it", () => {
    const run = spawnSync(runtime.path, ['-c', SCRIPT, join(ROOT, 'bootstrap'), join(ROOT, 'pyshim')], { encoding: 'utf8', timeout: 50_000 });
    expect(run.stderr).toBe('');
    const got = JSON.parse(run.stdout) as { heldForA: boolean; b: number[]; held: number[]; moved: number; afterRelease: number; frames: string[] };
    // The late hold names A, which no longer runs.
    expect(got.heldForA).toBe(true);
    // B's clock ran for the 50 ms between its two reads (from 30 s, never above it).
    expect(got.b[0]).toBeLessThanOrEqual(30_000);
    expect(got.b[0]! - got.b[1]!).toBeGreaterThanOrEqual(50);
    // B's own hold: its clock stands still, and the release moves its deadline out by the time held.
    expect(got.held[0]).toBe(got.held[1]);
    expect(got.moved).toBeGreaterThanOrEqual(50);
    // After the release its clock runs on from where it stood (never from further back).
    expect(got.afterRelease).toBeLessThanOrEqual(got.held[1]!);
    expect(got.frames).toEqual(['hold', 'hold', 'release']);
  });
});
