# -*- coding: utf-8 -*-
"""xen_preflight on recorded hosts (fixture roots): a CPU without PAE is refused before xen_packages runs."""

import json
import os
import re
import shutil
import sys
import tempfile

import pytest

from .conftest import FACT_HOSTS, run_playbook


def _root(host, images=True, bootloader=True):
    """A copy of a recorded host with what a booting machine has besides: kernel images and update-grub."""
    root = os.path.join(tempfile.mkdtemp(prefix='preflight-'), host)
    shutil.copytree(os.path.join(FACT_HOSTS, host), root, symlinks=True)
    boot = os.path.join(root, 'boot')
    os.makedirs(boot, exist_ok=True)
    if images:
        for name in os.listdir(boot):
            if name.startswith('config-'):
                open(os.path.join(boot, 'vmlinuz-' + name[len('config-'):]), 'w').close()
    if bootloader:
        os.makedirs(os.path.join(root, 'usr', 'sbin'))
        path = os.path.join(root, 'usr', 'sbin', 'update-grub')
        with open(path, 'w') as f:
            f.write('#!/bin/sh\n')
        os.chmod(path, 0o755)
    return root


def _preflight(playbook_dir, host, *extra, **root_options):
    root = _root(host, **root_options)
    try:
        return run_playbook(
            os.path.join(playbook_dir, 'preflight_fixture.yml'), '--check',
            '-e', 'fixture_root=%s' % root,
            # xen_facts reads the copy's /boot (module_defaults); the bootloader probe looks for its update-grub
            # (dpkg-query would ask this machine): extra vars, since the platform's include_vars would beat play vars.
            '-e', json.dumps({'__xen_preflight_bootloader_probe': ['test', '-x', os.path.join(root, 'usr/sbin/update-grub')]}),
            '-e', 'ansible_python_interpreter=%s' % sys.executable, *extra)
    finally:
        shutil.rmtree(os.path.dirname(root))


def test_cpu_without_pae_is_refused_before_any_change(playbook_dir):
    rc, out = _preflight(playbook_dir, 'pentium-m-dothan')
    assert rc != 0, out
    assert 'Stop when this host cannot run this platform' in out
    assert 'would\n' in out or 'panic' in out
    assert 'PAE' in out
    assert 'Nothing on this host has been changed' in out
    assert 'xen_packages' not in out.split('Stop when this host cannot run')[1]
    assert re.search(r'changed=0\s+unreachable=0\s+failed=1', out), out


def test_kvm_guest_without_vmx_passes_with_hvm_warning(playbook_dir):
    rc, out = _preflight(playbook_dir, 'kvm-guest-skylake', '-e', 'fixture_with_packages=false')
    assert rc == 0, out
    assert 'WARNING (hvm' in out
    assert 'Stop when this host cannot run this platform' in out  # the task is there ...
    assert re.search(r"Stop when this host cannot run this platform's Xen\] \*+\nskipping", out), out  # ... and skipped
    assert re.search(r'changed=0\s+unreachable=0\s+failed=0', out), out


def test_require_hvm_turns_the_hvm_warning_into_a_failure(playbook_dir):
    rc, out = _preflight(playbook_dir, 'kvm-guest-skylake', '-e', 'xen_preflight_require_hvm=true')
    assert rc != 0, out
    assert 'Stop when this host cannot run this platform' in out
    assert 'xen_preflight_require_hvm=true asks for HVM' in out
    assert re.search(r'changed=0\s+unreachable=0\s+failed=1', out), out


def test_pae_reason_comes_before_the_os_edition_on_a_32bit_install(playbook_dir):
    """The no-PAE VM runs i386 Debian: the PAE panic must be the first reason, not the OS edition."""
    rc, out = _preflight(playbook_dir, 'pentium-m-dothan', '-e', 'fixture_architecture=i686')
    assert rc != 0, out
    reasons = out.split('cannot run Debian 12 (Xen 4.17) as a Xen host:')[1]
    assert reasons.index('PAE') < reasons.index('i686 edition of the operating system'), reasons
    assert 'Install the 64-bit (amd64/x86_64) edition' in reasons
    assert reasons.count('Nothing on this host has been changed') == 1
    assert re.search(r'changed=0\s+unreachable=0\s+failed=1', out), out


def test_unreadable_kernel_configs_fail_as_unknown_not_as_non_dom0(playbook_dir, tmp_path):
    """xen_preflight_fail_on_unknown with no /boot/config-* at all: say "could not tell", not "not built for dom0"."""
    import shutil
    root = tmp_path / 'host'
    shutil.copytree(os.path.join(FACT_HOSTS, 'kvm-guest-skylake'), str(root))
    for name in os.listdir(str(root / 'boot')):
        if name.startswith('config-'):
            os.remove(str(root / 'boot' / name))
    rc, out = run_playbook(
        os.path.join(playbook_dir, 'preflight_fixture.yml'), '--check',
        '-e', 'fixture_root=%s' % root, '-e', 'ansible_python_interpreter=%s' % sys.executable,
        '-e', 'fixture_with_packages=false', '-e', 'xen_preflight_fail_on_unknown=true')
    assert rc != 0, out
    assert 'Could not tell whether any kernel' in out
    assert 'not built with CONFIG_XEN_DOM0' not in out
    assert re.search(r'changed=0\s+unreachable=0\s+failed=1', out), out


@pytest.mark.parametrize('missing, message', [
    ({'bootloader': False}, 'has no bootloader that xenhost.dom0 can make boot Xen'),
    ({'images': False}, 'has no kernel image that can run as a Xen dom0 (images: none'),
], ids=['no-bootloader', 'no-kernel-image'])
def test_host_that_cannot_boot_xen_is_refused_before_packages(playbook_dir, missing, message):
    rc, out = _preflight(playbook_dir, 'kvm-guest-skylake', **missing)
    assert rc != 0, out
    assert message in out, out
    assert 'xen_packages :' not in out
    assert re.search(r'changed=0\s+unreachable=0\s+failed=1', out), out


# dpkg's database as a Debian 12 dom0 has it after xen_packages (bookworm's versions), in stanzas as dpkg writes them.
DPKG_STATUS = '''Package: bridge-utils
Status: install ok installed
Version: 1.7.1-1

Package: qemu-system-xen
Status: install ok installed
Version: 1:7.2+dfsg-7+deb12u16

Package: xen-system-amd64
Status: install ok installed
Version: 4.17.5+72-g01140da4e8-1
'''


def test_installed_packages_leave_out_the_transaction(playbook_dir, tmp_path):
    """xen_preflight's one call reads dpkg's database (under the fixture root); with every package in, xen_packages
    leaves its transaction out. (Where one is missing it runs: tests/integration/roles/test_platform_data.py.)"""
    import shutil
    root = tmp_path / 'host'
    shutil.copytree(os.path.join(FACT_HOSTS, 'kvm-guest-skylake'), str(root))
    (root / 'var' / 'lib' / 'dpkg').mkdir(parents=True)
    (root / 'var' / 'lib' / 'dpkg' / 'status').write_text(DPKG_STATUS)
    for name in os.listdir(str(root / 'boot')):
        if name.startswith('config-'):
            (root / 'boot' / ('vmlinuz-' + name[len('config-'):])).write_text('')
    rc, out = run_playbook(
        os.path.join(playbook_dir, 'preflight_fixture.yml'), '--check', '-v',
        '-e', 'fixture_root=%s' % root, '-e', 'ansible_python_interpreter=%s' % sys.executable,
        '-e', json.dumps({'__xen_preflight_bootloader_probe': ['true']}))
    assert rc == 0, out
    assert re.search(r'xen_packages : Install the packages\] \*+\nskipping', out), out
    assert 'Install the Xen dom0 packages in one transaction' not in out, out
