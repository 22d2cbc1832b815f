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
