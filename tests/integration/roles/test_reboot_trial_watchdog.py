# -*- coding: utf-8 -*-
"""xen_reboot's trial watchdog: when a reboot gets one (rendered from the role's own vars), the unit it installs,
what the fall-back message says of it, and the program's refusals (run here, where there is no Xen)."""

import os
import subprocess

import pytest

from .conftest import ROLES, role_vars, render, render_file

PROGRAM = os.path.join(ROLES, 'xen_reboot', 'files', 'xenhost-trial-watchdog')
UNIT = os.path.join(ROLES, 'xen_reboot', 'templates', 'xenhost-trial-watchdog.service.j2')
FELL_BACK = os.path.join(ROLES, 'xen_reboot', 'templates', 'fell_back.j2')


def _wanted(platform, **options):
    return render(role_vars('xen_reboot', platform, **options), '{{ __xen_reboot_watchdog_wanted | bool }}')


@pytest.mark.parametrize('platform, options, expected', [
    ('Debian-12', {'xen_bootloader_trial': True}, True),
    ('Debian-13', {'xen_bootloader_trial': True}, True),
    ('Debian-12', {'xen_bootloader_trial': True, 'xen_reboot_trial_watchdog': 0}, False),
    ('Debian-12', {'xen_bootloader_trial': False}, False),   # a straight permanent switch: a watchdog would loop
    ('Debian-12', {}, False),                                # xen_bootloader did not plan a trial in this play
    ('RedHat-5', {'xen_bootloader_trial': True}, False),     # kernel-xen 2.6.18 has no xen_wdt
])
def test_which_reboots_get_a_time_limit(platform, options, expected):
    assert _wanted(platform, **options) is expected


def test_unit_arms_early_with_the_number_only():
    text = render_file(role_vars('xen_reboot', 'Debian-12', xen_reboot_trial_watchdog=900), UNIT)
    assert 'ExecStart=/usr/local/sbin/xenhost-trial-watchdog arm 900\n' in text
    assert 'DefaultDependencies=no' in text and 'Before=sysinit.target' in text
    # Also in an emergency or rescue boot, which does not reach sysinit.target's other units.
    assert 'WantedBy=sysinit.target emergency.target rescue.target' in text


def _fell_back(prev_watchdog_lines):
    variables = role_vars(
        'xen_reboot', 'Debian-12', inventory_hostname='host1', xen_bootloader_trial=True,
        xen_bootloader_xen_entry='Debian GNU/Linux, with Xen',
        ansible_facts={'xen': {'running': False, 'role': 'none', 'kernel': {'release': '6.1.0-28-amd64'}}},
        __xen_reboot_boot_default='Debian GNU/Linux', __xen_reboot_boot_before={},
        __xen_reboot_boots={'rc': 0, 'stdout': '[{"boot_id": "a"}, {"boot_id": "b"}]'},
        __xen_reboot_prev_journal={'stdout_lines': []}, __xen_reboot_pstore={'files': []},
        __xen_reboot_prev_watchdog={'stdout_lines': prev_watchdog_lines})
    return render_file(variables, FELL_BACK)


def test_fell_back_message_names_the_watchdog_when_it_had_armed():
    text = _fell_back(['xenhost-trial-watchdog: armed: /dev/watchdog0 (Xen\'s watchdog for dom0) reboots this machine'
                       ' in 60 s unless the trial boot into Xen is confirmed; the next boot is then the permanent default'])
    assert 'FELL BACK' in text
    assert 'the trial watchdog was armed in that boot ("armed: /dev/watchdog0' in text
    assert 'Xen\'s watchdog rebooted the machine onto its permanent default' in text


def test_fell_back_message_says_when_it_did_not_arm():
    text = _fell_back(['xenhost-trial-watchdog: NOT ARMED: modprobe xen_wdt failed'])
    assert 'the trial watchdog did not arm in that boot: xenhost-trial-watchdog: NOT ARMED: modprobe xen_wdt failed' in text
    assert 'was armed in that boot' not in text


def test_fell_back_message_without_watchdog_lines_says_nothing_of_it():
    assert 'trial watchdog' not in _fell_back([])


def _run(*args):
    return subprocess.run(['sh', PROGRAM] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=60, check=False)


@pytest.mark.parametrize('args', [[], ['arm'], ['arm', ''], ['arm', '60s'], ['arm', '-1'], ['arm', '59'],
                                  ['arm', '86401'], ['arm', '000000060'], ['arm', '0600'], ['arm', '$(reboot)'], ['arm', '60', '60'],
                                  ['disarm', 'now'], ['reboot']])
def test_program_refuses_bad_arguments(args):
    result = _run(*args)
    assert result.returncode == 2, result
    assert result.stdout == ''


@pytest.mark.skipif(os.path.exists('/sys/hypervisor/type'), reason='this machine runs under a hypervisor with /sys/hypervisor')
def test_program_does_nothing_without_xen():
    result = _run('arm', '600')
    assert (result.returncode, result.stdout) == (0, 'xenhost-trial-watchdog: not running under Xen: nothing to arm\n')
    assert _run('status').stdout == 'not armed\n'


@pytest.mark.parametrize('recorded, expected', [
    # The trial watchdog's installation returned the boot it ran in: no slurp was made.
    ({'__xen_reboot_watchdog_install': {'boot_id': '6f1d0c7e-3b1a-4f0e-9a57-2a9d1e8c4b21'}},
     '6f1d0c7e3b1a4f0e9a572a9d1e8c4b21'),
    # No watchdog (not wanted, or a module without the id): the slurp's reading.
    ({'__xen_reboot_watchdog_install': {'boot_id': None},
      '__xen_reboot_boot_before': {'content': 'NmYxZDBjN2UtM2IxYS00ZjBlLTlhNTctMmE5ZDFlOGM0YjIxCg=='}},
     '6f1d0c7e3b1a4f0e9a572a9d1e8c4b21'),
    ({'__xen_reboot_boot_before': {'content': 'NmYxZDBjN2UtM2IxYS00ZjBlLTlhNTctMmE5ZDFlOGM0YjIxCg=='}},
     '6f1d0c7e3b1a4f0e9a572a9d1e8c4b21'),
    ({}, ''),
])
def test_the_boot_before_the_reboot_comes_from_the_watchdog_or_the_slurp(recorded, expected):
    # journalctl --list-boots writes boot ids without dashes.
    assert render(role_vars('xen_reboot', 'Debian-12', **recorded), '{{ __xen_reboot_boot_before_id }}') == expected


DOM0 = {'name': 'Domain-0', 'id': 0, 'mem': 1024, 'vcpus': 1, 'state': 'r-----', 'time': 12.5}


@pytest.mark.parametrize('recorded, listed', [
    # After the reboot: xen_facts' own `xl list` showed Domain-0, so verify.yml lists nothing more.
    ({'__xen_reboot_rebooted': True, 'ansible_facts': {'xen': {'role': 'dom0', 'domains': [DOM0]}}}, True),
    # After the reboot the toolstack was not answering yet when xen_facts read: verify.yml lists, with retries.
    ({'__xen_reboot_rebooted': True, 'ansible_facts': {'xen': {'role': 'dom0', 'domains': []}}}, False),
    # xen_toolstack's listing was before the reboot: it proves nothing about this boot.
    ({'__xen_reboot_rebooted': True, 'ansible_facts': {'xen': {'role': 'dom0', 'domains': []}},
      'xen_toolstack_list': {'stdout': 'Name ID\nDomain-0 0'}}, False),
    # No reboot in this role: xen_toolstack's listing is of this boot.
    ({'ansible_facts': {'xen': {'role': 'dom0'}}, 'xen_toolstack_list': {'stdout': 'Name ID\nDomain-0 0'}}, True),
    ({'ansible_facts': {'xen': {'role': 'none'}}}, False),
])
def test_domain0_is_listed_once_per_boot(recorded, listed):
    assert render(role_vars('xen_reboot', 'Debian-12', **recorded), '{{ __xen_reboot_dom0_listed | bool }}') is listed
