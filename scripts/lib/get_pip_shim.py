"""Offline stand-in for the get-pip.py that ansible-test downloads for its --venv bootstrap.

ansible-test caches that script as ~/.ansible/test/cache/get_pip_<ver>.py and runs it inside a fresh
virtual environment with pip-install arguments (e.g. ``pip==24.2 --no-setuptools --no-wheel``).
Its host is not reachable here, so scripts/setup installs this file under that name instead: it
bootstraps the pip bundled with CPython (ensurepip) and then lets that pip install the requested
version from the package index, which is reachable.

Both steps run as child processes: ensurepip blanks the PIP_* settings and the pip config file of
the process it runs in, which would drop the machine's index and CA settings for the second step.
"""
import subprocess
import sys

GET_PIP_ONLY_FLAGS = {"--no-setuptools", "--no-wheel"}


def main():
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_FLAGS]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"], stdout=subprocess.DEVNULL)
    sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args))


if __name__ == "__main__":
    main()
