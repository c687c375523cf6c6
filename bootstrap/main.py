# The entry the interpreter runs: claim stdio for the protocol, then serve requests.
# `main.py --probe` is the host's runtime probe: it proves the bootstrap imports on this interpreter
# and prints [major, minor, micro, sys.executable, protocol version] as one JSON line.
import gc
import os
import sys


# What the bootstrap's modules import from the standard library as they load (the rest is loaded
# already, or comes later: fgrun_map's mmap only with a mapped channel).
_STDLIB = ("io", "json", "struct", "time", "fcntl", "termios")


def main():
    # 3.7+: no collection while the bootstrap starts (gc.freeze, below, moves all it allocated out
    # of the collector's sight before the function loads): 0.4-0.8 ms of a 3.9-3.12 cold start. On
    # 2.7 and 3.6, without freeze, the collections would only come later: left as they are.
    freeze = getattr(gc, "freeze", None)
    collecting = freeze is not None and gc.isenabled()
    if collecting:
        gc.disable()
    here = os.path.dirname(os.path.abspath(__file__))
    shim = os.path.join(os.path.dirname(here), "pyshim")
    # The standard library's modules fgrun's own import, imported before fgrun's folders go first on
    # sys.path (this one first of all, as the script's): behind them each is looked for in both
    # first, ten failed system calls apiece on 2.7 (~90 us of a cold start), a folder check on 3.x.
    del sys.path[0]
    for name in _STDLIB:
        try:
            __import__(name)
        except ImportError:
            pass
    sys.path[0:0] = [here, shim]
    # fgrun's own modules keep a bytecode cache even under -B: compiling them is 2.5-5 ms of every
    # cold start (docs/performance.md). The function's modules load under the interpreter's setting.
    write_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = False
    import fgrun_isolation
    import fgrun_protocol
    import fgrun_runner
    import fgrun_platform
    # Fd 3 may be the host's offer of a mapped channel: kept until init says (fgrun_map.py), and its
    # module imported here, while fgrun's folder is on the path and its bytecode is cached.
    map_fd = fgrun_platform.regular_file(3)
    probe = sys.argv[1:] == ["--probe"]
    if map_fd is not None:
        import fgrun_map  # noqa: F401 (Runner.open_map imports it again, from sys.modules)
    if probe:
        # What a start imports only when it needs it (fgrun_isolation.own_module) imports too, as it
        # did when fgrun_runner imported it.
        import fgrun_debug  # noqa: F401
        import fgrun_errors  # noqa: F401
    sys.dont_write_bytecode = write_bytecode
    if probe:
        import json
        facts = list(sys.version_info[:3]) + [sys.executable, fgrun_protocol.PROTOCOL_VERSION]
        sys.stdout.write(json.dumps(facts) + "\n")
        return
    fgrun_isolation.prepare()
    # No descriptor the host inherited reaches the function; forked children drop the protocol's.
    fgrun_platform.close_inherited_fds(() if map_fd is None else (map_fd,))
    in_fd, out_fd, log_fd = fgrun_protocol.claim_stdio()
    fgrun_platform.forget_in_children((in_fd, out_fd, log_fd))
    sys.path[:] = [p for p in sys.path if p not in (here, shim)]
    channel = fgrun_protocol.Channel.from_fds(in_fd, out_fd)
    # What the bootstrap allocated so far (its modules and the standard library's) is moved out of
    # the collector's sight before the function's module is imported: the interpreter's orderly exit
    # then no longer traverses it (3.12: 7 of its ~10 ms after `shutdown`, docs/performance.md), nor
    # does a full collection during a request. The function's own objects stay collectable, so its
    # finalizers and atexit handlers run at exit as before. gc.freeze is 3.7+ (not on 2.7 and 3.6).
    if freeze is not None:
        freeze()
    if collecting:
        gc.enable()
    ended = fgrun_runner.Runner(channel, log_fd, map_fd).serve()
    # The loop ended: the function's processes end with the instance, daemons included (this
    # interpreter is their subreaper where there is no cgroup). On `shutdown` the host is still
    # there (stdin stays open); at end of input it is gone, and the whole group goes at once. After
    # a failed init, stdin says which (the check imports `select`: ~1.3 ms of a 3.12 exit, so only
    # then).
    fgrun_platform.kill_tree(os.getpid())
    if ended == "closed" or (ended is None and fgrun_platform.input_closed(in_fd)):
        fgrun_platform.kill_group()


if __name__ == "__main__":
    main()
