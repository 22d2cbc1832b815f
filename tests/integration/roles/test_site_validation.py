# -*- coding: utf-8 -*-
"""playbooks/site.yml rejects bad input for ANY role before the first role runs (so before anything changes)."""

import os
import re
import sys

import pytest

from .conftest import REPO, run_playbook

SITE = os.path.join(REPO, 'playbooks', 'site.yml')


def _site(*extra):
    # --check and no become: this machine is never changed.
    return run_playbook(SITE, '--check', '-e', 'ansible_become=false',
                        '-e', 'ansible_python_interpreter=%s' % sys.executable, *extra)


@pytest.mark.parametrize('assignment, expected', [
    ('xen_toolstack_autoballoon=sometimes', 'value of xen_toolstack_autoballoon must be one of'),
    ('xen_reboot_timeout=long', 'xen_reboot_timeout'),
    ('xen_bootloader_dom0_mem=lots', "xen_bootloader_dom0_mem must be a size with unit K, M, G or T such as 1024M or 4G, got 'lots'"),
])
def test_bad_variable_of_a_later_role_fails_before_preflight(assignment, expected):
    rc, out = _site('-e', assignment)
    assert rc != 0, out
    assert expected in out
    assert re.search(r'changed=0\s+unreachable=0\s+failed=1', out), out
    # No task of any role ran: the first role's tasks (and so every later one) never started.
    assert 'Refuse hosts that cannot run Xen' not in out
    assert 'xen_preflight :' not in out and 'xen_packages :' not in out, out


# One hostile value per class of input, through the whole site playbook: each is refused by check_inputs, naming the
# variable, before the first role's first task (so before any change).
HOSTILE = [
    ('{"xen_bootloader_extra_args": ["console=com1\\"; touch /tmp/xenhost-pwned; \\""]}', 'xen_bootloader_extra_args'),
    ('{"xen_bootloader_extra_args": "com1=115200,8n1"}', 'xen_bootloader_extra_args must be a list'),
    ('{"xen_bootloader_extra_args": ["noreboot"]}', 'a failed boot into Xen cannot fall back'),
    ('{"xen_bootloader_dom0_mem": "1K"}', 'xen_bootloader_dom0_mem must be at least 256M'),
    ('{"xen_bootloader_dom0_mem": "1024M\\n"}', 'xen_bootloader_dom0_mem must be a size'),
    ('{"xen_bootloader_dom0_mem": "9999T"}', 'xen_bootloader_dom0_mem must be at most 16T'),
    ('{"xen_bootloader_dom0_max_vcpus": "4-2"}', 'xen_bootloader_dom0_max_vcpus must be a range from low to high'),
    ('{"xen_toolstack_xendomains_save_dir": "/var/lib/xen/$(reboot)"}', 'xen_toolstack_xendomains_save_dir must be'),
    ('{"xen_toolstack_autoballoon": false}', "write 'off' in quotes"),
    ('{"xen_packages_extra": ["xen*"]}', 'xen_packages_extra must be a package name'),
    ('{"xen_reboot_msg": "bye\\" ; reboot ; \\""}', 'xen_reboot_msg must be'),
    ('{"xen_reboot_test_command": "uptime; reboot"}', 'xen_reboot_test_command must be'),
    ('{"xen_reboot_timeout": 0}', 'xen_reboot_timeout must be from 60'),
]


@pytest.mark.parametrize('extra, expected', HOSTILE, ids=[h[1][:40] for h in HOSTILE])
def test_hostile_input_refused_before_any_role(extra, expected):
    rc, out = _site('-e', extra)
    assert rc != 0, out
    assert expected in out, out
    assert 'Nothing on this host has been changed' in out
    assert 'xen_preflight :' not in out and 'xen_packages :' not in out, out
    assert re.search(r'changed=0\s+unreachable=0\s+failed=1', out), out
    assert not os.path.exists('/tmp/xenhost-pwned')


def test_dom0_mem_bounded_by_the_host_memory():
    rc, out = _site('-e', 'xen_bootloader_dom0_mem=16T')
    assert rc != 0, out
    assert "xen_bootloader_dom0_mem must be less than the host's memory" in out, out
    # xen_preflight reads the memory (xen_facts' host_memory_mb) and refuses before the first role that changes anything.
    assert "xen_preflight : Check that dom0's memory fits this host" in out and 'xen_packages :' not in out, out
    assert re.search(r'changed=0\s+unreachable=0\s+failed=1', out), out
