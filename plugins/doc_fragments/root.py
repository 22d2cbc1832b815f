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
      - Anything other than C(/) is treated as a copy of another machine's files; no command is run then, and no device
        is opened (a regular file may stand in for C(dev/cpu/0/msr)).
      - "Every file under it is read as possibly hostile: only regular files, opened without blocking (a FIFO, socket or
        device is unreadable, never waited on); symbolic links are resolved inside O(root) only, an absolute target
        re-rooted under O(root) as in the copied machine and C(..) stopping at O(root), at most 40 links per path; a file
        larger than 8 MiB is unreadable as a whole (never truncated); undecodable bytes become U+FFFD; a directory with
        more than 65536 names is unreadable. An unreadable file makes its facts null or C(unknown), never an error."
    type: path
    default: /
'''
