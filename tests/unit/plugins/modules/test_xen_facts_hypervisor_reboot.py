# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""xen_facts' hypervisor_reboot on the trees of tests/unit/fixtures/xen_image/ (see its README.md)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import binascii
import gzip
import os
import shutil
import time

import pytest

from ansible.module_utils import basic

from ansible_collections.xenhost.dom0.plugins.module_utils import xen_image
from ansible_collections.xenhost.dom0.plugins.modules import xen_facts

TREES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'xen_image')
BOOKWORM_ID = '39a640e6f1412319235087391df9f1c5e13ae920'
# sys/hypervisor/properties/buildid of the trees: 20 raw bytes, which sanity would read as broken text, so not in git.
# All three run bookworm's build (see the trees' README).
SYSFS_BUILD_IDS = {'debian12-current': BOOKWORM_ID, 'debian12-update-pending': BOOKWORM_ID, 'debian13-upgraded': BOOKWORM_ID}


@pytest.fixture
def facts_module():
    """facts_of (conftest.py) runs xen_facts."""
    return xen_facts


def tree(tmp_path, name, sysfs_build_id=True):
    """A copy of a fixture tree with its raw sys/hypervisor/properties/buildid (SYSFS_BUILD_IDS) written."""
    root = str(tmp_path / name)
    shutil.copytree(os.path.join(TREES, name), root)
    if sysfs_build_id and name in SYSFS_BUILD_IDS:
        os.makedirs(os.path.join(root, 'sys', 'hypervisor', 'properties'))
        with open(os.path.join(root, 'sys', 'hypervisor', 'properties', 'buildid'), 'wb') as handle:
            handle.write(binascii.unhexlify(SYSFS_BUILD_IDS[name]))
    return root


def test_debian12_current_exact(tmp_path, facts_of):
    fact = facts_of(tree(tmp_path, 'debian12-current'), check_mode=True)['hypervisor_reboot']
    image = {'path': '/boot/xen-4.17-amd64.gz', 'build_id': BOOKWORM_ID, 'holds_running': True,
             'package': 'xen-hypervisor-4.17-amd64', 'package_version': '4.17.5+72-g01140da4e8-1', 'error': None}
    assert fact == {
        'status': 'current', 'method': 'build_id',
        'message': 'the running Xen 4.17.5 (build-id 39a640e6f141) is the installed xen-hypervisor-4.17-amd64 '
                   '4.17.5+72-g01140da4e8-1 (/boot/xen-4.17-amd64.gz, build-id 39a640e6f141)',
        'running': {'version': '4.17.5', 'build_id': BOOKWORM_ID, 'build_id_source': '/sys/hypervisor/properties/buildid',
                    'compile_date': 'Sat Nov 29 13:52:25 UTC 2025',
                    'compiler': 'x86_64-linux-gnu-gcc (Debian 12.2.0-14+deb12u1) 12.2.0', 'method': 'build_id'},
        'boot_image': image, 'images': [image],
    }


@pytest.mark.parametrize('name,status,method,message', [
    ('debian12-update-pending', 'required', 'build_id',
     'reboot required (running Xen 4.17.5 (build-id 39a640e6f141), installed xen-hypervisor-4.17-amd64 '
     '4.17.5+80-g2d0e7bbc3a-1 (/boot/xen-4.17-amd64.gz, build-id 7c3e1f09a2b4))'),
    ('debian13-upgraded', 'required', 'build_id',
     'reboot required (running Xen 4.17.5 (build-id 39a640e6f141), installed xen-hypervisor-4.20-amd64 '
     '4.20.4+63-g7abfd2bce2-0+deb13u1 (/boot/xen-4.20-amd64.gz, build-id 576c0736b3e3))'),
    ('rhel5-compile-info', 'current', 'compile_info',
     'the running Xen 3.1.2-419.el5 (built Tue Sep 20 09:41:44 EDT 2016) is the installed (/boot/xen.gz-2.6.18-419.el5)'),
])
def test_trees(name, status, method, message, tmp_path, facts_of):
    fact = facts_of(tree(tmp_path, name))['hypervisor_reboot']
    assert (fact['status'], fact['method'], fact['message']) == (status, method, message)


def test_trees_in_git_without_the_sysfs_file_fall_back_to_compile_info(facts_of):
    """The same decisions from the compile date and compiler the trees also carry (a sosreport without buildid)."""
    for name, status in (('debian12-current', 'current'), ('debian12-update-pending', 'required'), ('debian13-upgraded', 'required')):
        fact = facts_of(os.path.join(TREES, name))['hypervisor_reboot']
        assert (fact['status'], fact['method'], fact['running']['build_id']) == (status, 'compile_info', None), name


def test_upgraded_tree_says_where_the_running_build_is(tmp_path, facts_of):
    fact = facts_of(tree(tmp_path, 'debian13-upgraded'))['hypervisor_reboot']
    assert [(i['path'], i['holds_running']) for i in fact['images']] == [
        ('/boot/xen-4.20-amd64.gz', False), ('/boot/xen-4.17-amd64.gz', True)]


def test_rhel5_tree_with_another_compile_date_requires_a_reboot(tmp_path, facts_of):
    root = tree(tmp_path, 'rhel5-compile-info')
    with open(os.path.join(root, 'sys', 'hypervisor', 'compilation', 'compile_date'), 'w') as handle:
        handle.write('Wed Jan 27 11:02:09 EST 2016\n')
    assert facts_of(root)['hypervisor_reboot']['status'] == 'required'


def test_live_dom0_takes_the_build_id_from_xl_info(tmp_path, monkeypatch, facts_of):
    """Without the sysfs file (Linux before 4.12, or no access), the build_id line of `xl info` identifies the build."""
    root = tree(tmp_path, 'debian12-update-pending', sysfs_build_id=False)
    real_realpath = os.path.realpath
    info = 'xen_major : 4\nxen_minor : 17\nxen_extra : .5\nbuild_id : 7c3e1f09a2b45d6e8f0a1b2c3d4e5f6071829304\n'
    outputs = {('/usr/sbin/xl', 'info'): (0, info, ''), ('/usr/sbin/xl', 'list'): (0, '', '')}
    monkeypatch.setattr(xen_facts.os.path, 'realpath', lambda p: '/' if p == root else real_realpath(p))
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda self, name, *a, **k: {'xl': '/usr/sbin/xl'}.get(name))
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', lambda self, args, **k: outputs[tuple(args)])
    monkeypatch.setattr(xen_facts, 'process_cmdlines', lambda: [])
    fact = facts_of(root)['hypervisor_reboot']
    # xl says this Xen is the update's build: it runs already, no reboot.
    assert (fact['status'], fact['running']['build_id_source']) == ('current', 'xl info')


def test_domu_and_plain_hosts_are_unknown(tmp_path, facts_of):
    root = tree(tmp_path, 'debian12-current')
    with open(os.path.join(root, 'proc', 'xen', 'capabilities'), 'w') as handle:
        handle.write('')
    fact = facts_of(root)['hypervisor_reboot']
    assert (fact['status'], fact['message'], fact['images']) == ('unknown', 'not a Xen dom0: nothing to compare', [])


def test_no_image_is_unknown(tmp_path, facts_of):
    root = tree(tmp_path, 'debian12-current')
    os.remove(os.path.join(root, 'boot', 'xen-4.17-amd64.gz'))
    fact = facts_of(root)['hypervisor_reboot']
    assert fact['status'] == 'unknown' and fact['message'].startswith('no hypervisor image')


def test_fifo_image_is_unreadable_without_blocking(tmp_path, facts_of):
    root = tree(tmp_path, 'debian12-current')
    os.mkfifo(os.path.join(root, 'boot', 'xen-4.20-amd64.gz'))
    started = time.monotonic()
    fact = facts_of(root)['hypervisor_reboot']
    assert time.monotonic() - started < 10
    assert fact['status'] == 'unknown'
    assert fact['boot_image']['error'] == 'unreadable (missing, not a regular file, or too big)'
    assert fact['images'][1]['holds_running'] is True


def test_link_out_of_the_tree_is_not_followed(tmp_path, facts_of):
    """An absolute link means the same path in the copied machine, never the controller's own file."""
    root = tree(tmp_path, 'debian12-current')
    outside = tmp_path / 'outside.gz'
    shutil.copy(os.path.join(root, 'boot', 'xen-4.17-amd64.gz'), str(outside))
    os.symlink(str(outside), os.path.join(root, 'boot', 'xen-4.20-amd64.gz'))
    fact = facts_of(root)['hypervisor_reboot']
    assert fact['status'] == 'unknown' and fact['boot_image']['error'].startswith('unreadable')


def test_image_bigger_than_the_bound_is_not_inflated(tmp_path, facts_of):
    root = tree(tmp_path, 'debian12-current')
    with gzip.open(os.path.join(root, 'boot', 'xen-4.20-amd64.gz'), 'wb') as handle:
        for dummy in range(xen_image.MAX_IMAGE_BYTES // (1024 * 1024) + 1):
            handle.write(b'\0' * 1024 * 1024)
    fact = facts_of(root)['hypervisor_reboot']
    assert fact['status'] == 'unknown'
    assert fact['boot_image']['error'] == 'bigger than %d bytes once decompressed' % xen_image.MAX_IMAGE_BYTES


def test_only_the_newest_images_are_read(tmp_path, facts_of):
    root = tree(tmp_path, 'debian12-current')
    for minor in range(1, 10):
        os.symlink('xen-4.17-amd64.gz', os.path.join(root, 'boot', 'xen-4.%d-amd64.gz' % minor))
    fact = facts_of(root)['hypervisor_reboot']
    assert [i['path'] for i in fact['images']] == ['/boot/xen-4.17-amd64.gz', '/boot/xen-4.9-amd64.gz',
                                                   '/boot/xen-4.8-amd64.gz', '/boot/xen-4.7-amd64.gz']
    # Links inside the tree are read (RHEL 5's xen.gz links): each is the running build, so nothing waits.
    assert fact['status'] == 'current'
