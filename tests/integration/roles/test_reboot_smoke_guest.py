# -*- coding: utf-8 -*-
"""xen_reboot_smoke_guest is refused where the platform's toolstack is xm (the smoke guest is run with xl)."""

import os
import sys

import pytest

from .conftest import run_playbook


def _refuse(playbook_dir, platform, smoke):
    return run_playbook(os.path.join(playbook_dir, 'reboot_refuse.yml'), '--check',
                        '-e', 'platform=%s' % platform, '-e', '{"xen_reboot_smoke_guest": %s}' % smoke,
                        '-e', 'ansible_python_interpreter=%s' % sys.executable)


def test_smoke_guest_refused_on_an_xm_platform(playbook_dir):
    rc, out = _refuse(playbook_dir, 'RedHat-5', 'true')
    assert rc != 0, out
    assert 'xen_reboot_smoke_guest needs the xl toolstack' in out, out
    assert '(RedHat-5) has xm' in out, out


@pytest.mark.parametrize('platform, smoke', [('Debian-12', 'true'), ('Debian-13', 'true'), ('RedHat-5', 'false')])
def test_smoke_guest_accepted_where_xl_runs_it_or_when_off(playbook_dir, platform, smoke):
    rc, out = _refuse(playbook_dir, platform, smoke)
    assert rc == 0, out
