# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's main() the way Ansible does and hand back the JSON it prints.

The real exit_json()/fail_json() run (nothing is stubbed), so a result that would not
serialise, or a failure that exits 0, breaks the test just as it would break a play.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible.module_utils.testing import patch_module_args


@pytest.fixture
def run_module(capsys):
    """run_module(module, **args) -> the module's result dict; a failure has failed: True.

    Check and diff mode are ordinary arguments: _ansible_check_mode=True, _ansible_diff=True.
    """
    def run(module, **args):
        capsys.readouterr()  # drop anything printed earlier so only this run's JSON is parsed
        with patch_module_args(args):
            with pytest.raises(SystemExit) as caught:
                module.main()
        result = json.loads(capsys.readouterr().out)
        # exit_json() exits 0 and fail_json() exits 1: the status must agree with the result.
        assert caught.value.code == (1 if result.get('failed') else 0), result
        return result
    return run


@pytest.fixture
def facts_module():
    """The *_facts module facts_of runs: a test file of a facts module overrides this fixture to name it."""
    pytest.fail('this test file must define a facts_module fixture returning the module facts_of runs')


@pytest.fixture
def facts_of(facts_module, run_module):
    """facts_of(root, check_mode=False) -> ansible_facts[<name>] of facts_module run on that root.

    <name> is the module's name without _facts (cpu_virt_facts sets cpu_virt), the only fact
    it may set; the run must succeed without reporting a change.
    """
    name = facts_module.__name__.rsplit('.', 1)[-1]
    assert name.endswith('_facts'), name
    name = name[:-len('_facts')]

    def facts(root, check_mode=False):
        result = run_module(facts_module, root=root, _ansible_check_mode=check_mode)
        assert not result.get('failed'), result
        assert result['changed'] is False
        assert list(result['ansible_facts']) == [name]
        return result['ansible_facts'][name]
    return facts
