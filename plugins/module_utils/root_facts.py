# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The `root` option of the facts modules that read a machine's files (cpu_virt_facts, xen_facts).

Its documentation is the doc fragment xenhost.dom0.root. A module's main() is then:

    module = AnsibleModule(argument_spec=ROOT_ARGUMENT_SPEC, supports_check_mode=True)
    root = checked_root(module, ('proc', 'sys'))
    module.exit_json(changed=False, ansible_facts={'<name>': gather(module, root)})
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

# Read only: AnsibleModule does not change the argument spec it is given.
ROOT_ARGUMENT_SPEC = dict(root=dict(type='path', default='/'))


def not_a_directory_message(root, dirs):
    """Why the module fails for a root that is not a directory; dirs are what a copy of a machine holds there."""
    return "root %s is not a directory: point it at / or at a copy of a machine's files (%s)." % (
        root, ', '.join(name + '/' for name in dirs))


def checked_root(module, dirs):
    """The module's root option; fails the module when it is not a directory (see not_a_directory_message)."""
    root = module.params['root']
    if not os.path.isdir(root):
        module.fail_json(msg=not_a_directory_message(root, dirs))
    return root
