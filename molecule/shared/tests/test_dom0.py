"""Verify that the VM the site playbook converged now runs as a Xen Domain-0.

Run by Molecule's testinfra verifier (ansible backend) in the default, grub-legacy and trixie
scenarios, after the play rebooted the VM into Xen. Every expectation is read from the live VM.
"""
import json
import os
import re
import shlex
import sys

import jmespath
import pytest

# The collection as scripts/setup links it (pytest.ini's pythonpath, when pytest finds it, says the same).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", ".venv", "collections"))
from ansible_collections.xenhost.dom0.plugins.module_utils import platforms  # noqa: E402

# The Xen release each Debian release ships (the scenario images come from Debian's archive): the platform table's.
XEN_OF_DEBIAN = dict((p["release"], p["xen"]) for p in platforms.PLATFORMS.values() if p["family"] == "Debian")


def debian_major(host):
    return host.file("/etc/debian_version").content_string.strip().split(".")[0]


def module(host, name, check=False, **args):
    """Run one of the collection's modules on the VM and return its result."""
    result = host.ansible("xenhost.dom0." + name, " ".join("%s=%s" % (k, shlex.quote(str(v))) for k, v in args.items()),
                          check=check, become=False)
    assert not result.get("failed"), result
    return result


def shell_vars(text):
    """KEY=VALUE assignments of a shell-style config file (last one wins, quotes removed)."""
    found = {}
    for line in text.splitlines():
        match = re.match(r"^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line)
        if match:
            found[match.group(1)] = " ".join(shlex.split(match.group(2), comments=True))
    return found


def test_running_under_xen(host):
    assert host.file("/sys/hypervisor/type").content_string.strip() == "xen"


def test_xl_list_shows_domain0_with_id_0(host):
    lines = host.check_output("xl list").splitlines()
    assert lines[0].split()[:2] == ["Name", "ID"], lines
    domain0 = [line.split() for line in lines[1:] if line.split()[0] == "Domain-0"]
    assert len(domain0) == 1, lines
    assert domain0[0][1] == "0"


def test_xl_list_long_json(host):
    domains = json.loads(host.check_output("xl list -l"))
    assert jmespath.search("[?config.c_info.name=='Domain-0'].domid", domains) == [0]
    # A PV dom0 whose memory is what the bootloader role gave Xen (dom0_mem=1024M,max:1024M).
    assert jmespath.search("[?domid==`0`].config.c_info.type | [0]", domains) == "pv"
    assert jmespath.search("[?domid==`0`].config.b_info.max_memkb | [0]", domains) == 1024 * 1024


def test_xen_release_matches_debian(host):
    info = host.check_output("xl info")
    version = re.search(r"^xen_version\s*:\s*(\S+)", info, re.M).group(1)
    assert version.startswith(XEN_OF_DEBIAN[debian_major(host)] + "."), version
    cmdline = re.search(r"^xen_commandline\s*:\s*(.*)$", info, re.M).group(1)
    assert "dom0_mem=1024M,max:1024M" in cmdline.split()
    # xen_bootloader_dom0_max_vcpus (the base config sets it): on Xen's command line, and dom0 has that many vCPUs.
    vcpus = str(host.ansible.get_variables().get("xen_bootloader_dom0_max_vcpus", ""))
    if vcpus:
        assert "dom0_max_vcpus=%s" % vcpus in cmdline.split()
        domain0 = [line.split() for line in host.check_output("xl list").splitlines() if line.startswith("Domain-0 ")]
        bounds = [int(n) for n in vcpus.split("-")]
        assert domain0 and bounds[0] <= int(domain0[0][3]) <= bounds[-1], domain0


@pytest.fixture(scope="module")
def xen_facts(host):
    """One xen_facts call for the tests that read it: it only reads, and each call costs about 10 s under CI's load."""
    return module(host, "xen_facts")["ansible_facts"]["xen"]


def test_xen_facts_say_dom0(host, xen_facts):
    assert xen_facts["running"] is True
    assert xen_facts["role"] == "dom0"
    assert xen_facts["toolstack"] == "xl"
    assert xen_facts["version"].startswith(XEN_OF_DEBIAN[debian_major(host)] + ".")
    assert 0 in [domain.get("id", domain.get("domid")) for domain in xen_facts["domains"]], xen_facts["domains"]


def test_xen_facts_find_the_running_build_in_the_installed_image(host, xen_facts):
    """hypervisor_reboot: the build-id Xen reports is the note of the /boot image GRUB booted, so nothing waits.

    Fails when the check cannot identify the running build or does not find it in the image (status unknown or
    required), not only when it says required: a check that never matches would otherwise pass here."""
    fact = xen_facts["hypervisor_reboot"]
    build_id = re.search(r"^build_id\s*:\s*([0-9a-f]+)\s*$", host.check_output("xl info"), re.M).group(1)
    assert (fact["status"], fact["method"]) == ("current", "build_id"), fact
    assert fact["running"]["build_id"] == build_id, fact
    image = "/boot/xen-%s-amd64.gz" % XEN_OF_DEBIAN[debian_major(host)]
    assert (fact["boot_image"]["path"], fact["boot_image"]["build_id"], fact["boot_image"]["holds_running"]) == (
        image, build_id, True), fact
    assert fact["boot_image"]["package"] == "xen-hypervisor-%s-amd64" % XEN_OF_DEBIAN[debian_major(host)], fact


def test_boot_facts_say_how_the_vm_boots(host):
    """boot_facts inside the dom0, against the firmware the scenario gave the VM (xenhost_test_boot_mode, default
    bios) and sysfs read directly. Under Xen, Linux sees /sys/firmware/efi only when Xen itself was started through
    UEFI, so a dom0 without it cannot tell BIOS from a Xen started otherwise: the module says unknown there."""
    expected = host.ansible.get_variables().get("xenhost_test_boot_mode", "bios")
    boot = module(host, "boot_facts")["ansible_facts"]["boot_firmware"]
    status = [c["status"] for c in boot["checks"] if c["id"] == "secure_boot"]
    assert host.file("/sys/firmware/efi").exists is (expected == "uefi")
    if expected == "uefi":
        assert (boot["mode"], boot["secure_boot"], status) == ("uefi", "off", ["pass"]), boot
        assert boot["esp"] and boot["esp"]["mountpoint"] == "/boot/efi", boot
    else:
        assert (boot["mode"], boot["secure_boot"], status) == ("unknown", "unknown", ["unknown"]), boot


def test_cpu_virt_facts_take_hvm_from_xen(host):
    # The dom0 kernel is a PV guest: its cpuinfo hides vmx/svm even though the CPU (and Xen) do HVM.
    flags = set(re.search(r"^flags\s*:\s*(.*)$", host.file("/proc/cpuinfo").content_string, re.M).group(1).split())
    assert not flags & {"vmx", "svm"}, "dom0 cpuinfo unexpectedly shows vmx/svm"
    assert "hvm" in host.check_output("xl info | grep ^virt_caps").split()
    cpu = module(host, "cpu_virt_facts")["ansible_facts"]["cpu_virt"]
    assert cpu["hvm"]["capable"] is True
    assert cpu["hvm"]["source"] == "xen"
    assert cpu["flags"]["vmx"] is False and cpu["flags"]["svm"] is False
    assert cpu["xen_capable"] is True


def test_boot_default_is_the_xen_entry(host):
    if host.package("grub-legacy").is_installed:
        # Check mode: the menu already boots Xen by default, so asking for it changes nothing.
        result = module(host, "grub_legacy", check=True, default="xen")
        assert result["changed"] is False, result
        entry = result["entries"][result["default_index"]]
        assert entry["xen"] is True, entry
    else:
        result = module(host, "grub2_entries")
        assert result["default"]["is_xen"] is True, result["default"]
        assert result["default"]["files_exist"] is True, result["default"]


def test_trial_boot_had_a_time_limit_and_it_is_gone(host):
    # converge's trial boot into Xen armed Xen's watchdog for dom0 early in that boot (xenhost-trial-watchdog.service);
    # xen_reboot stopped it once dom0 was verified and removed the unit and its program: no later boot arms it.
    said = host.run("journalctl --identifier=xenhost-trial-watchdog --no-pager --quiet --output=cat")
    assert said.rc == 0, said.stderr
    assert re.search(r"^xenhost-trial-watchdog: armed: /dev/watchdog\d+ .* in 600 s ", said.stdout, re.M), said.stdout
    assert not host.file("/etc/systemd/system/xenhost-trial-watchdog.service").exists
    assert not host.file("/usr/local/sbin/xenhost-trial-watchdog").exists
    # Stopped and unloaded: no watchdog device of xen_wdt's is left to fire.
    identities = host.run("cat /sys/class/watchdog/*/identity").stdout.split()
    assert "xen_wdt" not in identities, identities
    assert "xen_wdt" not in host.check_output("cat /proc/modules")


def test_xendomains_policy_applied(host):
    # The role's defaults: guests are shut down with dom0, not saved and restored.
    settings = shell_vars(host.file("/etc/default/xendomains").content_string)
    assert settings.get("XENDOMAINS_SAVE") == "", settings
    assert settings.get("XENDOMAINS_RESTORE") == "false", settings
    if not host.ansible.get_variables().get("xen_virt_manager_enabled"):
        # Without libvirt, xendomains starts and stops the guests with dom0.
        assert host.service("xendomains").is_enabled
        assert host.service("xendomains").is_running


def test_xl_autoballoon_off_with_fixed_dom0_mem(host):
    settings = shell_vars(host.file("/etc/xen/xl.conf").content_string)
    assert settings.get("autoballoon") == "off", settings


def test_virt_manager_libvirt_sees_domain0(host):
    """libvirt's Xen driver, which virt-manager talks to, lists dom0 (only where the scenario enables the role)."""
    if not host.ansible.get_variables().get("xen_virt_manager_enabled"):
        pytest.skip("this scenario does not enable xen_virt_manager")
    # The desktop application only where asked for (xen_virt_manager_gui, default true); a headless host has
    # libvirt's Xen driver alone, for a workstation's virt-manager to connect to.
    gui = host.ansible.get_variables().get("xen_virt_manager_gui", True)
    assert host.package("virt-manager").is_installed is bool(gui)
    assert host.package("libvirt-daemon-driver-xen").is_installed
    # Kept running (no idle timeout): libvirt owns guest autostart when virt-manager is enabled.
    assert host.service("libvirtd").is_enabled
    assert host.service("libvirtd").is_running
    # libvirtd.service has Conflicts=xendomains.service: libvirt owns guest autostart, xendomains is off.
    assert not host.service("xendomains").is_enabled
    lines = host.check_output("virsh -c xen:/// list").splitlines()
    assert any(line.split()[:2] == ["0", "Domain-0"] for line in lines[2:]), lines
