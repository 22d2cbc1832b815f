# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over the platform table (module_utils/platforms.py) for the roles' vars and tasks."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.xenhost.dom0.plugins.module_utils import platforms
from ansible_collections.xenhost.dom0.plugins.module_utils.xen_text import toolstack_of as _toolstack_of


def bootloader_of(probe_stdout, platform):
    """The bootloader a host uses, from the output of its platform's bootloader probe."""
    if not isinstance(platform, dict) or 'bootloader' not in platform:
        raise AnsibleFilterError('bootloader_of: the second argument must be a platform entry (ansible_facts.xenhost_platform)')
    return platforms.bootloader_of(platform, probe_stdout)


def toolstack_of(version):
    """'xm' for a Xen older than 4.5, else 'xl'."""
    return _toolstack_of(None if version is None else str(version))


class FilterModule(object):
    def filters(self):
        return {'bootloader_of': bootloader_of, 'toolstack_of': toolstack_of}
