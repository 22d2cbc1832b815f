# -*- coding: utf-8 -*-
"""Bad variables are rejected by meta/argument_specs.yml before any task, naming the variable; nothing changes."""

import os
import re
import sys

import pytest

from .conftest import run_playbook

BAD = [
    ('xenhost.dom0.xen_preflight', 'xen_preflight_require_hvm', '"maybe"'),
    ('xenhost.dom0.xen_packages', 'xen_packages_extra', '{"vim": true}'),
    ('xenhost.dom0.xen_packages', 'xen_packages_apt_cache_valid_time', '"soon"'),
    ('xenhost.dom0.xen_bootloader', 'xen_bootloader_type', '"lilo"'),
    ('xenhost.dom0.xen_bootloader', 'xen_bootloader_extra_args', '{"console": "com1"}'),
    ('xenhost.dom0.xen_toolstack', 'xen_toolstack_autoballoon', '"sometimes"'),
    ('xenhost.dom0.xen_toolstack', 'xen_toolstack_xendomains_restore', '"perhaps"'),
    ('xenhost.dom0.xen_virt_manager', 'xen_virt_manager_extra_packages', '{"a": 1}'),
    ('xenhost.dom0.xen_reboot', 'xen_reboot_ok', '"definitely"'),
    ('xenhost.dom0.xen_reboot', 'xen_reboot_timeout', '"long"'),
    ('xenhost.dom0.xen_reboot', 'xen_reboot_connect_timeout', '"quick"'),
]


@pytest.mark.parametrize('role,variable,value', BAD, ids=['%s=%s' % (b[1], b[2]) for b in BAD])
def test_bad_variable_fails_before_any_change(playbook_dir, role, variable, value):
    rc, out = run_playbook(
        # --check: should validation ever let a value through, the role still must not touch this machine.
        os.path.join(playbook_dir, 'role_with_vars.yml'), '--check',
        '-e', 'role_under_test=%s' % role,
        '-e', '{"%s": %s}' % (variable, value),
        '-e', 'ansible_python_interpreter=%s' % sys.executable,
    )
    assert rc != 0, out
    # The failing task is the argument validation, and its message names the variable.
    assert "Validating arguments against arg spec 'main'" in out
    assert 'Validation of arguments failed' in out, out
    message = out[out.index('Validation of arguments failed'):]
    assert variable in message.split('validate_args_context')[0], out
    # Nothing ran after validation: only the include itself was ok, no change.
    assert re.search(r'localhost\s+:\s+ok=1\s+changed=0\s+unreachable=0\s+failed=1\s', out), out


def test_bad_dom0_mem_fails_with_variable_named(playbook_dir):
    # A string is a valid type, so the role's own check must catch a value Xen would not understand.
    rc, out = run_playbook(
        os.path.join(playbook_dir, 'role_with_vars.yml'), '--check',
        '-e', 'role_under_test=xenhost.dom0.xen_bootloader',
        '-e', 'xen_bootloader_dom0_mem=lots',
        '-e', 'ansible_python_interpreter=%s' % sys.executable,
    )
    assert rc != 0, out
    assert 'xen_bootloader_dom0_mem must be a size with unit' in out
    assert "got\n" in out or "'lots'" in out
    assert re.search(r'changed=0\s', out), out
