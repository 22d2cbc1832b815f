# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""grub2_entries main() against a fake root in tmp_path."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil

import pytest

from ansible_collections.xenhost.dom0.plugins.modules import grub2_entries

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'grub')


@pytest.fixture
def debian_root(tmp_path):
    boot = tmp_path / 'boot'
    (boot / 'grub').mkdir(parents=True)
    shutil.copy(os.path.join(FIXTURES, 'debian12_xen_grub.cfg'), str(boot / 'grub' / 'grub.cfg'))
    for name in ('xen-4.17-amd64.gz', 'vmlinuz-6.1.0-28-amd64', 'initrd.img-6.1.0-28-amd64'):
        (boot / name).write_text(u'x')
    return tmp_path


def test_reads_default_paths_under_root(run_module, debian_root):
    before = sorted(os.listdir(str(debian_root / 'boot' / 'grub')))
    result = run_module(grub2_entries, root=str(debian_root))
    assert result['changed'] is False
    assert result['path'] == str(debian_root / 'boot' / 'grub' / 'grub.cfg')
    assert result['grubenv'] == str(debian_root / 'boot' / 'grub' / 'grubenv')
    assert result['saved_entry'] is None
    assert result['default']['is_xen'] is True and result['default']['files_exist'] is True
    assert len(result['xen_entries']) == 5
    assert sorted(os.listdir(str(debian_root / 'boot' / 'grub'))) == before


def test_default_option_saved_uses_grubenv(run_module, debian_root):
    env = '# GRUB Environment Block\nsaved_entry=3>0>2\n'
    (debian_root / 'boot' / 'grub' / 'grubenv').write_text(env + '#' * (1024 - len(env)))
    result = run_module(grub2_entries, root=str(debian_root), default='saved')
    assert result['saved_entry'] == '3>0>2'
    assert result['default']['resolved_title'] == 'Debian GNU/Linux, with Xen 4.17-amd64 and Linux 6.1.0-27-amd64'
    assert result['default']['files_exist'] is False     # 6.1.0-27 kernel files are not in the fake /boot
    assert '/boot/vmlinuz-6.1.0-27-amd64' in result['default']['missing_files']


def test_grub2_directory_and_explicit_grubenv(run_module, tmp_path):
    (tmp_path / 'boot' / 'grub2').mkdir(parents=True)
    shutil.copy(os.path.join(FIXTURES, 'el7_xen_grub.cfg'), str(tmp_path / 'boot' / 'grub2' / 'grub.cfg'))
    shutil.copy(os.path.join(FIXTURES, 'el7_grubenv'), str(tmp_path / 'env'))
    result = run_module(grub2_entries, root=str(tmp_path), grubenv=str(tmp_path / 'env'))
    assert result['default']['is_xen'] is True
    assert result['default']['missing_files'] == ['/xen-4.12.4-10.el7.gz', '/vmlinuz-4.9.241-37.el7.x86_64',
                                                  '/initramfs-4.9.241-37.el7.x86_64.img']


def test_missing_grub_cfg_fails(run_module, tmp_path):
    result = run_module(grub2_entries, root=str(tmp_path))
    assert result['failed'] is True and 'no grub.cfg found' in result['msg']


def test_unparseable_grub_cfg_fails(run_module, tmp_path):
    path = tmp_path / 'grub.cfg'
    shutil.copy(os.path.join(FIXTURES, 'unbalanced_grub.cfg'), str(path))
    result = run_module(grub2_entries, path=str(path))
    assert result['failed'] is True and 'unbalanced braces' in result['msg']


def test_sources_newer_than_the_menu(run_module, debian_root):
    menu = debian_root / 'boot' / 'grub' / 'grub.cfg'
    older, newer, missing = (debian_root / 'older'), (debian_root / 'newer'), (debian_root / 'missing')
    older.write_text(u'x')
    newer.write_text(u'x')
    mtime = os.stat(str(menu)).st_mtime
    os.utime(str(older), (mtime - 10, mtime - 10))
    os.utime(str(newer), (mtime + 10, mtime + 10))
    result = run_module(grub2_entries, root=str(debian_root), sources=[str(newer), str(older), str(missing)])
    assert result['newer_sources'] == [str(newer)]
    assert run_module(grub2_entries, root=str(debian_root))['newer_sources'] == []


def test_checksum_tells_a_regenerated_menu_from_an_unchanged_one(run_module, debian_root):
    menu = debian_root / 'boot' / 'grub' / 'grub.cfg'
    # sha1sum(1) of the fixture, the value ansible.builtin.stat reports as checksum.
    assert run_module(grub2_entries, root=str(debian_root))['checksum'] == 'bad0a254381303288c2e0c5ac5d2303d218f54c7'
    os.utime(str(menu), None)                            # rewritten with the same text: no change
    assert run_module(grub2_entries, root=str(debian_root))['checksum'] == 'bad0a254381303288c2e0c5ac5d2303d218f54c7'
    menu.write_bytes(menu.read_bytes().replace(b'6.1.0-28-amd64', b'6.1.0-29-amd64', 1))
    assert run_module(grub2_entries, root=str(debian_root))['checksum'] != 'bad0a254381303288c2e0c5ac5d2303d218f54c7'
