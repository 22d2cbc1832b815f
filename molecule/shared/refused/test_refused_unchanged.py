"""The site playbook refused the host in its preflight and left the disk unchanged.

The verifier of the scenarios whose host must be refused before any change: no-pae (a CPU without PAE)
and secure-boot (UEFI Secure Boot enforced). Each names the refusal it expects in the inventory variable
xenhost_test_refusal (the preflight check id: pae or secure_boot). Run by Molecule's testinfra verifier
after ../refused-prepare.yml recorded the disk and ../refused-converge.yml ran the site playbook (reboot
allowed) as a child process and saved its result.
"""
import json
import os
import re
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
EPHEMERAL = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"])
MARKER = "/var/tmp/xenhost-before-play"


@pytest.fixture(scope="module")
def site_run():
    run = json.loads((EPHEMERAL / "site-run.json").read_text())
    run["stdout"] = re.sub(r"\x1b\[[0-9;]*m", "", run["stdout"])  # in case colours were forced
    return run


def run_script(host, name, *args):
    """Run one of the shell scripts beside this file on the VM (fed on stdin: nothing is copied there)."""
    script = (HERE / name).read_text()
    quoted = " ".join("'%s'" % arg for arg in args)
    return host.check_output("sh -s -- %s <<'XENHOST_EOF'\n%sXENHOST_EOF" % (quoted, script))


# What each refusal's failed preflight task must say.
REFUSAL_TEXT = {"pae": "PAE", "secure_boot": "Secure Boot is enforced"}
EFI_GLOBAL = "8be4df61-93ca-11d2-aa0d-00e098032b8c"


@pytest.fixture(scope="module")
def refusal(host):
    value = host.ansible.get_variables().get("xenhost_test_refusal")
    assert value in REFUSAL_TEXT, "the scenario must set xenhost_test_refusal to one of %s" % sorted(REFUSAL_TEXT)
    return value


def test_the_host_really_has_what_is_refused(host, refusal):
    """The VM is what the scenario says, read without the collection's own code."""
    if refusal == "pae":
        flags = re.search(r"^flags\s*:\s*(.*)$", host.file("/proc/cpuinfo").content_string, re.M).group(1).split()
        assert "pae" not in flags and "lm" not in flags, flags
        assert host.system_info.arch in ("i686", "i386"), host.system_info.arch
    else:
        # efivarfs: 4 bytes of attributes, then the value. mokutil is Debian's own reading of the same.
        data = host.check_output("od -An -tx1 /sys/firmware/efi/efivars/SecureBoot-%s" % EFI_GLOBAL).split()
        assert data[-1] == "01", data
        assert "SecureBoot enabled" in host.run("mokutil --sb-state").stdout


def test_site_playbook_failed(site_run):
    assert site_run["rc"] != 0, site_run["stdout"][-3000:]


def task_blocks(out):
    """[(task name, the output printed under it)], in play order."""
    parts = re.split(r"^TASK \[([^\]]+)\].*$", out, flags=re.M)
    return list(zip(parts[1::2], parts[2::2]))


def test_failure_is_the_preflight_check(site_run, refusal):
    failed = [(task, text) for task, text in task_blocks(site_run["stdout"]) if re.search(r"^fatal: \[", text, re.M)]
    assert len(failed) == 1, [task for task, dummy in failed] or site_run["stdout"][-3000:]
    task, text = failed[0]
    assert task.startswith("xenhost.dom0.xen_preflight :"), task
    assert REFUSAL_TEXT[refusal] in text, text
    assert "Nothing on this host has been changed." in text, text


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
