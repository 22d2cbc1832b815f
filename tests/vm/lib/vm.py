"""Start, reach and stop the harness's throwaway QEMU VMs.

  tests/vm/vm start NAME [--suite bookworm] [--arch amd64] [--boot grub2|grub-legacy|direct|uefi]
                    [--firmware auto|bios|uefi|secure-boot] [--cpu MODEL] [--accel tcg|kvm]
  tests/vm/vm ssh-wait NAME [--timeout 300]
  tests/vm/vm ssh NAME [COMMAND...]
  tests/vm/vm console NAME [--lines 60]
  tests/vm/vm stage NAME
  tests/vm/vm cpu NAME [--samples 3] [--interval 2]
  tests/vm/vm stop NAME [--keep-console FILE]
  tests/vm/vm list | cleanup-all

`start` builds or reuses the base image (tests/vm/build-image), creates a copy-on-write overlay,
picks a free port on 127.0.0.1, starts QEMU (pidfile, QMP socket, serial log) with a
NIC that cannot reach any network (`restrict=on`; only SSH is forwarded, on loopback), waits for
SSH, and writes run/NAME/instance.json (port, key, pid (the first QEMU's), dirs) for Molecule's inventory.
A reboot is a power cycle: QEMU runs under a small supervisor (`vm supervise NAME`, started by `start`, detached,
its log run/NAME/supervisor.log); a reset the guest asks for ends that QEMU and the supervisor starts a fresh one
on the same disk, firmware variables, port and serial log (appended). Why: see RELAUNCH_REASONS.
Firmware: SeaBIOS on `-machine pc` for the BIOS images (grub2, grub-legacy, direct); OVMF on `-machine q35`
for the uefi image, Secure Boot off (`uefi`, the default for it) or on (`secure-boot`: SMM, Microsoft keys
enrolled), with the VM's own copy of the firmware's variable store in its run directory.
`stop` stops the supervisor, quits QEMU over QMP, then kills it by pidfile (only if the pid is still our QEMU), then
removes the run directory and so the overlay; `--keep-console FILE` first copies the VM's whole serial console log
(every boot since `start`) to FILE. `cleanup-all` stops every VM recorded under the
cache's run/ directory: nothing this harness started is left running.
Everything lives under ${XENHOST_CACHE:-~/.cache/xenhost-dom0}.

Waiting for SSH (`start`, `ssh-wait`) prints progress every 20 s: the seconds waited and the boot
stage the serial console reached (GRUB, Xen hypervisor, Linux kernel, initramfs, systemd, login
prompt, ...; `stage` prints it on demand). $XENHOST_BOOT_TIMEOUT changes every such wait on a slow
machine: `900` waits 900 s whatever --timeout says, `3x` triples each wait's own timeout. A wait that
gives up names the stage the console was stuck in, for how long, and shows the console's tail.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # tests/vm
CACHE = Path(os.environ.get("XENHOST_CACHE") or Path.home() / ".cache" / "xenhost-dom0").absolute()
RUN = CACHE / "run"
KEY = CACHE / "ssh" / "id_ed25519"

# Virtual CPUs. The PV dom0 kernel crashes at boot ("d0v0 Unhandled: vec 14, #PF") when the
# CPU offers SMAP, so every amd64 model here lacks it. i386 guests get a CPU without PAE.
# amd64 under TCG says it is Intel: QEMU 7.2's TCG has no VME, and with the AMD vendor string Xen
# also leaves SEP out of its host features (xl info hw_caps), so libvirt's libxl driver finds no CPU
# model that fits, fails "cannot create capabilities for libxenlight" and libvirtd exits. With
# GenuineIntel, SEP stays and libvirt starts; Xen still reports HVM (virt_caps: pv hvm hap).
CPU = {
    ("amd64", "tcg"): "max,-smap,vendor=GenuineIntel",
    ("amd64", "kvm"): "qemu64",
    ("i386", "tcg"): "pentium3,-pae",
    ("i386", "kvm"): "pentium3,-pae",
}
MEMORY_MB = {"amd64": 3072, "i386": 1024}
# On q35 (the UEFI firmwares) a VM with 2.75 GB or more keeps only 2 GB below 4 GB; Xen then puts dom0's initrd and
# memory above 4 GB, where its copies took 74-167 s under TCG instead of about 8 s (tests/vm/README.md, "UEFI and
# Secure Boot"). 2560 MB keeps all of it below 4 GB.
Q35_MEMORY_MB = 2560
# UEFI firmware from Debian's ovmf package: the code read-only, each VM its own writable copy of the
# variable store (NVRAM: boot entries, shim's SbatLevel, grub-reboot's EFI-side state) in its run dir.
# secure-boot: the SMM build (its variable store is only writable from SMM) with Microsoft's keys
# enrolled and Secure Boot on, so Debian's Microsoft-signed shim boots and enforces.
OVMF_DIR = Path("/usr/share/OVMF")
FIRMWARE = {
    "bios": {"machine": "pc"},
    "uefi": {"machine": "q35", "code": "OVMF_CODE_4M.fd", "vars": "OVMF_VARS_4M.fd"},
    "secure-boot": {"machine": "q35,smm=on", "code": "OVMF_CODE_4M.secboot.fd", "vars": "OVMF_VARS_4M.ms.fd",
                    "secure": True},
}
# A closed loopback port, a guest that is down and a sshd that is still starting all look the
# same from here: connect fast and retry instead of trusting one long attempt.
SSH_OPTS = [
    "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
    "-o", "LogLevel=ERROR", "-o", "IdentitiesOnly=yes", "-o", "ConnectTimeout=5",
    "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3",
]


# The QMP SHUTDOWN reasons that mean a reboot (QEMU runs with -action reboot=shutdown): the supervisor then starts a
# fresh QEMU. Why not let QEMU reset in place: under TCG a reset keeps every translated block (no tb_flush), and a
# guest page still holding blocks takes QEMU's slow write path (notdirty_write: a walk over the page's blocks) on
# every write until the last block on it is overwritten. After a long Linux run (package installation, Ansible),
# Xen and its dom0 reuse that RAM as data: the first boot into Xen was 1.3-12 times slower than the next
# (tests/vm/README.md, "Stale translations"). A fresh process starts with none.
RELAUNCH_REASONS = {"guest-reset", "host-qmp-system-reset"}
# A fresh QEMU that does not come up (its port taken meanwhile, say) is tried this many times, a second apart.
RELAUNCH_ATTEMPTS = 5
# How long `start` waits for QEMU to come up under its supervisor (not the guest: QEMU's own start).
QEMU_START_TIMEOUT = 60

# How often a wait for SSH says what it is waiting for.
PROGRESS_EVERY = 20
# Only the end of the serial log matters for the stage; Xen with loglvl=all plus a dom0 boot is ~100 KB.
CONSOLE_WINDOW = 256 * 1024


def log(msg):
    print(f"\033[1m[vm]\033[0m {msg}", file=sys.stderr, flush=True)


def die(msg):
    print(f"\033[1;31m[vm] error:\033[0m {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


def instance_dir(name):
    if not name or "/" in name or name.startswith("."):
        die(f"bad instance name {name!r}")
    return RUN / name


def load(name):
    path = instance_dir(name) / "instance.json"
    if not path.exists():
        die(f"no VM named {name!r} (no {path})")
    return json.loads(path.read_text())


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_env(path):
    values = {}
    for line in path.read_text().splitlines():
        key, dummy, value = line.partition("=")
        values[key] = value
    return values


def qemu_pid(inst):
    """The pid from the pidfile, only while it is still the QEMU we started for this run dir."""
    try:
        pid = int(Path(inst["pidfile"]).read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except (OSError, ValueError):
        return None
    return pid if inst["run_dir"] in cmdline and "qemu-system" in cmdline else None


def supervisor_pid(inst):
    """The supervisor's pid from its pidfile, only while it is still this VM's supervisor."""
    try:
        pid = int((Path(inst["run_dir"]) / "supervisor.pid").read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except (OSError, ValueError, KeyError):
        return None
    return pid if "supervise" in cmdline and inst["name"] in cmdline else None


def vm_running(inst):
    """Whether the VM is up or between two QEMUs of a power cycle (its supervisor still runs)."""
    return bool(qemu_pid(inst) or supervisor_pid(inst))


def watch_socket(inst):
    """The supervisor's own QMP socket (QEMU waits for it to connect, so no event is missed)."""
    return str(Path(inst["qmp"]).with_name("watch.sock"))


def shutdown_reason(events):
    """Why a QEMU run ended, from the QMP events it sent: the reason of its last SHUTDOWN event, or None."""
    reasons = [(event.get("data") or {}).get("reason") for event in events if event.get("event") == "SHUTDOWN"]
    return reasons[-1] if reasons else None


def qmp_call(sock_path, command, arguments=None, timeout=10):
    """One QMP command's "return" value ({} for most commands, 'quit' too), or None when QEMU does not answer.

    Asynchronous events that arrive before the reply are skipped.
    """
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(sock_path)
            f = s.makefile("rw")
            f.readline()  # greeting
            request = {"execute": command, **({"arguments": arguments} if arguments else {})}
            for cmd in ({"execute": "qmp_capabilities"}, request):
                f.write(json.dumps(cmd) + "\n")
                f.flush()
                while True:
                    reply = json.loads(f.readline() or "{}")
                    if "event" not in reply:
                        break
            return reply.get("return")
    except (OSError, ValueError):
        return None


_CPU_HEADER = re.compile(r"^CPU#(\d+)")
_CPU_IP = re.compile(r"^[RE]IP=([0-9a-f]+) .*\bCPL=(\d) .*\bSMM=(\d) HLT=(\d)")
_CPU_CS = re.compile(r"^CS =[0-9a-f]{4} .*\b(CS64|CS32|CS16)\b")


def cpu_registers(text):
    """Per vCPU, from QEMU's `info registers -a`: {"cpu", "ip", "cpl", "smm", "halted", "mode"} (pure).

    mode is the code segment's width as QEMU prints it (CS64, CS32, CS16), "unknown" when its line names none.
    """
    cpus = []
    for line in text.splitlines():
        header, ip, cs = _CPU_HEADER.match(line), _CPU_IP.match(line), _CPU_CS.match(line)
        if header:
            cpus.append({"cpu": int(header.group(1)), "ip": None, "cpl": None, "smm": None, "halted": None,
                         "mode": "unknown"})
        elif ip and cpus:
            cpus[-1].update(ip=ip.group(1), cpl=int(ip.group(2)), smm=ip.group(3) == "1", halted=ip.group(4) == "1")
        elif cs and cpus:
            cpus[-1]["mode"] = cs.group(1)
    return cpus


def cpu_report(samples):
    """Lines saying what each vCPU did over successive `info registers -a` parses (pure).

    A vCPU whose instruction pointer never moved and that never halted is spinning in one place (or stuck in
    one instruction); one that is halted in every sample waits for an interrupt that does not come.
    """
    if not samples or not samples[0]:
        return ["no register state from QEMU"]
    lines = []
    for index, first in enumerate(samples[0]):
        seen = [sample[index] for sample in samples if index < len(sample)]
        ips = [each["ip"] for each in seen]
        if all(each["halted"] for each in seen):
            verdict = "halted in every sample"
        elif len(set(ips)) == 1 and len(seen) > 1:
            verdict = "instruction pointer did not move"
        else:
            verdict = f"running ({len(set(ips))} distinct instruction pointers)"
        modes = "/".join(dict.fromkeys(f"{each['mode']} CPL={each['cpl']}" for each in seen))
        where = "in SMM" if any(each["smm"] for each in seen) else modes
        lines.append(f"CPU#{first['cpu']}: {verdict}; {where}; IP {', '.join(dict.fromkeys(ips))}")
    return lines


# How far `ssh -v` got, in order. Behind QEMU's user network a loopback connect always succeeds (QEMU accepts and
# then connects to the guest), so "TCP" alone does not mean the guest answered; the banner does.
_SSH_REACHED = (("Connection established", "TCP"), ("Remote protocol version", "the SSH banner"),
                ("Authenticated to", "authentication"))


def ssh_verdict(returncode, stderr):
    """One line on an `ssh -v ... true` from the host (pure): its exit, how far it got, and its last error.

    returncode None means it was killed after hanging.
    """
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    reached = [label for marker, label in _SSH_REACHED if any(marker in line for line in lines)]
    errors = [line for line in lines if not line.startswith("debug")]
    outcome = "hung" if returncode is None else ("answers" if returncode == 0 else f"fails (exit {returncode})")
    said = f"; last error: {errors[-1]!r}" if errors and returncode != 0 else ""
    return f"SSH from the host: {outcome}; reached: {', '.join(reached) or 'nothing'}{said}"


def qemu_version(binary):
    """The version QEMU reports ("10.0.2"), or "unknown": TCG speed depends on it (README "QEMU 10")."""
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    found = re.search(r"QEMU emulator version (\S+)", out)
    return found.group(1) if found else "unknown"


def ssh_argv(inst, command=(), options=()):
    """ssh's argv for the VM; options go first, so they win over SSH_OPTS (ssh keeps an option's first value)."""
    return ["ssh", *options, *SSH_OPTS, "-i", inst["key"], "-p", str(inst["port"]), "root@127.0.0.1", *command]


def ssh_ok(inst):
    try:
        return subprocess.run(ssh_argv(inst, ["true"]), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=20, check=False).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def console_tail(inst, lines=60):
    try:
        text = Path(inst["serial_log"]).read_text(errors="replace")
    except OSError:
        return "(no serial log)"
    return "\n".join(text.splitlines()[-lines:])


# Terminal control: colours and erase-line vanish; cursor moves (GRUB draws its menu with them, systemd's
# progress spinner rewrites its line) separate pieces of text.
_INVISIBLE = re.compile(r"\x1b\[[0-9;?]*[mK]")
_CURSOR = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78cDEHM])")
# Checked in this order against each console line, the first match names the line's stage. A line that
# matches none (a blank, a GRUB menu frame, a service's own message) leaves the stage as it was.
BOOT_STAGES = [
    ("Xen panic", re.compile(r"^\(XEN\) .*(Panic on CPU|Domain 0 crashed|FATAL (PAGE|TRAP))")),
    ("kernel panic", re.compile(r"Kernel panic - not syncing|end Kernel panic|^\[\s*\d+\.\d+\] (BUG|Oops): ")),
    ("login prompt", re.compile(r"\blogin: *$|^Debian GNU/Linux \S+ \S+ (ttyS|hvc)\d+$")),
    ("shutdown", re.compile(r"reboot: (Restarting system|Power down)|systemd-shutdown|Rebooting\.$|^Powering off"
                            r"|Reached target .*(Reboot|Power-Off|System Shutdown|Final Step)"
                            r"|^\[\s*OK\s*\] (Stopped|Unmounted|Removed slice)|^Stopping |Hardware Dom0 shutdown")),
    ("systemd", re.compile(r"systemd(-[a-z]+)?\[\d+\]: |^Welcome to (?!GRUB)|^\[\s*(OK|FAILED|DEPEND|TIME)\s*\] "
                           r"|^\[[ *]+\] |^(Starting|Mounting) (?!systemd-udevd version)")),
    ("initramfs", re.compile(r"Loading, please wait|^Begin: |^Starting systemd-udevd version |Run /init as init process"
                             r"|^/scripts/|/init: |^done\.$")),
    ("Xen hypervisor", re.compile(r"^\(XEN\) |^ Xen \d+\.\d+|^Xen \d+\.\d+"
                                  r"|^mapping kernel into physical memory|^about to get started")),
    # GRUB 2 refused the chosen entry ("error: prohibited by secure boot policy." for Xen under Secure Boot); it
    # then waits 10 s twice and shows its menu again, without a countdown. Not GRUB's harmless note on UEFI
    # without a display. Only before a kernel runs (a service's "error: ..." later is not GRUB's).
    ("GRUB error", re.compile(r"^error: (?!no suitable video mode found)|^Failed to boot both default and fallback")),
    ("GRUB", re.compile(r"GNU GRUB|^Booting [`'\"]|^Loading (Linux|Xen|initial ramdisk)|highlighted entry"
                        r"|Press enter to boot|^\[(Linux-bzImage|Multiboot-elf|Multiboot-module)|Filesystem type is "
                        r"|^Welcome to GRUB!|^Booting in blind mode")),
    # UEFI: OVMF's boot manager, shim refusing what it should start (then waiting for a key in its ERROR box),
    # the firmware's shell when no boot option worked.
    ("UEFI firmware", re.compile(r"^BdsDxe: ")),
    ("shim", re.compile(r"Verification failed: |Failed to load image|start_image\(\) returned")),
    ("UEFI shell", re.compile(r"^UEFI Interactive Shell|^Shell> ?$|to skip startup\.nsh")),
    ("Linux kernel", re.compile(r"Probing EDD|^early console in|Decompressing Linux|Booting the kernel|^EFI stub: ")),
    # Any other kernel message: the kernel's own boot, unless the boot is past it (a late driver's message
    # after the login prompt, a disk syncing during shutdown).
    ("kernel log", re.compile(r"^\[\s*\d+\.\d+\] ")),
]
_BEFORE_KERNEL = {None, "UEFI firmware", "shim", "UEFI shell", "GRUB", "GRUB error", "Xen hypervisor", "Linux kernel"}
# Where a boot (re)starts: Xen's lines before them belong to an earlier boot.
_BOOT_START = {"UEFI firmware", "GRUB"}
_AFTER_XEN = {"Linux kernel", "initramfs", "systemd", "login prompt", "kernel panic"}


def console_lines(text):
    """The serial console as readable lines: escape sequences and carriage returns become line breaks."""
    text = _CURSOR.sub("\n", _INVISIBLE.sub("", text)).replace("\r", "\n")
    return [line.strip() for line in text.split("\n") if line.strip()]


def boot_stage(text):
    """(stage, line): the boot stage of the last recognisable line of a serial console text, and that line.

    Stages: "UEFI firmware", "shim", "UEFI shell", "GRUB", "GRUB error", "Xen hypervisor", "Linux kernel",
    "initramfs", "systemd", "login prompt", "shutdown", "kernel panic", "Xen panic". "GRUB error" stays until
    something boots (GRUB's menu shown again after a refused entry waits for a key). The Linux stages after Xen's
    own lines (since the last firmware or GRUB line) get
    " (dom0 under Xen)"; Xen's lines in between them do not count. ("no console output", "") for an empty
    console, ("unknown", last line) when no line is recognised.
    """
    lines = console_lines(text)
    if not lines:
        return "no console output", ""
    stage, where, xen = None, "", False
    for line in lines:
        for name, pattern in BOOT_STAGES:
            if pattern.search(line):
                if name == "Xen hypervisor" and xen and stage in _AFTER_XEN:
                    break  # Xen's own notes while its dom0 boots ("(XEN) PCI add device ...")
                if name == "GRUB error" and (stage not in _BEFORE_KERNEL or stage == "GRUB error"
                                             and not line.startswith("error: ")):
                    break  # not GRUB's, or its summary after the error that said why
                if name == "GRUB" and stage == "GRUB error":
                    break  # the menu again after the failure: still failed, waiting for a key
                if name == "kernel log":
                    if stage not in _BEFORE_KERNEL:
                        break
                    name = "Linux kernel"
                stage, where = name, line
                if name in _BOOT_START:
                    xen = False
                elif name == "Xen hypervisor":
                    xen = True
                break
    if stage is None:
        return "unknown", lines[-1]
    if xen and stage in _AFTER_XEN:
        stage += " (dom0 under Xen)"
    return stage, where


def boot_timeout(requested, env_value):
    """(seconds, why): a wait's timeout after $XENHOST_BOOT_TIMEOUT ("600" overrides, "2x" scales)."""
    value = (env_value or "").strip().lower()
    if not value:
        return requested, f"{requested}s"
    scale = re.fullmatch(r"x?(\d+(\.\d+)?)x?", value)
    if value.isdigit() and int(value) > 0:
        return int(value), f"{value}s from XENHOST_BOOT_TIMEOUT"
    if scale and ("x" in value) and float(scale.group(1)) > 0:
        seconds = max(1, round(requested * float(scale.group(1))))
        return seconds, f"{seconds}s = {requested}s x {scale.group(1)} from XENHOST_BOOT_TIMEOUT"
    raise ValueError(f"XENHOST_BOOT_TIMEOUT={env_value!r}: give seconds (600) or a factor (2x)")


def read_console(inst):
    try:
        with open(inst["serial_log"], "rb") as f:
            f.seek(max(0, os.fstat(f.fileno()).st_size - CONSOLE_WINDOW))
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def console_silence(inst):
    """Seconds since the serial console last grew, or None when its log cannot be read."""
    try:
        return max(0.0, time.time() - os.stat(inst["serial_log"]).st_mtime)
    except OSError:
        return None


def kvm_note():
    """Why KVM is unlikely to help here, or None: a /dev/kvm without VT-x/AMD-V behind it."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    flags = next((set(line.split(":", 1)[1].split()) for line in cpuinfo.splitlines() if line.startswith("flags")),
                 set())
    if flags & {"vmx", "svm"}:
        return None
    pvm = " (kvm_pvm: KVM without hardware virtualization)" if Path("/sys/module/kvm_pvm").exists() else ""
    return (f"this CPU has neither vmx nor svm{pvm}; unmodified guests crawl or stall under it "
            "(tests/vm/README.md, 'KVM, investigated')")


def tuning(arch, accel, env=None, firmware="bios"):
    """QEMU settings the TCG measurements vary (tests/vm/README.md, 'TCG settings'): -accel, -m, -smp,
    disk cache mode. Defaults are the measured ones (less memory on q35, see Q35_MEMORY_MB);
    XENHOST_QEMU_ACCEL_OPTS (e.g. 'thread=multi,tb-size=512'), XENHOST_QEMU_MEM (MB), XENHOST_QEMU_SMP and
    XENHOST_QEMU_CACHE override them, for measuring only."""
    env = os.environ if env is None else env
    opts = env.get("XENHOST_QEMU_ACCEL_OPTS", "").strip(",")
    memory = MEMORY_MB[arch]
    if FIRMWARE[firmware]["machine"].startswith("q35"):
        memory = min(memory, Q35_MEMORY_MB)
    return {
        "accel": f"{accel},{opts}" if opts else accel,
        "mem": str(int(env.get("XENHOST_QEMU_MEM") or memory)),
        "smp": str(int(env.get("XENHOST_QEMU_SMP") or (2 if arch == "amd64" else 1))),
        "cache": env.get("XENHOST_QEMU_CACHE") or "unsafe",
    }


def qemu_binary(arch):
    return "qemu-system-x86_64" if arch == "amd64" else "qemu-system-i386"


def qemu_argv(image_dir, image, inst, cpu, accel):
    arch = image["arch"]
    tune = inst.get("tuning") or tuning(arch, accel)
    argv = [
        qemu_binary(arch),
        "-name", f"xenhost-{inst['name']}",
        *firmware_argv(inst.get("firmware", "bios"), inst.get("ovmf_vars")),
        "-accel", tune["accel"],
        "-cpu", cpu,
        "-m", tune["mem"],
        "-smp", tune["smp"],
        "-drive", f"file={inst['overlay']},if=virtio,format=qcow2,cache={tune['cache']}",
        "-nic", f"user,restrict=on,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:{inst['port']}-:22",
        "-display", "none", "-vga", "none",
        # Appended, not truncated: one log for every boot since start, across the power cycles.
        "-chardev", f"file,id=console,path={inst['serial_log']},append=on",
        "-serial", "chardev:console",
        "-qmp", f"unix:{inst['qmp']},server=on,wait=off",
        "-qmp", f"unix:{watch_socket(inst)},server=on,wait=on",
        "-action", "reboot=shutdown",  # a reboot ends this QEMU; the supervisor starts a fresh one
        "-pidfile", inst["pidfile"],
    ]
    if image["boot"] == "direct":
        argv += ["-kernel", str(image_dir / "vmlinuz"), "-initrd", str(image_dir / "initrd.img"),
                 "-append", (image_dir / "cmdline").read_text().strip()]
    return argv


def firmware_for(boot, requested):
    """The firmware a VM of this image's boot kind gets: 'auto' follows the image (bios, or uefi for the uefi
    kind); a firmware that cannot boot the image (BIOS and a GPT disk without BIOS boot code, UEFI and an MBR
    disk without an EFI system partition) is refused with ValueError."""
    if requested in (None, "auto"):
        return "uefi" if boot == "uefi" else "bios"
    if requested not in FIRMWARE:
        raise ValueError(f"unknown firmware {requested!r} (bios, uefi, secure-boot)")
    if (boot == "uefi") != (requested != "bios"):
        want = "uefi or secure-boot" if boot == "uefi" else "bios"
        raise ValueError(f"firmware {requested} cannot boot a --boot {boot} image (it needs {want})")
    return requested


def firmware_argv(firmware, vars_copy):
    """QEMU arguments for the firmware: the machine type, and OVMF's code and this VM's variable store."""
    spec = FIRMWARE[firmware]
    argv = ["-machine", spec["machine"]]
    if "code" in spec:
        argv += ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_DIR / spec['code']}",
                 "-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}"]
    if spec.get("secure"):
        argv += ["-global", "driver=cfi.pflash01,property=secure,value=on"]
    return argv


def cmd_start(args):
    run_dir = instance_dir(args.name)
    if (run_dir / "instance.json").exists():
        inst = load(args.name)
        if vm_running(inst):
            die(f"VM {args.name} is already running (pid {qemu_pid(inst) or supervisor_pid(inst)}); stop it first")
        stop(inst)
    accel = args.accel or os.environ.get("XENHOST_ACCEL", "tcg")
    if accel == "kvm" and not os.access("/dev/kvm", os.R_OK | os.W_OK):
        die("--accel kvm needs read/write access to /dev/kvm")
    if accel == "kvm" and kvm_note():
        log(f"warning: {kvm_note()}")
    timeout, timeout_why = wait_timeout(args.timeout)
    try:
        firmware = firmware_for(args.boot, args.firmware)
    except ValueError as err:
        die(str(err))
    for part in ("code", "vars"):
        if part in FIRMWARE[firmware] and not (OVMF_DIR / FIRMWARE[firmware][part]).exists():
            die(f"{OVMF_DIR / FIRMWARE[firmware][part]} not found: run scripts/setup (installs Debian's ovmf)")
    t0 = time.monotonic()
    build = subprocess.run([str(HERE / "build-image"), "--suite", args.suite, "--arch", args.arch, "--boot", args.boot],
                           stdout=subprocess.PIPE, text=True, check=False)
    if build.returncode != 0:
        die("image build failed")
    image_dir = Path(build.stdout.strip().splitlines()[-1])
    image = read_env(image_dir / "image.env")
    t_image = time.monotonic() - t0

    run_dir.mkdir(parents=True, exist_ok=True)
    inst = {
        "name": args.name, "run_dir": str(run_dir), "image_dir": str(image_dir), "image": image,
        "overlay": str(run_dir / "overlay.qcow2"), "serial_log": str(run_dir / "serial.log"),
        "qmp": str(run_dir / "qmp.sock"), "pidfile": str(run_dir / "qemu.pid"), "key": str(KEY),
        "accel": accel, "cpu": args.cpu or CPU[(args.arch, accel)], "tuning": tuning(args.arch, accel, firmware=firmware),
        "firmware": firmware,
    }
    if "vars" in FIRMWARE[firmware]:
        inst["ovmf_vars"] = str(run_dir / "ovmf-vars.fd")
        shutil.copyfile(OVMF_DIR / FIRMWARE[firmware]["vars"], inst["ovmf_vars"])
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", str(image_dir / "disk.qcow2"),
                    inst["overlay"]], check=True)
    for _attempt in range(3):  # the port may be taken between probing and QEMU binding it
        inst["port"] = free_port()
        (run_dir / "instance.json").write_text(json.dumps(inst, indent=2) + "\n")
        started, why = launch_supervisor(inst)
        if started:
            break
        log(f"qemu failed to start: {why}")
    else:
        die("could not start QEMU")
    inst["pid"] = qemu_pid(inst)
    inst["started"] = time.time()
    (run_dir / "instance.json").write_text(json.dumps(inst, indent=2) + "\n")
    log(f"{args.name}: {image['suite']}/{image['arch']}/{image['boot']} ({firmware}) on 127.0.0.1:{inst['port']} "
        f"(QEMU {qemu_version(qemu_binary(image['arch']))}, pid {inst['pid']}, -accel {inst['tuning']['accel']}, "
        f"-cpu {inst['cpu']}, -m {inst['tuning']['mem']}, "
        f"-smp {inst['tuning']['smp']}, cache={inst['tuning']['cache']}), serial log {inst['serial_log']}")
    if not args.no_wait:
        t1 = time.monotonic()
        ok, why = wait_ssh(inst, timeout, timeout_why)
        if not ok:
            console = console_tail(inst)
            stop(inst)  # a VM nobody can reach must not keep running
            die(f"{args.name}: {why}\nthe console ended with:\n{console}")
        log(f"{args.name}: SSH up; image {t_image:.1f}s, boot {time.monotonic() - t1:.1f}s")
    print(run_dir / "instance.json")


def supervisor_log_tail(inst, lines=5):
    try:
        text = (Path(inst["run_dir"]) / "supervisor.log").read_text(errors="replace")
    except (OSError, KeyError):
        return ""
    return "\n".join(text.strip().splitlines()[-lines:])


def launch_supervisor(inst):
    """Start `vm supervise` for this VM, detached (its own session; its output in supervisor.log, not the caller's
    pipes, which Ansible would wait on). (True, "") once its QEMU is up; (False, why) when it ended first."""
    run_dir = Path(inst["run_dir"])
    ready = run_dir / "qemu.ready"
    ready.unlink(missing_ok=True)
    with open(run_dir / "supervisor.log", "ab") as out:
        proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "supervise", inst["name"]],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    deadline = time.monotonic() + QEMU_START_TIMEOUT
    while time.monotonic() < deadline:
        if ready.exists():
            return True, ""
        if proc.poll() is not None:
            return False, supervisor_log_tail(inst) or f"the supervisor exited ({proc.returncode})"
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGTERM)  # the supervisor and its QEMU (its own session and process group)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return False, f"QEMU was not up after {QEMU_START_TIMEOUT}s: {supervisor_log_tail(inst)}"


def watch_qemu(sock_path, proc, on_ready):
    """The QMP events of one QEMU run, read from the supervisor's socket until QEMU closes it. on_ready() is called
    once QEMU answers (its start is complete: ports bound, pidfile written)."""
    events = []
    deadline = time.monotonic() + QEMU_START_TIMEOUT
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        while True:
            try:
                s.connect(sock_path)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    return events
                time.sleep(0.05)
        f = s.makefile("rw")
        try:
            f.readline()  # greeting
            f.write(json.dumps({"execute": "qmp_capabilities"}) + "\n")
            f.flush()
            for line in f:
                message = json.loads(line)
                if "event" in message:
                    events.append(message)
                elif "return" in message and on_ready:
                    try:
                        on_ready()
                    except OSError as exc:  # keep reading: the events decide what follows, not this
                        log(f"could not record that QEMU is up: {exc}")
                    on_ready = None
        except (OSError, ValueError):
            pass
    return events


def cmd_supervise(args):
    """Run the VM's QEMU; when a run ends in a reboot (RELAUNCH_REASONS), start a fresh one: a power cycle."""
    inst = load(args.name)
    run_dir = Path(inst["run_dir"])
    os.chdir("/")  # as -daemonize did: the caller's directory may be a temporary one
    (run_dir / "supervisor.pid").write_text(f"{os.getpid()}\n")
    argv = qemu_argv(Path(inst["image_dir"]), inst["image"], inst, inst["cpu"], inst["accel"])
    current, stopping = [], []

    def on_signal(signum, _frame):
        stopping.append(signum)
        for proc in current:
            if proc.poll() is None:
                proc.terminate()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    runs, failures = 0, 0
    while not stopping:
        up = []

        def ready():
            up.append(True)
            (run_dir / "qemu.ready").write_text(f"{qemu_pid(inst)}\n")

        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL)
        current[:] = [proc]
        if stopping:  # the signal came while this QEMU was being started: on_signal did not see it
            proc.terminate()
        events = watch_qemu(watch_socket(inst), proc, ready)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # its QMP closed but it did not exit
            proc.kill()
            proc.wait()
        reason = shutdown_reason(events)
        log(f"{inst['name']}: QEMU {proc.pid} ended (exit {proc.returncode}, reason {reason})")
        if not up:
            failures += 1
            if not runs or failures >= RELAUNCH_ATTEMPTS:
                sys.exit(1)  # start reads why from this log; a VM that cannot come back is not running
            time.sleep(1)
            continue
        runs, failures = runs + 1, 0
        if reason not in RELAUNCH_REASONS:
            break
        log(f"{inst['name']}: the guest rebooted: a fresh QEMU (power cycle {runs})")
    (run_dir / "supervisor.pid").unlink(missing_ok=True)


def wait_timeout(requested):
    try:
        return boot_timeout(requested, os.environ.get("XENHOST_BOOT_TIMEOUT"))
    except ValueError as err:
        die(str(err))


def wait_ssh(inst, timeout, timeout_why):
    """(True, "") once SSH answers; (False, what was slow) when QEMU died or the timeout ran out.

    Every PROGRESS_EVERY seconds it logs the time waited and the stage the serial console reached. What
    was slow: the stage the console is stuck in and for how long, how long it has printed nothing, and
    the seconds each stage took during this wait.
    """
    name = inst["name"]
    t0 = last = time.monotonic()
    stage, line = boot_stage(read_console(inst))
    since, seen_at_start = t0, True
    per_stage = {stage: 0.0}
    next_report = t0 + PROGRESS_EVERY
    while True:
        if not vm_running(inst):
            why = supervisor_log_tail(inst, lines=3)
            return False, (f"QEMU is no longer running (stage {stage!r}, last line {line!r})"
                           + (f"; its supervisor's log ends with:\n{why}" if why else ""))
        if ssh_ok(inst):
            return True, ""
        now = time.monotonic()
        per_stage[stage] += now - last  # the stage seen before this interval had it, at least until a change
        last = now
        current, line = boot_stage(read_console(inst))
        if current != stage:
            stage, since, seen_at_start = current, now, False
            per_stage.setdefault(stage, 0.0)
        in_stage = f"{'at least ' if seen_at_start else ''}{now - since:.0f}s"
        quiet = console_silence(inst)
        silent = "" if quiet is None else f", console silent for {quiet:.0f}s"
        if now - t0 >= timeout:
            slowest = max(per_stage, key=per_stage.get)
            spent = ", ".join(f"{each} {seconds:.0f}s" for each, seconds in per_stage.items())
            return False, (f"no SSH after {now - t0:.0f}s (timeout {timeout_why}). The console has been at stage "
                           f"{stage!r} for {in_stage}{silent}; its last line of that stage: {line!r}. Seconds per "
                           f"stage in this wait: {spent} (slowest: {slowest}). On a slow or loaded machine set "
                           f"XENHOST_BOOT_TIMEOUT (e.g. 900 or 3x).")
        if now >= next_report:
            log(f"{name}: waiting for SSH, {now - t0:.0f}s of {timeout}s; console: {stage} for {in_stage}{silent}")
            next_report = now + PROGRESS_EVERY
        time.sleep(2)


def cmd_ssh_wait(args):
    inst = load(args.name)
    timeout, timeout_why = wait_timeout(args.timeout)
    t0 = time.monotonic()
    ok, why = wait_ssh(inst, timeout, timeout_why)
    if not ok:
        die(f"{args.name}: {why}\nthe console ended with:\n{console_tail(inst)}")
    log(f"{args.name}: SSH up after {time.monotonic() - t0:.1f}s")


def cmd_stage(args):
    stage, line = boot_stage(read_console(load(args.name)))
    print(f"{stage}\t{line}")


def cmd_ssh(args):
    inst = load(args.name)
    os.execvp("ssh", ssh_argv(inst, args.command))


def cmd_cpu(args):
    """What QEMU and its vCPUs are doing, for a VM that stopped talking: run state, console silence, registers."""
    inst = load(args.name)
    if not qemu_pid(inst):
        die(f"{args.name}: QEMU is not running")
    status = qmp_call(inst["qmp"], "query-status") or {}
    quiet = console_silence(inst)
    silent = "unknown" if quiet is None else f"{quiet:.0f}s"
    stage, line = boot_stage(read_console(inst))
    print(f"{args.name}: QEMU {status.get('status', 'did not answer')}; console stage {stage!r} "
          f"(last line {line!r}), silent for {silent}")
    samples = []
    for index in range(args.samples):
        if index:
            time.sleep(args.interval)
        text = qmp_call(inst["qmp"], "human-monitor-command", {"command-line": "info registers -a"})
        samples.append(cpu_registers(text or ""))
    print("\n".join(cpu_report(samples)))


def cmd_net(args):
    """Whether the guest answers SSH from the host, and QEMU's user-network table (its forward and connections)."""
    inst = load(args.name)
    if not qemu_pid(inst):
        die(f"{args.name}: QEMU is not running")
    argv = ssh_argv(inst, ["true"], options=["-o", "LogLevel=DEBUG1"])
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace",
                              timeout=args.timeout, check=False)
        print(ssh_verdict(proc.returncode, proc.stderr))
    except subprocess.TimeoutExpired as hung:
        stderr = hung.stderr.decode(errors="replace") if isinstance(hung.stderr, bytes) else hung.stderr or ""
        print(ssh_verdict(None, stderr) + f" (killed after {args.timeout} s)")
    table = qmp_call(inst["qmp"], "human-monitor-command", {"command-line": "info usernet"})
    if not table:
        print("QEMU's user network: no answer from QEMU")
        return
    print("QEMU's user network:")
    print("\n".join(f"  {line.rstrip()}" for line in table.splitlines() if line.strip()))


def cmd_console(args):
    print(console_tail(load(args.name), args.lines))


def stop(inst):
    supervisor = supervisor_pid(inst)
    if supervisor:  # the supervisor and its QEMU (one process group): no fresh QEMU follows the one stopped here
        signal_group(supervisor, signal.SIGTERM)
        for dummy in range(100):
            if not supervisor_pid(inst):
                break
            time.sleep(0.1)
        else:
            signal_group(supervisor, signal.SIGKILL)
    pid = qemu_pid(inst)
    if pid:
        qmp_call(inst["qmp"], "quit")
        for sig in (None, signal.SIGTERM, signal.SIGKILL):
            if sig:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    break
            for dummy in range(50):
                if not Path(f"/proc/{pid}").exists():
                    break
                time.sleep(0.1)
            else:
                continue
            break
    shutil.rmtree(inst["run_dir"], ignore_errors=True)
    log(f"{inst['name']}: stopped{'' if pid or supervisor else ' (was not running)'}, overlay removed")


def signal_group(leader, sig):
    try:
        os.killpg(leader, sig)
    except (ProcessLookupError, PermissionError):
        pass


def supervisor_copy(console_copy):
    """Where keep_console puts the supervisor's log: beside the console's copy, x.serial.log -> x.supervisor.log."""
    path = Path(console_copy)
    return path.with_name(path.name.removesuffix(".serial.log").removesuffix(".log") + ".supervisor.log")


def keep_console(inst, target):
    """Copy the VM's serial log (every boot since start) to target, for a slow or failed boot to be read later.
    A copy that fails is only reported: the VM is stopped all the same."""
    source = Path(inst["serial_log"])
    if not source.exists():
        return
    try:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        supervisor_log = Path(inst["run_dir"]) / "supervisor.log"
        if supervisor_log.exists():  # each QEMU's end and its reason, QEMU's own errors
            shutil.copyfile(supervisor_log, supervisor_copy(target))
    except OSError as exc:
        log(f"{inst['name']}: could not keep the serial console log in {target}: {exc}")
        return
    log(f"{inst['name']}: serial console log kept in {target}")


def cmd_stop(args):
    run_dir = instance_dir(args.name)
    if not (run_dir / "instance.json").exists():
        shutil.rmtree(run_dir, ignore_errors=True)
        log(f"{args.name}: nothing to stop")
        return
    inst = load(args.name)
    if args.keep_console:
        keep_console(inst, args.keep_console)
    stop(inst)


def all_instances():
    for path in sorted(RUN.glob("*/instance.json")):
        try:
            yield json.loads(path.read_text())
        except (OSError, ValueError):
            continue


def cmd_list(_args):
    for inst in all_instances():
        pid = qemu_pid(inst)
        state = f"running pid {pid}" if pid else "between two QEMUs" if supervisor_pid(inst) else "not running"
        print(f"{inst['name']}\t127.0.0.1:{inst.get('port')}\t{state}\t{inst['image_dir']}")


def cmd_cleanup_all(_args):
    for inst in all_instances():
        stop(inst)
    if RUN.exists():
        for leftover in RUN.iterdir():
            shutil.rmtree(leftover, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("start")
    p.add_argument("name")
    p.add_argument("--suite", default="bookworm", choices=["bookworm", "trixie"])
    p.add_argument("--arch", default="amd64", choices=["amd64", "i386"])
    p.add_argument("--boot", default="grub2", choices=["grub2", "grub-legacy", "direct", "uefi"])
    p.add_argument("--firmware", default="auto", choices=["auto", *FIRMWARE],
                   help="bios (SeaBIOS), uefi (OVMF, Secure Boot off) or secure-boot (OVMF, Microsoft keys, "
                        "Secure Boot on); default auto: uefi for --boot uefi, else bios")
    p.add_argument("--cpu", help="QEMU -cpu model (default: one without SMAP; pentium3 without PAE for i386)")
    p.add_argument("--accel", choices=["tcg", "kvm"], help="default $XENHOST_ACCEL or tcg")
    p.add_argument("--timeout", type=int, default=300,
                   help="seconds to wait for SSH (XENHOST_BOOT_TIMEOUT=600 overrides, =2x scales)")
    p.add_argument("--no-wait", action="store_true", help="do not wait for SSH")
    p.set_defaults(func=cmd_start)
    p = sub.add_parser("ssh-wait")
    p.add_argument("name")
    p.add_argument("--timeout", type=int, default=300,
                   help="seconds to wait for SSH (XENHOST_BOOT_TIMEOUT=600 overrides, =2x scales)")
    p.set_defaults(func=cmd_ssh_wait)
    p = sub.add_parser("ssh")
    p.add_argument("name")
    p.add_argument("command", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_ssh)
    p = sub.add_parser("console")
    p.add_argument("name")
    p.add_argument("--lines", type=int, default=60)
    p.set_defaults(func=cmd_console)
    p = sub.add_parser("stage", help="the boot stage the serial console reached, and its line")
    p.add_argument("name")
    p.set_defaults(func=cmd_stage)
    p = sub.add_parser("cpu", help="QEMU's run state and what each vCPU is doing (for a VM that went silent)")
    p.add_argument("name")
    p.add_argument("--samples", type=int, default=3)
    p.add_argument("--interval", type=float, default=2.0)
    p.set_defaults(func=cmd_cpu)
    p = sub.add_parser("net", help="whether the guest answers SSH from the host, and QEMU's user-network table")
    p.add_argument("name")
    p.add_argument("--timeout", type=int, default=30)
    p.set_defaults(func=cmd_net)
    p = sub.add_parser("stop")
    p.add_argument("name")
    p.add_argument("--keep-console", metavar="FILE", help="copy the VM's whole serial console log to FILE first")
    p.set_defaults(func=cmd_stop)
    p = sub.add_parser("supervise", help="(run by start) run the VM's QEMU, a fresh one after each guest reboot")
    p.add_argument("name")
    p.set_defaults(func=cmd_supervise)
    sub.add_parser("list").set_defaults(func=cmd_list)
    sub.add_parser("cleanup-all").set_defaults(func=cmd_cleanup_all)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
