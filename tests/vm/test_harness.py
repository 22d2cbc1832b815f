"""Fast checks of the VM harness's inputs (no VM is booted; the Molecule scenarios do that).

- Every package a role installs on Debian 12/13 is in the image's offline apt repository list,
  or the scenario would fail offline in the middle of the play.
- The image cache key really covers the builder's inputs: change one and the image path changes.
- The builder rejects bad parameters with a message instead of building something else.
- The boot-stage classifier and the SSH wait (progress, timeout override, what was slow) on console
  snippets modelled on real serial logs.
- A guest reboot is a power cycle: a real QEMU booting a 16-byte boot sector that prints one letter and resets
  the machine, under the real supervisor (the only tests here that run QEMU; a second or two under TCG).
"""
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import time
import types
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def listed(path):
    return {line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")}


def role_packages(platform):
    """Package names the roles install on a platform: its entry's package sets in the platform table."""
    from ansible_collections.xenhost.dom0.plugins.module_utils import platforms
    found = {}
    for key, value in platforms.PLATFORMS[platform]["packages"].items():
        if isinstance(value, list):
            for name in value:
                found[name] = "plugins/module_utils/platforms.py: %s packages.%s" % (platform, key)
    return found


@pytest.mark.parametrize("platform", ["Debian-12", "Debian-13"])  # the platforms the VM images are built for
def test_offline_repository_covers_what_roles_install(platform):
    wanted = role_packages(platform)
    assert wanted, "the platform table names no packages for %s" % platform
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


def test_uefi_inputs_change_only_the_uefi_key(harness_copy):
    copy, env = harness_copy
    bios, uefi = image_path(copy, env), image_path(copy, env, "--boot", "uefi")
    assert Path(uefi).name.startswith("bookworm-amd64-uefi-")
    for name in ("packages/uefi.txt", "lib/customize-uefi", "lib/uefi-disk"):
        with open(copy / name, "a") as changed:
            changed.write("\n# changed\n")
        assert image_path(copy, env, "--boot", "uefi") != uefi, f"{name} is an input of the uefi image"
        uefi = image_path(copy, env, "--boot", "uefi")
        assert image_path(copy, env) == bios, f"{name} is no input of the BIOS images"


@pytest.mark.parametrize("args, message", [
    (["--suite", "sid"], "suite must be bookworm or trixie"),
    (["--arch", "arm64"], "arch must be amd64 or i386"),
    (["--boot", "lilo"], "boot must be grub2, grub-legacy, direct or uefi"),
    (["--arch", "i386", "--boot", "uefi"], "boot uefi is amd64 only"),
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


# --- Boot stages and waits (tests/vm/lib/vm.py), on console snippets modelled on real serial logs ---

def load_vm_module():
    spec = importlib.util.spec_from_file_location("xenhost_vm", HERE / "lib" / "vm.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


vm = load_vm_module()

ESC = "\x1b"
# GRUB 2 over serial: the menu is drawn with cursor moves, then the chosen entry is booted.
GRUB_MENU = (f"{ESC}[H{ESC}[J{ESC}[1;1H{ESC}[?25l{ESC}[m{ESC}[H{ESC}[J{ESC}[1;1H{ESC}[2;24HGNU GRUB  version 2.06-13+deb12u2"
             f"\r\n\r\n\r\n{ESC}[m{ESC}[4;2H+------------------+{ESC}[5;2H|{ESC}[5;79H|{ESC}[6;2H|"
             f"{ESC}[19;2H{ESC}[m     Use the ^ and v keys to select which entry is highlighted.          \r\n"
             f"{ESC}[7m{ESC}[5;3H*Debian GNU/Linux                    {ESC}[m{ESC}[5;78H"
             f"{ESC}[22;1H   The highlighted entry will be executed automatically in 0s.                 {ESC}[5;78H")
GRUB_BOOT = f"{GRUB_MENU}{ESC}[?25h{ESC}[H{ESC}[J{ESC}[1;1H{ESC}[H{ESC}[J{ESC}[1;1H  Booting `Debian GNU/Linux'\r\n\r\n"
GRUB_XEN = (f"{GRUB_MENU}{ESC}[H{ESC}[J{ESC}[1;1H  Booting `Debian GNU/Linux, with Xen hypervisor'\r\n\r\n"
            "Loading Xen 4.17-amd64 ...\r\n")
# What the KVM (kvm_pvm) runs on this machine kind ended with: the kernel's real-mode setup code, then nothing.
KVM_STALL = GRUB_BOOT + "Probing EDD (edd=off to disable)... ok\r\n"
KERNEL = ("[    0.000000] Linux version 6.1.0-50-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1))\r\n"
          "[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz-6.1.0-50-amd64 root=UUID=19637ecb ro console=ttyS0,115200n8\r\n"
          "[    8.955287] EXT4-fs (vda1): mounted filesystem with ordered data mode. Quota mode: none.\r\n")
INITRAMFS = ("[   21.000232] Run /init as init process\r\nLoading, please wait...\r\n"
             "Starting systemd-udevd version 252.39-1~deb12u2\r\nBegin: Loading essential drivers ... done.\r\n"
             "Begin: Mounting root file system ... Begin: Running /scripts/local-top ... done.\r\n")
SYSTEMD = (f"[{ESC}[0;32m  OK  {ESC}[0m] Created slice {ESC}[0;1;39msystem-getty.slice{ESC}[0m - Slice /system/getty.\r\r\r\n"
           "[   12.748780] systemd[1]: Listening on systemd-journald.socket - Journal Socket.\r\n"
           f"         Starting {ESC}[0;1;39mssh.service{ESC}[0m - OpenBSD Secure Shell server...\r\r\r\n"
           f"[{ESC}[0;32m  OK  {ESC}[0m] Reached target {ESC}[0;1;39mbasic.target{ESC}[0m - Basic System.\r\r\r\n")
# systemd's "still waiting" spinner rewrites one line in place.
SPINNER = (f"{ESC}M\r{ESC}[K[    {ESC}[0;31m*{ESC}[0;1;31m*{ESC}[0m] (3 of 6) Job systemd-udevd.service/start running "
           f"(36s / 2min 4s)\r\r\r\n{ESC}M\r{ESC}[K[   {ESC}[0;31m*{ESC}[0;1;31m*{ESC}[0m{ESC}[0;31m*{ESC}[0m] (4 of 6) Job "
           "proc-sys-fs-binfmt_mis…ount/start running (2s / 1min 30s)\r\r\r\n")
LOGIN = "\r\r\nDebian GNU/Linux 12 xenhost-test ttyS0\r\n\r\nxenhost-test login: "
XEN = ("(XEN) Xen version 4.17.5 (Debian 4.17.5+72-g01140da4e8-1) (pkg-xen-devel@lists.alioth.debian.org)\r\n"
       "(XEN) Command line: placeholder dom0_mem=1024M,max:1024M com1=115200,8n1 console=com1 loglvl=all noreboot\r\n"
       "(XEN) *** Building a PV Dom0 ***\r\n(XEN) *** Serial input to DOM0 (type 'CTRL-a' three times to switch input)\r\n"
       "(XEN) Freed 668kB init memory\r\n")
SHUTDOWN = (f"[{ESC}[0;32m  OK  {ESC}[0m] Stopped {ESC}[0;1;39mssh.service{ESC}[0m - OpenBSD Secure Shell server.\r\n"
            "[  123.456789] reboot: Restarting system\r\n")
GRUB_LEGACY = ("    GNU GRUB  version 0.97  (640K lower / 3072K upper memory)\r\n"
               "  Booting 'Xen 4.17-amd64 / Debian GNU/Linux, kernel 6.1.0-50-amd64'\r\n\r\nroot  (hd0,0)\r\n"
               " Filesystem type is ext2fs, partition type 0x83\r\nkernel  /boot/xen-4.17-amd64.gz dom0_mem=1024M\r\n"
               "   [Multiboot-elf, <0x100000:0x1a3000:0x0>, shtab=0x2a4e78, entry=0x100000]\r\n")

# UEFI (OVMF on q35, the uefi image; captured 2026-11-29, trimmed). The firmware's text console on the serial
# port: box drawing in code page 437 (read back as U+FFFD), "ESC [=3h" mode sets.
BOX = "\ufffd" * 12
OVMF = ("\x1b[2J\x1b[01;01H\x1b[=3h\x1b[2J\x1b[01;01H\x1b[2J\x1b[01;01H\x1b[=3h\x1b[2J\x1b[01;01HBdsDxe: failed to load Boot0001 "
        "\"UEFI QEMU DVD-ROM QM00005 \" from PciRoot(0x0)/Pci(0x1F,0x2)/Sata(0x2,0xFFFF,0x0): Not Found\r\n"
        "BdsDxe: loading Boot0002 \"UEFI Misc Device\" from PciRoot(0x0)/Pci(0x2,0x0)\r\n"
        "BdsDxe: starting Boot0002 \"UEFI Misc Device\" from PciRoot(0x0)/Pci(0x2,0x0)\r\n")
UEFI_GRUB_MENU = (f"\x1b[0m\x1b[30m\x1b[47mWelcome to GRUB!\n\r\n\r\x1b[0m\x1b[37m\x1b[40m\x1b[02;24HGNU GRUB  version 2.06-13+deb12u2"
                  f"\n\r\n\r\x1b[0m\x1b[36m\x1b[44m\x1b[04;02H{BOX}\x1b[05;02H\ufffd\x1b[05;79H\ufffd\x1b[42;02H{BOX}\x1b[43;02H"
                  "\x1b[44;02H\x1b[0m\x1b[37m\x1b[40m     Use the ^ and v keys to select which entry is highlighted.          \n\r"
                  "      Press enter to boot the selected OS, `e' to edit the commands       \n\r"
                  "\x1b[1m\x1b[37m\x1b[44m\x1b[07;03H*Debian GNU/Linux, with Xen hypervisor                                      "
                  "\x1b[48;01H   The highlighted entry will be executed automatically in 0s.                 \x1b[05;78H")
UEFI_GRUB_LINUX = (UEFI_GRUB_MENU + "\x1b[0m\x1b[30m\x1b[40m\x1b[2J\x1b[01;01H\x1b[0m\x1b[37m\x1b[40m  Booting `Debian GNU/Linux'"
                   "\n\r\n\rerror: no suitable video mode found.\n\rBooting in blind mode\n\r")
# Secure Boot on: the kernel's EFI stub says so before the kernel's own log.
SB_LINUX = "  Booting `Debian GNU/Linux'\n\r\n\rEFI stub: UEFI Secure Boot is enabled.\r\n"
# Secure Boot on, grub-reboot to Debian's Xen entry: the signed GRUB refuses multiboot2 (its module would have to
# come from disk), waits 10 s twice, then shows its menu again with no countdown.
SB_XEN_REFUSED = ("\x1b[2J\x1b[01;01H\x1b[0m\x1b[37m\x1b[40m  Booting `Debian GNU/Linux, with Xen hypervisor'\n\r\n\r"
                  "Loading Xen 4.17-amd64 ...\n\rerror: prohibited by secure boot policy.\n\rLoading Linux 6.1.0-50-amd64 ...\n\r"
                  "error: prohibited by secure boot policy.\n\rLoading initial ramdisk ...\n\r"
                  "error: prohibited by secure boot policy.\n\r\n\rPress any key to continue...\n\r\n\r"
                  "  Failed to boot both default and fallback entries.\n\r\n\rPress any key to continue...\n\r"
                  "\x1b[0m\x1b[30m\x1b[40m\x1b[2J\x1b[01;01H\x1b[0m\x1b[37m\x1b[40m\x1b[02;24HGNU GRUB  version 2.06-13+deb12u2\n\r\n\r"
                  "\x1b[44;02H\x1b[0m\x1b[37m\x1b[40m     Use the ^ and v keys to select which entry is highlighted.          \n\r"
                  "      Press enter to boot the selected OS, `e' to edit the commands       \n\r")
# The same GRUB chainloading Xen's own (Debian-unsigned) EFI binary.
SB_XEN_EFI_REFUSED = "  Booting `Xen EFI binary, chainloaded (test)'\n\r\n\rerror: bad shim signature.\n\r\n\rPress any key to continue...\n\r"
# Secure Boot off: Xen from the same GRUB (multiboot2 loaded from /boot/grub/x86_64-efi).
UEFI_XEN = ("  Booting `Debian GNU/Linux, with Xen hypervisor'\n\r\n\rLoading Xen 4.17-amd64 ...\n\rLoading Linux 6.1.0-50-amd64 ...\n\r"
            "Loading initial ramdisk ...\n\rerror: no suitable video mode found.\n\r"
            "(XEN) Xen version 4.17.5 (Debian 4.17.5+72-g01140da4e8-1) (pkg-xen-devel@lists.alioth.debian.org)\r\n"
            "(XEN) Bootloader: GRUB 2.06-13+deb12u2\r\n(XEN) EFI RAM map:\r\n")
# Secure Boot on, an unsigned GRUB (grub-efi-amd64-bin's monolithic grubx64.efi) where shim looks: shim's ERROR
# box, waiting for a key.
SHIM_REFUSED = ("\x1b[0m\x1b[37m\x1b[44m\x1b[01;01H\ufffd\x1b[01;01H" + BOX + "\x1b[02;01H\ufffd                                    ERROR"
                "                                     \ufffd\x1b[03;01H\ufffd\x1b[04;01H\ufffd                Verification failed: (0x1A) "
                "Security Violation                \ufffd\x1b[05;01H\ufffd" + BOX + "\x1b[12;38H\ufffd OK \ufffd")
# No bootable EFI system partition: OVMF ends in its shell.
UEFI_SHELL = ("BdsDxe: loading Boot0002 \"EFI Internal Shell\" from Fv(7CB8BDC9-F8EB-4F34-AAEA-3EE4AF6516A1)/FvFile(7C04A583-9E3E-"
              "4F1C-AD65-E05268D0B4D1)\r\n\x1b[2J\x1b[01;01H\x1b[01;01HUEFI Interactive Shell v2.2\r\nEDK II\r\n"
              "\x1b[07;01HPress \x1b[1m\x1b[37m\x1b[40mESC\x1b[0m\x1b[37m\x1b[40m in 1 seconds to skip \x1b[1m\x1b[33m\x1b[40mstartup.nsh"
              "\x1b[0m\x1b[37m\x1b[40m or any other key to continue.\r\n\x1b[08;01H\x1b[1m\x1b[33m\x1b[40mShell> \x1b[0m\x1b[37m\x1b[40m")


@pytest.mark.parametrize("console, stage, line", [
    ("", "no console output", ""),
    (GRUB_MENU, "GRUB", "The highlighted entry will be executed automatically in 0s."),
    (GRUB_BOOT, "GRUB", "Booting `Debian GNU/Linux'"),
    (KVM_STALL, "Linux kernel", "Probing EDD (edd=off to disable)... ok"),
    (GRUB_XEN, "GRUB", "Loading Xen 4.17-amd64 ..."),
    (GRUB_BOOT + KERNEL, "Linux kernel", "[    8.955287] EXT4-fs (vda1): mounted filesystem"),
    (GRUB_BOOT + KERNEL + INITRAMFS, "initramfs", "Begin: Mounting root file system ..."),
    (KERNEL + INITRAMFS.split("Begin", maxsplit=1)[0], "initramfs", "Starting systemd-udevd version 252"),
    (GRUB_BOOT + KERNEL + INITRAMFS + SYSTEMD, "systemd", "[  OK  ] Reached target basic.target - Basic System."),
    (SYSTEMD + SPINNER, "systemd", "[   ***] (4 of 6) Job proc-sys-fs-binfmt_mis"),
    (SYSTEMD + "[   97.340786] systemd-journald[193]: Received client request to flush runtime journal.\r\n",
     "systemd", "[   97.340786] systemd-journald[193]"),
    (SYSTEMD + "some service's own chatter\r\n", "systemd", "[  OK  ] Reached target basic.target"),
    (GRUB_BOOT + KERNEL + INITRAMFS + SYSTEMD + LOGIN, "login prompt", "xenhost-test login:"),
    (LOGIN.replace(" login: ", "\r\n"), "login prompt", "Debian GNU/Linux 12 xenhost-test ttyS0"),
    (LOGIN + SHUTDOWN, "shutdown", "[  123.456789] reboot: Restarting system"),
    # Late kernel messages do not take a booted system back to the kernel stage, nor a shutdown.
    (SYSTEMD + LOGIN + "\r\n[  142.343093] kvm: no hardware support for 'kvm_amd'\r\n", "login prompt",
     "xenhost-test login:"),
    (SHUTDOWN + "[  124.000000] sd 0:0:0:0: [sda] Synchronizing SCSI cache\r\n", "shutdown", "[  123.456789] reboot"),
    (GRUB_XEN + XEN, "Xen hypervisor", "(XEN) Freed 668kB init memory"),
    (GRUB_XEN + XEN + KERNEL, "Linux kernel (dom0 under Xen)", "[    8.955287] EXT4-fs"),
    (GRUB_XEN + XEN + "mapping kernel into physical memory\r\nabout to get started...\r\n", "Xen hypervisor",
     "about to get started..."),
    (GRUB_XEN + XEN + KERNEL + "(XEN) PCI add device 0000:00:01.0\r\n", "Linux kernel (dom0 under Xen)",
     "[    8.955287] EXT4-fs"),
    (GRUB_XEN + XEN + KERNEL + INITRAMFS + SYSTEMD + LOGIN.replace("ttyS0", "hvc0"), "login prompt (dom0 under Xen)",
     "xenhost-test login:"),
    # A reboot back into plain Linux (the fall-back) is not under Xen any more.
    (GRUB_XEN + XEN + KERNEL + LOGIN + SHUTDOWN + GRUB_BOOT + KERNEL, "Linux kernel", "[    8.955287] EXT4-fs"),
    (GRUB_XEN + XEN + "(XEN) d0v0 Unhandled: vec 14, #PF[0000]\r\n(XEN) Domain 0 crashed: 'noreboot' set - not rebooting.\r\n",
     "Xen panic", "(XEN) Domain 0 crashed"),
    (KERNEL + "[    2.345678] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\r\n",
     "kernel panic", "[    2.345678] Kernel panic - not syncing"),
    (GRUB_LEGACY, "GRUB", "[Multiboot-elf, <0x100000"),
    ("SeaBIOS noise\r\n", "unknown", "SeaBIOS noise"),
    # UEFI
    (OVMF, "UEFI firmware", "BdsDxe: starting Boot0002 \"UEFI Misc Device\""),
    (OVMF + UEFI_GRUB_MENU, "GRUB", "The highlighted entry will be executed automatically in 0s."),
    (OVMF + "\x1b[0m\x1b[30m\x1b[47mWelcome to GRUB!\n\r\n\r", "GRUB", "Welcome to GRUB!"),
    (OVMF + UEFI_GRUB_LINUX, "GRUB", "Booting in blind mode"),
    (OVMF + UEFI_GRUB_LINUX + KERNEL, "Linux kernel", "[    8.955287] EXT4-fs"),
    (OVMF + UEFI_GRUB_MENU + SB_LINUX, "Linux kernel", "EFI stub: UEFI Secure Boot is enabled."),
    (OVMF + UEFI_GRUB_MENU + SB_LINUX + KERNEL + INITRAMFS + SYSTEMD + LOGIN, "login prompt", "xenhost-test login:"),
    (OVMF + UEFI_GRUB_MENU + SB_XEN_REFUSED, "GRUB error", "error: prohibited by secure boot policy."),
    (OVMF + UEFI_GRUB_MENU + SB_XEN_EFI_REFUSED, "GRUB error", "error: bad shim signature."),
    # A reset after the refusal starts again in the firmware; grub-reboot's entry is used up, Linux boots.
    (OVMF + SB_XEN_REFUSED + OVMF, "UEFI firmware", "BdsDxe: starting Boot0002"),
    (OVMF + SB_XEN_REFUSED + OVMF + UEFI_GRUB_MENU + SB_LINUX + KERNEL, "Linux kernel", "[    8.955287] EXT4-fs"),
    # Not GRUB's: an "error: ..." line once Linux runs.
    (SYSTEMD + LOGIN + "\r\nerror: something of a service\r\n", "login prompt", "xenhost-test login:"),
    (OVMF + UEFI_GRUB_MENU + UEFI_XEN, "Xen hypervisor", "(XEN) EFI RAM map:"),
    (OVMF + UEFI_GRUB_MENU + UEFI_XEN + KERNEL + LOGIN.replace("ttyS0", "hvc0"), "login prompt (dom0 under Xen)",
     "xenhost-test login:"),
    # dom0 reboots into plain Linux: the firmware's lines end the Xen boot.
    (UEFI_XEN + KERNEL + SHUTDOWN + OVMF + UEFI_GRUB_LINUX + KERNEL, "Linux kernel", "[    8.955287] EXT4-fs"),
    (OVMF + SHIM_REFUSED, "shim", "\ufffd                Verification failed: (0x1A) Security Violation"),
    (UEFI_SHELL, "UEFI shell", "Shell>"),
])
def test_boot_stage_names_the_last_recognisable_line(console, stage, line):
    found, where = vm.boot_stage(console)
    assert found == stage
    assert where.startswith(line), where
    assert ESC not in where and "\r" not in where


@pytest.mark.parametrize("requested, env, seconds", [
    (300, None, 300), (300, "", 300), (300, "900", 900), (600, "900", 900),
    (300, "2x", 600), (300, "x1.5", 450), (600, " 3X ", 1800),
])
def test_boot_timeout_is_overridden_or_scaled(requested, env, seconds):
    assert vm.boot_timeout(requested, env)[0] == seconds


@pytest.mark.parametrize("env", ["0", "fast", "-5", "0x", "2y"])
def test_boot_timeout_rejects_nonsense(env):
    with pytest.raises(ValueError, match="XENHOST_BOOT_TIMEOUT"):
        vm.boot_timeout(300, env)


class FakeClock:
    """Time for wait_ssh: every sleep advances it; nothing really waits."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_wait_reports_progress_and_what_was_slow(tmp_path, monkeypatch, capsys):
    serial = tmp_path / "serial.log"
    serial.write_text(GRUB_BOOT)
    clock = FakeClock()
    ticks = []

    def ssh_ok(_inst):  # the console moves on while we wait, then stays in initramfs
        ticks.append(clock.now)
        if len(ticks) == 5:
            serial.write_text(GRUB_BOOT + KERNEL + INITRAMFS)
            os.utime(serial, (clock.now, clock.now))
        return False

    monkeypatch.setattr(vm, "time", clock)
    monkeypatch.setattr(vm, "qemu_pid", lambda inst: 4242)
    monkeypatch.setattr(vm, "ssh_ok", ssh_ok)
    ok, why = vm.wait_ssh({"name": "t", "serial_log": str(serial)}, 60, "60s")
    assert not ok
    assert "no SSH after 60s (timeout 60s)" in why
    assert "stage 'initramfs' for 52s" in why, why
    assert "Seconds per stage in this wait: GRUB 8s, initramfs 52s (slowest: initramfs)" in why
    assert "console silent for 52s" in why
    assert "Begin: Mounting root file system" in why
    assert "XENHOST_BOOT_TIMEOUT" in why
    progress = [line for line in capsys.readouterr().err.splitlines() if "waiting for SSH" in line]
    assert len(progress) == 2, progress  # every PROGRESS_EVERY (20) seconds of a 60 s wait
    assert "20s of 60s; console: initramfs for 12s" in progress[0]


def test_wait_stops_when_qemu_dies(tmp_path, monkeypatch):
    serial = tmp_path / "serial.log"
    serial.write_text(KVM_STALL)
    monkeypatch.setattr(vm, "time", FakeClock())
    monkeypatch.setattr(vm, "qemu_pid", lambda inst: None)
    ok, why = vm.wait_ssh({"name": "t", "serial_log": str(serial)}, 60, "60s")
    assert not ok
    assert why == "QEMU is no longer running (stage 'Linux kernel', last line 'Probing EDD (edd=off to disable)... ok')"


def test_stage_command_reads_the_instance_console(tmp_path):
    run_dir = tmp_path / "run" / "probe"
    run_dir.mkdir(parents=True)
    (run_dir / "serial.log").write_text(GRUB_XEN + XEN)
    (run_dir / "instance.json").write_text(json.dumps({"name": "probe", "serial_log": str(run_dir / "serial.log")}))
    env = dict(os.environ, XENHOST_CACHE=str(tmp_path))
    proc = subprocess.run([str(HERE / "vm"), "stage", "probe"], env=env, capture_output=True, text=True, check=True)
    assert proc.stdout == "Xen hypervisor\t(XEN) Freed 668kB init memory\n"


def test_stop_keeps_the_whole_console_where_asked(tmp_path):
    """`stop --keep-console FILE` copies every boot's serial log before the run directory goes (a stopped VM's QEMU
    pid is gone, so stop only removes the directory here)."""
    run_dir = tmp_path / "run" / "probe"
    run_dir.mkdir(parents=True)
    (run_dir / "serial.log").write_text(GRUB_XEN + XEN)
    (run_dir / "instance.json").write_text(json.dumps({"name": "probe", "serial_log": str(run_dir / "serial.log"),
                                                       "run_dir": str(run_dir), "pidfile": str(run_dir / "qemu.pid")}))
    env = dict(os.environ, XENHOST_CACHE=str(tmp_path))
    kept = tmp_path / "logs" / "probe.serial.log"
    subprocess.run([str(HERE / "vm"), "stop", "probe", "--keep-console", str(kept)], env=env, check=True,
                   capture_output=True)
    assert kept.read_bytes() == (GRUB_XEN + XEN).encode()
    assert not run_dir.exists()


def test_wait_for_a_vm_that_could_not_come_back_says_why(tmp_path, monkeypatch):
    """A power cycle whose fresh QEMU never came up: the supervisor's last lines (QEMU's own error) are in the reason."""
    serial = tmp_path / "serial.log"
    serial.write_text(KVM_STALL)
    supervisor_log = ("[vm] t: QEMU 41 ended (exit 1, reason None)\n"
                      "qemu-system-x86_64: Could not set up host forwarding rule\n")
    (tmp_path / "supervisor.log").write_text(supervisor_log)
    monkeypatch.setattr(vm, "time", FakeClock())
    monkeypatch.setattr(vm, "qemu_pid", lambda inst: None)
    ok, why = vm.wait_ssh({"name": "t", "serial_log": str(serial), "run_dir": str(tmp_path)}, 60, "60s")
    assert not ok and why.startswith("QEMU is no longer running (stage 'Linux kernel'")
    assert why.endswith("its supervisor's log ends with:\n[vm] t: QEMU 41 ended (exit 1, reason None)\n"
                        "qemu-system-x86_64: Could not set up host forwarding rule"), why


def test_wait_goes_on_between_two_qemus(tmp_path, monkeypatch):
    """A power cycle's gap (the old QEMU gone, the fresh one not started yet) is not a dead VM: its supervisor runs."""
    serial = tmp_path / "serial.log"
    serial.write_text(GRUB_BOOT)
    monkeypatch.setattr(vm, "time", FakeClock())
    monkeypatch.setattr(vm, "qemu_pid", lambda inst: None)
    monkeypatch.setattr(vm, "supervisor_pid", lambda inst: 4243)
    monkeypatch.setattr(vm, "ssh_ok", lambda inst: False)
    ok, why = vm.wait_ssh({"name": "t", "serial_log": str(serial)}, 10, "10s")
    assert not ok and why.startswith("no SSH after 10s"), why


# --- A reboot is a power cycle (vm.py RELAUNCH_REASONS, tests/vm/README.md "Stale translations") ---

def shutdown(reason):
    return {"event": "SHUTDOWN", "data": {"guest": reason.startswith("guest"), "reason": reason}}


@pytest.mark.parametrize("events, reason, relaunch", [
    ([{"event": "RESET", "data": {"guest": True, "reason": "guest-reset"}}, shutdown("guest-reset")],
     "guest-reset", True),
    ([shutdown("host-qmp-system-reset")], "host-qmp-system-reset", True),
    ([shutdown("guest-shutdown")], "guest-shutdown", False),  # the guest powered off: it stays off
    ([shutdown("host-qmp-quit")], "host-qmp-quit", False),  # vm stop
    ([shutdown("host-signal")], "host-signal", False),
    ([shutdown("guest-panic")], "guest-panic", False),
    ([{"event": "STOP"}, {"event": "RESUME"}], None, False),  # killed: no SHUTDOWN event at all
    ([], None, False),
    ([shutdown("guest-reset"), shutdown("host-signal")], "host-signal", False),  # the last one counts
])
def test_only_a_reboot_brings_a_fresh_qemu(events, reason, relaunch):
    assert vm.shutdown_reason(events) == reason
    assert (vm.shutdown_reason(events) in vm.RELAUNCH_REASONS) is relaunch


def test_qemu_argv_makes_a_reboot_end_qemu(tmp_path):
    inst = {"name": "t", "overlay": str(tmp_path / "o.qcow2"), "port": 2222, "serial_log": str(tmp_path / "s.log"),
            "qmp": str(tmp_path / "qmp.sock"), "pidfile": "p", "tuning": vm.tuning("amd64", "tcg", {})}
    argv = vm.qemu_argv(tmp_path, {"arch": "amd64", "boot": "grub2"}, inst, "max", "tcg")
    assert argv[argv.index("-action") + 1] == "reboot=shutdown"
    assert argv[argv.index("-chardev") + 1] == f"file,id=console,path={tmp_path / 's.log'},append=on"
    assert argv[argv.index("-serial") + 1] == "chardev:console"
    qmp = [argv[i + 1] for i, arg in enumerate(argv) if arg == "-qmp"]
    assert qmp == [f"unix:{tmp_path / 'qmp.sock'},server=on,wait=off", f"unix:{tmp_path / 'watch.sock'},server=on,wait=on"]
    assert "-daemonize" not in argv  # the supervisor waits for it


# x86 real mode, loaded by SeaBIOS at 0x7c00: mov dx,0x3f8; mov al,'R'; out dx,al (COM1); mov al,0xfe; out 0x64,al
# (the keyboard controller's reset line, as Linux's reboot=k); hlt; jmp back to hlt.
RESET_SECTOR = bytes.fromhex("baf803 b052 ee b0fe e664 f4 ebfd")


def boot_sector_vm(tmp_path, monkeypatch, port=None):
    """An instance as `vm start` records it, of a 1 MiB disk whose boot sector prints R and resets the machine."""
    monkeypatch.setenv("XENHOST_CACHE", str(tmp_path))
    monkeypatch.setattr(vm, "RUN", tmp_path / "run")
    image = tmp_path / "image"
    image.mkdir()
    (image / "disk.raw").write_bytes(RESET_SECTOR.ljust(510, b"\0") + b"\x55\xaa" + bytes((1 << 20) - 512))
    subprocess.run(["qemu-img", "convert", "-q", "-O", "qcow2", str(image / "disk.raw"), str(image / "disk.qcow2")],
                   check=True)
    run_dir = tmp_path / "run" / "probe"
    run_dir.mkdir(parents=True)
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", str(image / "disk.qcow2"),
                    str(run_dir / "overlay.qcow2")], check=True)
    inst = {"name": "probe", "run_dir": str(run_dir), "image_dir": str(image), "image": {"arch": "amd64", "boot": "grub2"},
            "overlay": str(run_dir / "overlay.qcow2"), "serial_log": str(run_dir / "serial.log"),
            "qmp": str(run_dir / "qmp.sock"), "pidfile": str(run_dir / "qemu.pid"), "accel": "tcg",
            "cpu": vm.CPU[("amd64", "tcg")], "tuning": vm.tuning("amd64", "tcg", {"XENHOST_QEMU_MEM": "64"}),
            "firmware": "bios", "port": port or vm.free_port()}
    (run_dir / "instance.json").write_text(json.dumps(inst))
    return inst


def our_qemus(inst):
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if proc.name.isdigit() and "qemu-system" in cmdline and inst["run_dir"] in cmdline:
            found.append(int(proc.name))
    return found


def test_a_guest_reboot_is_a_fresh_qemu(tmp_path, monkeypatch):
    inst = boot_sector_vm(tmp_path, monkeypatch)
    assert vm.launch_supervisor(inst) == (True, "")
    try:
        serial = Path(inst["serial_log"])
        for dummy in range(300):  # three boots: two power cycles
            if serial.read_bytes().count(b"R") >= 3:
                break
            time.sleep(0.1)
        assert serial.read_bytes().count(b"R") >= 3, serial.read_bytes()
        assert set(serial.read_bytes()) == {ord("R")}  # appended by each QEMU, never truncated
        assert vm.vm_running(inst) and vm.supervisor_pid(inst)
        log = (Path(inst["run_dir"]) / "supervisor.log").read_text()
        ended = re.findall(r"QEMU (\d+) ended \(exit 0, reason guest-reset\)", log)
        assert len(ended) >= 2 and len(set(ended)) == len(ended), log  # each boot its own process
        assert "the guest rebooted: a fresh QEMU (power cycle 2)" in log, log
        kept = tmp_path / "logs" / "probe.serial.log"
        vm.keep_console(inst, kept)
        assert kept.read_bytes().count(b"R") >= 3
        assert "power cycle 2" in (tmp_path / "logs" / "probe.supervisor.log").read_text()
    finally:
        vm.stop(inst)  # while it keeps resetting: no QEMU may outlive it, whichever moment it lands in
    assert not our_qemus(inst) and not Path(inst["run_dir"]).exists()


def test_a_qemu_that_cannot_start_is_reported(tmp_path, monkeypatch):
    """Its forwarded port taken: QEMU's own message comes back, and no supervisor is left waiting."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        inst = boot_sector_vm(tmp_path, monkeypatch, port=taken.getsockname()[1])
        started, why = vm.launch_supervisor(inst)
        assert not started and "host forwarding" in why, why
    assert not our_qemus(inst)


# --- `vm cpu`: what a VM that went silent is doing, from QEMU's `info registers -a` ---
# Written by us after QEMU 7.2's output for a bookworm guest (general registers and vector state cut).
def registers(cpu, ip, hlt=0, smm=0, cs="CS =0010 0000000000000000 ffffffff 00a09b00 DPL=0 CS64 [-RA]"):
    return (f"CPU#{cpu}\nRAX=000000000132d6cc RBX=ff3854b55dd31cc0 RCX=000000000132d6cc RDX=000000000000b772\n"
            f"RIP={ip} RFL=00000086 [--S--P-] CPL=0 II=0 A20=1 SMM={smm} HLT={hlt}\n"
            "ES =0000 0000000000000000 00000000 00000000\n"
            f"{cs}\nCR0=80050033 CR2=000055e3dbb6ddf0 CR3=0000000034b76000 CR4=00551ef0\n"
            "EFER=0000000000000d01\n\n")


def test_cpu_registers_reads_each_vcpu():
    firmware_cs = "CS =0038 0000000000000000 ffffffff 00af9a00 DPL=0 CS64 [-R-]"
    text = "\n" + registers(0, "ffffffff98ae8fff") + registers(1, "000000007e5a1234", hlt=1, cs=firmware_cs)
    assert vm.cpu_registers(text) == [
        {"cpu": 0, "ip": "ffffffff98ae8fff", "cpl": 0, "smm": False, "halted": False, "mode": "CS64"},
        {"cpu": 1, "ip": "000000007e5a1234", "cpl": 0, "smm": False, "halted": True, "mode": "CS64"},
    ]
    # 32-bit: EIP, and a CS line QEMU marks CS32
    legacy = "CPU#0\nEIP=0000fff0 EFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=1 HLT=0\nCS =f000 ffff0000 0000ffff 00009b00 CS32\n"
    assert vm.cpu_registers(legacy) == [{"cpu": 0, "ip": "0000fff0", "cpl": 0, "smm": True, "halted": False,
                                         "mode": "CS32"}]
    assert vm.cpu_registers("") == []


def test_cpu_report_tells_spinning_halted_and_running_apart():
    parse = vm.cpu_registers
    samples = [parse(registers(0, "000000007e5a1234") + registers(1, "ffff82d040200000", hlt=1)),
               parse(registers(0, "000000007e5a1234") + registers(1, "ffff82d040200010", hlt=1)),
               parse(registers(0, "000000007e5a1234") + registers(1, "ffff82d040200010", hlt=1))]
    assert vm.cpu_report(samples) == [
        "CPU#0: instruction pointer did not move; CS64 CPL=0; IP 000000007e5a1234",
        "CPU#1: halted in every sample; CS64 CPL=0; IP ffff82d040200000, ffff82d040200010",
    ]
    moving = [parse(registers(0, "ffffffff98ae8fff", smm=1, hlt=1)), parse(registers(0, "ffffffff98b3dca0"))]
    assert vm.cpu_report(moving) == ["CPU#0: running (2 distinct instruction pointers); in SMM; "
                                     "IP ffffffff98ae8fff, ffffffff98b3dca0"]
    assert vm.cpu_report([[]]) == ["no register state from QEMU"]


@pytest.mark.parametrize("command", ["cpu", "net"])
def test_diagnosis_commands_need_a_running_qemu(tmp_path, command):
    run_dir = tmp_path / "run" / "probe"
    run_dir.mkdir(parents=True)
    (run_dir / "instance.json").write_text(json.dumps({"name": "probe", "run_dir": str(run_dir),
                                                       "pidfile": str(run_dir / "qemu.pid")}))
    env = dict(os.environ, XENHOST_CACHE=str(tmp_path))
    proc = subprocess.run([str(HERE / "vm"), command, "probe"], env=env, capture_output=True, text=True, check=False)
    assert proc.returncode != 0 and "QEMU is not running" in proc.stderr


# `ssh -v` as OpenSSH 9.2 prints it for each case (stderr), shortened to the lines ssh_verdict reads.
SSH_REFUSED = ("debug1: Connecting to 127.0.0.1 [127.0.0.1] port 2222.\n"
               "debug1: connect to address 127.0.0.1 port 2222: Connection refused\n"
               "ssh: connect to host 127.0.0.1 port 2222: Connection refused\n")
SSH_CLOSED_BEFORE_BANNER = ("debug1: Connecting to 127.0.0.1 [127.0.0.1] port 2222.\n"
                            "debug1: Connection established.\n"
                            "debug1: Local version string SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u6\n"
                            "kex_exchange_identification: read: Connection reset by peer\n"
                            "Connection reset by 127.0.0.1 port 2222\n")
SSH_KEY_REFUSED = ("debug1: Connection established.\n"
                   "debug1: Remote protocol version 2.0, remote software version OpenSSH_9.2p1 Debian-2+deb12u6\n"
                   "debug1: No more authentication methods to try.\n"
                   "root@127.0.0.1: Permission denied (publickey).\n")
SSH_IN = ("debug1: Connection established.\n"
          "debug1: Remote protocol version 2.0, remote software version OpenSSH_9.2p1 Debian-2+deb12u6\n"
          "debug1: Authenticated to 127.0.0.1 ([127.0.0.1]:2222) using \"publickey\".\n"
          "debug1: Exit status 0\n")


@pytest.mark.parametrize("returncode, stderr, verdict", [
    (255, SSH_REFUSED, "fails (exit 255); reached: nothing; "
                       "last error: 'ssh: connect to host 127.0.0.1 port 2222: Connection refused'"),
    (255, SSH_CLOSED_BEFORE_BANNER, "fails (exit 255); reached: TCP; "
                                    "last error: 'Connection reset by 127.0.0.1 port 2222'"),
    (255, SSH_KEY_REFUSED, "fails (exit 255); reached: TCP, the SSH banner; "
                           "last error: 'root@127.0.0.1: Permission denied (publickey).'"),
    (0, SSH_IN, "answers; reached: TCP, the SSH banner, authentication"),
    (None, "debug1: Connection established.\n", "hung; reached: TCP"),
])
def test_ssh_verdict_says_how_far_ssh_got(returncode, stderr, verdict):
    assert vm.ssh_verdict(returncode, stderr) == "SSH from the host: " + verdict


# --- QEMU settings (tests/vm/README.md, "TCG settings"): the measured defaults, overridable for measuring ---

def test_qemu_tuning_defaults_and_overrides():
    assert vm.tuning("amd64", "tcg", {}) == {"accel": "tcg", "mem": "3072", "smp": "2", "cache": "unsafe"}
    assert vm.tuning("i386", "tcg", {}) == {"accel": "tcg", "mem": "1024", "smp": "1", "cache": "unsafe"}
    # q35 (UEFI firmwares): all RAM below 4 GB
    assert vm.tuning("amd64", "tcg", {}, firmware="uefi")["mem"] == "2560"
    assert vm.tuning("amd64", "tcg", {}, firmware="secure-boot")["mem"] == "2560"
    assert vm.tuning("amd64", "tcg", {"XENHOST_QEMU_MEM": "3072"}, firmware="uefi")["mem"] == "3072"
    env = {"XENHOST_QEMU_ACCEL_OPTS": "thread=multi,tb-size=512", "XENHOST_QEMU_MEM": "4096",
           "XENHOST_QEMU_SMP": "1", "XENHOST_QEMU_CACHE": "writeback"}
    assert vm.tuning("amd64", "tcg", env) == {"accel": "tcg,thread=multi,tb-size=512", "mem": "4096", "smp": "1",
                                              "cache": "writeback"}


def test_qemu_argv_uses_the_instance_tuning(tmp_path):
    inst = {"name": "t", "overlay": str(tmp_path / "o.qcow2"), "port": 2222, "serial_log": "s", "qmp": "q",
            "pidfile": "p", "tuning": vm.tuning("amd64", "tcg", {"XENHOST_QEMU_SMP": "1"})}
    argv = vm.qemu_argv(tmp_path, {"arch": "amd64", "boot": "grub2"}, inst, "max,-smap,vendor=GenuineIntel", "tcg")
    assert argv[argv.index("-accel") + 1] == "tcg"
    assert argv[argv.index("-smp") + 1] == "1"
    assert argv[argv.index("-m") + 1] == "3072"
    assert "cache=unsafe" in argv[argv.index("-drive") + 1]


# --- Firmware (tests/vm/README.md, "UEFI and Secure Boot") ---

@pytest.mark.parametrize("boot, requested, firmware", [
    ("grub2", "auto", "bios"), ("grub-legacy", None, "bios"), ("direct", "bios", "bios"),
    ("uefi", "auto", "uefi"), ("uefi", "uefi", "uefi"), ("uefi", "secure-boot", "secure-boot"),
])
def test_firmware_follows_the_image(boot, requested, firmware):
    assert vm.firmware_for(boot, requested) == firmware


@pytest.mark.parametrize("boot, requested, message", [
    ("uefi", "bios", "firmware bios cannot boot a --boot uefi image (it needs uefi or secure-boot)"),
    ("grub2", "uefi", "firmware uefi cannot boot a --boot grub2 image (it needs bios)"),
    ("grub-legacy", "secure-boot", "needs bios"),
    ("uefi", "coreboot", "unknown firmware"),
])
def test_firmware_that_cannot_boot_the_image_is_refused(boot, requested, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        vm.firmware_for(boot, requested)


def firmware_argv(firmware, tmp_path):
    inst = {"name": "t", "overlay": str(tmp_path / "o.qcow2"), "port": 2222, "serial_log": "s", "qmp": "q",
            "pidfile": "p", "tuning": vm.tuning("amd64", "tcg", {}), "firmware": firmware,
            "ovmf_vars": str(tmp_path / "ovmf-vars.fd")}
    return vm.qemu_argv(tmp_path, {"arch": "amd64", "boot": "uefi"}, inst, "max,-smap,vendor=GenuineIntel", "tcg")


def test_qemu_argv_for_each_firmware(tmp_path):
    bios = firmware_argv("bios", tmp_path)
    assert bios[bios.index("-machine") + 1] == "pc"
    assert "pflash" not in " ".join(bios)
    uefi = firmware_argv("uefi", tmp_path)
    assert uefi[uefi.index("-machine") + 1] == "q35"
    assert "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd" in uefi
    assert f"if=pflash,format=raw,unit=1,file={tmp_path / 'ovmf-vars.fd'}" in uefi
    assert "-global" not in uefi
    secure = firmware_argv("secure-boot", tmp_path)
    assert secure[secure.index("-machine") + 1] == "q35,smm=on"
    assert "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd" in secure
    assert secure[secure.index("-global") + 1] == "driver=cfi.pflash01,property=secure,value=on"
    for argv in (bios, uefi, secure):  # everything else as before
        assert argv[argv.index("-cpu") + 1] == "max,-smap,vendor=GenuineIntel"
        assert any(arg.startswith("file=") and "if=virtio" in arg for arg in argv)


def test_uefi_builder_inputs_agree():
    """The ESP's volume id is read back from the fstab line customize-uefi writes, and the ESP's grub.cfg
    lands where Debian's signed GRUB looks (prefix /EFI/debian, see lib/uefi-disk)."""
    hook, disk = (HERE / "lib" / "customize-uefi").read_text(), (HERE / "lib" / "uefi-disk").read_text()
    assert '/boot/efi vfat umask=0077 0 1' in hook
    assert "/boot/efi " in disk and "debian/grub.cfg" in disk and "BOOT/BOOTX64.EFI" in disk
    assert "BOOT/fbx64.efi" not in disk, "shim would run the fallback (NVRAM entries, reset) first"
    assert listed(HERE / "packages" / "uefi.txt") == {"grub-efi-amd64", "grub-efi-amd64-signed", "shim-signed",
                                                      "mokutil", "efibootmgr"}
    assert {"dosfstools", "mtools", "ovmf"} <= listed(HERE / "host-packages.txt")


def test_scenario_runner_times_each_molecule_action(monkeypatch):
    """scripts/lib/scenarios prints where a scenario's time went: seconds per Molecule action, from Molecule's own
    'SCENARIO ➜ ACTION: Executing' lines (coloured as Molecule prints them); other lines do not start an action."""
    module = load_scenario_runner()
    now = [100.0]
    monkeypatch.setattr(module.time, "time", lambda: now[0])
    clock = module.ActionClock()
    for seconds, line in ((0, "INFO     \x1b[32mdefault\x1b[0m \u279c \x1b[33mcreate\x1b[0m: Executing\n"),
                          (40, "INFO     default \u279c create: Executed: Successful\n"),
                          (45, "INFO     default \u279c converge: Executing\n"),
                          (300, "INFO     default \u279c verify: Executing Testinfra tests found in /x\n"),
                          (345, "INFO     default \u279c verify: Executing\n")):
        now[0] = 100.0 + seconds
        clock.see(line)
    now[0] = 100.0 + 400
    assert clock.summary() == "create 45 s, converge 300 s, verify 55 s"


def test_scenario_runner_names_what_a_timed_out_wait_retried_on(tmp_path):
    """A failed scenario's verdict carries the reboot module's last retry error from Ansible's -vvv log (the line
    format of ansible-core 2.19's log file); a log without one, or no log, adds nothing."""
    module = load_scenario_runner()
    log = tmp_path / "uefi.ansible.log"
    log.write_text(
        "2026-12-01 15:39:11,036 p=4677 u=root n=ansible INFO| Pipelining is enabled.\n"
        "2026-12-01 16:04:20,118 p=4677 u=root n=ansible INFO| reboot: last boot time check fail 'Failed to connect "
        "to the host via ssh: Connection reset by 127.0.0.1 port 34207', retrying in 12.4210 seconds...\n"
        "2026-12-01 16:04:32,540 p=4677 u=root n=ansible INFO| Last error message before the timeout exception - "
        "reboot: last boot time check fail 'Failed to connect to the host via ssh: Connection reset by 127.0.0.1 "
        "port 34207'\n")
    assert module.retried_on(str(log)) == (
        "\n  a wait that timed out last retried on: reboot: last boot time check fail 'Failed to connect to the host "
        "via ssh: Connection reset by 127.0.0.1 port 34207'")
    log.write_text("2026-12-01 15:39:11,036 p=4677 u=root n=ansible INFO| Pipelining is enabled.\n")
    assert module.retried_on(str(log)) == ""
    assert module.retried_on(str(tmp_path / "missing.log")) == ""


def test_scenario_runner_logs_ansible_at_vvv_and_keeps_a_callers_log(tmp_path, monkeypatch):
    """run_scenario gives Molecule's Ansible a -vvv log file of its own (a fresh one each run) and prints, for a failed
    scenario, what its timed-out wait retried on; a log path the caller set is used and never removed."""
    module = load_scenario_runner()
    seen, printed = [], []

    class FakeMolecule:
        def __init__(self, argv, env, **kwargs):
            seen.append(env)
            with open(env["ANSIBLE_LOG_PATH"], "a") as log:
                log.write("2026-12-01 16:04:32,540 p=1 u=root n=ansible INFO| Last error message before the timeout "
                          "exception - ansible.builtin.reboot: last boot time check fail 'boot time has not changed'\n")
            self.stdout = iter(["INFO     uefi \u279c prepare: Executing\n"])
            self.returncode = 2

        def wait(self):
            return self.returncode
    monkeypatch.setattr(module.subprocess, "Popen", FakeMolecule)
    monkeypatch.setattr(module, "say", printed.append)
    monkeypatch.delenv("ANSIBLE_LOG_PATH", raising=False)
    monkeypatch.delenv("ANSIBLE_LOG_VERBOSITY", raising=False)
    own = tmp_path / "uefi.ansible.log"
    own.write_text("the previous run's log\n")
    (tmp_path / "uefi.xenhost-uefi.serial.log").write_text("the previous run's console\n")
    (tmp_path / "trixie.xenhost-trixie.serial.log").write_text("another scenario's console\n")
    assert module.run_scenario("uefi", str(tmp_path))[1] is False
    assert seen[-1]["ANSIBLE_LOG_PATH"] == str(own) and seen[-1]["ANSIBLE_LOG_VERBOSITY"] == "3"
    assert seen[-1]["XENHOST_CONSOLE_DIR"] == str(tmp_path)  # destroy.yml keeps each VM's console there
    assert not (tmp_path / "uefi.xenhost-uefi.serial.log").exists()  # this scenario's earlier console is gone,
    assert (tmp_path / "trixie.xenhost-trixie.serial.log").exists()  # another scenario's is not
    assert "the previous run's log" not in own.read_text()
    verdict = [line for line in printed[-1].splitlines() if "molecule scenario uefi: FAILED" in line]
    assert verdict and verdict[0].endswith("(prepare 0 s)"), printed[-1]
    assert ("\n  a wait that timed out last retried on: ansible.builtin.reboot: last boot time check fail 'boot time "
            "has not changed'\n") in printed[-1]

    theirs = tmp_path / "theirs.log"
    theirs.write_text("kept\n")
    monkeypatch.setenv("ANSIBLE_LOG_PATH", str(theirs))
    module.run_scenario("uefi", str(tmp_path))
    assert seen[-1]["ANSIBLE_LOG_PATH"] == str(theirs) and theirs.read_text().startswith("kept\n")


def load_scenario_runner():
    import importlib.machinery
    loader = importlib.machinery.SourceFileLoader("xenhost_scenarios", str(REPO / "scripts" / "lib" / "scenarios"))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


def test_scenario_runner_starts_a_scenario_when_its_own_images_are_marked(tmp_path, monkeypatch):
    """scripts/lib/scenarios: `images --status-dir` marks each image as its build ends (ok or failed), and `run
    --images` starts a scenario once all of its images are marked ok, without waiting for the other scenarios'
    images; an image that failed, or a builder that ended without marking one, keeps the scenario from running
    with the reason."""
    module = load_scenario_runner()
    builds = {"bookworm-amd64-grub2": 0, "bookworm-amd64-uefi": 1}
    monkeypatch.setattr(module.subprocess, "run", lambda argv, **kw: types.SimpleNamespace(
        returncode=builds["-".join(argv[argv.index(o) + 1] for o in ("--suite", "--arch", "--boot"))], stdout="log"))
    monkeypatch.setattr(module, "say", lambda text: None)
    assert module.build_group("bookworm", "amd64", ["grub2", "uefi"], str(tmp_path)) is False
    assert module.image_state(str(tmp_path), "bookworm-amd64-grub2") == "ok"
    assert module.image_state(str(tmp_path), "bookworm-amd64-uefi") == "failed"
    assert module.image_state(str(tmp_path), "trixie-amd64-grub2") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bookworm-amd64-grub2", "bookworm-amd64-uefi"]

    boots = {"default": [("bookworm", "amd64", "grub2")], "uefi": [("bookworm", "amd64", "uefi")],
             "trixie": [("trixie", "amd64", "grub2")], "two": [("bookworm", "amd64", "grub2"),
                                                               ("trixie", "amd64", "grub2")]}
    monkeypatch.setattr(module, "platforms", lambda scenario: boots[scenario])

    def never(seconds):
        pytest.fail("waited %s s although nothing is left to wait for" % seconds)
    builder = os.getpid()  # a process that runs
    assert module.images_missing("default", str(tmp_path), builder, sleep=never) is None
    assert "bookworm-amd64-uefi failed to build" in module.images_missing("uefi", str(tmp_path), builder, sleep=never)
    # Not marked yet while the builder runs: wait, and start once it is marked ok.
    sleeps = []

    def build_trixie(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 3:
            module.mark_image(str(tmp_path), "trixie-amd64-grub2", "ok")
    assert module.images_missing("two", str(tmp_path), builder, poll=2.0, sleep=build_trixie) is None
    assert sleeps == [2.0, 2.0, 2.0]
    # The builder gone without marking an image: no endless wait.
    (tmp_path / "trixie-amd64-grub2").unlink()
    dead = subprocess.Popen(["true"])
    dead.wait()
    assert module.process_running(builder) and not module.process_running(dead.pid)
    assert module.images_missing("trixie", str(tmp_path), dead.pid, sleep=never) == (
        "the image builds ended without building trixie-amd64-grub2")
    assert module.images_missing("trixie", str(tmp_path), None, sleep=never) == (
        "the image builds ended without building trixie-amd64-grub2")


def test_task_times_per_playbook_run(tmp_path):
    """scripts/lib/task_times.py (the benchmark's and the scenario runner's summary of bench_timer's records): one
    summary per ansible-playbook run, a playbook run again numbered (Molecule's idempotence check runs converge.yml a
    second time), slowest task first, failed results counted and kept out of the sum; a missing file is no runs."""
    spec = importlib.util.spec_from_file_location("xenhost_task_times", REPO / "scripts" / "lib" / "task_times.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    records = [dict(task="Gathering Facts", status="ok", seconds=9.5, playbook="converge.yml", run=11),
               dict(task="Install the packages", status="ok", seconds=120.25, playbook="converge.yml", run=11),
               dict(task="Reboot", status="failed", seconds=600.0, playbook="converge.yml", run=11),
               dict(task="Gathering Facts", status="ok", seconds=8.0, playbook="converge.yml", run=12),
               dict(task="Stop the VM", status="ok", seconds=2.0, playbook="destroy.yml", run=13)]
    path = tmp_path / "tasks.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    runs = module.runs(module.load(str(path)))
    assert [label for label, rows in runs] == ["converge.yml", "converge.yml #2", "destroy.yml"]
    assert module.summary(*runs[0], top=1) == [
        "converge.yml: 2 task results, 130 s in all, 64.88 s each on average; 1 failed",
        "      120.2 s  Install the packages"]
    assert module.summary("(c)", runs[1][1], wall=20)[0] == (
        "(c): 1 task results, 8 s in all, 8.00 s each on average; 12 s of the 20 s outside them")
    assert module.runs(module.load(str(tmp_path / "absent.jsonl"))) == []
