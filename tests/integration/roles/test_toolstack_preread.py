# -*- coding: utf-8 -*-
"""xen_toolstack leaves its config_lines and systemd_services calls out only where xen_preflight's reading of this run
shows nothing to do and nothing can have changed since (no package): __xen_toolstack_*_planned, rendered by Ansible."""

import pytest

from .conftest import render, role_vars_over

XL_CONF = {'exists': True, 'regular': True, 'mode': 0o644, 'text': 'autoballoon="off"\n', 'error': None}
XENDOMAINS = {'exists': True, 'regular': True, 'mode': 0o644,
              'text': 'XENDOMAINS_SAVE=""\nXENDOMAINS_RESTORE=false\n', 'error': None}
RUNNING = {'load': 'loaded', 'active': 'active', 'enabled': True, 'enabled_word': 'enabled'}
DOM0 = {'xen': {'running': True, 'role': 'dom0', 'version': '4.17.5', 'toolstack': 'xl'}}


def planned(**overrides):
    values = dict(
        xen_preflight_platform='Debian-12',
        xen_packages_changed=False,
        xen_bootloader_dom0_mem='1024M',
        xen_preflight_files={'/etc/xen/xl.conf': XL_CONF, '/etc/default/xendomains': XENDOMAINS},
        xen_preflight_services={'xen': RUNNING, 'xendomains': RUNNING},
        ansible_facts=DOM0,
    )
    v = role_vars_over('xen_toolstack', 'Debian-12', values, overrides)
    return render(v, '{{ __xen_toolstack_settings_planned }}'), render(v, '{{ __xen_toolstack_daemons_planned }}')


def test_converged_dom0_has_nothing_to_do():
    assert planned() == ([], [])


def test_a_setting_or_a_daemon_that_differs_is_done():
    settings, daemons = planned(xen_bootloader_dom0_mem='',   # ballooning wanted: autoballoon="auto"
                                xen_preflight_services={'xen': RUNNING, 'xendomains': dict(RUNNING, active='failed')})
    assert settings == ['/etc/xen/xl.conf'] and daemons == ['start xendomains.service']


def test_before_the_reboot_daemons_are_only_enabled():
    # Not a dom0 yet: enabled, not started ('' state), so a stopped daemon is nothing to do.
    stopped = dict(RUNNING, active='inactive')
    assert planned(ansible_facts={'xen': {'running': False, 'role': 'none'}},
                   xen_preflight_services={'xen': stopped, 'xendomains': stopped})[1] == []


@pytest.mark.parametrize('overrides', [
    {'xen_preflight_platform': None},       # no xen_preflight in this play
    {'xen_packages_changed': True},         # a package may have rewritten the files
    {'xen_packages_changed': None},         # xen_packages did not run or say
    {'xen_preflight_files': None, 'xen_preflight_services': None},   # not read (an older preflight, no systemd)
    # The role ran its calls already in this run (a play that runs it twice): the reading may be stale.
    {'__xen_toolstack_settings': {'changed': True}, '__xen_toolstack_daemons_systemd': {'skipped': True}},
], ids=['no-preflight', 'packages-changed', 'packages-unknown', 'not-read', 'second-pass'])
def test_the_modules_read_for_themselves(overrides):
    assert planned(**overrides) == (None, None)
