"""Fast checks of the VM harness's inputs (no VM is booted; the Molecule scenarios do that).

- Every package a role installs on Debian 12/13 is in the image's offline apt repository list,
  or the scenario would fail offline in the middle of the play.
- The image cache key really covers the builder's inputs: change one and the image path changes.
- The builder rejects bad parameters with a message instead of building something else.
"""
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def listed(path):
    return {line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")}


def role_packages(platform):
    """Package names in roles/*/vars/<platform>.yml under keys that are lists of packages."""
    found = {}
    for vars_file in sorted(REPO.glob("roles/*/vars/%s.yml" % platform)):
        data = yaml.safe_load(vars_file.read_text()) or {}
        for key, value in data.items():
            if "packages" in key and isinstance(value, list) and all(isinstance(v, str) for v in value):
                for name in value:
                    found[name] = "%s:%s" % (vars_file.relative_to(REPO), key)
    return found


@pytest.mark.parametrize("platform", ["Debian-12", "Debian-13"])
def test_offline_repository_covers_what_roles_install(platform):
    wanted = role_packages(platform)
    if not wanted:
        pytest.skip("no role names packages for %s yet" % platform)
    missing = {name: where for name, where in wanted.items() if name not in listed(HERE / "packages" / "repo-debian.txt")}
    assert not missing, "add to tests/vm/packages/repo-debian.txt: %s" % missing


@pytest.fixture()
def harness_copy(tmp_path):
    """A private copy of tests/vm and its own cache (so a key is generated there, not in ~/.cache)."""
    copy = tmp_path / "vm"
    shutil.copytree(HERE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    env = dict(os.environ, XENHOST_CACHE=str(tmp_path / "cache"))
    return copy, env


def image_path(copy, env, *args):
    return subprocess.run([str(copy / "build-image"), "--print-key", *args], env=env, check=True,
                          capture_output=True, text=True).stdout.strip()


def test_cache_key_follows_inputs(harness_copy):
    copy, env = harness_copy
    base = image_path(copy, env, "--suite", "bookworm")
    assert base == image_path(copy, env, "--suite", "bookworm"), "same inputs, same image"
    assert Path(base).name.startswith("bookworm-amd64-grub2-")
    assert image_path(copy, env, "--suite", "trixie") != base
    assert image_path(copy, env, "--suite", "bookworm", "--boot", "grub-legacy") != base
    with open(copy / "packages" / "repo-debian.txt", "a") as repo_list:
        repo_list.write("ed\n")
    assert image_path(copy, env, "--suite", "bookworm") != base, "a package list change must make a new image"
    changed = image_path(copy, env, "--suite", "bookworm")
    (copy / "lib" / "customize-rootfs").write_text((copy / "lib" / "customize-rootfs").read_text() + "\n# changed\n")
    assert image_path(copy, env, "--suite", "bookworm") != changed, "a builder change must make a new image"


@pytest.mark.parametrize("args, message", [
    (["--suite", "sid"], "suite must be bookworm or trixie"),
    (["--arch", "arm64"], "arch must be amd64 or i386"),
    (["--boot", "lilo"], "boot must be grub2, grub-legacy or direct"),
    (["--frobnicate"], "unknown argument"),
])
def test_builder_rejects_bad_parameters(harness_copy, args, message):
    copy, env = harness_copy
    proc = subprocess.run([str(copy / "build-image"), *args], env=env, capture_output=True, text=True, check=False)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert not (Path(env["XENHOST_CACHE"]) / "images").exists(), "nothing may be built on bad input"


def test_vm_tool_refuses_unknown_instance(tmp_path):
    env = dict(os.environ, XENHOST_CACHE=str(tmp_path))
    proc = subprocess.run([str(HERE / "vm"), "ssh-wait", "no-such-vm"], env=env, capture_output=True, text=True, check=False)
    assert proc.returncode != 0
    assert "no VM named 'no-such-vm'" in proc.stderr
    # cleanup-all with nothing recorded is a no-op that succeeds (the test script always calls it).
    assert subprocess.run([str(HERE / "vm"), "cleanup-all"], env=env, check=False).returncode == 0
