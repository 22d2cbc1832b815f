"""Run a command on a pseudo-terminal and append everything it prints to a log file (run on the dom0).

    python3 pty_capture.py LOG TIMEOUT COMMAND [ARG...]

`xl console`, `xl create -c` and `virsh console` want a terminal; the guest tests run them under this
helper in the background so the guest's console ends up in LOG. It stops when the command exits (the
console closes when the guest is gone) or after TIMEOUT seconds (then it kills the command), and ends
LOG with a `[pty_capture: ...]` line saying which.
"""
import os
import pty
import select
import signal
import sys
import time


def main(argv):
    log, timeout, command = argv[0], float(argv[1]), argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    deadline = time.time() + timeout
    with open(log, "ab", buffering=0) as out:
        while True:
            if time.time() > deadline:
                os.kill(pid, signal.SIGKILL)
                out.write(b"\n[pty_capture: timeout after %d s]\n" % timeout)
                break
            ready = select.select([fd], [], [], 1)[0]
            if not ready:
                continue
            try:
                data = os.read(fd, 4096)
            except OSError:  # EIO: the command closed the terminal
                break
            if not data:
                break
            out.write(data)
        status = os.waitpid(pid, 0)[1]
        out.write(b"\n[pty_capture: exit %d]\n" % os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main(sys.argv[1:])
