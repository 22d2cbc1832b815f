#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: cpu_virt_facts
short_description: Tell what a machine's CPU can carry for Xen (PAE, 64-bit, HVM, IOMMU, firmware lock)
version_added: 0.1.0
description:
  - Reads C(/proc/cpuinfo) and a few files under C(/sys) and C(/dev) and returns C(ansible_facts.cpu_virt) with the
    CPU identity, the x86 flags that matter for Xen, hardware virtualization (HVM) and IOMMU support, whether the
    firmware locked VT off, and a list of checks a person can act on.
  - Works for every C(/proc/cpuinfo) shape Linux prints (x86 32 and 64-bit, Arm64, POWER, s390x); missing or
    unreadable files give null values and C(unknown) checks, never an error.
  - Inside a Xen dom0, C(/proc/cpuinfo) hides C(vmx)/C(svm); HVM support is then taken from Xen's
    C(/sys/hypervisor/properties/capabilities) (C(hvm-*) entries) and C(hvm.source) says C(xen).
  - Xen hides the ACPI DMAR table from dom0, so a dom0 without other evidence reports the IOMMU as unknown, never as absent.
    On a live dom0 (O(root=/)) the module runs C(xl info) once, when C(xl) is installed, to read Xen's C(virt_caps).
  - The firmware lock is read from the C(msr) device of CPU 0 only when it is readable, on bare metal (hypervisors
    emulate these registers). The module never loads the C(msr) kernel module.
  - With the MSR it reads the raw CPUID leaf of CPU 0 (C(dev/cpu/0/cpuid)) when readable, the only evidence that tells a CPU
    without VT-x from one whose firmware switched it off. The module never loads the C(cpuid) kernel module either.
  - Point O(root) at an unpacked sosreport or supportconfig, or a test tree, to assess another machine.
    The architecture is then derived from that machine's files, not from the host running the module.
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
  - "C(xen_capable) means Xen can run on this CPU at all, with paravirtualized (PV) guests at least: on x86 the C(pae) and
    C(64bit) checks pass; on aarch64 it is true because Xen supports Arm64 on every Armv8-A core (whether the firmware starts
    the kernel at EL2, which Xen on Arm needs, is not visible in C(/proc/cpuinfo) and is reported by the C(hvm) check as
    C(unknown)); on other architectures (POWER, s390x, 32-bit Arm) it is false. HVM, IOMMU and the firmware lock do not
    change it: they limit what guests can do."
  - Whether the machine is itself a Xen or KVM guest is not judged by C(xen_capable); see M(xenhost.dom0.xen_facts) for the
    Xen role.
  - "Firmware lock rule: C(bios_disabled) is true only with evidence that the CPU has VT (the C(vmx)/C(svm) flag, or raw CPUID)
    and the MSR locked it off; the MSR alone never blames the firmware, because IA32_FEATURE_CONTROL also exists on CPUs
    without VMX and Linux 5.6 and later drop C(vmx) from C(/proc/cpuinfo) both when it is absent and when the firmware
    locked it off. An Intel CPU without C(vmx) is reported without VT (C(hvm.capable=false)) only when the MSR is not
    locked off or CPUID says so; otherwise C(hvm.capable) and C(bios_disabled) are null and the C(hvm) check warns
    'VT-x absent or disabled by firmware: check the BIOS setting'. Linux keeps C(svm) listed when AMD firmware sets
    SVMDIS, so an AMD CPU without C(svm) has no AMD-V."
  - When C(/proc/cpuinfo) cannot be read or understood (empty, garbage, an x86 CPU without its C(flags) line), every entry
    of C(flags) is null, C(xen_capable) is null and the C(pae), C(64bit) and C(hvm) checks are C(unknown).
  - When Xen runs but its role cannot be read (see M(xenhost.dom0.xen_facts), role C(unknown)), a missing vmx/svm flag proves
    nothing (a dom0 hides it), so C(hvm.capable) is null and the C(hvm), C(iommu) and C(firmware) checks are C(unknown).
  - On POWER the endianness is not visible in C(/proc/cpuinfo); with O(root) other than C(/) and no C(proc/sys/kernel/arch),
    C(arch) is C(ppc64).
seealso:
  - module: xenhost.dom0.xen_facts
'''

EXAMPLES = r'''
- name: Assess this machine's CPU for Xen
  xenhost.dom0.cpu_virt_facts:

- name: Refuse machines whose CPU cannot run Xen
  ansible.builtin.assert:
    that: ansible_facts.cpu_virt.xen_capable
    fail_msg: "{{ ansible_facts.cpu_virt.checks | selectattr('status', 'equalto', 'fail') | map(attribute='message') | join(' ') }}"

- name: Assess an unpacked sosreport on the controller
  xenhost.dom0.cpu_virt_facts:
    root: /srv/sosreports/sosreport-web01-2026-11-20
  delegate_to: localhost
'''

RETURN = r'''
ansible_facts:
  description: Facts to add to ansible_facts.
  returned: always
  type: complex
  contains:
    cpu_virt:
      description: What this CPU can carry.
      returned: always
      type: complex
      contains:
        arch:
          description:
            - Machine architecture as C(uname -m) prints it (C(x86_64), C(i686), C(aarch64), C(ppc64le), C(s390x)...).
            - For a 32-bit kernel on a 64-bit CPU this is C(i686) while C(flags.lm) is true.
          type: str
          returned: always
          sample: x86_64
        vendor:
          description: The raw C(vendor_id) of the CPU (C(GenuineIntel), C(AuthenticAMD), C(IBM/S390)); null when cpuinfo has none (Arm, POWER).
          type: str
          returned: always
          sample: GenuineIntel
        model_name:
          description: The CPU model name (x86 C(model name), POWER C(cpu)); null when cpuinfo has none.
          type: str
          returned: always
          sample: Intel(R) Core(TM)2 Duo CPU     E8400  @ 3.00GHz
        logical_cpus:
          description: Number of logical CPUs the running system sees (in a Xen dom0 or a guest, its virtual CPUs); null if unknown.
          type: int
          returned: always
          sample: 2
        sockets:
          description: Number of physical packages (distinct C(physical id)); null when cpuinfo does not say.
          type: int
          returned: always
          sample: 1
        flags:
          description:
            - x86 CPU flags that matter for Xen; all false on other architectures.
            - All null when C(/proc/cpuinfo) could not be read (unknown, not absent).
          type: dict
          returned: always
          sample: {pae: true, lm: true, nx: true, vmx: true, svm: false, hypervisor: false}
        hvm:
          description: Hardware virtualization for HVM guests.
          type: dict
          returned: always
          contains:
            capable:
              description: true, false or null (unknown, for example on non-x86 or when nothing could be read).
              type: bool
            technology:
              description: C(vmx) (Intel VT-x), C(svm) (AMD-V) or null.
              type: str
            source:
              description:
                - C(cpuinfo), C(xen) (a dom0, from Xen's capabilities), C(cpuid) (raw CPUID of CPU 0, when
                  C(/proc/cpuinfo) hides the flag because the firmware switched VT off) or null.
              type: str
          sample: {capable: true, technology: vmx, source: xen}
        iommu:
          description: IOMMU (needed for PCI passthrough).
          type: dict
          returned: always
          contains:
            present:
              description: true, false or null (unknown; always null rather than false in a dom0 without evidence).
              type: bool
            type:
              description: C(vt-d), C(amd-vi) or null.
              type: str
            source:
              description: C(sysfs) (/sys/class/iommu), C(acpi) (/sys/firmware/acpi/tables), C(xen) (xl info virt_caps) or null.
              type: str
          sample: {present: true, type: vt-d, source: acpi}
        bios_disabled:
          description:
            - true when the CPU has VT but the firmware locked it off (Intel IA32_FEATURE_CONTROL lock set and
              VMX-outside-SMX clear; AMD VM_CR SVMDIS set), false when not (or the CPU has no VT to lock), null when it
              cannot be told (see the notes for the rule).
          type: bool
          returned: always
          sample: false
        checks:
          description:
            - One entry per check, always in this order and with these ids - C(pae), C(64bit), C(hvm), C(iommu), C(firmware).
            - C(status) is C(pass), C(fail), C(warn) or C(unknown); C(message) says what it means and what to do.
          type: list
          elements: dict
          returned: always
          sample:
            - {id: pae, status: fail, message: "The CPU has no PAE (no \"pae\" flag). ..."}
        xen_capable:
          description:
            - Whether Xen can run on this CPU at all (see the notes for what it means on each architecture).
            - Null (unknown) when C(/proc/cpuinfo) could not be read or understood, or the C(pae)/C(64bit) check is C(unknown).
          type: bool
          returned: always
          sample: true
'''

import platform

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.xenhost.dom0.plugins.module_utils.cpu_virt import gather as gather_cpu_virt
from ansible_collections.xenhost.dom0.plugins.module_utils.root_facts import (
    ROOT_ARGUMENT_SPEC, checked_root, is_live_root,
)
from ansible_collections.xenhost.dom0.plugins.module_utils.xen_text import parse_xen_info


def xl_virt_caps(module):
    """virt_caps of `xl info` on a live dom0, or None when xl is missing or fails."""
    xl = module.get_bin_path('xl')
    if not xl:
        return None
    rc, out, dummy = module.run_command([xl, 'info'])
    if rc != 0:
        return None
    return parse_xen_info(out).get('virt_caps')


def gather(module, root):
    return gather_cpu_virt(root, is_live_root(root), platform.machine, lambda: xl_virt_caps(module))


def main():
    module = AnsibleModule(argument_spec=ROOT_ARGUMENT_SPEC, supports_check_mode=True)
    root = checked_root(module, ('proc', 'sys'))
    module.exit_json(changed=False, ansible_facts={'cpu_virt': gather(module, root)})


if __name__ == '__main__':
    main()
