"""Prove that the converged dom0 runs guests (issue 11), not only that Domain-0 is listed.

Run by Molecule's testinfra verifier in every Xen scenario (default, trixie, grub-legacy, uefi), after
test_dom0.py. The guest is made on the dom0 by roles/xen_reboot/files/xenhost-smoke-guest (the same script
the xen_reboot role's optional smoke guest runs): dom0's own kernel, an initramfs of dom0's own dash, kmod,
dd and the Xen block and network frontends, a 4 MiB raw disk attached by Xen's `block` hotplug script
(a loop device under a phy backend), and a network interface on a bridge with no uplink made inside dom0.
The guest prints "XENHOST-GUEST:" lines on its console (captured on a pseudo-terminal by pty_capture.py),
reads the token dom0 wrote into its disk, finds eth0, records its boot on the disk, and when dom0 asks it to
shut down it records that on the disk too and powers off: a guest that was destroyed records nothing.

What runs where:
- every scenario: a PV guest with xl, and a PVH guest when Xen reports HVM (`xl info` virt_caps; PVH needs
  no device model); dom0's memory unchanged while a guest runs, and a guest larger than the free memory is
  refused instead of ballooning dom0 (autoballoon off holds).
- scenarios with xen_virt_manager (default): the same guest defined and started through libvirt.
- AUTOSTART_SCENARIOS: a guest marked for autostart (/etc/xen/auto for xendomains, `virsh autostart` for
  libvirt) is shut down cleanly when dom0 reboots and runs again after it. One dom0 reboot per scenario.
HVM guests are not run: tests/vm/README.md ("Guests") says what was tried and measured.

NOT PROVEN YET, so every test here is marked skip (visibly, with the reason): the one dev dom0 this was tried on
ran the guest builder, and `xl create` of the PV guest got as far as a built, paused domain, but libxl killed Xen's
`block` and `vif-bridge` hotplug scripts for exceeding its hotplug timeout (the dom0 under TCG on a host at load
8-10: one xenstore-read took 0.37 s); the dom0 was then lost. Remove `pytestmark` once one scenario passes.
"""
import os
import re
import shlex
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.normpath(os.path.join(HERE, "..", "..", "..", "roles", "xen_reboot", "files", "xenhost-smoke-guest"))
WORK = "/var/lib/xenhost-test-guests"
TOOL = WORK + "/xenhost-smoke-guest"
CAPTURE = WORK + "/pty_capture.py"
BRIDGE = "xenhostbr0"
GUEST_MEMORY_MB = 128
# Under TCG a guest's kernel takes 20-60 s to reach its /init; a loaded machine needs more.
BOOT_TIMEOUT = 420
SHUTDOWN_TIMEOUT = 180
REBOOT_TIMEOUT = 900
# The scenario that proves autostart across a dom0 reboot, and which service owns the guests there.
AUTOSTART_SCENARIOS = {"default": "libvirt", "trixie": "xendomains"}
SCENARIO = os.environ.get("MOLECULE_SCENARIO_NAME", "")

pytestmark = pytest.mark.skip(reason="issue 11 guest tests not proven on a VM yet (see the module docstring)")


def sh(*words):
    return " ".join(shlex.quote(str(w)) for w in words)


def wait_for(what, check, timeout, every=3):
    """Call check() until it returns something true; fail naming `what` after timeout seconds."""
    deadline = time.time() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.time() > deadline:
            pytest.fail("timed out after %d s waiting for %s" % (timeout, what))
        time.sleep(every)


def xl_domains(host):
    """{name: (id, memory MiB, state)} from `xl list`."""
    found = {}
    for line in host.check_output("xl list").splitlines()[1:]:
        words = line.split()
        if len(words) >= 5:
            found[words[0]] = (int(words[1]), int(words[2]), words[4])
    return found


def xl_info(host):
    return dict(re.findall(r"^(\w+)\s*:\s*(.*?)\s*$", host.check_output("xl info"), re.M))


def dom0_memory(host):
    return xl_domains(host)["Domain-0"][1]


@pytest.fixture(scope="module")
def tools(host):
    host.run_expect([0], "mkdir -p %s" % WORK)
    for src, dest in ((SCRIPT, TOOL), (os.path.join(HERE, "pty_capture.py"), CAPTURE)):
        result = host.ansible("copy", "src=%s dest=%s mode=0755" % (src, dest), check=False, become=False)
        assert not result.get("failed"), result
    yield TOOL
    host.run("ip link del %s" % BRIDGE)


class Guest:
    """One smoke guest on the dom0: its directory, config files, console log and disk records."""

    def __init__(self, host, name, kind="pv", mode="wait", memory=GUEST_MEMORY_MB):
        self.host, self.name, self.kind = host, name, kind
        self.dir = "%s/%s" % (WORK, name)
        host.run("%s clean %s" % (TOOL, self.dir))
        self.cfg = host.check_output(sh(TOOL, "build", self.dir, "--name", name, "--type", kind, "--mode", mode,
                                        "--memory", memory, "--bridge", BRIDGE))
        self.xml = "%s/%s.xml" % (self.dir, name)
        self.token = host.file(self.dir + "/token").content_string.strip()
        self.log = self.dir + "/console.log"

    def capture(self, *command, timeout=BOOT_TIMEOUT + SHUTDOWN_TIMEOUT):
        """Run a console command in the background on a pseudo-terminal, into the console log."""
        self.host.run_expect([0], "setsid python3 %s %s %d %s </dev/null >/dev/null 2>&1 &"
                             % (CAPTURE, self.log, timeout, sh(*command)))

    def console(self):
        return self.host.run("cat %s 2>/dev/null" % self.log).stdout.replace("\r", "")

    def records(self):
        return self.host.check_output(sh(TOOL, "result", self.dir)).splitlines()

    def wait_console(self, text, timeout=BOOT_TIMEOUT):
        def seen():
            console = self.console()
            if "[pty_capture:" in console and text not in console:
                pytest.fail("the console closed before %r:\n%s" % (text, console[-3000:]))
            return text in console
        try:
            wait_for("%r on %s's console" % (text, self.name), seen, timeout)
        except BaseException:
            print(self.console()[-3000:])
            raise

    def check_booted(self, boot=1):
        """Console and disk say: the guest read its disk (the token dom0 wrote) and has eth0."""
        console = self.console()
        assert "XENHOST-GUEST: disk xvda ok token %s" % self.token in console, console[-3000:]
        assert re.search(r"XENHOST-GUEST: nic eth0 [0-9a-f:]{17}", console), console[-3000:]
        records = self.records()
        assert records[1].startswith("boot %d token=%s nic=eth0 " % (boot, self.token)), records

    def check_backends(self, domid):
        """dom0's side: the vbd and the vif are connected (xenbus state 4), the vif is on the bridge."""
        for kind in ("block-list", "network-list"):
            lines = self.host.check_output("xl %s %s" % (kind, self.name)).splitlines()
            assert len(lines) == 2, lines
            header, row = lines[0].split(), lines[1].split()
            assert row[header.index("State")] == "4", (kind, lines)
        assert self.host.file("/sys/class/net/%s/brif/vif%d.0" % (BRIDGE, domid)).exists

    def check_shut_down_cleanly(self, shutdowns=1):
        records = self.records()
        assert records[2] == "shutdown %d" % shutdowns, records
        assert self.name not in xl_domains(self.host)

    def clean(self):
        self.host.run("%s clean %s" % (TOOL, self.dir))


def run_xl_guest(host, kind):
    guest = Guest(host, "xenhost-%s" % kind, kind)
    memory_before = dom0_memory(host)
    free_before = int(xl_info(host)["free_memory"])
    started = time.time()
    guest.capture("xl", "create", "-c", guest.cfg)
    guest.wait_console("XENHOST-GUEST: ready")
    booted = time.time() - started
    domains = xl_domains(host)
    assert guest.name in domains, domains
    domid, memory, state = domains[guest.name]
    # r: running, b: blocked (idle, waiting for an event): a live guest; never p(aused), s(hutdown), c(rashed).
    assert state.strip("-") in ("r", "b"), state
    assert memory == GUEST_MEMORY_MB
    guest.check_booted()
    guest.check_backends(domid)
    # Memory: the guest's memory came from Xen's free pool, dom0 was not ballooned (dom0_mem fixed, autoballoon off).
    assert dom0_memory(host) == memory_before
    assert int(xl_info(host)["free_memory"]) <= free_before - GUEST_MEMORY_MB
    host.run_expect([0], "timeout %d xl shutdown -w %s" % (SHUTDOWN_TIMEOUT, guest.name))
    guest.wait_console("[pty_capture: exit", timeout=60)
    console = guest.console()
    assert "XENHOST-GUEST: recorded shutdown 1" in console, console[-3000:]
    assert "XENHOST-GUEST: powering off" in console, console[-3000:]
    guest.check_shut_down_cleanly()
    # xl's own log of the domain: it shut down with reason 0 (poweroff), it was not destroyed or crashed.
    xl_log = host.file("/var/log/xen/xl-%s.log" % guest.name).content_string
    assert re.search(r"Domain %d has shut down, reason code 0 " % domid, xl_log), xl_log
    assert dom0_memory(host) == memory_before
    print("%s guest: %.0f s from xl create to ready, %.0f s in all" % (kind, booted, time.time() - started))
    guest.clean()


def test_pv_guest_runs_sees_disk_and_nic_and_shuts_down_cleanly(host, tools):
    run_xl_guest(host, "pv")


def test_pvh_guest_where_xen_does_hvm(host, tools):
    info = xl_info(host)
    if "hvm" not in info["virt_caps"].split():
        # Really absent: then Xen must not claim HVM guests either; this is a pass that says so, not a skip.
        assert not [cap for cap in info["xen_caps"].split() if cap.startswith("hvm")], info["xen_caps"]
        print("PVH not run: Xen reports no HVM (virt_caps: %s)" % info["virt_caps"])
        return
    run_xl_guest(host, "pvh")


def test_guest_larger_than_free_memory_is_refused_without_ballooning_dom0(host, tools):
    """autoballoon=off in xl.conf holds: xl refuses the guest instead of taking memory from dom0."""
    memory_before = dom0_memory(host)
    too_big = int(xl_info(host)["free_memory"]) + 256
    guest = Guest(host, "xenhost-too-big", "pv", memory=too_big)
    result = host.run("timeout 300 xl create %s" % guest.cfg)
    assert result.rc != 0, result.stdout + result.stderr
    assert guest.name not in xl_domains(host)
    assert dom0_memory(host) == memory_before
    guest.clean()


def libvirt_enabled(host):
    return bool(host.ansible.get_variables().get("xen_virt_manager_enabled"))


def test_guest_through_libvirt(host, tools):
    """The same guest defined and started through libvirt's Xen driver, as virt-manager does it."""
    if not libvirt_enabled(host):
        assert not host.package("libvirt-daemon-driver-xen").is_installed
        print("libvirt not run: this scenario does not enable xen_virt_manager (libvirt's Xen driver is absent)")
        return
    virsh = "virsh -c xen:///"
    guest = Guest(host, "xenhost-libvirt", "pv")
    host.run("%s destroy %s; %s undefine %s" % (virsh, guest.name, virsh, guest.name))
    host.run_expect([0], "%s define %s" % (virsh, guest.xml))
    memory_before = dom0_memory(host)
    host.run_expect([0], "%s start %s" % (virsh, guest.name))
    guest.capture("virsh", "-c", "xen:///", "console", "--force", guest.name)
    wait_for("libvirt guest's boot record", lambda: guest.records()[1].startswith("boot 1 "), BOOT_TIMEOUT)
    assert host.check_output("%s domstate %s" % (virsh, guest.name)) == "running"
    domid, dummy, state = xl_domains(host)[guest.name]
    assert state.strip("-") in ("r", "b"), state
    guest.check_booted()
    guest.check_backends(domid)
    assert dom0_memory(host) == memory_before
    host.run_expect([0], "%s shutdown %s" % (virsh, guest.name))
    wait_for("libvirt guest shut off",
             lambda: host.check_output("%s domstate %s" % (virsh, guest.name)) == "shut off", SHUTDOWN_TIMEOUT)
    guest.check_shut_down_cleanly()
    host.run_expect([0], "%s undefine %s" % (virsh, guest.name))
    guest.clean()


BRIDGE_UNIT = """[Unit]
Description=xenhost test bridge {bridge} (no uplink) for autostarted test guests
Before=xendomains.service libvirtd.service libvirt-guests.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'ip link show {bridge} >/dev/null 2>&1 || ip link add {bridge} type bridge; ip link set {bridge} up'
[Install]
WantedBy=multi-user.target
"""


def reboot(host):
    """Reboot dom0 and wait until it answers again with a new boot id."""
    boot_id = host.file("/proc/sys/kernel/random/boot_id").content_string.strip()
    host.run("systemctl reboot")
    time.sleep(20)

    def back():
        try:
            now = host.run("cat /proc/sys/kernel/random/boot_id")
        except Exception:  # unreachable while it reboots; the next call reconnects
            return None
        return now.rc == 0 and now.stdout.strip() not in ("", boot_id)
    started = time.time()
    wait_for("dom0 to come back after its reboot", back, REBOOT_TIMEOUT, every=10)
    print("dom0 reboot: back after %.0f s" % (time.time() - started + 20))


@pytest.mark.skipif(SCENARIO not in AUTOSTART_SCENARIOS,
                    reason="autostart across a dom0 reboot is proven in %s (one reboot costs 1-3 minutes)"
                    % ", ".join("%s (%s)" % item for item in sorted(AUTOSTART_SCENARIOS.items())))
def test_autostarted_guest_survives_dom0_reboot(host, tools):
    owner = AUTOSTART_SCENARIOS[SCENARIO]
    assert owner == ("libvirt" if libvirt_enabled(host) else "xendomains")
    virsh = "virsh -c xen:///"
    host.run_expect([0], "cat > /etc/systemd/system/xenhost-test-bridge.service <<'EOF'\n%sEOF\n"
                    "systemctl daemon-reload && systemctl enable --now xenhost-test-bridge.service"
                    % BRIDGE_UNIT.format(bridge=BRIDGE))
    guest = Guest(host, "xenhost-auto", "pv")
    if owner == "xendomains":
        assert host.service("xendomains").is_enabled
        host.run_expect([0], "mkdir -p /etc/xen/auto && ln -sf %s /etc/xen/auto/" % guest.cfg)
        host.run_expect([0], "xl create %s" % guest.cfg)
    else:
        assert host.service("libvirtd").is_enabled
        host.run("%s destroy %s; %s undefine %s" % (virsh, guest.name, virsh, guest.name))
        host.run_expect([0], "%s define %s && %s autostart %s && %s start %s"
                        % (virsh, guest.xml, virsh, guest.name, virsh, guest.name))
    wait_for("the autostart guest's first boot", lambda: guest.records()[1].startswith("boot 1 "), BOOT_TIMEOUT)
    try:
        reboot(host)
        # Shut down cleanly when dom0 went down (its shutdown record), booted again when dom0 came up.
        wait_for("the autostart guest's second boot", lambda: guest.records()[1].startswith("boot 2 "), BOOT_TIMEOUT)
        assert guest.records()[2] == "shutdown 1", guest.records()
        domains = xl_domains(host)
        assert guest.name in domains, domains
        assert domains[guest.name][2].strip("-") in ("r", "b"), domains
        if owner == "xendomains":
            host.run_expect([0], "timeout %d xl shutdown -w %s" % (SHUTDOWN_TIMEOUT, guest.name))
        else:
            assert host.check_output("%s domstate %s" % (virsh, guest.name)) == "running"
            host.run_expect([0], "%s shutdown %s" % (virsh, guest.name))
            wait_for("libvirt guest shut off",
                     lambda: host.check_output("%s domstate %s" % (virsh, guest.name)) == "shut off",
                     SHUTDOWN_TIMEOUT)
        guest.check_shut_down_cleanly(shutdowns=2)
    finally:
        host.run("rm -f /etc/xen/auto/%s.cfg" % guest.name)
        host.run("%s destroy %s; %s undefine %s" % (virsh, guest.name, virsh, guest.name))
        host.run("systemctl disable --now xenhost-test-bridge.service; rm -f /etc/systemd/system/xenhost-test-bridge.service;"
                 " systemctl daemon-reload")
    guest.clean()
