"""Offline stand-in for the get-pip.py that ansible-test downloads for its --venv bootstrap.

ansible-test caches that script as ~/.ansible/test/cache/get_pip_<ver>.py and runs it inside a fresh
virtual environment with pip-install arguments (e.g. ``pip==25.1 --no-setuptools --no-wheel``).
Its host is not reachable here, so scripts/setup installs this file under that name instead: it
bootstraps the pip bundled with CPython (ensurepip) and then lets that pip install the requested
version from the package index, which is reachable.
"""
import ensurepip
import runpy
import sys

GET_PIP_ONLY_FLAGS = {"--no-setuptools", "--no-wheel"}


def main():
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_FLAGS]
    ensurepip.bootstrap(upgrade=True)
    sys.argv = ["pip", "install"] + args
    runpy.run_module("pip", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
