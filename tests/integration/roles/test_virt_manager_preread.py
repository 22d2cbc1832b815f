# -*- coding: utf-8 -*-
"""xen_virt_manager leaves its package transaction, config_lines and systemd_services calls out only where
xen_preflight's reading of this run shows nothing to do and nothing can have changed since: __xen_virt_manager_*,
rendered by Ansible."""

import pytest

from .conftest import render, role_vars, role_vars_over

DROP_IN = '/etc/systemd/system/libvirt-guests.service.d/xenhost-order.conf'
RUNNING = {'load': 'loaded', 'active': 'active', 'enabled': True, 'enabled_word': 'enabled'}
STOPPED = {'load': 'loaded', 'active': 'inactive', 'enabled': False, 'enabled_word': 'disabled'}
PACKAGES = {'libvirt-daemon-system': '9.0.0-4', 'libvirt-daemon-driver-xen': '9.0.0-4', 'libvirt-clients': '9.0.0-4',
            'virt-manager': None}
SKIPPED = {'changed': False, 'skipped': True}


def _file(text, mode=0o644, uid=0):
    return {'exists': True, 'regular': True, 'mode': mode, 'uid': uid, 'gid': 0, 'text': text, 'error': None}


def _drop_in_text():
    v = role_vars('xen_virt_manager', 'Debian-12')
    return render(v, '{{ __xen_virt_manager_drop_ins }}')[0]['content']


def _vars(**overrides):
    values = dict(
        xen_preflight_platform='Debian-12',
        xen_packages_changed=False,
        xen_virt_manager_gui=False,
        xen_preflight_packages=PACKAGES,
        xen_preflight_files={
            '/etc/default/libvirtd': _file('LIBVIRTD_ARGS=""\n'),
            '/etc/default/libvirt-guests': _file('URIS=xen:///system\nON_SHUTDOWN=shutdown\nON_BOOT=ignore\n'),
            DROP_IN: _file(_drop_in_text()),
        },
        xen_preflight_services={'xendomains': STOPPED, 'libvirtd': RUNNING, 'libvirt-guests': RUNNING},
        __xen_virt_manager_install_apt=SKIPPED,
        __xen_virt_manager_install_package=SKIPPED,
        ansible_facts={'service_mgr': 'systemd'},
    )
    return role_vars_over('xen_virt_manager', 'Debian-12', values, overrides)


def planned(**overrides):
    v = _vars(**overrides)
    return tuple(render(v, '{{ __xen_virt_manager_%s }}' % name)
                 for name in ('packages_missing', 'settings_planned', 'services_planned'))


def test_converged_dom0_has_nothing_to_do():
    assert planned() == ([], [], [])


def test_what_differs_is_done():
    files = dict(_vars()['xen_preflight_files'])
    files['/etc/default/libvirtd'] = _file('#LIBVIRTD_ARGS="--timeout 120"\n')
    files[DROP_IN] = _file(_drop_in_text(), uid=1000)
    missing, settings, services = planned(xen_virt_manager_gui=True, xen_preflight_files=files)
    assert missing == ['virt-manager'] and settings == ['/etc/default/libvirtd']
    assert services == ['write %s' % DROP_IN, 'daemon-reload']


def test_the_services_are_brought_to_their_states():
    services = {'xendomains': RUNNING, 'libvirtd': STOPPED, 'libvirt-guests': RUNNING}
    assert planned(xen_preflight_services=services)[2] == [
        'disable xendomains.service', 'stop xendomains.service', 'enable libvirtd.service', 'start libvirtd.service']


@pytest.mark.parametrize('overrides', [
    {'xen_preflight_platform': None},       # no xen_preflight in this play
    {'xen_packages_changed': True},         # a package may have rewritten the files
    {'xen_packages_changed': None},         # xen_packages did not run or say
    # xen_toolstack manages xendomains in this play: it may have enabled it since the reading.
    {'xen_toolstack_xendomains_enabled': True},
], ids=['no-preflight', 'packages-changed', 'packages-unknown', 'toolstack-keeps-xendomains'])
def test_the_modules_read_for_themselves(overrides):
    assert planned(**overrides) == (None, None, None)


@pytest.mark.parametrize('overrides', [
    {'__xen_virt_manager_install_apt': {'changed': True}},   # the transaction ran: new files and units
    {'xen_preflight_files': None, 'xen_preflight_services': None},   # not read (an older preflight, no systemd)
    # The role ran its calls already in this run (a play that runs it twice): the reading may be stale.
    {'__xen_virt_manager_settings': {'changed': False}, '__xen_virt_manager_services': {'changed': False}},
], ids=['packages-installed', 'not-read', 'second-pass'])
def test_the_settings_and_services_modules_read_for_themselves(overrides):
    assert planned(**overrides)[1:] == (None, None)
