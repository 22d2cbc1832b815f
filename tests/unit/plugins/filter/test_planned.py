# -*- coding: utf-8 -*-
"""The planned filters' answers where the reading cannot tell (None: the role then calls the module), and their inputs.

That they agree with the modules on real readings is tested beside each module (test_config_lines.py,
test_grub2_xen_cfg.py, test_systemd_services.py: xen_facts' reading against the module in check mode and for real).
"""
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.xenhost.dom0.plugins.filter.planned import (
    FilterModule, config_lines_changes, grub2_entries_answer, grub2_xen_cfg_changes, packages_missing,
    systemd_services_steps,
)


def _file(text, regular=True, mode=0o644, exists=True):
    return dict(exists=exists, regular=regular, mode=mode if regular else None, text=text,
                error=None if text is not None else 'cannot read')


XL = [dict(path='/etc/xen/xl.conf', lines=[{'regexp': '^#?autoballoon=', 'line': 'autoballoon="off"'}])]


def test_registered_names():
    filters = FilterModule().filters()
    assert filters['config_lines_changes'] is config_lines_changes
    assert filters['grub2_xen_cfg_changes'] is grub2_xen_cfg_changes
    assert filters['systemd_services_steps'] is systemd_services_steps
    assert filters['grub2_entries_answer'] is grub2_entries_answer
    assert filters['packages_missing'] is packages_missing


@pytest.mark.parametrize('reading, expected', [
    ({'libvirt-clients': '9.0.0-4', 'virt-manager': '1:4.1.0-3'}, []),
    ({'libvirt-clients': '9.0.0-4', 'virt-manager': None}, ['virt-manager']),   # known to dpkg, not installed
    ({'libvirt-clients': '9.0.0-4'}, ['virt-manager']),                         # not looked up: not known installed
    (None, None),                                                               # no dpkg database, or not read
])
def test_packages_missing(reading, expected):
    assert packages_missing(reading, ['libvirt-clients', 'virt-manager']) == expected


def test_packages_missing_refuses_what_is_not_a_reading():
    with pytest.raises(AnsibleFilterError):
        packages_missing(['virt-manager'], ['virt-manager'])


@pytest.mark.parametrize('reading, expected', [
    ({'/etc/xen/xl.conf': _file(u'#autoballoon="auto"\n')}, ['/etc/xen/xl.conf']),
    ({'/etc/xen/xl.conf': _file(u'autoballoon="off"\n')}, []),
    ({'/etc/xen/xl.conf': _file(None)}, None),                      # unreadable (too big, a FIFO)
    ({'/etc/xen/xl.conf': _file(None, exists=False)}, None),        # missing: the module says so
    ({}, None),                                                    # not read
    (None, None),                                                  # no reading at all
], ids=['differs', 'as-wanted', 'unreadable', 'missing', 'not-read', 'none'])
def test_config_lines_changes(reading, expected):
    assert config_lines_changes(reading, XL) == expected


@pytest.mark.parametrize('lines', [
    [{'regexp': '^(A=', 'line': 'A=1'}],
    [{'regexp': '^A=', 'line': 'A=1\nB=2'}],
], ids=['bad-regexp', 'line-break'])
def test_config_lines_changes_leaves_refusals_to_the_module(lines):
    assert config_lines_changes({'/f': _file(u'A=0\n')}, [dict(path='/f', lines=lines)]) is None


def test_a_reading_that_is_not_a_mapping_is_an_error():
    with pytest.raises(AnsibleFilterError, match='config_lines_changes'):
        config_lines_changes(['/etc/xen/xl.conf'], XL)


XEN_CFG = u'#XEN_OVERRIDE_GRUB_DEFAULT=\nif [ "$XEN_OVERRIDE_GRUB_DEFAULT" = "" ]; then\n  true\nfi\n'


@pytest.mark.parametrize('reading, options', [
    ({'/x.cfg': _file(XEN_CFG)}, ['dom0_mem=1G,max:1G']),                             # script not read
    ({'/x.cfg': _file(u'GRUB_CMDLINE_XEN_DEFAULT="$(reboot)"\n'), '/s': _file(None, exists=False)},
     ['dom0_mem=1G,max:1G']),                                                         # the module refuses it
    ({'/x.cfg': _file(XEN_CFG), '/s': _file(None, exists=False)}, ["dom0_mem=1G'"]),  # refused option
    ({'/x.cfg': _file(None, exists=False), '/s': _file(None, exists=False)}, []),     # no xen.cfg
    (None, []),
], ids=['script-not-read', 'unsafe-setting', 'unsafe-option', 'no-xen-cfg', 'none'])
def test_grub2_xen_cfg_changes_cannot_tell(reading, options):
    assert grub2_xen_cfg_changes(reading, '/x.cfg', options, True, False, 0, True, '/s', u'#!/bin/sh\n') is None


def test_grub2_xen_cfg_changes_a_trial_without_the_script_text_cannot_tell():
    reading = {'/x.cfg': _file(XEN_CFG), '/s': _file(None, exists=False)}
    assert grub2_xen_cfg_changes(reading, '/x.cfg', [], True, False, 0, True, '/s', None) is None
    # Not a trial: the script's text is not needed.
    assert grub2_xen_cfg_changes(reading, '/x.cfg', [], False, False, 0, True, '/s', None) == {
        'changed': True, 'trial': False}


SEEN = {'xen': dict(load='loaded', active='active', enabled=True, enabled_word='generated'),
        'xendomains': dict(load='loaded', active='inactive', enabled=False, enabled_word='disabled')}


@pytest.mark.parametrize('services, state, expected', [
    (['xen'], 'started', []),
    (['xen', 'xendomains'], 'started', ['enable xendomains.service', 'start xendomains.service']),
    (['xen', 'xendomains'], '', ['enable xendomains.service']),
    (['xen', 'libvirtd'], 'started', None),       # not read: no such service in the reading
    (['-x'], 'started', None),                    # not a service name
], ids=['as-wanted', 'one-to-do', 'enable-only', 'not-read', 'bad-name'])
def test_systemd_services_steps(services, state, expected):
    assert systemd_services_steps(SEEN, services, True, state) == expected


def test_systemd_services_steps_without_a_reading():
    assert systemd_services_steps(None, ['xen'], True, 'started') is None
