# Copyright (c) xenhost.dom0 contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Descriptions of the module attributes, written once for every module of the collection."""

from __future__ import annotations


class ModuleDocFragment:

    # Every module: the descriptions; each module states its own level of support.
    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    description: Can run in check mode and report what it would change without changing the target.
  diff_mode:
    description: Reports what it changed (or would change in check mode) as a diff, in diff mode.
'''

    # Modules that return ansible_facts.
    FACTS = r'''
options: {}
attributes:
  facts:
    description: Returns an C(ansible_facts) dictionary that updates the host's facts.
'''
