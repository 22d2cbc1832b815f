#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: boot_facts
short_description: Tell how a machine boots (BIOS or UEFI, Secure Boot, EFI system partition, shim and GRUB)
version_added: 0.2.0
description:
  - Returns C(ansible_facts.boot_firmware) - whether Linux booted through BIOS or UEFI, whether UEFI Secure Boot is enforced
    (read from the EFI variables as GRUB, Linux and C(mokutil --sb-state) read them), the mounted EFI system partition (ESP),
    the shim and GRUB boot chain installed on it, and a C(secure_boot) check that says whether Secure Boot would refuse the Xen
    hypervisor.
  - The mode is C(uefi) when C(/sys/firmware/efi) exists, C(bios) when C(/sys/firmware) exists without it, C(unknown) without
    a readable C(/sys/firmware) (a test tree or copy without C(sys/)). Under Xen (see M(xenhost.dom0.xen_facts)), Linux sees
    C(/sys/firmware/efi) only when Xen itself was started through UEFI, so its absence there gives C(unknown), not C(bios).
  - Secure Boot is read from efivarfs in C(/sys/firmware/efi/efivars/) - C(SecureBoot) and C(SetupMode) (EFI global variable
    GUID) and shim's C(MokSBStateRT) (GUID 605dab50-e046-4300-abb6-3dd810dd8b23), the copy of its boot-services-only
    C(MokSBState) that shim makes on every boot, C(1) after C(mokutil --disable-validation). Each file is the 4-byte
    little-endian attribute word and the one data byte.
  - Point O(root) at an unpacked sosreport or a test tree to look at another machine's files. A sosreport (a tree with
    C(sos_commands/)) holds no EFI variables and only part of C(/sys/firmware); its boot plugin's listing of C(/sys/firmware)
    and C(/boot) (C(sos_commands/boot/ls_-alZR_.sys.firmware); C(ls_-lanR_) before sos 4.8, C(ls_-alhZR_) in 4.8.0) and its
    C(mokutil --sb-state) output are read instead, and C(installed-debs) when there is no C(var/lib/dpkg/status).
  - Runs no command and changes nothing.
author:
  - xenhost maintainers (@xenhost)
extends_documentation_fragment:
  - xenhost.dom0.root
  - xenhost.dom0.attributes
  - xenhost.dom0.attributes.facts
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  facts:
    support: full
notes:
  - "Secure Boot rule: C(on) when SecureBoot=1, SetupMode=0 and shim's validation is not disabled (no C(MokSBStateRT), or 0);
    C(off) when SecureBoot=0, SetupMode=1 (setup mode: no platform key, nothing is enforced), the firmware has no C(SecureBoot)
    variable (no Secure Boot support), C(MokSBStateRT=1), or the machine boots through BIOS; C(unknown) when the mode is unknown,
    a variable is unreadable or garbage (a length other than 5 bytes, an attribute word without runtime access, a value other
    than 0 or 1, an empty file, a directory or FIFO in its place), or no EFI variable can be listed on a UEFI machine (efivarfs
    not mounted; a Xen dom0 whose Xen runs with C(efi=no-rs) has none)."
  - "The C(secure_boot) check fails when Secure Boot is C(on): GRUB's shim_lock verifier checks the multiboot kernel it loads,
    and shim refuses the Xen hypervisor, which Debian does not sign. It passes when Secure Boot is C(off) (or on BIOS), and is
    C(unknown) when Secure Boot is. The rule is C(secure_boot_check(facts)) in C(plugins/module_utils/boot_firmware.py), which
    the readiness report and xen_preflight use."
  - "ESP - the last vfat mount at C(/boot/efi) or C(/efi) in C(/proc/mounts) (C(/proc/self/mounts)), else any vfat mount whose
    tree holds an C(EFI/) directory. In a sosreport the ESP's files come from the listing of C(/boot), so an ESP mounted at
    C(/efi) there gives no C(loader_dir)."
  - "Chain - C(loader_dir) is the directory under C(EFI/) that holds C(shim*.efi) or C(grub*.efi) (the one named after
    C(/etc/os-release)'s ID when there are several, e.g. C(EFI/debian)); C(shim) and C(grub) then say whether
    C(shimx64.efi)/C(shimia32.efi)/C(shimaa64.efi)/C(shim.efi) and C(grubx64.efi)/C(grubia32.efi)/C(grubaa64.efi)/C(grub.efi)
    are there (C(source=esp)). C(EFI/BOOT/BOOTX64.EFI) is not used: nothing in its name tells whether it is shim. Without a
    loader directory on a readable ESP, C(shim) and C(grub) come from the dpkg status (C(source=dpkg)): packages C(shim-signed)
    and C(grub-efi-<arch>) or C(grub-efi-<arch>-signed) installed. C(signed_grub) is always from the dpkg status:
    C(grub-efi-amd64-signed) (or the ia32/arm64 one) installed. Without a dpkg status (RHEL, a tree without it) these are null."
seealso:
  - module: xenhost.dom0.xen_facts
  - module: xenhost.dom0.cpu_virt_facts
'''

EXAMPLES = r'''
- name: Find out how this machine boots
  xenhost.dom0.boot_facts:

- name: Refuse a host whose Secure Boot would reject the Xen hypervisor
  ansible.builtin.assert:
    that: (ansible_facts.boot_firmware.checks | selectattr('id', 'equalto', 'secure_boot') | first).status != 'fail'
    fail_msg: "{{ (ansible_facts.boot_firmware.checks | selectattr('id', 'equalto', 'secure_boot') | first).message }}"

- name: The same facts in the call that reads Xen's
  xenhost.dom0.xen_facts:
    boot_firmware: true

- name: Look at an unpacked sosreport on the controller
  xenhost.dom0.boot_facts:
    root: /srv/sosreports/sosreport-web01-2026-11-20
  delegate_to: localhost
'''

RETURN = r'''
ansible_facts:
  description: Facts to add to ansible_facts.
  returned: always
  type: complex
  contains:
    boot_firmware:
      description: How this machine boots.
      returned: always
      type: complex
      contains:
        mode:
          description: C(uefi), C(bios) or C(unknown) (see the description for how it is told).
          type: str
          returned: always
          sample: uefi
        mode_source:
          description: What the mode was read from, in a few words.
          type: str
          returned: always
          sample: sys/firmware/efi exists
        secure_boot:
          description: C(on) (enforced for the boot chain), C(off) or C(unknown); see the notes for the rule.
          type: str
          returned: always
          sample: on
        secure_boot_source:
          description: Why, in a few words.
          type: str
          returned: always
          sample: SecureBoot=1, SetupMode=0, shim validation on
        efi_variables:
          description:
            - The values read from efivarfs, each C(0), C(1) or null (the variable does not exist, or is unreadable or
              garbage; C(secure_boot_source) says which). All null on BIOS, in a sosreport, or when nothing could be read.
          type: dict
          returned: always
          sample: {SecureBoot: 1, SetupMode: 0, MokSBStateRT: null}
        esp:
          description: The mounted EFI system partition, or null when none is mounted (or C(/proc/mounts) is unreadable).
          type: dict
          returned: always
          contains:
            mountpoint:
              description: Where it is mounted.
              type: str
            device:
              description: The mounted device as C(/proc/mounts) names it.
              type: str
            fstype:
              description: C(vfat).
              type: str
          sample: {mountpoint: /boot/efi, device: /dev/sda1, fstype: vfat}
        chain:
          description: The boot chain installed for this OS (see the notes for where each value comes from).
          type: dict
          returned: always
          contains:
            shim:
              description: shim is installed (true), not (false) or unknown (null).
              type: bool
            grub:
              description: GRUB for UEFI is installed (true), not (false) or unknown (null).
              type: bool
            signed_grub:
              description: The package C(grub-efi-amd64-signed) (or its ia32/arm64 sibling) is installed; null without a dpkg status.
              type: bool
            loader_dir:
              description: The directory on the ESP holding this OS's boot loader, e.g. C(EFI/debian); null when none was found.
              type: str
            source:
              description: C(esp) (the files on the ESP), C(dpkg) (the installed packages) or null (neither could be read).
              type: str
          sample: {shim: true, grub: true, signed_grub: true, loader_dir: EFI/debian, source: esp}
        checks:
          description:
            - One entry, with the id C(secure_boot), in the shape of M(xenhost.dom0.cpu_virt_facts)' checks.
            - C(status) is C(fail) (Secure Boot is enforced, the chain refuses the unsigned Xen hypervisor), C(pass) (not
              enforced, or BIOS) or C(unknown); C(message) says what it means and what to do.
          type: list
          elements: dict
          returned: always
          sample:
            - {id: secure_boot, status: pass, message: "Secure Boot is not enforced (SecureBoot=0): ..."}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.xenhost.dom0.plugins.module_utils.boot_firmware import gather
from ansible_collections.xenhost.dom0.plugins.module_utils.root_facts import ROOT_ARGUMENT_SPEC, checked_root


def main():
    module = AnsibleModule(argument_spec=ROOT_ARGUMENT_SPEC, supports_check_mode=True)
    root = checked_root(module, ('proc', 'sys'))
    module.exit_json(changed=False, ansible_facts={'boot_firmware': gather(root)})


if __name__ == '__main__':
    main()
