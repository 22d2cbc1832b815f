# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters parse_xen_list and parse_xen_info: the toolstack parser of module_utils/xen_text.py for templates and tasks."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.xenhost.dom0.plugins.module_utils.xen_text import parse_xen_info as _parse_info
from ansible_collections.xenhost.dom0.plugins.module_utils.xen_text import parse_xen_list as _parse_list


def _text(value, name):
    # Accept a registered command result as well as its stdout.
    if isinstance(value, dict):
        value = value.get('stdout', '')
    if isinstance(value, (list, tuple)):
        value = '\n'.join(to_text(line) for line in value)
    if value is None:
        return ''
    if not isinstance(value, (str, bytes)):
        raise AnsibleFilterError('%s expects the text of the command (a string), got %s' % (name, type(value).__name__))
    return to_text(value)


def parse_xen_list(value):
    """Text of `xm list`/`xl list` -> list of {name, id, mem, vcpus, state, time}."""
    return _parse_list(_text(value, 'parse_xen_list'))


def parse_xen_info(value):
    """Text of `xm info`/`xl info` -> dict (numbers as numbers, xen_caps/virt_caps as lists)."""
    return _parse_info(_text(value, 'parse_xen_info'))


class FilterModule(object):
    def filters(self):
        return {
            'parse_xen_list': parse_xen_list,
            'parse_xen_info': parse_xen_info,
        }
