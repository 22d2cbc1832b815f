#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: check_inputs
short_description: Refuse role variables that would reach a root shell, a root-sourced file or the boot line unsafely
version_added: 0.2.0
description:
  - Checks, on the controller, every C(xen_*) role variable that has a format - sizes, vCPU ranges, hypervisor options,
    paths and package names written into files that root sources or executes, the reboot message and test command -
    against one strict grammar each (C(module_utils/inputs.py)), and fails naming every bad variable and what it accepts.
  - Values are accepted only in full (a trailing newline is refused), lists must be YAML lists (a string is not split),
    and bounds apply where a wrong value makes a host unbootable (dom0 memory from 256M to 16T and below the host's RAM,
    vCPU ranges low to high, the reboot timeout from 60 s to a day).
  - Hypervisor options that would override the roles' own (C(dom0_mem), C(dom0_max_vcpus)) or defeat the automatic
    fall-back after a failed boot (C(noreboot)) are refused in C(xen_bootloader_extra_args).
  - Runs as an action on the controller; it changes nothing. Every role calls it first, and C(xenhost.dom0.site) calls it
    once for all roles before any role changes the host.
author:
  - xenhost maintainers (@xenhost)
extends_documentation_fragment:
  - xenhost.dom0.attributes
options:
  prefixes:
    description:
      - Check the known variables whose names start with one of these prefixes, for example V(xen_bootloader_).
    type: list
    elements: str
    default: [xen_]
  host_mib:
    description:
      - The host's memory in MiB, to refuse a C(xen_bootloader_dom0_mem) that leaves nothing for Xen and guests.
      - C(xenhost.dom0.xen_facts) returns it as C(ansible_facts.xen.host_memory_mb), also on a dom0 (Xen's total; dom0's
        own memory is only its share). Ansible's C(memtotal_mb) inside a dom0 is dom0's own, so leave that out there.
    type: int
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
'''

EXAMPLES = r'''
- name: Read the machine's memory (ansible_facts.xen.host_memory_mb, Xen's total on a dom0)
  xenhost.dom0.xen_facts:

- name: Check every role variable before any change
  xenhost.dom0.check_inputs:
    host_mib: "{{ ansible_facts.xen.host_memory_mb | default(omit, true) }}"

- name: Check this role's variables
  xenhost.dom0.check_inputs:
    prefixes: [xen_bootloader_]
'''

RETURN = r'''
checked:
  description: The variables that were defined and checked.
  returned: always
  type: list
  elements: str
  sample: [xen_bootloader_dom0_mem, xen_bootloader_extra_args]
errors:
  description: One message per problem, each starting with the variable's name.
  returned: always
  type: list
  elements: str
  sample: ["xen_bootloader_dom0_mem must be at least 256M, or dom0 cannot boot; got '1K'"]
'''

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(prefixes=dict(type='list', elements='str', default=['xen_']),
                                              host_mib=dict(type='int')),
                           supports_check_mode=True)
    module.fail_json(msg='xenhost.dom0.check_inputs runs as an action on the controller; this module file only documents it.')


if __name__ == '__main__':
    main()
