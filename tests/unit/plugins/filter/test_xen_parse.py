# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The parse_xen_list / parse_xen_info filters: same parser as the modules, friendly to registered results."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.xenhost.dom0.plugins.filter.xen_parse import FilterModule
from ansible_collections.xenhost.dom0.plugins.module_utils import xen_text

XEN = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'facts', 'xen')
FILTERS = FilterModule().filters()


def read(name):
    with open(os.path.join(XEN, name)) as handle:
        return handle.read()


def test_filter_names():
    assert sorted(FILTERS) == ['parse_xen_info', 'parse_xen_list']


@pytest.mark.parametrize('name', ['xl-list-4.17.txt', 'xm-list-3.1-rhel5.txt'])
def test_list_filter_is_the_module_utils_parser(name):
    text = read(name)
    assert FILTERS['parse_xen_list'](text) == xen_text.parse_xen_list(text)
    assert FILTERS['parse_xen_list'](text)[0]['name'] == 'Domain-0'


@pytest.mark.parametrize('name', ['xl-info-4.17.txt', 'xm-info-3.1-rhel5.txt', 'xl-info-n-4.17-physical.txt'])
def test_info_filter_is_the_module_utils_parser(name):
    text = read(name)
    assert FILTERS['parse_xen_info'](text) == xen_text.parse_xen_info(text)


def test_registered_result_and_lines_are_accepted():
    text = read('xl-list-4.17.txt')
    registered = {'rc': 0, 'stdout': text, 'stdout_lines': text.splitlines(), 'changed': False}
    assert FILTERS['parse_xen_list'](registered) == xen_text.parse_xen_list(text)
    assert FILTERS['parse_xen_list'](text.splitlines()) == xen_text.parse_xen_list(text)
    assert FILTERS['parse_xen_info'](b'xen_major              : 4\n') == {'xen_major': 4}
    assert FILTERS['parse_xen_info'](None) == {}


def test_wrong_type_is_a_clear_error():
    with pytest.raises(AnsibleFilterError, match='parse_xen_info expects the text'):
        FILTERS['parse_xen_info'](42)
