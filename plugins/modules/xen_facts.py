#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: xen_facts
short_description: Tell whether Xen runs here, in which role, and which kernels can be a dom0
version_added: 0.1.0
description:
  - Returns C(ansible_facts.xen) - whether Linux runs on Xen, as C(dom0) or C(domU), Xen's version and capabilities,
    whether the running kernel and each kernel in C(/boot) can be a dom0, and, on a live dom0, the parsed output of the
    toolstack's C(info) and C(list).
  - The dom0 test does not depend on xenfs alone - C(control_d) in C(/proc/xen/capabilities), else bit 11 (XENFEAT_dom0)
    of C(/sys/hypervisor/properties/features).
  - The toolstack (C(xl info), C(xl list), or C(xm info), C(xm list)) is run only when O(root) is C(/) and the host is a dom0.
    Xen 4.5 and later have no xm/xend, so C(xl) is used; older Xen uses C(xm) while xend runs, else C(xl).
  - On a dom0 it also tells whether the running hypervisor build is the one the next boot loads (C(hypervisor_reboot)) - a Xen
    security update installs a new C(/boot/xen-*.gz) that only a reboot runs. The builds are compared by their GNU build-id
    (the running one from C(xl info) or C(/sys/hypervisor/properties/buildid), the image's from the ELF note in it), not by
    version strings, which Debian's package versions and Xen's own do not share and which a patched rebuild does not change.
  - Point O(root) at an unpacked sosreport or supportconfig, or a test tree, to look at another machine's files.
  - With O(cpu_virt=true) it also returns C(ansible_facts.cpu_virt), exactly what M(xenhost.dom0.cpu_virt_facts) returns,
    in the same module call (one connection and one Python start on the target instead of two; on a live dom0 the
    C(virt_caps) come from the C(xl info) this module runs anyway, not from a second C(xl info)).
  - With O(boot_firmware=true) it also returns C(ansible_facts.boot_firmware), exactly what M(xenhost.dom0.boot_facts) returns,
    in the same module call.
  - With O(bootloader_probe) it also runs that command and returns what it printed as RV(bootloader_probe), in the same
    module call.
  - With O(packages) it also returns which of those packages dpkg has installed, as RV(packages), in the same module call.
  - With O(files), O(services), O(grub2_menu) and O(grub_legacy_menu) it also reads those files, systemd services and
    GRUB menus as the modules that change them read them, as RV(files), RV(services), RV(grub2_menu) and
    RV(grub_legacy_menu), in the same module call - the roles decide on that reading whether such a module has anything
    to do, and leave its call out where it has not.
options:
  cpu_virt:
    description:
      - Also return C(ansible_facts.cpu_virt), as M(xenhost.dom0.cpu_virt_facts) would for the same O(root).
    type: bool
    default: false
    version_added: 0.2.0
  boot_firmware:
    description:
      - Also return C(ansible_facts.boot_firmware) (BIOS or UEFI, Secure Boot, the EFI system partition, the boot chain and the
        C(secure_boot) check), as M(xenhost.dom0.boot_facts) would for the same O(root).
    type: bool
    default: false
    version_added: 0.2.0
  bootloader_probe:
    description:
      - A read-only command that tells which bootloader generates this host's menu, as the platform table of
        C(xenhost.dom0) has it (on Debian C(dpkg-query --search /usr/sbin/update-grub)); run as given, whatever
        O(root) is, and returned as RV(bootloader_probe) - C(xenhost.dom0.xen_preflight) needs both, and each module
        call costs seconds on a slow host. Not a fact.
      - Nothing is run when it is empty.
    type: list
    elements: str
    default: []
    version_added: 0.2.0
  packages:
    description:
      - Package names to look up in dpkg's database (C(var/lib/dpkg/status) under O(root)), returned as RV(packages) with
        the installed version of each - C(xenhost.dom0.xen_packages) leaves out its package transaction where
        C(xenhost.dom0.xen_preflight) read that every package it installs is installed already. Not a fact.
      - Nothing is read when it is empty.
    type: list
    elements: str
    default: []
    version_added: 0.2.0
  files:
    description:
      - Files to read as M(xenhost.dom0.config_lines), M(xenhost.dom0.grub2_xen_cfg) and M(xenhost.dom0.systemd_services)
        (its drop-ins) read the files they change, returned as RV(files). Not a fact.
      - Read only where O(root) is C(/); at most 1 MiB of each.
    type: list
    elements: path
    default: []
    version_added: 0.2.0
  services:
    description:
      - systemd services to read as M(xenhost.dom0.systemd_services) reads them (one C(systemctl show) for all, one
        C(systemctl is-enabled) each), returned as RV(services). Not a fact.
      - Read only where O(root) is C(/) and systemd is the running init system.
    type: list
    elements: str
    default: []
    version_added: 0.2.0
  grub2_menu:
    description:
      - A GRUB 2 menu to read as M(xenhost.dom0.grub2_entries) reads it (the menu, C(grubenv), the modification times
        of O(grub2_menu.sources), whether each file its entries name exists), returned as RV(grub2_menu). Not a fact.
      - Read only where O(root) is C(/).
    type: dict
    suboptions:
      path:
        description: The menu, for example C(/boot/grub/grub.cfg).
        type: path
        required: true
      grubenv:
        description: GRUB's environment block; C(grubenv) beside O(grub2_menu.path) when not given.
        type: path
      sources:
        description: The files C(update-grub) reads, as M(xenhost.dom0.grub2_entries)' O(xenhost.dom0.grub2_entries#module:sources).
        type: list
        elements: path
        default: []
      root:
        description: Where the entries' files are looked for, as M(xenhost.dom0.grub2_entries)' O(xenhost.dom0.grub2_entries#module:root).
        type: path
        default: /
    version_added: 0.2.0
  grub_legacy_menu:
    description:
      - A GRUB legacy menu to read as M(xenhost.dom0.grub_legacy) reads it (the menu, GRUB's C(default) file beside it,
        whether each file its entries load exists), returned as RV(grub_legacy_menu). Not a fact.
      - Read only where O(root) is C(/).
    type: dict
    suboptions:
      path:
        description: The menu, for example C(/boot/grub/menu.lst).
        type: path
        required: true
      boot_dir:
        description: Where the entries' paths are relative to, as M(xenhost.dom0.grub_legacy)' O(xenhost.dom0.grub_legacy#module:boot_dir).
        type: path
        default: /boot
    version_added: 0.2.0
author:
  - xenhost maintainers (@xenhost)
extends_documentation_fragment:
  - xenhost.dom0.root
  - xenhost.dom0.attributes
  - xenhost.dom0.attributes.facts
attributes:
  check_mode:
    support: full
    description: The module only reads; it behaves the same in check mode (the toolstack commands it runs only read).
  diff_mode:
    support: none
  facts:
    support: full
notes:
  - A kernel counts as dom0-capable when its C(/boot/config-<release>) has C(CONFIG_XEN_DOM0=y) (pvops kernels) or
    C(CONFIG_XEN_PRIVILEGED_GUEST=y) (the old xenified kernels such as RHEL 5's kernel-xen, which have no CONFIG_XEN_DOM0).
  - C(hypervisor_reboot) reads at most the 4 newest C(/boot/xen-*.gz) / C(/boot/xen.gz-*) images, each at most 8 MiB
    compressed and 16 MiB decompressed; a bigger or corrupt image is reported with an C(error), never read further.
  - The image the next boot loads is taken to be the newest of them by version sort of the file name, which is the first
    (default) Xen entry Debian's GRUB 2 C(20_linux_xen) writes. A boot menu that pins an older image is not followed, so
    such a host reports C(required) although it would boot the running build again.
  - Without a build-id (Xen before 4.7), the running build's compile date and compiler (C(/sys/hypervisor/compilation/))
    are looked for as literal strings in the image (C(method=compile_info)).
  - A C(proc/sys/kernel/osrelease) naming anything but one file in C(boot/) (a slash, a NUL or other control character) gives
    C(kernel.config) and C(kernel.dom0_capable) null.
seealso:
  - module: xenhost.dom0.cpu_virt_facts
  - module: xenhost.dom0.boot_facts
'''

EXAMPLES = r'''
- name: Find out what Xen is running here
  xenhost.dom0.xen_facts:

- name: Show the domains of a dom0
  ansible.builtin.debug:
    msg: "{{ ansible_facts.xen.domains | map(attribute='name') | list }}"
  when: ansible_facts.xen.role == 'dom0'

- name: Read Xen, the CPU and the boot firmware in one call
  xenhost.dom0.xen_facts:
    cpu_virt: true
    boot_firmware: true

- name: Look at an unpacked sosreport on the controller
  xenhost.dom0.xen_facts:
    root: /srv/sosreports/sosreport-xen01-2026-11-20
  delegate_to: localhost
'''

RETURN = r'''
bootloader_probe:
  description: What O(bootloader_probe) returned; a command that cannot be started has C(rc) 127 and the reason in C(stderr).
  returned: when O(bootloader_probe) is given
  type: dict
  contains:
    rc:
      description: Its exit status.
      type: int
    stdout:
      description: Its standard output.
      type: str
    stderr:
      description: Its standard error.
      type: str
  sample: {rc: 0, stdout: "grub-pc: /usr/sbin/update-grub\n", stderr: ""}
  version_added: 0.2.0
packages:
  description:
    - For each of O(packages), the version dpkg has installed (its status ends in C(installed)), or null where it has
      none installed (not known to dpkg, removed, only unpacked or half-configured).
    - Null as a whole where this host has no readable dpkg database (not a Debian system, or O(root) lacks it), which
      means unknown.
  returned: when O(packages) is given
  type: dict
  sample: {xen-system-amd64: "4.17.5+72-g01140da4e8-1", bridge-utils: "1.7.1-1", qemu-system-xen: null}
  version_added: 0.2.0
files:
  description:
    - For each of O(files) - C(exists) (something is there, a dangling link too); C(regular), C(mode), C(uid) and C(gid)
      (the path itself, not followed, is a regular file with these mode bits and owner; else null); C(text) (of the file
      the path resolves to) or null with the reason in C(error).
    - Null as a whole where O(root) is not C(/).
  returned: when O(files) is given
  type: dict
  sample: {/etc/xen/xl.conf: {exists: true, regular: true, mode: 420, uid: 0, gid: 0, text: "autoballoon=\"off\"\n",
                              error: null}}
  version_added: 0.2.0
services:
  description:
    - For each of O(services) - C(load) (systemd's LoadState, C(not-found) for no such unit), C(active) (its ActiveState),
      C(enabled) (whether C(systemctl is-enabled) means enabled) and C(enabled_word) (what it printed).
    - Null as a whole where that cannot be read - O(root) is not C(/), systemd is not the running init system, a name is
      not a unit name, or C(systemctl show) did not describe each service (with a warning).
  returned: when O(services) is given
  type: dict
  sample: {xen: {load: loaded, active: active, enabled: true, enabled_word: generated}}
  version_added: 0.2.0
grub2_menu:
  description:
    - The menu of O(grub2_menu) - C(path), C(grubenv), C(root); C(text) (the menu, bytes that are not UTF-8 replaced),
      C(checksum) (SHA-1 of its bytes), C(mtime); C(env_text) (C(grubenv)'s text, null where it is not a file);
      C(sources) (each source's modification time, null where it is missing); C(files) (for every path the entries'
      hypervisor, kernel and initrd lines may name, under C(root) and under C(root)/boot, whether it is a file).
    - Where it cannot be read or parsed, only C(path), C(grubenv), C(root) and C(error) (why) are set.
      C(error) is null otherwise.
    - Null as a whole where O(root) is not C(/).
  returned: when O(grub2_menu) is given
  type: dict
  sample:
    path: /boot/grub/grub.cfg
    grubenv: /boot/grub/grubenv
    root: /
    error: null
    text: "set default=\"0\"\n..."
    checksum: 2aae6c35c94fcfb415dbe95f408b9ce91ee846ed
    mtime: 1764547200.25
    env_text: "# GRUB Environment Block\n#####..."
    sources: {/etc/default/grub: 1764540000.0}
    files: {/boot/vmlinuz-6.1.0-28-amd64: true, /boot/boot/vmlinuz-6.1.0-28-amd64: false}
  version_added: 0.2.0
grub_legacy_menu:
  description:
    - The menu of O(grub_legacy_menu) - C(path) (as given), C(boot_dir), C(exists); C(real_path) (links resolved),
      C(text), C(default_file) (GRUB's C(default) file beside the real menu), C(default_text) (null where there is none
      or it cannot be read), C(default_error) (why it cannot be read, or null); C(files) (for every file an entry loads,
      under C(boot_dir), whether it is a file).
    - Where it is missing, cannot be read or parsed, or holds bytes that are not UTF-8, only C(path), C(boot_dir),
      C(exists) and C(error) (why) are set. C(error) is null otherwise.
    - Null as a whole where O(root) is not C(/).
  returned: when O(grub_legacy_menu) is given
  type: dict
  sample:
    path: /boot/grub/menu.lst
    boot_dir: /boot
    exists: true
    error: null
    real_path: /boot/grub/menu.lst
    text: "default saved\ntimeout 5\n..."
    default_file: /boot/grub/default
    default_text: "0\n#\n#\n..."
    default_error: null
    files: {/boot/xen-4.17-amd64.gz: true, /boot/vmlinuz-6.1.0-28-amd64: true, /boot/initrd.img-6.1.0-28-amd64: true}
  version_added: 0.2.0
ansible_facts:
  description: Facts to add to ansible_facts.
  returned: always
  type: complex
  contains:
    xen:
      description: What Xen is running here.
      returned: always
      type: complex
      contains:
        running:
          description: Whether this Linux runs on the Xen hypervisor.
          type: bool
          returned: always
          sample: true
        role:
          description:
            - C(dom0) (the control domain), C(domU) (a guest), C(none) (not on Xen) or C(unknown) (Xen runs, but neither
              C(/proc/xen/capabilities) nor a readable C(/sys/hypervisor/properties/features) tells which).
          type: str
          returned: always
          sample: dom0
        guest_type:
          description: C(pv), C(hvm) or C(pvh) from C(/sys/hypervisor/guest_type) (Linux 4.15 and later); null when not known.
          type: str
          returned: always
          sample: pv
        version:
          description: Xen's version from C(/sys/hypervisor/version) (or the toolstack), e.g. C(4.17.7) or C(3.1.2-419.el5); null if unknown.
          type: str
          returned: always
          sample: 4.17.7
        capabilities:
          description: Xen's capabilities (C(xen-3.0-x86_64), C(hvm-3.0-x86_64)...); empty when not on Xen.
          type: list
          elements: str
          returned: always
          sample: [xen-3.0-x86_64, hvm-3.0-x86_32, hvm-3.0-x86_32p, hvm-3.0-x86_64]
        toolstack:
          description: C(xl) or C(xm) when the toolstack was run (live dom0 only), else null.
          type: str
          returned: always
          sample: xl
        info:
          description: Parsed C(xl info)/C(xm info) (see the parse_xen_info filter); empty unless the toolstack was run.
          type: dict
          returned: always
          sample: {xen_version: 4.17.7, nr_cpus: 2, total_memory: 3071, virt_caps: [pv, hvm, hap, shadow]}
        domains:
          description: Parsed C(xl list)/C(xm list) (see the parse_xen_list filter); empty unless the toolstack was run.
          type: list
          elements: dict
          returned: always
          sample: [{name: Domain-0, id: 0, mem: 1024, vcpus: 2, state: r-----, time: 31.4}]
        kernel:
          description: The running kernel.
          type: dict
          returned: always
          contains:
            release:
              description: From C(/proc/sys/kernel/osrelease); null if unreadable.
              type: str
            dom0_capable:
              description: Whether its config enables dom0 support; null when there is no C(/boot/config-<release>).
              type: bool
            config:
              description: Path of that config file (under O(root)), or null.
              type: str
          sample: {release: 6.1.0-27-amd64, dom0_capable: true, config: /boot/config-6.1.0-27-amd64}
        boot_kernels:
          description:
            - Every C(/boot/config-*) under O(root), in version order (names with a slash or control character are left out).
            - Only the 64 newest files are read; older ones are listed with C(dom0_capable) null, as is an unreadable one.
          type: list
          elements: dict
          returned: always
          sample: [{release: 2.6.18-419.el5, dom0_capable: false}, {release: 2.6.18-419.el5xen, dom0_capable: true}]
        boot_images:
          description:
            - The releases of the kernel images C(/boot/vmlinuz-<release>) under O(root), in version order (names with a
              slash or control character are left out).
          type: list
          elements: str
          returned: always
          sample: [6.1.0-37-amd64, 6.1.0-41-amd64]
          version_added: 0.2.0
        host_memory_mb:
          description:
            - The machine's memory in MiB, what C(xen_bootloader_dom0_mem) must stay below - on a dom0 Xen's
              C(total_memory) (from the toolstack's C(info); dom0's own memory is only its share), where Linux does not run
              on Xen its C(MemTotal) (C(/proc/meminfo) under O(root)).
            - Null in a domU (its memory is the guest's), where the role is unknown, and where it cannot be read.
          type: int
          returned: always
          sample: 65427
          version_added: 0.2.0
        trial_watchdog_installed:
          description:
            - Whether the trial watchdog of C(xenhost.dom0.xen_reboot) (its program or its systemd unit, see
              M(xenhost.dom0.trial_watchdog)) is on this host - a trial boot into Xen pending, or one not cleaned up.
            - Null where their directories cannot be listed (or do not exist). C(xenhost.dom0.xen_reboot) removes it only
              where this is not false.
          type: bool
          returned: always
          sample: false
          version_added: 0.2.0
        hypervisor_reboot:
          description:
            - Whether the running hypervisor build is the one the next boot loads (a Xen update waiting for a reboot).
          type: dict
          returned: always
          version_added: 0.2.0
          contains:
            status:
              description:
                - C(required) (the image the next boot loads is another build than the one running), C(current) (it is the
                  running build), or C(unknown) (not a dom0, the running build has no identity, no image in C(/boot), or
                  that image cannot be read).
              type: str
              sample: required
            message:
              description:
                - One sentence; for C(required) C(reboot required (running <build>, installed <image>)), where the image
                  is named by its Debian package and version when dpkg installed it.
              type: str
              sample: >-
                reboot required (running Xen 4.17.5 (build-id 39a640e6f141), installed xen-hypervisor-4.17-amd64
                4.17.5+80-g2d0e7bbc3a-1 (/boot/xen-4.17-amd64.gz, build-id 7c3e1f09a2b4))
            method:
              description:
                - How the builds were compared - C(build_id) (GNU build-id), C(compile_info) (compile date and compiler found
                  in the image; Xen without build-id) - or null when the running build has no identity.
              type: str
              sample: build_id
            running:
              description:
                - The running build; null when the host is not a dom0. C(build_id) (hex) comes from C(xl info), else from
                  C(/sys/hypervisor/properties/buildid) when that holds 20 bytes (C(build_id_source) says which);
                  C(compile_date) and C(compiler) from C(/sys/hypervisor/compilation/), else C(xl info).
              type: dict
              sample: {version: 4.17.5, build_id: 39a640e6f1412319235087391df9f1c5e13ae920, build_id_source: xl info,
                       compile_date: "Sat Nov 29 13:52:25 UTC 2025",
                       compiler: "x86_64-linux-gnu-gcc (Debian 12.2.0-14+deb12u1) 12.2.0", method: build_id}
            boot_image:
              description: The first of C(images), the image the next boot loads; null when there is none.
              type: dict
              sample: {path: /boot/xen-4.17-amd64.gz, build_id: 39a640e6f1412319235087391df9f1c5e13ae920, holds_running: true,
                       package: xen-hypervisor-4.17-amd64, package_version: 4.17.5+72-g01140da4e8-1, error: null}
            images:
              description:
                - The hypervisor images in C(/boot) (C(xen-*.gz), C(xen.gz-*)), newest first, only on a dom0. C(path) as on
                  the host; C(build_id) of its ELF note (null without one); C(holds_running) true, false or null (cannot tell);
                  C(package) and C(package_version) from dpkg (null elsewhere); C(error) why it could not be read, else null.
              type: list
              elements: dict
              sample: [{path: /boot/xen-4.20-amd64.gz, build_id: 576c0736b3e38388c5afe9aaccc43a18d514e88e, holds_running: false,
                        package: xen-hypervisor-4.20-amd64, package_version: 4.20.4+63-g7abfd2bce2-0+deb13u1, error: null}]
    cpu_virt:
      description: What this CPU can carry for Xen; see M(xenhost.dom0.cpu_virt_facts) for its keys.
      returned: when O(cpu_virt=true)
      type: dict
      sample: {arch: x86_64, vendor: GenuineIntel, hvm: {supported: true, source: xen}, xen_capable: true}
    boot_firmware:
      description: How this machine boots; see M(xenhost.dom0.boot_facts) for its keys.
      returned: when O(boot_firmware=true)
      type: dict
      sample: {mode: uefi, secure_boot: "off", checks: [{id: secure_boot, status: pass, message: "..."}]}
'''

import os
import platform
import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.xenhost.dom0.plugins.module_utils.boot_firmware import gather as gather_boot_firmware
from ansible_collections.xenhost.dom0.plugins.module_utils.cpu_virt import gather as gather_cpu_virt
from ansible_collections.xenhost.dom0.plugins.module_utils.root_facts import (
    ROOT_ARGUMENT_SPEC, checked_root, is_live_root, list_under, read_bytes_under, read_under,
)
from ansible_collections.xenhost.dom0.plugins.module_utils import (
    grub2_menu, grub_legacy_menu, systemd_services, text_file, trial_watchdog, xen_image)
from ansible_collections.xenhost.dom0.plugins.module_utils.xen_text import (
    choose_toolstack, guest_type, host_memory_mb, kernel_config_dom0, parse_capabilities,
    parse_xen_info, parse_xen_list, release_sort_key, running_process,
    version_tuple, xen_role, xen_version,
)

# At most this many /boot/config-* files are read (the newest releases); older ones are listed with
# dom0_capable null. Each read is capped by root_facts.MAX_FILE_BYTES.
MAX_BOOT_CONFIGS = 64
# At most this much of each of the files option's files is read (what the modules that edit them read).
MAX_SETTINGS_BYTES = 1024 * 1024
# Only the first MAX_CMDLINE_BYTES of a process's command line are read (xend is in argv[0] or argv[1]).
MAX_CMDLINE_BYTES = 4096


def process_cmdlines():
    """argv lists of the running processes, from /proc/*/cmdline (only used on a live host)."""
    cmdlines = []
    for pid in list_under('/', 'proc') or ():
        if pid.isascii() and pid.isdigit():
            text = read_under('/proc', pid + '/cmdline', limit=MAX_CMDLINE_BYTES)
            if text:
                cmdlines.append([arg for arg in text.split('\0') if arg])
    return cmdlines


def run_toolstack(module, version):
    """(toolstack, info, domains) on a live dom0; info/domains empty when the commands fail."""
    xl = module.get_bin_path('xl')
    xm = module.get_bin_path('xm')
    xend_running = bool(xm) and running_process(process_cmdlines(), 'xend')
    tool = choose_toolstack(version_tuple(version), bool(xl), bool(xm), xend_running)
    if tool is None:
        module.warn('This is a Xen dom0 but neither xl nor xm is installed: no domain list.')
        return None, {}, []
    path = xl if tool == 'xl' else xm
    results = []
    for sub in ('info', 'list'):
        rc, out, err = module.run_command([path, sub])
        if rc != 0:
            module.warn('%s %s failed (rc=%d): %s' % (tool, sub, rc, err.strip()))
            out = ''
        results.append(out)
    return tool, parse_xen_info(results[0]), parse_xen_list(results[1])


def _plain_release(release):
    """A release that names one file in boot/: no slash, NUL or other control character."""
    return bool(release) and not any(ch == '/' or ord(ch) < 32 or ord(ch) == 127 for ch in release)


def kernel_facts(root):
    release = (read_under(root, 'proc/sys/kernel/osrelease', limit=4096) or '').strip() or None
    config = None
    dom0_capable = None
    if release and _plain_release(release):
        relpath = 'boot/config-' + release
        text = read_under(root, relpath)
        if text is not None:
            config = os.path.join(root, relpath)
            dom0_capable = kernel_config_dom0(text)
    boot_kernels = []
    names = list_under(root, 'boot') or ()
    releases = _releases(names, 'config-')
    newest = set(releases[-MAX_BOOT_CONFIGS:])
    for rel in releases:
        capable = kernel_config_dom0(read_under(root, 'boot/config-' + rel)) if rel in newest else None
        boot_kernels.append({'release': rel, 'dom0_capable': capable})
    return {'release': release, 'dom0_capable': dom0_capable, 'config': config}, boot_kernels, _releases(names, 'vmlinuz-')


def _releases(names, prefix):
    """The releases of the boot/ names prefix-<release>, in version order."""
    return sorted((name[len(prefix):] for name in names
                   if name.startswith(prefix) and _plain_release(name[len(prefix):])), key=release_sort_key)


# Compressed images bigger than this are not read (xen_image.MAX_IMAGE_BYTES bounds them decompressed).
MAX_COMPRESSED_IMAGE_BYTES = 8 * 1024 * 1024
# A dpkg .list of a xen-hypervisor package names a few dozen files.
MAX_DPKG_LIST_BYTES = 1024 * 1024
DPKG_XEN_LIST = re.compile(r'^(xen-hypervisor-[^/:]+)(?::[^/]+)?\.list$')


def dpkg_packages(root, paths):
    """{path: (package, version)} for the images Debian's xen-hypervisor-* packages installed; empty elsewhere."""
    lists = {}
    for name in list_under(root, 'var/lib/dpkg/info') or ():
        match = DPKG_XEN_LIST.match(name)
        if match:
            lists[match.group(1)] = read_under(root, 'var/lib/dpkg/info/' + name, limit=MAX_DPKG_LIST_BYTES)
    if not lists:
        return {}
    status = read_under(root, 'var/lib/dpkg/status')
    owners = {}
    for path in paths:
        package = xen_image.dpkg_owner(lists, path)
        if package:
            owners[path] = (package, xen_image.dpkg_versions(status, [package])[package])
    return owners


def hypervisor_reboot(root, role, version, info):
    """ansible_facts.xen.hypervisor_reboot: is the running Xen build the one the next boot loads?"""
    if role != 'dom0':
        return xen_image.decide(role, None, [])
    running = xen_image.running_build(
        version, xl_build_id=info.get('build_id'),
        sysfs_build_id=read_bytes_under(root, 'sys/hypervisor/properties/buildid', limit=4096),
        compile_date=read_under(root, 'sys/hypervisor/compilation/compile_date', limit=4096) or info.get('cc_compile_date'),
        compiler=read_under(root, 'sys/hypervisor/compilation/compiler', limit=4096) or info.get('cc_compiler'))
    names = xen_image.image_names(list_under(root, 'boot'))[:xen_image.MAX_IMAGES]
    packages = dpkg_packages(root, ['/boot/' + name for name in names]) if names else {}
    images = []
    for name in names:
        data, error = xen_image.decompress(read_bytes_under(root, 'boot/' + name, limit=MAX_COMPRESSED_IMAGE_BYTES),
                                           xen_image.MAX_IMAGE_BYTES)
        package, package_version = packages.get('/boot/' + name, (None, None))
        images.append(xen_image.image_entry('/boot/' + name, data, error, running, package, package_version))
        data = None
    return xen_image.decide(role, running, images)


def toolstack_virt_caps(module, tool, info):
    """Xen's virt_caps for cpu_virt: from the `xl info` already run, else as cpu_virt_facts reads them."""
    if tool == 'xl':
        return info.get('virt_caps') if info else None
    xl = module.get_bin_path('xl')
    if not xl:
        return None
    rc, out, dummy = module.run_command([xl, 'info'])
    return parse_xen_info(out).get('virt_caps') if rc == 0 else None


def gather(module, root):
    hv_type = read_under(root, 'sys/hypervisor/type')
    proc_caps = read_under(root, 'proc/xen/capabilities')
    role = xen_role(hv_type, proc_caps, read_under(root, 'sys/hypervisor/properties/features'))
    running = role != 'none'
    version = xen_version(read_under(root, 'sys/hypervisor/version/major'),
                          read_under(root, 'sys/hypervisor/version/minor'),
                          read_under(root, 'sys/hypervisor/version/extra')) if running else None
    capabilities = parse_capabilities(read_under(root, 'sys/hypervisor/properties/capabilities')) if running else []

    toolstack, info, domains = None, {}, []
    live = is_live_root(root)
    if running and role == 'dom0' and live:
        toolstack, info, domains = run_toolstack(module, version)
        if version is None and info.get('xen_major') is not None:
            version = '%s.%s%s' % (info['xen_major'], info.get('xen_minor', 0), info.get('xen_extra', ''))
        if not capabilities:
            capabilities = list(info.get('xen_caps', []))

    kernel, boot_kernels, boot_images = kernel_facts(root)
    facts = {}
    if module.params.get('cpu_virt'):
        facts['cpu_virt'] = gather_cpu_virt(root, live, platform.machine,
                                            lambda: toolstack_virt_caps(module, toolstack, info))
    if module.params.get('boot_firmware'):
        facts['boot_firmware'] = gather_boot_firmware(root, xen_role=role)
    facts['xen'] = {
        'running': running,
        'role': role,
        'guest_type': guest_type(read_under(root, 'sys/hypervisor/guest_type')) if running else None,
        'version': version,
        'capabilities': capabilities,
        'toolstack': toolstack,
        'info': info,
        'domains': domains,
        'kernel': kernel,
        'boot_kernels': boot_kernels,
        'boot_images': boot_images,
        'hypervisor_reboot': hypervisor_reboot(root, role, version, info),
        'host_memory_mb': host_memory_mb(role, read_under(root, 'proc/meminfo') if role == 'none' else None, info),
        'trial_watchdog_installed': trial_watchdog.installed(dict(
            (directory, list_under(root, directory.lstrip('/'))) for directory in trial_watchdog.DIRECTORIES)),
    }
    return facts


ARGUMENT_SPEC = dict(ROOT_ARGUMENT_SPEC, cpu_virt=dict(type='bool', default=False),
                     boot_firmware=dict(type='bool', default=False),
                     bootloader_probe=dict(type='list', elements='str', default=[]),
                     packages=dict(type='list', elements='str', default=[]),
                     files=dict(type='list', elements='path', default=[]),
                     services=dict(type='list', elements='str', default=[]),
                     grub2_menu=dict(type='dict', options=dict(
                         path=dict(type='path', required=True),
                         grubenv=dict(type='path'),
                         sources=dict(type='list', elements='path', default=[]),
                         root=dict(type='path', default='/'))),
                     grub_legacy_menu=dict(type='dict', options=dict(
                         path=dict(type='path', required=True),
                         boot_dir=dict(type='path', default='/boot'))))


def run_probe(module, argv):
    """{rc, stdout, stderr} of the caller's read-only probe; a command that cannot start is rc 127, not a failure."""
    try:
        rc, out, err = module.run_command(argv, handle_exceptions=False)
    except (OSError, ValueError) as exc:
        return dict(rc=127, stdout='', stderr=str(exc))
    return dict(rc=rc, stdout=out, stderr=err)


def read_files(root, paths):
    """path -> text_file.read_state() of each file on a live root; None elsewhere (another machine's files)."""
    if not is_live_root(root):
        return None
    return dict((path, text_file.read_state(path, MAX_SETTINGS_BYTES)) for path in paths)


def read_services(module, root, names):
    """name -> systemd_services.read()'s state on a live root whose init is systemd; None where that cannot be read."""
    if not is_live_root(root) or not os.path.isdir(systemd_services.RUNNING_DIR):
        return None
    dummy, errors = systemd_services.wanted(names, enabled=True)
    systemctl = module.get_bin_path('systemctl')
    if errors or not systemctl:
        return None
    # systemctl's own D-Bus timeout bounds each call.
    seen, error = systemd_services.read(module.run_command, systemctl, list(names))
    if error:
        module.warn(text_file.clean(error))
    return seen


def read_grub2_menu(root, options):
    """grub2_menu.read()'s reading of the menu options name, on a live root; None elsewhere."""
    if not is_live_root(root):
        return None
    grubenv = options['grubenv'] or grub2_menu.default_grubenv(options['path'])
    return grub2_menu.read(options['path'], grubenv, options['sources'], options['root'])


def read_grub_legacy_menu(root, options):
    """grub_legacy_menu.read()'s reading of the menu options name, on a live root, where JSON carries it; None elsewhere."""
    if not is_live_root(root):
        return None
    try:
        return grub_legacy_menu.portable(grub_legacy_menu.read(options['path'], options['boot_dir']))
    except (OSError, ValueError) as exc:
        # A facts module never traces back: a name the OS refuses (a NUL byte) is a reading that cannot tell.
        return dict(path=options['path'], boot_dir=options['boot_dir'], exists=None,
                    error='cannot read %s: %s' % (text_file.clean(options['path']), text_file.clean(str(exc))))


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    root = checked_root(module, ('proc', 'sys', 'boot'))
    result = dict(changed=False, ansible_facts=gather(module, root))
    if module.params['bootloader_probe']:
        result['bootloader_probe'] = run_probe(module, module.params['bootloader_probe'])
    if module.params['packages']:
        status = read_under(root, 'var/lib/dpkg/status')
        result['packages'] = None if status is None else xen_image.dpkg_versions(status, module.params['packages'])
    if module.params['files']:
        result['files'] = read_files(root, module.params['files'])
    if module.params['services']:
        result['services'] = read_services(module, root, module.params['services'])
    if module.params['grub2_menu']:
        result['grub2_menu'] = read_grub2_menu(root, module.params['grub2_menu'])
    if module.params['grub_legacy_menu']:
        result['grub_legacy_menu'] = read_grub_legacy_menu(root, module.params['grub_legacy_menu'])
    module.exit_json(**result)


if __name__ == '__main__':
    main()
