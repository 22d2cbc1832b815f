# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of module_utils/boot_firmware.py: efivarfs bytes, the Secure Boot rule, mounts, dpkg, sos listings."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import struct

import pytest

from ansible_collections.xenhost.dom0.plugins.module_utils import boot_firmware as bf

BOOT = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'boot')
ABSENT = bf.ABSENT


def efivar(value, attributes=0x06):
    return struct.pack('<I', attributes) + value


# parse_efi_variable: one byte 0/1 after the attribute word, as efivarfs presents it.

@pytest.mark.parametrize('data,expected', [
    (b'\x06\x00\x00\x00\x01', 1),
    (b'\x06\x00\x00\x00\x00', 0),
    (efivar(b'\x01', 0x07), 1),           # NV|BS|RT: still a readable one-byte boolean
    (efivar(b'\x01', 0x04), 1),           # RT alone
    (efivar(b'\x01', 0x02), None),        # no runtime access: the OS could never have read it
    (efivar(b'\x01', 0x00), None),
    (efivar(b'\x02'), None),              # not a boolean
    (efivar(b'\xff'), None),
    (efivar(b'\x01\x00\x00\x00'), None),  # four data bytes
    (efivar(b''), None),                  # attribute word only
    (b'', None),                          # an uncommitted variable reads empty
    (b'\x06\x00\x00', None),
    (b'\x06\x00\x00\x00\x01\x00', None),
    (None, None),
    (u'\x06\x00\x00\x00\x01', None),      # text, not bytes
])
def test_parse_efi_variable(data, expected):
    assert bf.parse_efi_variable(data) == expected


def test_real_fixture_bytes_parse():
    path = os.path.join(BOOT, 'uefi-shim-validation-disabled', 'sys', 'firmware', 'efi', 'efivars',
                        'MokSBStateRT-605dab50-e046-4300-abb6-3dd810dd8b23')
    with open(path, 'rb') as handle:
        data = handle.read()
    assert data == b'\x06\x00\x00\x00\x01'
    assert bf.parse_efi_variable(data) == 1


def test_efivar_file_names_use_the_real_guids():
    assert bf.efivar_file('SecureBoot', bf.EFI_GLOBAL_VARIABLE_GUID) == 'SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c'
    assert bf.efivar_file('MokSBStateRT', bf.SHIM_LOCK_GUID) == 'MokSBStateRT-605dab50-e046-4300-abb6-3dd810dd8b23'


# secure_boot_state: the rule of GRUB's grub_efi_get_secureboot / Linux's efi_get_secureboot / mokutil --sb-state,
# with shim's runtime mirror MokSBStateRT in place of the boot-services-only MokSBState.

def efivars(secure_boot=ABSENT, setup_mode=ABSENT, mok=ABSENT):
    return {'SecureBoot': secure_boot, 'SetupMode': setup_mode, 'MokSBStateRT': mok}


@pytest.mark.parametrize('variables,state,why', [
    (efivars(1, 0), 'on', 'SecureBoot=1, SetupMode=0, shim validation on'),
    (efivars(1, 0, 0), 'on', 'SecureBoot=1, SetupMode=0, shim validation on'),
    (efivars(1, 0, 1), 'off', 'MokSBStateRT=1'),
    (efivars(0, 0), 'off', 'SecureBoot=0'),
    (efivars(0, 0, 1), 'off', 'SecureBoot=0'),
    (efivars(0, 1), 'off', 'SetupMode=1'),
    (efivars(1, 1), 'off', 'SetupMode=1'),
    (efivars(None, 1), 'off', 'SetupMode=1'),    # setup mode: nothing is enforced whatever SecureBoot says
    (efivars(0, None), 'off', 'SecureBoot=0'),   # SecureBoot=0 is the firmware saying it does not enforce
    (efivars(0, ABSENT), 'off', 'SecureBoot=0'),
    (efivars(), 'off', 'no SecureBoot variable'),
    (efivars(ABSENT, 0, 1), 'off', 'no SecureBoot variable'),
    (efivars(None, 0), 'unknown', 'SecureBoot variable is unreadable'),
    (efivars(None, ABSENT), 'unknown', 'SecureBoot variable is unreadable'),
    (efivars(1, None), 'unknown', 'SetupMode variable is unreadable'),
    (efivars(1, ABSENT), 'unknown', 'SetupMode variable is missing'),
    (efivars(1, 0, None), 'unknown', 'MokSBStateRT is unreadable'),
])
def test_secure_boot_state_on_uefi(variables, state, why):
    got, reason = bf.secure_boot_state('uefi', variables)
    assert got == state
    assert why in reason


def test_secure_boot_state_bios_and_unknown_modes():
    assert bf.secure_boot_state('bios', None) == ('off', 'BIOS boot, no UEFI Secure Boot')
    # A BIOS boot has no Secure Boot whatever a tree's stray efivars say.
    assert bf.secure_boot_state('bios', efivars(1, 0))[0] == 'off'
    assert bf.secure_boot_state('unknown', efivars(1, 0))[0] == 'unknown'


def test_no_efivars_on_uefi_is_unknown_and_under_xen_says_why():
    state, why = bf.secure_boot_state('uefi', None)
    assert state == 'unknown' and 'efi=no-rs' not in why
    state, why = bf.secure_boot_state('uefi', None, under_xen=True)
    assert state == 'unknown' and 'efi=no-rs' in why


def test_mokutil_reading_is_used_only_without_efivars():
    mokutil = ('on', 'mokutil --sb-state: SecureBoot enabled')
    assert bf.secure_boot_state('uefi', None, mokutil=mokutil) == mokutil
    assert bf.secure_boot_state('uefi', efivars(0, 0), mokutil=mokutil)[0] == 'off'
    assert bf.secure_boot_state('bios', None, mokutil=mokutil)[0] == 'off'


@pytest.mark.parametrize('text,expected', [
    ('SecureBoot enabled\n', 'on'),
    ('SecureBoot enabled\nSecureBoot validation is disabled in shim\n', 'off'),
    ('SecureBoot disabled\n', 'off'),
    ('SecureBoot disabled\nPlatform is in Setup Mode\n', 'off'),
    ("This system doesn't support Secure Boot\n", 'off'),
    ('EFI variables are not supported on this system\n', None),
    ('Cannot determine secure boot state.\n', None),
    ('Failed to read "SecureBoot" variable: Input/output error\n', None),
    ('', None),
    (None, None),
    ('SecureBoot enabledd\n', None),
])
def test_parse_mokutil_sb_state(text, expected):
    got = bf.parse_mokutil_sb_state(text)
    assert (got[0] if got else None) == expected


# The check: the one rule the preflight role and the report use.

def test_check_fails_when_enforced_with_the_exact_message():
    check = bf.secure_boot_check({'mode': 'uefi', 'secure_boot': 'on',
                                  'secure_boot_source': 'SecureBoot=1, SetupMode=0, shim validation on'})
    assert check == {
        'id': 'secure_boot', 'status': 'fail',
        'message': 'Secure Boot is enforced (SecureBoot=1, SetupMode=0, shim validation on): the signed shim and GRUB boot '
                   'chain refuses to load the Xen hypervisor, which Debian does not sign, so this host would not boot Xen. '
                   'Either turn Secure Boot off in the firmware setup, or run "mokutil --disable-validation" and confirm '
                   'the change in MokManager at the next boot (needs console access).'}


@pytest.mark.parametrize('facts,status,words', [
    ({'mode': 'uefi', 'secure_boot': 'off', 'secure_boot_source': 'SecureBoot=0'}, 'pass', 'not enforced (SecureBoot=0)'),
    ({'mode': 'bios', 'secure_boot': 'off', 'secure_boot_source': 'BIOS boot'}, 'pass', 'BIOS boot'),
    ({'mode': 'uefi', 'secure_boot': 'unknown', 'secure_boot_source': 'no EFI variables'}, 'unknown', 'could not be read (no EFI variables)'),
    ({'mode': 'unknown', 'secure_boot': 'unknown', 'secure_boot_source': 'x'}, 'unknown', 'mokutil --sb-state'),
    ({}, 'unknown', 'no reason recorded'),
    (None, 'unknown', 'could not be read'),
    ({'secure_boot': 'ON'}, 'unknown', 'could not be read'),
])
def test_check_statuses(facts, status, words):
    check = bf.secure_boot_check(facts)
    assert (check['id'], check['status']) == ('secure_boot', status)
    assert words in check['message']


# boot_mode: efi/ means UEFI; no sys/firmware, a sosreport's partial copy or Linux under Xen never mean BIOS.

@pytest.mark.parametrize('args,mode', [
    ((True, ['acpi', 'efi'], None, False, 'none'), 'uefi'),
    ((True, ['acpi', 'efi'], None, False, 'dom0'), 'uefi'),
    ((False, ['acpi', 'dmi'], None, False, 'none'), 'bios'),
    ((False, ['acpi'], None, False, 'dom0'), 'unknown'),
    ((False, ['acpi'], None, False, 'unknown'), 'unknown'),
    ((False, ['acpi'], None, False, 'domU'), 'unknown'),
    ((False, None, None, False, 'none'), 'unknown'),
    ((False, ['acpi', 'efi'], None, False, 'none'), 'unknown'),    # efi there but not a readable directory
    # sosreport: sys/firmware holds only acpi/ (the kernel plugin's copy); the listing decides.
    ((False, ['acpi'], None, True, 'none'), 'unknown'),
    ((False, ['acpi'], {'/sys/firmware': set(['acpi', 'efi'])}, True, 'none'), 'uefi'),
    ((False, ['acpi'], {'/sys/firmware': set(['acpi', 'dmi'])}, True, 'none'), 'bios'),
    ((False, ['acpi'], {'/sys/firmware': set(['acpi'])}, True, 'dom0'), 'unknown'),
    ((False, ['acpi'], {'/boot': set(['efi'])}, True, 'none'), 'unknown'),
    ((False, ['acpi'], {'/sys/firmware': set()}, True, 'none'), 'unknown'),   # a header without entries
    ((True, ['acpi'], None, True, 'none'), 'uefi'),
])
def test_boot_mode(args, mode):
    assert bf.boot_mode(*args)[0] == mode


LS_FIRMWARE = '''/sys/firmware/:
total 0
drwxr-xr-x.  6 root root system_u:object_r:sysfs_t:s0 0 Nov 20 09:12 .
dr-xr-xr-x. 13 root root system_u:object_r:sysfs_t:s0 0 Nov 20 09:12 ..
drwxr-xr-x.  6 root root system_u:object_r:sysfs_t:s0 0 Nov 20 09:12 acpi
drwxr-xr-x.  5 root root system_u:object_r:sysfs_t:s0 0 Jan  1  1970 efi
lrwxrwxrwx.  1 root root system_u:object_r:sysfs_t:s0 0 Nov 20 09:12 link -> ../x

/sys/firmware/efi:
-rw-r--r--. 1 root root system_u:object_r:sysfs_t:s0 4096 Nov 20 09:12 fw platform size
'''


def test_parse_ls_recursive_selinux_contexts_links_blanks():
    listing = bf.parse_ls_recursive(LS_FIRMWARE)
    assert listing == {'/sys/firmware': set(['acpi', 'efi', 'link']), '/sys/firmware/efi': set(['fw platform size'])}


@pytest.mark.parametrize('text', [None, '', 'garbage\n', 'drwxr-xr-x 2 root root 0 Nov 20 09:12 efi\n', '\0' * 1000])
def test_parse_ls_recursive_without_header_is_none(text):
    assert bf.parse_ls_recursive(text) is None


def test_parse_ls_recursive_skips_huge_lines():
    text = '/sys/firmware:\ndrwxr-xr-x 2 0 0 0 Nov 20 09:12 ' + 'e' * 100000 + '\n'
    assert bf.parse_ls_recursive(text) == {'/sys/firmware': set()}


# Mounts and the ESP.

MOUNTS = '''sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
/dev/sda2 / ext4 rw,relatime 0 0
systemd-1 /boot/efi autofs rw,relatime,fd=42 0 0
/dev/sda1 /boot/efi vfat rw,relatime,fmask=0077 0 0
/dev/sdb1 /media/usb\\040stick vfat rw 0 0
'''


def test_parse_mounts_decodes_octal_escapes():
    mounts = bf.parse_mounts(MOUNTS)
    assert ('/dev/sdb1', '/media/usb stick', 'vfat') in mounts
    assert mounts[3] == ('/dev/sda1', '/boot/efi', 'vfat')
    # Lines with fewer than three fields are not mounts.
    assert bf.parse_mounts('x y\n\n\0\0\0\n') == []
    assert bf.parse_mounts(None) == []


def test_find_esp_prefers_boot_efi_without_looking():
    looked = []
    esp = bf.find_esp(bf.parse_mounts(MOUNTS), lambda mp: looked.append(mp) or True)
    assert esp == {'mountpoint': '/boot/efi', 'device': '/dev/sda1', 'fstype': 'vfat'}
    assert looked == []


def test_find_esp_elsewhere_needs_an_efi_directory():
    mounts = bf.parse_mounts('/dev/sdb1 /media/usb vfat rw 0 0\n/dev/sda1 /boot vfat rw 0 0\n')
    assert bf.find_esp(mounts, lambda mp: mp == '/boot') == {'mountpoint': '/boot', 'device': '/dev/sda1', 'fstype': 'vfat'}
    assert bf.find_esp(mounts, lambda mp: False) is None


def test_find_esp_efi_and_mounted_over():
    assert bf.find_esp(bf.parse_mounts('/dev/nvme0n1p1 /efi vfat rw 0 0\n'), lambda mp: False)['mountpoint'] == '/efi'
    # Something mounted over the vfat later hides it.
    mounts = bf.parse_mounts('/dev/sda1 /boot/efi vfat rw 0 0\ntmpfs /boot/efi tmpfs rw 0 0\n')
    assert bf.find_esp(mounts, lambda mp: True) is None
    # Not vfat, not a plain path.
    assert bf.find_esp(bf.parse_mounts('/dev/sda1 /boot/efi ext4 rw 0 0\n'), lambda mp: True) is None
    assert bf.find_esp(bf.parse_mounts('/dev/sda1 /boot/../../x vfat rw 0 0\n/dev/sda1 x vfat rw 0 0\n'), lambda mp: True) is None
    assert bf.find_esp([], lambda mp: True) is None


# dpkg.

DPKG_STATUS = '''Package: shim-signed
Status: install ok installed
Architecture: amd64
Description: Secure Boot chain-loading bootloader
 Package: not-a-package
 Status: install ok installed

Package: grub-efi-amd64-signed
Status: hold ok installed

Package: grub-pc
Status: deinstall ok config-files

Package: grub-efi-amd64
Status: install ok half-installed
'''


def test_parse_dpkg_status():
    assert bf.parse_dpkg_status(DPKG_STATUS) == set(['shim-signed', 'grub-efi-amd64-signed'])
    assert bf.parse_dpkg_status('') == set()
    assert bf.parse_dpkg_status(None) is None
    # The last stanza without a trailing blank line still counts.
    assert bf.parse_dpkg_status('Package: a\nStatus: install ok installed') == set(['a'])


def test_parse_dpkg_list():
    text = ('Desired=Unknown/Install/Remove/Purge/Hold\n||/ Name Version Architecture Description\n'
            '+++-====-====\nii  shim-signed:amd64 1.44 amd64 x\nrc  grub-pc 2.06 amd64 x\nhi  grub-efi-amd64-signed 1 amd64 x\n'
            'iU  grub-efi-amd64 2.06 amd64 x\n')
    assert bf.parse_dpkg_list(text) == set(['shim-signed', 'grub-efi-amd64-signed'])
    assert bf.parse_dpkg_list(None) is None


def test_os_release_id():
    assert bf.os_release_id('NAME="Debian GNU/Linux"\nID=debian\n') == 'debian'
    assert bf.os_release_id('ID="rhel"\n') == 'rhel'
    assert bf.os_release_id('ID=\n') is None
    assert bf.os_release_id(None) is None


# boot_chain.

SHIM_DIR = set(['shimx64.efi', 'grubx64.efi', 'mmx64.efi', 'fbx64.efi', 'bootx64.csv', 'grub.cfg'])


@pytest.mark.parametrize('esp_dirs,installed,os_id,expected', [
    ({'debian': SHIM_DIR, 'BOOT': set(['bootx64.efi'])}, set(['shim-signed', 'grub-efi-amd64-signed']), 'debian',
     {'shim': True, 'grub': True, 'signed_grub': True, 'loader_dir': 'EFI/debian', 'source': 'esp'}),
    # GRUB alone on the ESP although shim-signed is installed: the ESP is what boots.
    ({'debian': set(['grubx64.efi'])}, set(['shim-signed']), None,
     {'shim': False, 'grub': True, 'signed_grub': False, 'loader_dir': 'EFI/debian', 'source': 'esp'}),
    # Dual boot: the one named after this OS.
    ({'Microsoft': set(['bootmgfw.efi']), 'ubuntu': SHIM_DIR, 'debian': set(['grubx64.efi'])}, None, 'debian',
     {'shim': False, 'grub': True, 'signed_grub': None, 'loader_dir': 'EFI/debian', 'source': 'esp'}),
    ({'redhat': set(['shimx64.efi', 'grubx64.efi'])}, None, 'rhel',
     {'shim': True, 'grub': True, 'signed_grub': None, 'loader_dir': 'EFI/redhat', 'source': 'esp'}),
    # Two distributions and no os-release: ambiguous, so the packages decide.
    ({'ubuntu': SHIM_DIR, 'debian': SHIM_DIR}, set(['grub-efi-amd64']), None,
     {'shim': False, 'grub': True, 'signed_grub': False, 'loader_dir': None, 'source': 'dpkg'}),
    # Only EFI/BOOT: nothing says what BOOTX64.EFI is.
    ({'BOOT': set(['bootx64.efi', 'grubx64.efi'])}, None, 'debian',
     {'shim': None, 'grub': None, 'signed_grub': None, 'loader_dir': None, 'source': None}),
    (None, set(['shim-signed', 'grub-efi-amd64-signed']), 'debian',
     {'shim': True, 'grub': True, 'signed_grub': True, 'loader_dir': None, 'source': 'dpkg'}),
    (None, set(['grub-pc']), 'debian',
     {'shim': False, 'grub': False, 'signed_grub': False, 'loader_dir': None, 'source': 'dpkg'}),
    (None, None, None, {'shim': None, 'grub': None, 'signed_grub': None, 'loader_dir': None, 'source': None}),
])
def test_boot_chain(esp_dirs, installed, os_id, expected):
    assert bf.boot_chain(esp_dirs, installed, os_id) == expected


# gather() over every fixture tree: the whole facts, so a changed key or value fails here.

ESP = {'mountpoint': '/boot/efi', 'device': '/dev/sda1', 'fstype': 'vfat'}
SHIM_CHAIN = {'shim': True, 'grub': True, 'signed_grub': True, 'loader_dir': 'EFI/debian', 'source': 'esp'}
NO_VARS = {'SecureBoot': None, 'SetupMode': None, 'MokSBStateRT': None}

EXPECTED = {
    'bios': ('bios', 'off', 'pass', NO_VARS, None,
             {'shim': False, 'grub': False, 'signed_grub': False, 'loader_dir': None, 'source': 'dpkg'}),
    'uefi-secure-boot-off': ('uefi', 'off', 'pass', {'SecureBoot': 0, 'SetupMode': 0, 'MokSBStateRT': None}, ESP, SHIM_CHAIN),
    'uefi-secure-boot-on-shim': ('uefi', 'on', 'fail', {'SecureBoot': 1, 'SetupMode': 0, 'MokSBStateRT': None}, ESP, SHIM_CHAIN),
    'uefi-shim-validation-disabled': ('uefi', 'off', 'pass', {'SecureBoot': 1, 'SetupMode': 0, 'MokSBStateRT': 1}, ESP, SHIM_CHAIN),
    'uefi-setup-mode': ('uefi', 'off', 'pass', {'SecureBoot': 0, 'SetupMode': 1, 'MokSBStateRT': None}, ESP, SHIM_CHAIN),
    'uefi-no-secureboot-variable': ('uefi', 'off', 'pass', NO_VARS, ESP,
                                    {'shim': False, 'grub': True, 'signed_grub': False, 'loader_dir': 'EFI/debian', 'source': 'esp'}),
    'uefi-garbage-variables': ('uefi', 'unknown', 'unknown', NO_VARS, ESP, SHIM_CHAIN),
    'uefi-no-efivars': ('uefi', 'unknown', 'unknown', NO_VARS, ESP, SHIM_CHAIN),
    'no-sys': ('unknown', 'unknown', 'unknown', NO_VARS, None,
               {'shim': None, 'grub': None, 'signed_grub': None, 'loader_dir': None, 'source': None}),
    'xen-dom0-uefi-no-runtime-services': ('uefi', 'unknown', 'unknown', NO_VARS, ESP, SHIM_CHAIN),
    'xen-dom0-no-efi': ('unknown', 'unknown', 'unknown', NO_VARS, None,
                        {'shim': None, 'grub': None, 'signed_grub': None, 'loader_dir': None, 'source': None}),
    'xen-dom0-uefi-secure-boot-on': ('uefi', 'on', 'fail', {'SecureBoot': 1, 'SetupMode': 0, 'MokSBStateRT': None}, ESP, SHIM_CHAIN),
    'sosreport-uefi-secure-boot-on': ('uefi', 'on', 'fail', NO_VARS, ESP, SHIM_CHAIN),
    'sosreport-bios': ('bios', 'off', 'pass', NO_VARS, None,
                       {'shim': False, 'grub': False, 'signed_grub': False, 'loader_dir': None, 'source': 'dpkg'}),
}


def test_every_tree_is_covered():
    assert sorted(EXPECTED) == sorted(d for d in os.listdir(BOOT) if os.path.isdir(os.path.join(BOOT, d)))


@pytest.mark.parametrize('case', sorted(EXPECTED))
def test_gather_fixture_trees(case):
    facts = bf.gather(os.path.join(BOOT, case))
    mode, secure_boot, status, variables, esp, chain = EXPECTED[case]
    assert sorted(facts) == ['chain', 'checks', 'efi_variables', 'esp', 'mode', 'mode_source', 'secure_boot',
                             'secure_boot_source']
    assert (facts['mode'], facts['secure_boot'], facts['checks'][0]['status']) == (mode, secure_boot, status)
    assert facts['efi_variables'] == variables
    assert facts['esp'] == esp
    assert facts['chain'] == chain
    assert facts['checks'] == [bf.secure_boot_check(facts)]


@pytest.mark.parametrize('case,mode_source,secure_boot_source', [
    ('uefi-secure-boot-on-shim', 'sys/firmware/efi exists', 'SecureBoot=1, SetupMode=0, shim validation on'),
    ('uefi-shim-validation-disabled', 'sys/firmware/efi exists',
     'SecureBoot=1, SetupMode=0, MokSBStateRT=1: validation disabled in shim (mokutil --disable-validation)'),
    ('uefi-setup-mode', 'sys/firmware/efi exists',
     'SetupMode=1: the firmware is in setup mode (no platform key), nothing is enforced'),
    ('uefi-no-secureboot-variable', 'sys/firmware/efi exists', 'no SecureBoot variable: the firmware has no Secure Boot'),
    ('uefi-garbage-variables', 'sys/firmware/efi exists', 'the SecureBoot variable is unreadable or not one byte 0 or 1'),
    ('uefi-no-efivars', 'sys/firmware/efi exists', 'no EFI variables readable in /sys/firmware/efi/efivars'),
    ('xen-dom0-uefi-no-runtime-services', 'sys/firmware/efi exists',
     'no EFI variables readable in /sys/firmware/efi/efivars (Xen gives dom0 none when its EFI runtime services are off, '
     'efi=no-rs)'),
    ('no-sys', 'no readable sys/firmware', 'BIOS or UEFI boot is unknown: no readable sys/firmware'),
    ('bios', 'sys/firmware has no efi', 'BIOS boot, no UEFI Secure Boot'),
    ('sosreport-uefi-secure-boot-on', 'the sosreport lists /sys/firmware/efi', 'mokutil --sb-state: SecureBoot enabled'),
    ('sosreport-bios', 'the sosreport lists /sys/firmware without efi', 'BIOS boot, no UEFI Secure Boot'),
])
def test_gather_says_why(case, mode_source, secure_boot_source):
    facts = bf.gather(os.path.join(BOOT, case))
    assert (facts['mode_source'], facts['secure_boot_source']) == (mode_source, secure_boot_source)


def test_xen_dom0_without_efi_says_xen():
    facts = bf.gather(os.path.join(BOOT, 'xen-dom0-no-efi'))
    assert 'Linux runs under Xen' in facts['mode_source']
    # The caller's role is used instead of reading it again (xen_facts hands in its own).
    assert bf.gather(os.path.join(BOOT, 'xen-dom0-no-efi'), xen_role='none')['mode'] == 'bios'
    assert bf.gather(os.path.join(BOOT, 'bios'), xen_role='dom0')['mode'] == 'unknown'


def test_setup_mode_fixture_is_what_firmware_in_setup_mode_shows():
    vars_dir = os.path.join(BOOT, 'uefi-setup-mode', 'sys', 'firmware', 'efi', 'efivars')
    with open(os.path.join(vars_dir, 'SetupMode-' + bf.EFI_GLOBAL_VARIABLE_GUID), 'rb') as handle:
        assert handle.read() == b'\x06\x00\x00\x00\x01'
    with open(os.path.join(vars_dir, 'SecureBoot-' + bf.EFI_GLOBAL_VARIABLE_GUID), 'rb') as handle:
        assert handle.read() == b'\x06\x00\x00\x00\x00'


def test_parse_ls_recursive_human_sizes_of_sos_4_8_0():
    """sos 4.8.0 listed with `ls -alhZR`: sizes such as 4.0K."""
    text = ('/sys/firmware/:\ntotal 0\ndrwxr-xr-x  6 root root ? 0 Nov 20 09:12 .\n'
            'drwxr-xr-x  5 root root ? 4.0K Nov 20 09:12 efi\n-r--r--r--  1 root root ? 1.2M Nov 20 09:12 blob\n')
    assert bf.parse_ls_recursive(text) == {'/sys/firmware': set(['efi', 'blob'])}
