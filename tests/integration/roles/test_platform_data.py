# -*- coding: utf-8 -*-
"""Per-platform data and templates, rendered with Ansible's templating: exact RHEL 5 and Debian contents."""

import os
import re
import shlex

import pytest

from ansible_collections.xenhost.dom0.plugins.module_utils import platforms

from .conftest import ROLES, render, render_file, role_vars

PLATFORMS = tuple(platforms.platform_ids())
ROLE_NAMES = ('xen_preflight', 'xen_packages', 'xen_bootloader', 'xen_toolstack', 'xen_virt_manager', 'xen_reboot')


def test_no_role_keeps_platform_files():
    """The platform table (module_utils/platforms.py) is the one source: no role loads vars/<platform>.yml any more."""
    for role in ROLE_NAMES:
        assert sorted(os.listdir(os.path.join(ROLES, role, 'vars'))) == ['main.yml'], role
        assert not os.path.exists(os.path.join(ROLES, role, 'tasks', 'platform.yml')), role
        with open(os.path.join(ROLES, role, 'tasks', 'main.yml')) as f:
            assert 'xenhost.dom0.platform_facts:' in f.read(), role


def test_rhel5_package_set_is_the_original_procedure_in_one_list():
    v = role_vars('xen_packages', 'RedHat-5', xen_packages_extra=['screen'])
    assert render(v, '{{ __xen_packages_all }}') == [
        'kernel-xen', 'kernel-xen-devel', 'xen-libs', 'bridge-utils', 'SDL', 'libvirt', 'libvirt-python',
        'python-virtinst', 'xen', 'screen']
    # One ansible.builtin.package call with the whole list: one yum transaction.
    assert render(v, '{{ __xen_packages_manager }}') == 'package'
    with open(os.path.join(ROLES, 'xen_packages', 'tasks', 'install_package.yml')) as f:
        text = f.read()
    assert text.count('ansible.builtin.package:') == 1 and 'name: "{{ __xen_packages_all }}"' in text


def test_debian_package_sets():
    assert render(role_vars('xen_packages', 'Debian-12'), '{{ __xen_packages_all }}') == [
        'xen-system-amd64', 'bridge-utils', 'qemu-system-xen']
    assert render(role_vars('xen_packages', 'Debian-13'), '{{ __xen_packages_all }}') == [
        'xen-system-amd64', 'bridge-utils', 'qemu-system-xen']


def _media_repo(distribution, **extra):
    v = role_vars('xen_packages', 'RedHat-5', xen_packages_media_path='/media/cdrom',
                  ansible_managed='Ansible managed', ansible_facts={'distribution': distribution}, **extra)
    return render_file(v, os.path.join(ROLES, 'xen_packages', 'templates', 'media.repo.j2'))


def test_rhel5_media_repo_points_at_server_and_vt():
    assert _media_repo('RedHat') == (
        '#\n# Ansible managed\n#\n'
        '# Local repositories on the installation media mounted at /media/cdrom.\n'
        '# skip_if_unavailable: once the media is unmounted, yum carries on with the other repositories.\n'
        '\n[xenhost-media-server]\nname=Installation media - Server\nbaseurl=file:///media/cdrom/Server\n'
        'enabled=1\nskip_if_unavailable=1\ngpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-redhat-release\n'
        '\n[xenhost-media-vt]\nname=Installation media - VT\nbaseurl=file:///media/cdrom/VT\n'
        'enabled=1\nskip_if_unavailable=1\ngpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-redhat-release\n')


def test_centos5_media_repo_is_the_dvd_root_without_gpg_when_asked():
    assert _media_repo('CentOS', xen_packages_media_gpgcheck=False) == (
        '#\n# Ansible managed\n#\n'
        '# Local repositories on the installation media mounted at /media/cdrom.\n'
        '# skip_if_unavailable: once the media is unmounted, yum carries on with the other repositories.\n'
        '\n[xenhost-media]\nname=Installation media\nbaseurl=file:///media/cdrom\n'
        'enabled=1\nskip_if_unavailable=1\ngpgcheck=0\n')


def test_hypervisor_command_line():
    v = role_vars('xen_bootloader', 'Debian-12', xen_bootloader_dom0_mem='1024M', xen_bootloader_dom0_max_vcpus='1-2',
                  xen_bootloader_extra_args=['com1=115200,8n1', 'console=com1,vga'])
    assert render(v, '{{ __xen_bootloader_xen_args }}') == (
        'dom0_mem=1024M,max:1024M dom0_max_vcpus=1-2 com1=115200,8n1 console=com1,vga')
    assert render(role_vars('xen_bootloader', 'Debian-12'), '{{ __xen_bootloader_xen_args }}') == ''


def test_rhel5_kernel_updates_keep_booting_xen():
    v = role_vars('xen_bootloader', 'RedHat-5')
    assert render(v, '{{ __xen_bootloader_sysconfig_kernel_file }}') == '/etc/sysconfig/kernel'
    assert dict(render(v, '{{ __xen_bootloader_sysconfig_kernel }}')) == {'DEFAULTKERNEL': 'kernel-xen', 'UPDATEDEFAULT': 'yes'}
    assert render(v, '{{ __xen_bootloader_types }}') == ['grub_legacy']
    assert render(v, '{{ __xen_bootloader_grub_legacy_menu }}') == '/boot/grub/grub.conf'
    assert render(v, '{{ __xen_bootloader_grub_legacy_update_command }}') == []


def test_debian12_grub_legacy_xen_stanza():
    v = role_vars('xen_bootloader', 'Debian-12', xen_bootloader_dom0_mem='512M',
                  __xen_bootloader_groot='(hd0,0)', __xen_bootloader_legacy_mode='permanent',
                  __xen_bootloader_legacy_dom0_args=[],
                  __xen_bootloader_base={'kernel': '/boot/vmlinuz-6.1.0-28-amd64 root=/dev/vda1 ro console=ttyS0'})
    text = render_file(v, os.path.join(ROLES, 'xen_bootloader', 'templates', 'grub_legacy_xen_entry.j2'))
    assert text == (
        'title\t\tXen 4.17-amd64 / Debian GNU/Linux, kernel 6.1.0-28-amd64\n'
        'root\t\t(hd0,0)\n'
        'kernel\t\t/boot/xen-4.17-amd64.gz dom0_mem=512M,max:512M\n'
        'module\t\t/boot/vmlinuz-6.1.0-28-amd64 root=/dev/vda1 ro console=ttyS0\n'
        'module\t\t/boot/initrd.img-6.1.0-28-amd64\n')


def test_toolstack_follows_the_xen_version():
    not_on_xen = {'xen': {'running': False, 'version': None, 'role': 'none'}}
    rhel5 = role_vars('xen_toolstack', 'RedHat-5', ansible_facts=not_on_xen)
    assert render(rhel5, '{{ __xen_toolstack_cli }}') == 'xm'
    assert list(render(rhel5, '{{ __xen_toolstack_services }}')['xm']) == ['xend', 'xendomains']
    assert render(rhel5, '{{ __xen_toolstack_xendomains_config }}') == '/etc/sysconfig/xendomains'
    assert render(rhel5, '{{ __xen_toolstack_xend_config }}') == '/etc/xen/xend-config.sxp'
    for platform in ('Debian-12', 'Debian-13'):
        deb = role_vars('xen_toolstack', platform, ansible_facts=not_on_xen)
        assert render(deb, '{{ __xen_toolstack_cli }}') == 'xl'
        assert list(render(deb, '{{ __xen_toolstack_services }}')['xl']) == ['xen', 'xendomains']
        assert render(deb, '{{ __xen_toolstack_xendomains_config }}') == '/etc/default/xendomains'
    # The running hypervisor wins over the platform's: Xen 4.4 still had xend.
    old = role_vars('xen_toolstack', 'Debian-12', ansible_facts={'xen': {'running': True, 'version': '4.4.1', 'role': 'dom0'}})
    assert render(old, '{{ __xen_toolstack_cli }}') == 'xm'


def test_autoballoon_follows_dom0_mem():
    assert render(role_vars('xen_toolstack', 'Debian-12', xen_bootloader_dom0_mem='1024M'), '{{ __xen_toolstack_balloon }}') == 'off'
    assert render(role_vars('xen_toolstack', 'Debian-12'), '{{ __xen_toolstack_balloon }}') == 'auto'
    assert render(role_vars('xen_toolstack', 'Debian-12', xen_toolstack_autoballoon='on',
                            xen_bootloader_dom0_mem='1G'), '{{ __xen_toolstack_balloon }}') == 'on'


def test_toolstack_settings_files_in_one_call():
    """xen_toolstack's one config_lines call: xl.conf's ballooning where the toolstack is xl, then xendomains' lines,
    whose save directory root's sh reads single-quoted; xm (RHEL 5) sets xend's own file in xm.yml, not here."""
    not_on_xen = {'xen': {'running': False, 'version': None, 'role': 'none'}}
    files = '{{ __xen_toolstack_settings_files }}'
    deb = render(role_vars('xen_toolstack', 'Debian-12', ansible_facts=not_on_xen, xen_bootloader_dom0_mem='1024M',
                           xen_toolstack_xendomains_save_dir="/var/lib/xen/it's here"), files)
    assert [f['path'] for f in deb] == ['/etc/xen/xl.conf', '/etc/default/xendomains']
    assert deb[0]['lines'] == [{'regexp': '^#?autoballoon=', 'line': 'autoballoon="off"'}]
    assert [i['line'] for i in deb[1]['lines']] == ["XENDOMAINS_SAVE='/var/lib/xen/it'\"'\"'s here'",
                                                    'XENDOMAINS_RESTORE=false']
    default = render(role_vars('xen_toolstack', 'Debian-13', ansible_facts=not_on_xen), files)
    assert [i['line'] for i in default[0]['lines'] + default[1]['lines']] == [
        'autoballoon="auto"', 'XENDOMAINS_SAVE=""', 'XENDOMAINS_RESTORE=false']
    rhel5 = render(role_vars('xen_toolstack', 'RedHat-5', ansible_facts=not_on_xen), files)
    assert [f['path'] for f in rhel5] == [render(role_vars('xen_toolstack', 'RedHat-5'),
                                                 '{{ __xen_toolstack_xendomains_config }}')]


def test_virt_manager_packages():
    assert list(render(role_vars('xen_virt_manager', 'RedHat-5'), '{{ __xen_virt_manager_packages }}')) == [
        'libvirt', 'libvirt-python', 'virt-manager', 'gnome-python2-gnomekeyring']
    assert list(render(role_vars('xen_virt_manager', 'Debian-13'), '{{ __xen_virt_manager_packages }}')) == [
        'libvirt-daemon-system', 'libvirt-daemon-driver-xen', 'libvirt-clients', 'virt-manager']


def test_headless_virt_manager_packages():
    """xen_virt_manager_gui=false: libvirt and its Xen driver only, what a workstation's virt-manager connects to."""
    for platform, expected in (('Debian-12', ['libvirt-daemon-system', 'libvirt-daemon-driver-xen', 'libvirt-clients']),
                               ('RedHat-5', ['libvirt', 'libvirt-python'])):
        headless = role_vars('xen_virt_manager', platform, xen_virt_manager_gui=False)
        assert list(render(headless, '{{ __xen_virt_manager_packages }}')) == expected


@pytest.mark.parametrize('options, expected', [
    ({}, {'URIS': 'xen:///system', 'ON_SHUTDOWN': 'shutdown', 'ON_BOOT': 'ignore'}),
    ({'xen_toolstack_xendomains_save_dir': '/var/lib/xen/save', 'xen_toolstack_xendomains_restore': True},
     {'URIS': 'xen:///system', 'ON_SHUTDOWN': 'suspend', 'ON_BOOT': 'start'}),
])
def test_libvirt_guests_get_the_xendomains_policy(options, expected):
    """Where libvirt owns the guests, libvirt-guests stops them with dom0 as xen_toolstack told xendomains to."""
    for platform in ('Debian-12', 'Debian-13'):
        variables = role_vars('xen_virt_manager', platform, **options)
        lines = render(variables, '{{ __xen_virt_manager_guests_settings }}')
        settings = dict(i['line'].split('=', 1) for i in lines)
        assert settings == expected
        # Each regexp finds its key set or commented out (Debian ships them as comments), and no other key.
        for item in lines:
            key = item['line'].split('=', 1)[0]
            assert [k for k in expected if re.match(item['regexp'], '%s=x' % k)] == [key]
            assert re.match(item['regexp'], '#%s=x' % key)
        assert render(variables, '{{ __xen_virt_manager_guests.after }}') == ['xen.service', 'libvirtd.service']
    # libvirt 0.x has no libvirt-guests; xendomains keeps the guests there.
    assert render(role_vars('xen_virt_manager', 'RedHat-5'), '{{ __xen_virt_manager_guests }}') == {}


def test_xendomains_is_left_to_libvirt_when_virt_manager_is_enabled():
    """Debian's libvirtd.service has Conflicts=xendomains.service: enabling both makes them stop each other."""
    not_on_xen = {'xen': {'running': False, 'version': None, 'role': 'none'}}
    daemons = '{{ __xen_toolstack_daemons }}'
    for platform in ('Debian-12', 'Debian-13'):
        assert render(role_vars('xen_toolstack', platform, ansible_facts=not_on_xen), daemons) == ['xen', 'xendomains']
        with_libvirt = role_vars('xen_toolstack', platform, ansible_facts=not_on_xen, xen_virt_manager_enabled=True)
        assert render(with_libvirt, daemons) == ['xen']
        assert render(role_vars('xen_virt_manager', platform), '{{ __xen_virt_manager_conflicting_services }}') == [
            {'name': 'xendomains', 'enabled': False, 'state': 'stopped'}]
        assert render(role_vars('xen_virt_manager', platform), '{{ __xen_virt_manager_daemon_settings }}') == {
            'path': '/etc/default/libvirtd', 'regexp': '^#?LIBVIRTD_ARGS=', 'line': 'LIBVIRTD_ARGS=""'}
    rhel5 = role_vars('xen_toolstack', 'RedHat-5', ansible_facts=not_on_xen)
    assert render(rhel5, daemons) == ['xend', 'xendomains']
    assert render(role_vars('xen_virt_manager', 'RedHat-5'), '{{ __xen_virt_manager_conflicting_services }}') == []


def test_libvirt_guests_drop_in_orders_its_stop_before_xen_and_libvirtd():
    for platform in ('Debian-12', 'Debian-13'):
        drop_ins = render(role_vars('xen_virt_manager', platform), '{{ __xen_virt_manager_drop_ins }}')
        assert [(d['service'], d['name']) for d in drop_ins] == [('libvirt-guests', 'xenhost-order.conf')]
        assert drop_ins[0]['content'].endswith('\n[Unit]\nAfter=xen.service libvirtd.service\n')
    assert render(role_vars('xen_virt_manager', 'RedHat-5'), '{{ __xen_virt_manager_drop_ins }}') == []
    assert render(role_vars('xen_virt_manager', 'RedHat-5'), '{{ __xen_virt_manager_daemon_settings }}') == {}


@pytest.mark.parametrize('platform_id', PLATFORMS)
def test_reboot_command_is_shutdown_by_path_with_the_message_as_one_argument(platform_id):
    """The reboot module gets shutdown by absolute path (no find module first) and the message as one shell word."""
    v = role_vars('xen_reboot', platform_id, xen_reboot_msg="Xen's turn (xenhost.dom0)")
    command = render(v, '{{ __xen_reboot_shutdown_command }}')
    assert shlex.split(command) == ['/sbin/shutdown', '-r', '0', "Xen's turn (xenhost.dom0)"]


@pytest.mark.parametrize('reading, extra, installed', [
    ({'xen-system-amd64': '4.17.5+72-g01140da4e8-1', 'bridge-utils': '1.7.1-1', 'qemu-system-xen': '1:7.2+dfsg-7+deb12u16'},
     [], True),
    ({'xen-system-amd64': '4.17.5+72-g01140da4e8-1', 'bridge-utils': '1.7.1-1', 'qemu-system-xen': None}, [], False),
    # A package xen_preflight did not look up is not known to be installed.
    ({'xen-system-amd64': '4.17.5+72-g01140da4e8-1', 'bridge-utils': '1.7.1-1', 'qemu-system-xen': '1:7.2'}, ['screen'],
     False),
    (None, [], False),   # no dpkg database: unknown
    ('unset', [], False),  # no xen_preflight in this run
], ids=['all-in', 'one-missing', 'extra-not-read', 'no-dpkg', 'no-preflight'])
def test_packages_transaction_left_out_only_when_preflight_read_all_installed(reading, extra, installed):
    v = role_vars('xen_packages', 'Debian-12', xen_packages_extra=extra,
                  **({} if reading == 'unset' else {'xen_preflight_packages': reading}))
    assert render(v, '{{ __xen_packages_all_installed | bool }}') is installed


def test_the_trial_watchdog_paths_are_the_ones_xen_facts_looks_at():
    """xen_reboot installs the watchdog where xen_facts' trial_watchdog_installed looks (module_utils/trial_watchdog.py)."""
    from ansible_collections.xenhost.dom0.plugins.module_utils import trial_watchdog
    v = role_vars('xen_reboot', 'Debian-12')
    assert render(v, '{{ __xen_reboot_watchdog_program }}') == trial_watchdog.PROGRAM_PATH
    assert render(v, '{{ __xen_reboot_watchdog_unit_path }}') == trial_watchdog.UNIT_PATH


@pytest.mark.parametrize('installed, preflight, rebooted, absent', [
    (False, True, False, True),     # xen_preflight's reading of this run: nothing to remove
    (False, False, True, True),     # this role's own reading after its reboot
    (False, False, False, False),   # a reading not known to be from this run (a fact cache): remove
    (True, True, False, False),
    (None, True, False, False),     # could not tell
    ('unset', True, False, False),  # xen_facts without the key (an older collection's cached reading)
], ids=['preflight', 'after-reboot', 'not-this-run', 'installed', 'unknown', 'no-key'])
def test_watchdog_removal_left_out_only_on_a_fresh_reading_without_it(installed, preflight, rebooted, absent):
    xen = {'role': 'dom0'} if installed == 'unset' else {'role': 'dom0', 'trial_watchdog_installed': installed}
    extra = {'ansible_facts': {'xen': xen, 'xenhost_platform': platforms.entry('Debian-12')},
             '__xen_reboot_rebooted': rebooted}
    if preflight:
        extra['xen_preflight_platform'] = 'Debian-12'
    v = role_vars('xen_reboot', 'Debian-12', **extra)
    assert render(v, '{{ __xen_reboot_watchdog_absent | bool }}') is absent


@pytest.mark.parametrize('platform', ['Debian-12', 'Debian-13'])
def test_the_menu_xen_preflight_reads_is_the_one_xen_bootloader_reads(platform):
    """grub2_entries_answer trusts xen_preflight's reading only for the menu and sources xen_bootloader passes
    grub2_entries: the platform's preread must name exactly those, or every run would call the module."""
    v = role_vars('xen_bootloader', platform, xen_bootloader_grub2_cfg_path='')
    preread = platforms.entry(platform)['preread']['grub2_menu']
    assert render(v, '{{ __xen_bootloader_grub2_menu }}') == preread['path']
    assert render(v, '{{ __xen_bootloader_grub2_sources }}') == preread['sources']


@pytest.mark.parametrize('platform', ['Debian-12', 'RedHat-5'])
def test_the_grub_legacy_menu_xen_preflight_reads_is_the_one_xen_bootloader_edits(platform):
    """grub_legacy_answer trusts xen_preflight's reading only for the menu and boot directory xen_bootloader passes
    grub_legacy: the platform's preread must name exactly those, or every run would call the module."""
    v = role_vars('xen_bootloader', platform)
    preread = platforms.entry(platform)['preread']['grub_legacy_menu']
    assert render(v, '{{ __xen_bootloader_legacy_menu }}') == preread['path']
    assert render(v, '{{ __xen_bootloader_boot_dir }}') == preread['boot_dir']


@pytest.mark.parametrize('enabled', [True, False])
def test_xen_preflight_reads_xen_virt_manager_s_files_and_services_only_in_a_play_that_runs_it(enabled):
    preread = platforms.entry('Debian-12')['preread']
    v = role_vars('xen_preflight', 'Debian-12', xen_virt_manager_enabled=enabled)
    files, services = render(v, '{{ __xen_preflight_read_files }}'), render(v, '{{ __xen_preflight_read_services }}')
    assert files[:len(preread['files'])] == preread['files'] and services[:len(preread['services'])] == preread['services']
    assert (files[len(preread['files']):], services[len(preread['services']):]) == (
        (preread['virt_manager']['files'], preread['virt_manager']['services']) if enabled else ([], []))
    # The packages are read either way (dpkg's database is read once, whatever the names).
    assert 'libvirt-daemon-system' in render(v, '{{ __xen_preflight_packages }}')
