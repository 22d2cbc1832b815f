# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters for GRUB 2 settings: merge_boot_args (the grub_legacy module's by-key merge) and xen_cfg_plan (xen.cfg's lines)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.six import string_types

from ansible_collections.xenhost.dom0.plugins.module_utils.grub_legacy import merge_args
from ansible_collections.xenhost.dom0.plugins.module_utils.grub2_defaults import SettingError, plan
from ansible_collections.xenhost.dom0.plugins.module_utils.inputs import hypervisor_options_errors


def merge_boot_args(current, wanted):
    """Merge ``wanted`` (list or blank-separated string) into the command line ``current``, keyed by what precedes '='."""
    if current is None:
        current = ''
    if not isinstance(current, string_types):
        raise AnsibleFilterError('merge_boot_args expects the current command line as a string, got %s' % type(current).__name__)
    if isinstance(wanted, string_types):
        wanted = wanted.split()
    if not isinstance(wanted, (list, tuple)):
        raise AnsibleFilterError('merge_boot_args expects the wanted options as a list or a string, got %s' % type(wanted).__name__)
    tokens = []
    for item in wanted:
        if not isinstance(item, string_types):
            raise AnsibleFilterError('merge_boot_args: each wanted option must be a string, got %s' % type(item).__name__)
        # One list item may hold several options ("a=1 b=2"); a blank item adds nothing.
        tokens.extend(to_text(item).split())
    return merge_args(to_text(current), tokens)


def xen_cfg_plan(text, wanted, trial=False, proven=False, panic_seconds=0, fallback=True):
    """The lines xen_bootloader sets in xen.cfg (module_utils/grub2_defaults.plan), or {'error': why} when unsafe."""
    if not isinstance(text, string_types):
        raise AnsibleFilterError('xen_cfg_plan expects the text of xen.cfg, got %s' % type(text).__name__)
    if isinstance(wanted, string_types):
        wanted = wanted.split()
    # Checked again here, not only by check_inputs: these options end up in a file root sources.
    errors = hypervisor_options_errors(list(wanted), owned=False)
    if errors:
        return {'error': 'refused hypervisor options: %s' % '; '.join(errors)}
    try:
        return plan(to_text(text), [to_text(w) for w in wanted], bool(trial), bool(proven), int(panic_seconds),
                    bool(fallback))
    except SettingError as e:
        return {'error': to_text(e)}


class FilterModule(object):
    def filters(self):
        return {'merge_boot_args': merge_boot_args, 'xen_cfg_plan': xen_cfg_plan}
