# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run boot_facts' main() against the boot trees and assert the facts it returns."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import shutil
import struct

import pytest

from ansible.module_utils import basic

from ansible_collections.xenhost.dom0.plugins.module_utils import boot_firmware
from ansible_collections.xenhost.dom0.plugins.modules import boot_facts

BOOT = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'boot')
SECURE_BOOT = 'SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c'
SETUP_MODE = 'SetupMode-8be4df61-93ca-11d2-aa0d-00e098032b8c'
MOK_SB_STATE_RT = 'MokSBStateRT-605dab50-e046-4300-abb6-3dd810dd8b23'
CASES = sorted(d for d in os.listdir(BOOT) if os.path.isdir(os.path.join(BOOT, d)))


@pytest.fixture(autouse=True)
def no_commands(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AssertionError('boot_facts ran a command: %r' % (args,))
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', refuse)


@pytest.fixture
def boot_of(run_module):
    """boot_of(root, check_mode=False) -> ansible_facts.boot_firmware, the only fact the module may set."""
    def facts(root, check_mode=False):
        result = run_module(boot_facts, root=str(root), _ansible_check_mode=check_mode)
        assert not result.get('failed'), result
        assert result['changed'] is False
        assert list(result['ansible_facts']) == ['boot_firmware']
        return result['ansible_facts']['boot_firmware']
    return facts


def copy_case(case, tmp_path):
    root = tmp_path / 'root'
    shutil.copytree(os.path.join(BOOT, case), str(root))
    return root


def efivars(root):
    return root / 'sys' / 'firmware' / 'efi' / 'efivars'


@pytest.mark.parametrize('case', CASES)
@pytest.mark.parametrize('check_mode', [False, True])
def test_module_returns_what_gather_decides(case, check_mode, boot_of):
    root = os.path.join(BOOT, case)
    assert boot_of(root, check_mode=check_mode) == boot_firmware.gather(root)


@pytest.mark.parametrize('case,mode,secure_boot,status', [
    ('bios', 'bios', 'off', 'pass'),
    ('uefi-secure-boot-off', 'uefi', 'off', 'pass'),
    ('uefi-secure-boot-on-shim', 'uefi', 'on', 'fail'),
    ('uefi-shim-validation-disabled', 'uefi', 'off', 'pass'),
    ('uefi-setup-mode', 'uefi', 'off', 'pass'),
    ('uefi-no-secureboot-variable', 'uefi', 'off', 'pass'),
    ('uefi-garbage-variables', 'uefi', 'unknown', 'unknown'),
    ('uefi-no-efivars', 'uefi', 'unknown', 'unknown'),
    ('no-sys', 'unknown', 'unknown', 'unknown'),
    ('xen-dom0-uefi-no-runtime-services', 'uefi', 'unknown', 'unknown'),
    ('xen-dom0-no-efi', 'unknown', 'unknown', 'unknown'),
    ('sosreport-uefi-secure-boot-on', 'uefi', 'on', 'fail'),
    ('sosreport-bios', 'bios', 'off', 'pass'),
])
def test_mode_secure_boot_and_check(case, mode, secure_boot, status, boot_of):
    facts = boot_of(os.path.join(BOOT, case))
    assert (facts['mode'], facts['secure_boot']) == (mode, secure_boot)
    assert [(c['id'], c['status']) for c in facts['checks']] == [('secure_boot', status)]


def test_enforced_secure_boot_tells_what_to_do(boot_of):
    facts = boot_of(os.path.join(BOOT, 'uefi-secure-boot-on-shim'))
    message = facts['checks'][0]['message']
    assert message.startswith('Secure Boot is enforced (SecureBoot=1, SetupMode=0, shim validation on): ')
    assert 'Debian does not sign' in message and 'mokutil --disable-validation' in message and 'MokManager' in message
    assert facts['efi_variables'] == {'SecureBoot': 1, 'SetupMode': 0, 'MokSBStateRT': None}
    assert facts['esp'] == {'mountpoint': '/boot/efi', 'device': '/dev/sda1', 'fstype': 'vfat'}
    assert facts['chain'] == {'shim': True, 'grub': True, 'signed_grub': True, 'loader_dir': 'EFI/debian', 'source': 'esp'}


def test_bad_root_fails_clearly(tmp_path, run_module):
    root = str(tmp_path / 'missing')
    result = run_module(boot_facts, root=root)
    assert result['failed'] is True
    assert result['msg'] == "root %s is not a directory: point it at / or at a copy of a machine's files (proc/, sys/)." % root


def test_empty_root(tmp_path, boot_of):
    facts = boot_of(tmp_path)
    assert (facts['mode'], facts['secure_boot'], facts['esp']) == ('unknown', 'unknown', None)
    assert facts['chain'] == {'shim': None, 'grub': None, 'signed_grub': None, 'loader_dir': None, 'source': None}


# Garbage in place of one variable of a Secure Boot host: unknown, never on or off.

GARBAGE = [
    pytest.param(lambda p: open(p, 'wb').write(b'\x06\x00\x00\x00\x01\x00\x00\x00'), id='wrong-length'),
    pytest.param(lambda p: open(p, 'wb').write(b'\x06\x00\x00\x00\x02'), id='value-2'),
    pytest.param(lambda p: open(p, 'wb').write(b''), id='empty'),
    pytest.param(lambda p: open(p, 'wb').write(b'\x00\x00\x00\x00\x01'), id='no-runtime-access'),
    pytest.param(lambda p: open(p, 'wb').write(b'\x06\x00\x00\x00\x01' * 100000), id='500kB'),
    pytest.param(os.mkdir, id='directory'),
    pytest.param(os.mkfifo, id='fifo'),
]


@pytest.mark.parametrize('make', GARBAGE)
@pytest.mark.parametrize('name', [SECURE_BOOT, SETUP_MODE, MOK_SB_STATE_RT])
def test_garbage_variable_is_unknown(name, make, tmp_path, boot_of):
    root = copy_case('uefi-secure-boot-on-shim', tmp_path)
    path = efivars(root) / name
    if path.exists():
        path.unlink()
    make(str(path))
    facts = boot_of(root)
    assert facts['mode'] == 'uefi'
    assert facts['secure_boot'] == 'unknown', facts['secure_boot_source']
    assert facts['checks'][0]['status'] == 'unknown'
    assert facts['efi_variables'][name.split('-', 1)[0]] is None


@pytest.mark.parametrize('value,secure_boot', [(b'\x00', 'on'), (b'\x01', 'off')])
def test_mok_sb_state_rt_value(value, secure_boot, tmp_path, boot_of):
    root = copy_case('uefi-secure-boot-on-shim', tmp_path)
    (efivars(root) / MOK_SB_STATE_RT).write_bytes(struct.pack('<I', 0x06) + value)
    assert boot_of(root)['secure_boot'] == secure_boot


def test_secure_boot_variable_removed_means_no_secure_boot(tmp_path, boot_of):
    root = copy_case('uefi-secure-boot-on-shim', tmp_path)
    (efivars(root) / SECURE_BOOT).unlink()
    facts = boot_of(root)
    assert (facts['secure_boot'], facts['checks'][0]['status']) == ('off', 'pass')


def test_empty_efivars_directory_is_efivarfs_not_mounted(tmp_path, boot_of):
    root = copy_case('uefi-secure-boot-on-shim', tmp_path)
    shutil.rmtree(str(efivars(root)))
    efivars(root).mkdir()
    facts = boot_of(root)
    assert (facts['secure_boot'], facts['checks'][0]['status']) == ('unknown', 'unknown')


def test_esp_elsewhere_is_found_by_its_efi_directory(tmp_path, boot_of):
    root = copy_case('uefi-secure-boot-off', tmp_path)
    mounts = (root / 'proc' / 'mounts').read_text().replace(' /boot/efi ', ' /srv/esp ')
    (root / 'proc' / 'mounts').write_text(mounts)
    assert boot_of(root)['esp'] is None     # /srv/esp holds nothing in the tree
    (root / 'srv').mkdir()
    shutil.move(str(root / 'boot' / 'efi'), str(root / 'srv' / 'esp'))
    facts = boot_of(root)
    assert facts['esp'] == {'mountpoint': '/srv/esp', 'device': '/dev/sda1', 'fstype': 'vfat'}
    assert facts['chain']['loader_dir'] == 'EFI/debian' and facts['chain']['source'] == 'esp'


def test_without_esp_the_packages_tell(tmp_path, boot_of):
    root = copy_case('uefi-secure-boot-off', tmp_path)
    shutil.rmtree(str(root / 'boot'))
    facts = boot_of(root)
    assert facts['esp'] == {'mountpoint': '/boot/efi', 'device': '/dev/sda1', 'fstype': 'vfat'}
    assert facts['chain'] == {'shim': True, 'grub': True, 'signed_grub': True, 'loader_dir': None, 'source': 'dpkg'}


def test_sosreport_without_mokutil_output_is_unknown(tmp_path, boot_of):
    root = copy_case('sosreport-uefi-secure-boot-on', tmp_path)
    (root / 'sos_commands' / 'boot' / 'mokutil_--sb-state').unlink()
    facts = boot_of(root)
    assert (facts['mode'], facts['secure_boot']) == ('uefi', 'unknown')
    assert 'sosreport' in facts['secure_boot_source']


def test_sosreport_without_firmware_listing_but_mokutil_is_uefi(tmp_path, boot_of):
    root = copy_case('sosreport-uefi-secure-boot-on', tmp_path)
    (root / 'sos_commands' / 'boot' / 'ls_-alZR_.sys.firmware').unlink()
    facts = boot_of(root)
    assert (facts['mode'], facts['secure_boot']) == ('uefi', 'on')
    (root / 'sos_commands' / 'boot' / 'mokutil_--sb-state').unlink()
    facts = boot_of(root)
    assert (facts['mode'], facts['secure_boot']) == ('unknown', 'unknown')


def test_sosreport_is_not_bios_because_sys_firmware_lacks_efi(tmp_path, boot_of):
    """sos copies sys/firmware/acpi only: without its listing the tree's sys/firmware proves nothing."""
    root = copy_case('sosreport-bios', tmp_path)
    (root / 'sos_commands' / 'boot' / 'ls_-lanR_.sys.firmware').unlink()
    assert boot_of(root)['mode'] == 'unknown'
    shutil.rmtree(str(root / 'sos_commands'))   # no longer a sosreport: a copy with sys/firmware and no efi/
    assert boot_of(root)['mode'] == 'bios'
