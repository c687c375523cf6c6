# The entry the interpreter runs: claim stdio for the protocol, then serve requests.
# `main.py --probe` prints this interpreter's facts and checks that the bootstrap imports.
import os
import sys


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    shim = os.path.join(os.path.dirname(here), "pyshim")
    sys.path[0:1] = [here, shim]
    import fgrun_protocol
    import fgrun_runner
    if sys.argv[1:] == ["--probe"]:
        import json
        sys.stdout.write(json.dumps({"version": list(sys.version_info[:3]), "executable": os.path.realpath(sys.executable),
                                     "protocol": fgrun_protocol.PROTOCOL_VERSION}) + "\n")
        return
    in_fd, out_fd = fgrun_protocol.claim_stdio()
    sys.path[:] = [p for p in sys.path if p not in (here, shim)]
    channel = fgrun_protocol.Channel.from_fds(in_fd, out_fd)
    fgrun_runner.Runner(channel).serve()


if __name__ == "__main__":
    main()
