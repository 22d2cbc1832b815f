"""Prove that the converged dom0 runs guests (issue 11), not only that Domain-0 is listed.

Run by Molecule's testinfra verifier in every Xen scenario, after test_dom0.py. The guest is made on the dom0
by roles/xen_reboot/files/xenhost-smoke-guest (the same script the xen_reboot role's optional smoke guest
runs): dom0's own kernel, an initramfs of dom0's own dash, kmod, dd and the Xen block and network frontends,
a 4 MiB raw disk on a loop device, and a network interface on a bridge with no uplink made inside dom0; both
attached by the guest's own two small hotplug scripts (see the script's header for why not Xen's `block` and
`vif-bridge`). The guest prints "XENHOST-GUEST:" lines on its console (captured on a pseudo-terminal by
pty_capture.py), reads the token dom0 wrote into its disk, finds eth0, records its boot on the disk, and when
dom0 asks it to shut down it records that on the disk too and powers off: a guest that was destroyed records
nothing.

What runs: a PV guest with xl, and a PVH guest where the inventory sets xenhost_test_pvh (it needs Xen's HVM;
under QEMU TCG it does not run, see tests/vm/README.md "Guests"); dom0's memory unchanged while a guest runs;
no loop device left behind; no process in dom0 crashed while the guest ran (dom0's kernel log); a guest larger than the free memory is refused instead of
ballooning dom0 (autoballoon off holds); with xen_virt_manager, the same guest defined, started and shut down
through libvirt (`virsh -c xen:///`); where the inventory sets xenhost_test_guest_autostart, an autostart guest
(/etc/xen/auto with xendomains, or `virsh autostart` where libvirt owns the guests) shut down cleanly when dom0
reboots and started again after it. An HVM guest (QEMU's device model in dom0) with the PV guest's checks, where
the inventory sets xenhost_test_hvm (no scenario does: minutes under emulation).
"""
import base64
import hashlib
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
# A process of dom0 that crashed: the kernel's "segfault at" / "general protection fault" lines.
CRASH = r"segfault at |general protection fault|traps: .* trap "


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


def is_live(state):
    """Whether `xl list`'s State column shows a live domain: r (running on a CPU), b (blocked, idle), or neither
    (`------`: runnable, waiting for a CPU; seen under load, 2026-11-30); never p(aused), s(hut down), c(rashed) or
    d(ying)."""
    return not set(state) & set("pscd")


def xl_info(host):
    return dict(re.findall(r"^(\w+)\s*:\s*(.*?)\s*$", host.check_output("xl info"), re.M))


def dom0_memory(host):
    return xl_domains(host)["Domain-0"][1]


def dom0_crashes(host):
    """The lines of dom0's kernel log that say a process crashed."""
    return [line for line in host.check_output("dmesg").splitlines() if re.search(CRASH, line)]


def put_file(host, src, dest):
    """Copy a small local file to the dom0, mode 0755, over the verifier's SSH connection: one shell command, where
    Ansible's copy module (host.ansible) starts ansible on the controller and makes two module calls on the dom0
    (about 15 s a file under CI's load). The dom0 checks the copy's SHA-256 against the local file's."""
    with open(src, "rb") as handle:
        data = handle.read()
    command = ("printf %s {data} | base64 -d > {tmp} && echo '{sha256}  {tmp}' | sha256sum -c --quiet && "
               "chmod 0755 {tmp} && mv {tmp} {dest}")
    host.run_expect([0], command.format(data=base64.b64encode(data).decode(), tmp=dest + ".tmp",
                                        sha256=hashlib.sha256(data).hexdigest(), dest=dest))


@pytest.fixture(scope="module")
def tools(host):
    host.run_expect([0], "mkdir -p %s" % WORK)
    for src, dest in ((SCRIPT, TOOL), (os.path.join(HERE, "pty_capture.py"), CAPTURE)):
        put_file(host, src, dest)
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
        # (xenstore, not `xl block-list`/`network-list`: the latter's header "Mac Addr." is two words)
        # The disk's backend: blkback (vbd) for xl's phy disk, QEMU (qdisk) for the file disk libvirt writes.
        disk = next((kind for kind in ("vbd", "qdisk")
                     if self.host.run("xenstore-exists /local/domain/0/backend/%s/%d/51712" % (kind, domid)).rc == 0),
                    None)
        assert disk, "no vbd or qdisk backend for the guest's xvda in xenstore"
        for backend in ("%s/%d/51712" % (disk, domid), "vif/%d/0" % domid):
            state = self.host.check_output("xenstore-read /local/domain/0/backend/%s/state" % backend)
            assert state == "4", (backend, state)
        assert self.host.file("/sys/class/net/%s/brif/vif%d.0" % (BRIDGE, domid)).exists

    def check_shut_down_cleanly(self, shutdowns=1):
        records = self.records()
        assert records[2] == "shutdown %d" % shutdowns, records
        # `xl shutdown -w` returns once the domain has shut down ("--ps--"); the xl process that started it then
        # destroys it (on_poweroff = "destroy"), which took a few seconds under load.
        wait_for("%s to be gone from xl list after its shutdown" % self.name,
                 lambda: self.name not in xl_domains(self.host), 120)

    def clean(self):
        self.host.run("%s clean %s" % (TOOL, self.dir))


def xl_start_checked(host, guest):
    """Start the guest with xl on a captured console and check it runs: live in `xl list` with its memory, booted
    (disk and NIC), its backends connected, its memory from Xen's free pool and not from dom0. Returns what
    xl_shutdown_checked compares with."""
    memory_before = dom0_memory(host)
    free_before = int(xl_info(host)["free_memory"])
    crashes_before = dom0_crashes(host)
    started = time.time()
    guest.capture("xl", "create", "-c", guest.cfg)
    guest.wait_console("XENHOST-GUEST: ready")
    booted = time.time() - started
    domains = xl_domains(host)
    assert guest.name in domains, domains
    domid, memory, state = domains[guest.name]
    assert is_live(state), state
    assert memory == GUEST_MEMORY_MB
    guest.check_booted()
    guest.check_backends(domid)
    # Memory: the guest's memory came from Xen's free pool, dom0 was not ballooned (dom0_mem fixed, autoballoon off).
    assert dom0_memory(host) == memory_before
    assert int(xl_info(host)["free_memory"]) <= free_before - GUEST_MEMORY_MB
    print("%s guest: %.0f s from xl create to ready" % (guest.kind, booted))
    return dict(domid=domid, memory_before=memory_before, crashes_before=crashes_before)


def xl_shutdown_checked(host, guest, started, shutdowns=1, console=True):
    """Shut the guest down with xl and check it went cleanly: its own poweroff ran (recorded on its disk; on its
    console too where xl_start_checked captured it, console=True), xl logged a power-off (reason 0, not destroyed or
    crashed), its loop device was detached, no dom0 process crashed and dom0's memory is what it was."""
    host.run_expect([0], "timeout %d xl shutdown -w %s" % (SHUTDOWN_TIMEOUT, guest.name))
    if console:
        guest.wait_console("[pty_capture: exit", timeout=60)
        text = guest.console()
        assert "XENHOST-GUEST: recorded shutdown %d" % shutdowns in text, text[-3000:]
        assert "XENHOST-GUEST: powering off" in text, text[-3000:]
    guest.check_shut_down_cleanly(shutdowns=shutdowns)
    # The disk's hotplug script detached its loop device when the domain went away.
    assert host.run("losetup -j %s/disk.img" % guest.dir).stdout.strip() == ""
    # Every dom0 process survived the guest (a dom0 whose processes crash is no host for guests).
    crashes = dom0_crashes(host)
    assert crashes == started["crashes_before"], "\n".join(crashes[len(started["crashes_before"]):])
    # xl's own log of the domain: it shut down with reason 0 (poweroff), it was not destroyed or crashed.
    xl_log = host.file("/var/log/xen/xl-%s.log" % guest.name).content_string
    assert re.search(r"Domain %d has shut down, reason code 0 " % started["domid"], xl_log), xl_log
    assert dom0_memory(host) == started["memory_before"]


def run_xl_guest(host, kind, extra_config=()):
    guest = Guest(host, "xenhost-%s" % kind, kind)
    if extra_config:
        host.run_expect([0], "%s >> %s" % (sh("printf", "%s\\n", *extra_config), shlex.quote(guest.cfg)))
    try:
        started = time.time()
        xl_shutdown_checked(host, guest, xl_start_checked(host, guest))
        print("%s guest: %.0f s in all" % (kind, time.time() - started))
    finally:
        # A failed check must not leave the guest running for the next test or the next verify.
        host.run("xl destroy %s" % guest.name)
    guest.clean()


def test_pv_guest_runs_sees_disk_and_nic_and_shuts_down_cleanly(host, tools):
    variables = host.ansible.get_variables()
    if variables.get("xenhost_test_guest_autostart") and not libvirt_owns_autostart(variables):
        # One guest lifecycle less under emulation (about 37 s of each such scenario's verify in CI).
        pytest.skip("checked by the autostart test: its guest is started with xl with these checks (xl_start_checked) "
                    "and shut down with them (xl_shutdown_checked) after the dom0 reboot in the middle")
    run_xl_guest(host, "pv")


def test_pvh_guest_where_xen_does_hvm(host, tools):
    variables = host.ansible.get_variables()
    if not variables.get("xenhost_test_pvh"):
        # Measured under QEMU TCG (tests/vm/README.md, "Guests"): with the HVM guest's two workarounds
        # (xenhost_test_hvm_xl_config) the PVH guest boots, reads its disk and finds its NIC, but its power-off does
        # nothing ("reboot: Power down", then init exits and the domain crashes; not understood, most likely nothing
        # answers ACPI's power-off without a device model there). The test runs where an inventory sets xenhost_test_pvh.
        pytest.skip("a PVH guest cannot power itself off under this QEMU TCG dom0 (tests/vm/README.md, 'Guests'); "
                    "set xenhost_test_pvh where it can")
    info = xl_info(host)
    # The scenario asks for PVH: Xen must offer HVM (PVH runs in Xen's HVM container, without a device model).
    assert "hvm" in info["virt_caps"].split(), info["virt_caps"]
    run_xl_guest(host, "pvh", variables.get("xenhost_test_hvm_xl_config") or ())


def test_hvm_guest_where_xen_does_hvm(host, tools):
    """A fully virtualized guest (QEMU's device model in dom0, firmware, the kernel loaded by the device model) with
    the same checks as the PV guest: Linux's PV drivers take over its disk and NIC, so the backends are the same."""
    variables = host.ansible.get_variables()
    if not variables.get("xenhost_test_hvm"):
        # Measured under QEMU TCG with CI's load (tests/vm/README.md, "Guests"): it passed in uefi in 371 s, it missed
        # its 420 s in trixie (Xen 4.20, nothing on its console), and a CI run has no room for minutes per scenario.
        # It passed alone in 130 s. So it runs where an inventory sets xenhost_test_hvm.
        pytest.skip("an HVM guest costs minutes under QEMU TCG (tests/vm/README.md, 'Guests'); set xenhost_test_hvm")
    # The scenario asks for HVM: Xen must offer it.
    info = xl_info(host)
    assert "hvm" in info["virt_caps"].split(), info["virt_caps"]
    # Under QEMU TCG the scenarios add two lines to the guest's config (base config, xenhost_test_hvm_xl_config):
    # QEMU emulates AMD's SVM, not VT-x, and tests/vm/README.md ("Guests") says why each is needed there.
    run_xl_guest(host, "hvm", variables.get("xenhost_test_hvm_xl_config") or ())


def test_guest_larger_than_free_memory_is_refused_without_ballooning_dom0(host, tools):
    """autoballoon=off in xl.conf holds: xl refuses the guest instead of taking memory from dom0."""
    memory_before = dom0_memory(host)
    too_big = int(xl_info(host)["free_memory"]) + 256
    guest = Guest(host, "xenhost-too-big", "pv", memory=too_big)
    try:
        result = host.run("timeout 300 xl create %s" % guest.cfg)
        output = result.stdout + result.stderr
        assert result.rc != 0, output
        # Refused for its memory, not for anything else (the same guest with 128 MiB runs in the PV test).
        assert re.search(r"(?i)memory", output), output
        assert guest.name not in xl_domains(host)
        assert dom0_memory(host) == memory_before
    finally:
        host.run("xl destroy %s" % guest.name)
    guest.clean()


def boot_id(host):
    """This boot's id, or None while dom0 does not answer (testinfra's Ansible backend raises when unreachable)."""
    try:
        result = host.run("cat /proc/sys/kernel/random/boot_id")
    except Exception:  # pylint: disable=broad-except
        return None
    return result.stdout.strip() if result.rc == 0 else None


def reboot_dom0(host, timeout=900):
    """Reboot dom0 the way a sysadmin would (systemd's orderly shutdown, which stops xendomains) and wait for it."""
    before = boot_id(host)
    assert before
    host.run("systemd-run --on-active=2 --timer-property=AccuracySec=100ms systemctl reboot")
    started = time.time()
    wait_for("dom0 to come back from its reboot", lambda: boot_id(host) not in (None, before), timeout, every=10)
    print("dom0 rebooted in %.0f s" % (time.time() - started))


VIRSH = "virsh -c xen:///"


def libvirt_state(host, guest):
    return host.check_output("%s domstate %s" % (VIRSH, guest.name))


def libvirt_start(host, guest):
    """Start a defined guest through libvirt's Xen driver, as virt-manager would, and check it: libvirt's states, the
    guest booted (its disk and NIC), its file disk served by QEMU's Xen disk backend (qdisk), its vif on the bridge,
    dom0's memory unchanged."""
    memory_before = dom0_memory(host)
    assert "shut off" in libvirt_state(host, guest)
    guest.capture(*VIRSH.split(), "start", "--console", guest.name)
    guest.wait_console("XENHOST-GUEST: ready")
    assert libvirt_state(host, guest) == "running"
    guest.check_booted()
    guest.check_backends(xl_domains(host)[guest.name][0])
    assert dom0_memory(host) == memory_before


def libvirt_shutdown(host, guest, shutdowns=1):
    host.run_expect([0], "%s shutdown %s" % (VIRSH, guest.name))
    wait_for("libvirt to see the guest shut off", lambda: "shut off" in libvirt_state(host, guest), SHUTDOWN_TIMEOUT)
    guest.check_shut_down_cleanly(shutdowns=shutdowns)


def libvirt_remove(host, guest):
    """Destroy (where a check failed while it ran) and undefine."""
    host.run("%s destroy %s" % (VIRSH, guest.name))
    host.run("%s undefine %s" % (VIRSH, guest.name))


def libvirt_lists(host, guest):
    return guest.name in host.check_output("%s list --all --name" % VIRSH).split()


def libvirt_owns_autostart(variables):
    """Where libvirt owns the guests (xen_virt_manager) and the scenario runs the autostart test, that test's guest is
    defined, started, checked and shut down through libvirt: the libvirt test's whole lifecycle, with a dom0 reboot
    in the middle."""
    return bool(variables.get("xen_virt_manager_enabled")) and bool(variables.get("xenhost_test_guest_autostart"))


def test_autostart_guest_comes_back_after_dom0_reboot_and_was_shut_down_cleanly(host, tools):
    """The guests' fate across a dom0 reboot, by the policy the roles set: shut down cleanly when dom0 goes down, not
    saved or killed (XENDOMAINS_SAVE empty), and started again at boot because it is marked autostart. Without libvirt,
    xendomains does both for /etc/xen/auto guests (xen_toolstack); where libvirt owns the guests (xen_virt_manager
    disables xendomains), libvirt-guests shuts them down (ON_SHUTDOWN=shutdown, set by xen_virt_manager) and libvirtd
    starts those marked with `virsh autostart`; there the guest is started and shut down through libvirt with the
    libvirt test's checks. Either way the guest's disk records boot 2 after shutdown 1."""
    variables = host.ansible.get_variables()
    if not variables.get("xenhost_test_guest_autostart"):
        pytest.skip("autostart costs a dom0 reboot: run where xenhost_test_guest_autostart is set (README scenario table)")
    by_libvirt = libvirt_owns_autostart(variables)
    guest = Guest(host, "xenhost-auto", "pv")
    link = "/etc/xen/auto/%s.cfg" % guest.name
    if by_libvirt:
        assert not host.service("xendomains").is_enabled
        assert host.service("libvirt-guests").is_enabled and host.service("libvirt-guests").is_running
        # xen_virt_manager's three settings (one config_lines call): Xen's URI, shut down, not started at boot.
        settings = set(host.file("/etc/default/libvirt-guests").content_string.splitlines())
        assert {"URIS=xen:///system", "ON_SHUTDOWN=shutdown", "ON_BOOT=ignore"} <= settings
        host.run_expect([0], "%s define %s && %s autostart %s" % (VIRSH, guest.xml, VIRSH, guest.name))
    else:
        assert host.service("xendomains").is_enabled
        host.run_expect([0], "mkdir -p /etc/xen/auto && ln -sf %s %s" % (guest.cfg, link))
    try:
        if by_libvirt:
            libvirt_start(host, guest)
        else:
            # The PV guest test's start, with all its checks (that test is skipped where this one runs with xl), and
            # its check that no dom0 process crashed while the guest ran, up to the reboot.
            first = xl_start_checked(host, guest)
            assert dom0_crashes(host) == first["crashes_before"], dom0_crashes(host)
        reboot_dom0(host)
        crashes_after_reboot = dom0_crashes(host)
        # Started again at boot; its /init records boot 2 on its disk.
        wait_for("the guest to be started again at boot and record its boot",
                 lambda: len(guest.records()) > 1 and guest.records()[1].startswith("boot 2 "), BOOT_TIMEOUT)
        domains = xl_domains(host)
        assert guest.name in domains, domains
        assert is_live(domains[guest.name][2]), domains[guest.name]
        # Shut down cleanly (its poweroff ran) when dom0 went down, not destroyed.
        assert guest.records()[2] == "shutdown 1", guest.records()
        assert guest.records()[1].startswith("boot 2 token=%s nic=eth0 " % guest.token), guest.records()
        if by_libvirt:
            libvirt_shutdown(host, guest, shutdowns=2)
        else:
            # The PV guest test's shutdown checks, against this boot. xendomains started the guest, so its console
            # is not captured (the capture ended with the old boot): its disk records the shutdown instead.
            xl_shutdown_checked(host, guest, dict(domid=domains[guest.name][0], memory_before=dom0_memory(host),
                                                  crashes_before=crashes_after_reboot), shutdowns=2, console=False)
    finally:
        if by_libvirt:
            libvirt_remove(host, guest)
        else:
            host.run("rm -f %s" % link)
            host.run("xl destroy %s" % guest.name)
    assert not (by_libvirt and libvirt_lists(host, guest))
    guest.clean()


def test_libvirt_defines_starts_and_shuts_down_the_guest(host, tools):
    """With xen_virt_manager: the same guest through libvirt's Xen driver, as virt-manager would define and start it
    (its file disk served by QEMU's Xen disk backend, its interface on the bridge)."""
    variables = host.ansible.get_variables()
    if not variables.get("xen_virt_manager_enabled"):
        pytest.skip("this scenario does not enable xen_virt_manager (libvirt)")
    if libvirt_owns_autostart(variables):
        # One guest lifecycle less under emulation (about 100 s in default's verify under CI's load).
        pytest.skip("checked by the autostart test: its guest is defined, started and shut down through libvirt with "
                    "these checks (libvirt_start, libvirt_shutdown, then undefined), with a dom0 reboot in the middle")
    guest = Guest(host, "xenhost-libvirt", "pv")
    host.run_expect([0], "%s define %s" % (VIRSH, guest.xml))
    try:
        libvirt_start(host, guest)
        libvirt_shutdown(host, guest)
    finally:
        libvirt_remove(host, guest)
    assert not libvirt_lists(host, guest)
    guest.clean()
