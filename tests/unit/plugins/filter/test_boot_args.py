# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.xenhost.dom0.plugins.filter.boot_args import FilterModule, merge_boot_args


def test_registered_name():
    assert FilterModule().filters()['merge_boot_args'] is merge_boot_args


def test_keeps_options_set_by_hand():
    # Debian's xen.cfg after a sysadmin added ucode=scan and an older dom0_mem.
    merged = merge_boot_args('dom0_mem=512M,max:512M ucode=scan', ['dom0_mem=1024M,max:1024M', 'dom0_max_vcpus=2'])
    assert merged == 'dom0_mem=1024M,max:1024M ucode=scan dom0_max_vcpus=2'


def test_already_merged_is_unchanged():
    line = 'com1=115200,8n1 console=com1 dom0_mem=1024M,max:1024M'
    assert merge_boot_args(line, 'dom0_mem=1024M,max:1024M console=com1') == line


def test_empty_or_missing_current():
    assert merge_boot_args('', ['dom0_mem=1G,max:1G']) == 'dom0_mem=1G,max:1G'
    assert merge_boot_args(None, ['noreboot']) == 'noreboot'


def test_items_with_several_options_and_blanks():
    assert merge_boot_args('a=1', ['b=2 c=3', '', 'a=4']) == 'a=4 b=2 c=3'


def test_duplicates_of_a_key_collapse():
    assert merge_boot_args('console=vga x console=com1', ['console=com1,vga']) == 'console=com1,vga x'


@pytest.mark.parametrize('current, wanted', [
    (['a=1'], ['b=2']),
    ('a=1', {'b': 2}),
    ('a=1', [2]),
])
def test_bad_input_is_a_clear_error(current, wanted):
    with pytest.raises(AnsibleFilterError, match='merge_boot_args'):
        merge_boot_args(current, wanted)
