# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of module_utils/root_facts.py, the root option of the facts modules."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.xenhost.dom0.plugins.module_utils import root_facts


class Failed(Exception):
    pass


class FakeModule:
    """Just what checked_root uses of an AnsibleModule: params and a fail_json that does not return."""

    def __init__(self, root):
        self.params = {'root': root}

    def fail_json(self, msg):
        raise Failed(msg)


def test_argument_spec_is_the_documented_option():
    assert root_facts.ROOT_ARGUMENT_SPEC == {'root': {'type': 'path', 'default': '/'}}


@pytest.mark.parametrize('dirs,expected', [
    (('proc', 'sys'), "root /nope is not a directory: point it at / or at a copy of a machine's files (proc/, sys/)."),
    (('proc', 'sys', 'boot'),
     "root /nope is not a directory: point it at / or at a copy of a machine's files (proc/, sys/, boot/)."),
])
def test_not_a_directory_message(dirs, expected):
    assert root_facts.not_a_directory_message('/nope', dirs) == expected


def test_checked_root_returns_a_directory(tmp_path):
    assert root_facts.checked_root(FakeModule(str(tmp_path)), ('proc',)) == str(tmp_path)


@pytest.mark.parametrize('make', [
    pytest.param(lambda tmp_path: tmp_path / 'missing', id='missing'),
    pytest.param(lambda tmp_path: tmp_path / 'file', id='file'),
])
def test_checked_root_fails_for_anything_else(make, tmp_path):
    (tmp_path / 'file').write_text('not a tree')
    root = str(make(tmp_path))
    with pytest.raises(Failed) as failed:
        root_facts.checked_root(FakeModule(root), ('proc', 'sys'))
    assert str(failed.value) == root_facts.not_a_directory_message(root, ('proc', 'sys'))
