#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: platform_facts
short_description: Choose this host's entry of the Xen dom0 platform table and publish it as a fact
version_added: 0.2.0
description:
  - Picks, on the controller, the entry of the collection's platform table (C(plugins/module_utils/platforms.py)) for
    the host's OS facts - C(Debian-12), C(Debian-13), C(RedHat-5) (RHEL 5 and CentOS 5) - and sets it as the fact
    C(ansible_facts.xenhost_platform).
  - The entry holds everything that differs between platforms - family, Xen release, toolstack (C(xm) or C(xl)),
    OS architectures, the fatal CPU checks, the package sets, the bootloaders and how to detect them, the services and
    the file paths. Every role of the collection reads it from this fact.
  - Fails with "not a supported Xen dom0 platform ... Nothing on this host has been changed" on any other OS.
  - Gathers the OS facts the roles read first when the play did not gather facts (C(distribution), C(os_family),
    C(distribution_major_version), C(architecture), C(service_mgr); setup's C(distribution), C(platform) and
    C(service_mgr) subsets). Otherwise it does not contact the host. It changes nothing.
author:
  - xenhost maintainers (@xenhost)
extends_documentation_fragment:
  - xenhost.dom0.attributes
options:
  platform:
    description:
      - Use this entry (a platform id of the table, for example V(RedHat-5)) instead of the one the host's OS facts
        select. For tests that run a role's tasks on files of another platform; a real host should not need it.
    type: str
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
'''

EXAMPLES = r'''
- name: Choose the platform entry
  xenhost.dom0.platform_facts:

- name: Say which Xen this host gets
  ansible.builtin.debug:
    msg: "{{ ansible_facts.xenhost_platform.name }} uses {{ ansible_facts.xenhost_platform.toolstack }}"
'''

RETURN = r'''
ansible_facts:
  description: Facts to add to ansible_facts.
  returned: success
  type: complex
  contains:
    xenhost_platform:
      description:
        - The platform's entry of the table. Main keys below; C(bootloader), C(grub2), C(grub_legacy), C(packages),
          C(dom0_kernel), C(services) and C(paths) are dictionaries described in C(docs/DESIGN.md), "Platform table".
      returned: success
      type: dict
      contains:
        id:
          description: The platform id.
          type: str
          sample: Debian-12
        family:
          description: The OS family, which keys data that all releases of a family share.
          type: str
          sample: Debian
        name:
          description: The platform and its Xen, for messages.
          type: str
          sample: Debian 12 (Xen 4.17)
        xen:
          description: The Xen release the platform ships.
          type: str
          sample: '4.17'
        toolstack:
          description: C(xl) (Xen 4.5 and later) or C(xm) (xend, older Xen).
          type: str
          sample: xl
        architectures:
          description: OS editions (C(ansible_facts.architecture)) the platform ships a Xen hypervisor for.
          type: list
          elements: str
          sample: [x86_64]
        fatal_checks:
          description: C(cpu_virt_facts) and C(boot_facts) check ids whose failure makes a host unable to run this platform's Xen.
          type: list
          elements: str
          sample: [pae, 64bit, secure_boot]
'''

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(platform=dict(type='str')),
                           supports_check_mode=True)
    module.fail_json(msg='xenhost.dom0.platform_facts runs as an action on the controller; this module file only documents it.')


if __name__ == '__main__':
    main()
