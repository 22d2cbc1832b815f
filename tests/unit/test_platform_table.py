# -*- coding: utf-8 -*-
"""The platform table (plugins/module_utils/platforms.py): its shape, how a host selects an entry, and that a new
platform is one entry: a fake Debian 14 added in memory answers everything every role reads from it.

Also the rule that roles talk through public facts only: no role reads another role's __ variables."""

from __future__ import absolute_import, division, print_function

import copy
import os
import re

import pytest
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

from ansible_collections.xenhost.dom0.plugins.filter.platform import bootloader_of, toolstack_of
from ansible_collections.xenhost.dom0.plugins.filter import report
from ansible_collections.xenhost.dom0.plugins.module_utils import platforms

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
ROLES = os.path.join(REPO, 'roles')
ROLE_NAMES = sorted(name for name in os.listdir(ROLES) if os.path.isdir(os.path.join(ROLES, name)))
# A reference to the platform entry in a role: ansible_facts.xenhost_platform.<key>.<key>...
REFERENCE = re.compile(r'ansible_facts\.xenhost_platform((?:\.[a-z_0-9]+)*)')
BY_FAMILY = re.compile(r'(__[a-z_0-9]+_by_family)\[ansible_facts\.xenhost_platform\.family\]')


def fake_debian14():
    """What a maintainer adds for Debian 14: one entry (its Xen release made up here)."""
    table = copy.deepcopy(platforms.PLATFORMS)
    table['Debian-14'] = platforms._debian('14', '4.99')
    return table


def role_files(role):
    for top, dummy, files in os.walk(os.path.join(ROLES, role)):
        for name in files:
            if name.endswith(('.yml', '.j2')):
                path = os.path.join(top, name)
                with open(path) as f:
                    yield path, f.read()


# Free-form, or {} where the family has none (RHEL 5's libvirt has no settings to set and no libvirt-guests).
FREE_FORM = ('services', 'owners', 'sysconfig_kernel', 'daemon_settings', 'guests')


def shape(value, key=None):
    """The keys of an entry, recursively; the values' types at the leaves. FREE_FORM mappings are leaves too."""
    if isinstance(value, dict) and key not in FREE_FORM:
        return dict((k, shape(v, k)) for k, v in value.items())
    return type(value).__name__


# --- the table ---------------------------------------------------------------------------------------------

def test_every_entry_has_the_same_keys():
    reference = shape(platforms.PLATFORMS['Debian-12'])
    for platform_id in platforms.platform_ids():
        entry = platforms.PLATFORMS[platform_id]
        assert entry['id'] == platform_id
        assert shape(entry) == reference, platform_id


@pytest.mark.parametrize('platform_id', platforms.platform_ids())
def test_entry_is_consistent(platform_id):
    entry = platforms.PLATFORMS[platform_id]
    assert entry['toolstack'] == toolstack_of(entry['xen'])
    assert list(entry['services']) == [entry['toolstack']]
    assert 'pae' in entry['fatal_checks'] and set(entry['fatal_checks']) <= set(platforms.FATAL_CHECKS)
    assert set(entry['bootloader']['types']) <= {'grub2', 'grub_legacy'}
    assert set(entry['bootloader']['owners']) <= set(entry['bootloader']['types'])
    assert entry['bootloader']['probe'], 'xen_preflight needs a probe to tell a host without bootloader'
    assert entry['name'] == '%s (Xen %s)' % (entry['label'], entry['xen'])
    if 'grub2' in entry['bootloader']['types']:
        assert entry['grub2']['cfg'] and entry['grub2']['update_command']
    assert entry['packages']['manager'] in ('apt', 'package')
    # xen_reboot knows one way to bound a trial boot that never answers: Linux's xen_wdt, armed by a systemd unit.
    assert entry['trial_watchdog'] in ('', 'xen_wdt')
    # xen_reboot's reboot command: by a bare name, Ansible's reboot would run a find module to look for it first.
    assert entry['paths']['shutdown'].startswith('/')


DEBIAN_GRUB2_SOURCES = ['/etc/default/grub.d/xen.cfg', '/etc/default/grub', '/etc/grub.d/01_xenhost_fallback']


@pytest.mark.parametrize('platform_id, files, services, menu, legacy_menu, virt_manager', [
    ('Debian-12', ['/etc/default/grub.d/xen.cfg', '/etc/grub.d/01_xenhost_fallback', '/etc/xen/xl.conf',
                   '/etc/default/xendomains'], ['xen', 'xendomains'],
     {'path': '/boot/grub/grub.cfg', 'sources': DEBIAN_GRUB2_SOURCES},
     {'path': '/boot/grub/menu.lst', 'boot_dir': '/boot'},
     {'files': ['/etc/default/libvirtd', '/etc/default/libvirt-guests',
                '/etc/systemd/system/libvirt-guests.service.d/xenhost-order.conf'],
      'services': ['libvirtd', 'libvirt-guests']}),
    ('RedHat-5', ['/etc/sysconfig/xendomains'], ['xend', 'xendomains'], None,
     {'path': '/boot/grub/grub.conf', 'boot_dir': '/boot'}, {'files': [], 'services': ['libvirtd']}),
])
def test_preread_is_what_the_later_roles_set(platform_id, files, services, menu, legacy_menu, virt_manager):
    """xen_preflight reads these for xen_bootloader's grub2_xen_cfg, grub2_entries and grub_legacy, xen_toolstack's
    config_lines and systemd_services, and (in a play with it) xen_virt_manager's, with libvirt-guests' drop-in; a path
    the platform does not have ('') is not read, nor a menu it does not have."""
    assert platforms.entry(platform_id)['preread'] == {'files': files, 'services': services, 'grub2_menu': menu,
                                                       'grub_legacy_menu': legacy_menu, 'virt_manager': virt_manager}


@pytest.mark.parametrize('platform_id, sources', [('Debian-12', DEBIAN_GRUB2_SOURCES), ('Debian-13', DEBIAN_GRUB2_SOURCES),
                                                  ('RedHat-5', [])])
def test_grub2_sources_are_the_files_the_roles_change_that_update_grub_reads(platform_id, sources):
    assert platforms.entry(platform_id)['grub2']['sources'] == sources


def test_xm_before_xen_45():
    assert [toolstack_of(v) for v in ('3.1.2-164.el5', '4.4.1', '4.5.0', '4.17.5', '4.20', None, '', 'junk')] == [
        'xm', 'xm', 'xl', 'xl', 'xl', 'xl', 'xl', 'xl']


@pytest.mark.parametrize('facts, expected', [
    ({'distribution': 'Debian', 'os_family': 'Debian', 'distribution_major_version': '12'}, 'Debian-12'),
    ({'distribution': 'Debian', 'os_family': 'Debian', 'distribution_major_version': '13'}, 'Debian-13'),
    ({'distribution': 'RedHat', 'os_family': 'RedHat', 'distribution_major_version': '5'}, 'RedHat-5'),
    ({'distribution': 'CentOS', 'os_family': 'RedHat', 'distribution_major_version': '5'}, 'RedHat-5'),
    ({'distribution': 'Debian', 'os_family': 'Debian', 'distribution_major_version': '11'}, None),
    ({'distribution': 'Ubuntu', 'os_family': 'Debian', 'distribution_major_version': '24'}, None),
    ({'distribution': 'CentOS', 'os_family': 'RedHat', 'distribution_major_version': '7'}, None),
    ({}, None),
    (None, None),
])
def test_select(facts, expected):
    assert platforms.select(facts) == expected


def test_unsupported_message():
    assert platforms.unsupported_message({'distribution': 'Ubuntu', 'distribution_version': '24.04'}) == (
        'Ubuntu 24.04 is not a supported Xen dom0 platform for xenhost.dom0 (supported: Debian 12, Debian 13, '
        'RHEL/CentOS 5). Nothing on this host has been changed.')


def test_bootloader_detection():
    debian, rhel = platforms.PLATFORMS['Debian-12'], platforms.PLATFORMS['RedHat-5']
    assert bootloader_of('grub-pc: /usr/sbin/update-grub\n', debian) == 'grub2'
    assert bootloader_of('grub-legacy: /usr/sbin/update-grub\n', debian) == 'grub_legacy'
    assert bootloader_of('', debian) == 'grub2'
    assert bootloader_of(None, debian) == 'grub2'
    assert bootloader_of('', rhel) == 'grub_legacy'
    # The probe the roles run to choose: only where there is a choice (Debian: GRUB 2 or GRUB legacy).
    assert platforms.entry('Debian-12')['bootloader']['detect'] == ['dpkg-query', '--search', '/usr/sbin/update-grub']
    assert platforms.entry('RedHat-5')['bootloader']['detect'] == []


def test_report_verdict_rule_is_the_tables():
    assert report.THIRTY_TWO_BIT_XEN_PLATFORMS == (('RedHat-5', 'RHEL/CentOS 5 (Xen 3.1)'),)
    assert report.SIXTY_FOUR_BIT_XEN_PLATFORMS == (('Debian-12', 'Debian 12 (Xen 4.17)'), ('Debian-13', 'Debian 13 (Xen 4.20)'))
    # Every check a platform can make fatal is one whose failure makes the report's verdict "not ready".
    for entry in platforms.PLATFORMS.values():
        assert set(entry['fatal_checks']) <= set(report.BLOCKING_CHECKS)


# --- a new platform is one entry ---------------------------------------------------------------------------

def test_debian14_is_selected_and_joins_the_report_rule():
    table = fake_debian14()
    assert platforms.select({'distribution': 'Debian', 'os_family': 'Debian', 'distribution_major_version': '14'},
                            table) == 'Debian-14'
    assert 'Debian 14' in platforms.supported_text(table)
    assert ('Debian-14', 'Debian 14 (Xen 4.99)') in platforms.platforms_by_cpu_bits(table)[1]


def test_no_role_has_a_per_platform_file():
    for role in ROLE_NAMES:
        assert os.listdir(os.path.join(ROLES, role, 'vars')) == ['main.yml'], role
        assert not os.path.exists(os.path.join(ROLES, role, 'tasks', 'platform.yml')), role


@pytest.mark.parametrize('role', ROLE_NAMES)
def test_every_role_reads_only_what_a_new_entry_has(role):
    # As platform_facts publishes it: the table's entry with what entry() derives.
    entry = platforms.entry('Debian-14', fake_debian14())
    seen = 0
    for path, text in role_files(role):
        for match in REFERENCE.finditer(text):
            value = entry
            for key in [k for k in match.group(1).split('.') if k]:
                assert isinstance(value, dict) and key in value, (path, match.group(0))
                value = value[key]
            seen += 1
        for match in BY_FAMILY.finditer(text):
            data = DataLoader().load_from_file(os.path.join(ROLES, role, 'vars', 'main.yml'))
            assert entry['family'] in data[match.group(1)], (path, match.group(1))
    with open(os.path.join(ROLES, role, 'tasks', 'main.yml')) as f:
        assert 'xenhost.dom0.platform_facts:' in f.read(), role
    assert seen > 0, '%s reads nothing from the platform entry?' % role


@pytest.mark.parametrize('role', ROLE_NAMES)
def test_every_role_renders_its_platform_data_from_a_new_entry(role):
    """Each of the role's variables that is built from the entry renders on Debian 14, without a file of its own."""
    loader = DataLoader()
    variables = {}
    for part in ('defaults/main.yml', 'vars/main.yml'):
        path = os.path.join(ROLES, role, part)
        if os.path.exists(path):
            variables.update(loader.load_from_file(path) or {})
    names = [name for name, value in variables.items() if isinstance(value, str) and 'xenhost_platform' in value]
    variables = dict((k, trust_as_template(v) if isinstance(v, str) else v) for k, v in variables.items())
    variables['ansible_facts'] = {'xenhost_platform': platforms.entry('Debian-14', fake_debian14()), 'distribution': 'Debian'}
    templar = Templar(loader=loader, variables=variables)
    assert names, role
    for name in names:
        value = templar.template(trust_as_template('{{ %s }}' % name))
        assert value is not None, (role, name)


# --- roles talk through public facts -----------------------------------------------------------------------

@pytest.mark.parametrize('role', ROLE_NAMES)
def test_no_role_reads_another_roles_private_variables(role):
    others = [other for other in ROLE_NAMES if other != role]
    private = re.compile(r'__(%s)_[a-z0-9_]' % '|'.join(re.escape(o) for o in others))
    found = []
    for path, text in role_files(role):
        found += ['%s: %s' % (os.path.relpath(path, REPO), m.group(0)) for m in private.finditer(text)]
    assert not found, 'use a public fact instead: %s' % found
