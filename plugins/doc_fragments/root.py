# Copyright (c) xenhost.dom0 contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The root option of the facts modules that read a machine's files (cpu_virt_facts, xen_facts)."""

from __future__ import annotations


class ModuleDocFragment:

    # The argument spec that goes with it is ROOT_ARGUMENT_SPEC in module_utils/root_facts.py.
    DOCUMENTATION = r'''
options:
  root:
    description:
      - Directory under which the machine's files are read (C(proc/), C(sys/) and the others the description names).
      - Anything other than C(/) is treated as a copy of another machine's files; no command is run then.
    type: path
    default: /
'''
