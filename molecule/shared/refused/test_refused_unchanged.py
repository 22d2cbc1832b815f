"""The site playbook refused a CPU without PAE in its preflight and left the disk unchanged.

Run by Molecule's testinfra verifier after prepare.yml recorded the disk and converge.yml ran the
site playbook (reboot allowed) as a child process and saved its result.
"""
import json
import os
import re
from pathlib import Path

import pytest

SCENARIO = Path(__file__).resolve().parent.parent
EPHEMERAL = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"])
MARKER = "/var/tmp/xenhost-before-play"


@pytest.fixture(scope="module")
def site_run():
    run = json.loads((EPHEMERAL / "site-run.json").read_text())
    run["stdout"] = re.sub(r"\x1b\[[0-9;]*m", "", run["stdout"])  # in case colours were forced
    return run


def run_script(host, name, *args):
    """Run one of this scenario's shell scripts on the VM (fed on stdin: nothing is copied there)."""
    script = (SCENARIO / name).read_text()
    quoted = " ".join("'%s'" % arg for arg in args)
    return host.check_output("sh -s -- %s <<'XENHOST_EOF'\n%sXENHOST_EOF" % (quoted, script))


def test_cpu_really_lacks_pae(host):
    flags = re.search(r"^flags\s*:\s*(.*)$", host.file("/proc/cpuinfo").content_string, re.M).group(1).split()
    assert "pae" not in flags and "lm" not in flags, flags
    assert host.system_info.arch in ("i686", "i386"), host.system_info.arch


def test_site_playbook_failed(site_run):
    assert site_run["rc"] != 0, site_run["stdout"][-3000:]


def task_blocks(out):
    """[(task name, the output printed under it)], in play order."""
    parts = re.split(r"^TASK \[([^\]]+)\].*$", out, flags=re.M)
    return list(zip(parts[1::2], parts[2::2]))


def test_failure_is_the_preflight_pae_check(site_run):
    failed = [(task, text) for task, text in task_blocks(site_run["stdout"]) if re.search(r"^fatal: \[", text, re.M)]
    assert len(failed) == 1, [task for task, dummy in failed] or site_run["stdout"][-3000:]
    task, text = failed[0]
    assert task.startswith("xenhost.dom0.xen_preflight :"), task
    assert "PAE" in text, text


def test_no_role_after_preflight_ran(site_run):
    """Once preflight has started (and failed), no task of a later role runs.

    site.yml's up-front variable checks (which include xen_bootloader's option-format check) come
    before preflight and change nothing; what matters is that nothing follows the refusal.
    """
    tasks = re.findall(r"^TASK \[([^\]]+)\]", site_run["stdout"], re.M)
    first = next(i for i, task in enumerate(tasks) if task.startswith("xenhost.dom0.xen_preflight :"))
    later = [t for t in tasks[first:] if re.search(r"xen_(packages|bootloader|toolstack|virt_manager|reboot)\b", t)]
    assert not later, later


def test_manifest_unchanged(host):
    before = (EPHEMERAL / "manifest-before.txt").read_text().splitlines()
    after = run_script(host, "manifest.sh").splitlines()
    assert len(before) > 1000, "the before manifest is implausibly small"
    changed = sorted(set(before) ^ set(after))
    assert not changed, changed[:50]


def test_nothing_written_outside_logs_and_runtime_state(host):
    assert host.file(MARKER).exists
    changed = run_script(host, "changed-since.sh", MARKER).split()
    assert not changed, changed


def test_the_comparisons_can_fail(host):
    # Negative control: a change like the roles would make (a file in /etc) must be seen by both.
    before = (EPHEMERAL / "manifest-before.txt").read_text().splitlines()
    host.check_output("echo 'GRUB_DEFAULT=test' > /etc/default/xenhost-canary")
    try:
        assert "/etc/default/xenhost-canary" in run_script(host, "changed-since.sh", MARKER).split()
        after = run_script(host, "manifest.sh").splitlines()
        assert any("/etc/default/xenhost-canary" in line for line in set(after) - set(before))
    finally:
        host.check_output("rm -f /etc/default/xenhost-canary")
