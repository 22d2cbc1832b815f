# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The facts modules on hostile copies of machines (root=<tree>): they finish, fast, never read
outside the tree, never open a device there, and say unknown instead of guessing.

Each tree starts as a copy of a recorded host (tests/unit/fixtures/facts/hosts, and tests/unit/fixtures/boot
for boot_facts) and gets one hostile change.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import shutil
import signal
import stat
import time

import pytest

from ansible.module_utils import basic

from ansible_collections.xenhost.dom0.plugins.filter.report import readiness_row
from ansible_collections.xenhost.dom0.plugins.modules import boot_facts, cpu_virt_facts, xen_facts

HOSTS = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'facts', 'hosts')
BOOT = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'boot')


@pytest.fixture(autouse=True)
def bounded(monkeypatch):
    """No command runs for a copied tree, and a run that blocks fails after 20 s instead of hanging."""
    def refuse(self, *args, **kwargs):
        raise AssertionError('a facts module ran a command for a copied tree: %r' % (args,))
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', refuse)

    def alarm(signum, frame):
        raise AssertionError('the facts module blocked')
    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def run(run_module, module, root):
    result = run_module(module, root=root)
    assert not result.get('failed'), result
    return result['ansible_facts']


def cpu(run_module, root):
    return run(run_module, cpu_virt_facts, root)['cpu_virt']


def xen(run_module, root):
    return run(run_module, xen_facts, root)['xen']


def copy_tree(host, tmp_path):
    root = tmp_path / 'root'
    shutil.copytree(os.path.join(HOSTS, host), str(root))
    return root


def replace(path, make):
    path = str(path)
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)
    parent = os.path.dirname(path)
    if not os.path.isdir(parent):
        os.makedirs(parent)
    make(path)


def statuses(facts):
    return [c['status'] for c in facts['checks']]


UNKNOWN_CPU = ['unknown'] * 5


def controller_file(tmp_path, text):
    """A file outside the tree (the controller's own), that a link in the tree must not reach."""
    path = tmp_path / 'controller' / 'cpuinfo'
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return str(path)


def core2_cpuinfo():
    with open(os.path.join(HOSTS, 'core2-e8400-vmx', 'proc', 'cpuinfo')) as handle:
        return handle.read()


HOSTILE_CPUINFO = [
    pytest.param(lambda p, tmp: os.mkfifo(p), id='fifo'),
    pytest.param(lambda p, tmp: os.symlink('/dev/zero', p), id='link-to-dev-zero'),
    pytest.param(lambda p, tmp: os.symlink('/dev/urandom', p), id='link-to-dev-urandom'),
    pytest.param(lambda p, tmp: os.symlink('/proc/self/fd/0', p), id='link-to-stdin'),
    pytest.param(lambda p, tmp: os.symlink(p, p), id='link-loop'),
    pytest.param(lambda p, tmp: os.symlink(controller_file(tmp, core2_cpuinfo()), p), id='absolute-link-to-controller'),
    pytest.param(lambda p, tmp: os.symlink('../' * 20 + controller_file(tmp, core2_cpuinfo()).lstrip('/'), p),
                 id='dotdot-link-to-controller'),
    pytest.param(lambda p, tmp: os.mkdir(p), id='directory'),
    pytest.param(lambda p, tmp: open(p, 'wb').truncate(32 * 1024 ** 3), id='32GiB-sparse'),
    pytest.param(lambda p, tmp: open(p, 'wb').write(b'\0' * 100000), id='nul-bytes'),
    pytest.param(lambda p, tmp: open(p, 'wb').write(os.urandom(200000).replace(b':', b'')), id='binary-no-colons'),
    pytest.param(lambda p, tmp: open(p, 'wb').write(b'\xff\xfe:\x00\n' * 20000), id='binary-with-colons'),
    pytest.param(lambda p, tmp: open(p, 'w').write(':::\n: : :\n:\n' * 1000), id='only-colons'),
    pytest.param(lambda p, tmp: open(p, 'w').write('vendor_id\t: GenuineIntel\nmodel name\t: Xeon\n'), id='x86-without-flags'),
    pytest.param(lambda p, tmp: open(p, 'w').write('processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t:\n'), id='empty-flags'),
    pytest.param(lambda p, tmp: open(p, 'w').write('a' + ' ' * 200000 + 'b\n'), id='one-long-blank-line'),
    pytest.param(lambda p, tmp: open(p, 'w').write('processor : \u0663\ncpu family : \u00b3\n'), id='non-ascii-digits'),
    pytest.param(lambda p, tmp: open(p, 'w').write('processor : ' + '9' * 5000 + '\nvendor_id : GenuineIntel\n'), id='huge-number'),
]

UNREADABLE = [
    pytest.param(lambda p, tmp: os.mkfifo(p), id='fifo'),
    pytest.param(lambda p, tmp: os.symlink('/dev/zero', p), id='link-to-dev-zero'),
    pytest.param(lambda p, tmp: os.symlink('/proc/self/fd/0', p), id='link-to-stdin'),
    pytest.param(lambda p, tmp: os.symlink(p, p), id='link-loop'),
    pytest.param(lambda p, tmp: os.symlink(controller_file(tmp, 'CONFIG_XEN_DOM0=y\n'), p), id='absolute-link-to-controller'),
    pytest.param(lambda p, tmp: os.symlink('../' * 20 + controller_file(tmp, 'CONFIG_XEN_DOM0=y\n').lstrip('/'), p),
                 id='dotdot-link-to-controller'),
    pytest.param(lambda p, tmp: os.mkdir(p), id='directory'),
    pytest.param(lambda p, tmp: open(p, 'wb').truncate(32 * 1024 ** 3), id='32GiB-sparse'),
]


@pytest.mark.parametrize('make', HOSTILE_CPUINFO)
def test_hostile_cpuinfo_is_unknown_not_a_cpu_without_features(make, tmp_path, run_module):
    root = copy_tree('core2-e8400-vmx', tmp_path)
    replace(root / 'proc' / 'cpuinfo', lambda p: make(p, tmp_path))
    started = time.time()
    facts = cpu(run_module, str(root))
    assert time.time() - started < 10
    assert facts['vendor'] in (None, 'GenuineIntel', 'AuthenticAMD')
    assert facts['model_name'] != 'Intel(R) Core(TM)2 Duo CPU     E8400  @ 3.00GHz'   # the controller's file
    assert statuses(facts)[:3] == ['unknown', 'unknown', 'unknown']
    assert facts['flags'] == dict((f, None) for f in ('pae', 'lm', 'nx', 'vmx', 'svm', 'hypervisor'))
    assert facts['xen_capable'] is None
    # ...and the report says unknown, not "not ready".
    row = readiness_row('h', {'changed': False, 'ansible_facts': {'cpu_virt': facts}}, None)
    assert row['verdict'] == 'unknown', row


@pytest.mark.parametrize('make', UNREADABLE)
def test_unreadable_osrelease_and_boot_config(make, tmp_path, run_module):
    root = copy_tree('xen-dom0-debian12', tmp_path)
    replace(root / 'proc' / 'sys' / 'kernel' / 'osrelease', lambda p: make(p, tmp_path))
    replace(root / 'boot' / 'config-6.1.0-27-amd64', lambda p: make(p, tmp_path))
    facts = xen(run_module, str(root))
    assert facts['role'] == 'dom0'
    assert facts['kernel']['dom0_capable'] is None and facts['kernel']['config'] is None
    assert facts['boot_kernels'] == [{'release': '6.1.0-27-amd64', 'dom0_capable': None}]


@pytest.mark.parametrize('data', [
    b'\0' * 100000, b'CONFIG_XEN_DOM0=y\0\n', b'\xff\xfe' * 1000, b'CONFIG_XEN_DOM0=' + b'y' * 100000,
    b'# CONFIG_XEN_DOM0=y\n', b'CONFIG_XEN_DOM0 = y\n', b'config_xen_dom0=y\n', b'', b'\n' * 100000,
])
def test_garbage_boot_config_is_not_dom0_capable(data, tmp_path, run_module):
    root = copy_tree('xen-dom0-debian12', tmp_path)
    (root / 'boot' / 'config-6.1.0-27-amd64').write_bytes(data)
    facts = xen(run_module, str(root))
    assert facts['kernel']['dom0_capable'] is False
    assert facts['boot_kernels'] == [{'release': '6.1.0-27-amd64', 'dom0_capable': False}]


@pytest.mark.parametrize('release', [
    '6.1.0-27-amd64\0../../controller/cpuinfo', '../../controller/cpuinfo', '/../controller/cpuinfo', '\0', '\0' * 50,
    '6.1.0-27-amd64/../../x', 'x' * 3000, '\x1b[31mred', '6.1.0\n-27-amd64',
])
def test_osrelease_naming_anything_but_one_file(release, tmp_path, run_module):
    root = copy_tree('xen-dom0-debian12', tmp_path)
    controller_file(tmp_path, 'CONFIG_XEN_DOM0=y\n')
    (root / 'proc' / 'sys' / 'kernel' / 'osrelease').write_bytes(release.encode('utf-8') + b'\n')
    facts = xen(run_module, str(root))
    assert facts['kernel']['dom0_capable'] is None
    assert facts['kernel']['config'] is None


def test_absolute_link_inside_a_sosreport_means_the_same_path_in_the_tree(tmp_path, run_module):
    """Re-rooted, as in the copied machine: /boot/config-X -> /usr/lib/kernel/config-X reads the tree's copy."""
    root = copy_tree('xen-dom0-debian12', tmp_path)
    config = root / 'boot' / 'config-6.1.0-27-amd64'
    (root / 'usr' / 'lib').mkdir(parents=True)
    shutil.move(str(config), str(root / 'usr' / 'lib' / 'config'))
    os.symlink('/usr/lib/config', str(config))
    facts = xen(run_module, str(root))
    assert facts['kernel']['dom0_capable'] is True
    assert facts['boot_kernels'] == [{'release': '6.1.0-27-amd64', 'dom0_capable': True}]


@pytest.mark.parametrize('make', [
    pytest.param(lambda p, tmp: os.mkfifo(p), id='fifo'),
    pytest.param(lambda p, tmp: os.symlink('/dev/zero', p), id='link-to-dev-zero'),
    pytest.param(lambda p, tmp: os.mkdir(p), id='directory'),
    pytest.param(lambda p, tmp: open(p, 'w').write(''), id='empty'),
    pytest.param(lambda p, tmp: open(p, 'w').write('zzzz\n'), id='not-hex'),
    pytest.param(lambda p, tmp: open(p, 'w').write('\u0663\u0663\n'), id='arabic-digits'),
    pytest.param(lambda p, tmp: open(p, 'w').write('1_0\n'), id='underscore'),
    pytest.param(lambda p, tmp: open(p, 'w').write('f' * 100000 + '\n'), id='100k-hex-digits'),
    pytest.param(lambda p, tmp: open(p, 'wb').write(b'\0\0\0\0'), id='nul-bytes'),
    pytest.param(lambda p, tmp: os.symlink(controller_file(tmp, '00000800\n'), p), id='link-to-controller-dom0-bit'),
])
def test_unreadable_xen_features_make_the_role_unknown_not_domu(make, tmp_path, run_module):
    root = copy_tree('xen-dom0-debian12', tmp_path)
    shutil.rmtree(str(root / 'proc' / 'xen'))   # no xenfs: the features bit is the only evidence
    replace(root / 'sys' / 'hypervisor' / 'properties' / 'features', lambda p: make(p, tmp_path))
    facts = xen(run_module, str(root))
    assert facts['running'] is True
    assert facts['role'] == 'unknown'
    cpu_facts = cpu(run_module, str(root))
    # cpuinfo hides vmx in a dom0: a missing flag proves nothing, the firmware MSR is not trusted under Xen.
    assert cpu_facts['hvm'] == {'capable': None, 'technology': None, 'source': None}
    assert statuses(cpu_facts) == ['pass', 'pass', 'unknown', 'unknown', 'unknown']
    assert cpu_facts['xen_capable'] is True


def test_xen_dom0_with_readable_features_still_dom0(tmp_path, run_module):
    root = copy_tree('xen-dom0-debian12', tmp_path)
    shutil.rmtree(str(root / 'proc' / 'xen'))
    assert xen(run_module, str(root))['role'] == 'dom0'


def locked_off_core2(tmp_path):
    """Core 2 whose firmware locked VT-x off, on Linux 5.6+ (vmx hidden): only MSR and CPUID can tell."""
    root = copy_tree('core2-e8400-vmx', tmp_path)
    path = root / 'proc' / 'cpuinfo'
    lines = [line.replace(' vmx ', ' ') for line in path.read_text().splitlines(True) if not line.startswith('vmx flags')]
    path.write_text(''.join(lines))
    (root / 'dev' / 'cpu' / '0').mkdir(parents=True)
    return root


@pytest.mark.parametrize('make', [
    pytest.param(lambda p: os.symlink('/dev/zero', p), id='link-to-dev-zero'),
    pytest.param(lambda p: os.symlink('/dev/cpu/0/msr', p), id='link-to-the-controllers-msr'),
    pytest.param(os.mkfifo, id='fifo'),
    pytest.param(lambda p: os.mknod(p, 0o600 | stat.S_IFCHR, os.makedev(1, 5)) if os.geteuid() == 0 else os.mkfifo(p),
                 id='char-device-zero'),
])
def test_msr_device_in_a_tree_is_never_opened(make, tmp_path, run_module):
    root = locked_off_core2(tmp_path)
    make(str(root / 'dev' / 'cpu' / '0' / 'msr'))
    make(str(root / 'dev' / 'cpu' / '0' / 'cpuid'))
    facts = cpu(run_module, str(root))
    # Reading /dev/zero would say "MSR 0: not locked" and pass the firmware check; nothing was read.
    assert facts['bios_disabled'] is None
    assert facts['checks'][4]['status'] == 'unknown'


@pytest.mark.parametrize('make', [
    pytest.param(lambda p, tmp: os.symlink(str(tmp / 'controller'), p), id='absolute-link-out'),
    pytest.param(lambda p, tmp: os.symlink('../' * 30 + str(tmp / 'controller').lstrip('/'), p), id='dotdot-link-out'),
    pytest.param(lambda p, tmp: os.mkfifo(p), id='fifo'),
])
def test_directory_listings_stay_in_the_tree(make, tmp_path, run_module):
    root = copy_tree('kvm-guest-skylake', tmp_path)
    (tmp_path / 'controller').mkdir()
    for name in ('dmar0', 'DMAR', 'config-9.9.9-xen'):
        (tmp_path / 'controller' / name).write_text('CONFIG_XEN_DOM0=y\n')
    replace(root / 'sys' / 'class' / 'iommu', lambda p: make(p, tmp_path))
    replace(root / 'sys' / 'firmware' / 'acpi' / 'tables', lambda p: make(p, tmp_path))
    replace(root / 'boot', lambda p: make(p, tmp_path))
    facts = cpu(run_module, str(root))
    assert facts['iommu']['present'] is not True
    assert xen(run_module, str(root))['boot_kernels'] == []


def test_thousands_of_boot_configs(tmp_path, run_module):
    root = copy_tree('xen-dom0-debian12', tmp_path)
    text = (root / 'boot' / 'config-6.1.0-27-amd64').read_text()
    for n in range(3000):
        (root / 'boot' / ('config-5.%d.0-1-amd64' % n)).write_text(text)
    started = time.time()
    facts = xen(run_module, str(root))
    assert time.time() - started < 10
    kernels = facts['boot_kernels']
    assert len(kernels) == 3001
    assert [k['release'] for k in kernels[:3]] == ['5.0.0-1-amd64', '5.1.0-1-amd64', '5.2.0-1-amd64']
    # Only the newest are read: older ones are listed, unknown.
    read = [k for k in kernels if k['dom0_capable'] is not None]
    assert len(read) == xen_facts.MAX_BOOT_CONFIGS
    assert read[-1]['release'] == '6.1.0-27-amd64'
    assert kernels[0]['dom0_capable'] is None


def test_boot_configs_with_hostile_names(tmp_path, run_module):
    root = copy_tree('xen-dom0-debian12', tmp_path)
    for name in ('config-' + '9' * 200, 'config-\u0663.\u00b3', 'config-a\x1bb', 'config-'):
        (root / 'boot' / name).write_text('CONFIG_XEN_DOM0=y\n')
    facts = xen(run_module, str(root))
    releases = [k['release'] for k in facts['boot_kernels']]
    assert '9' * 200 in releases and '\u0663.\u00b3' in releases
    assert 'a\x1bb' not in releases and '' not in releases


def test_deep_tree_of_links(tmp_path, run_module):
    root = copy_tree('core2-e8400-vmx', tmp_path)
    proc = root / 'proc'
    os.rename(str(proc / 'cpuinfo'), str(proc / 'real'))
    previous = 'real'
    for n in range(39):
        os.symlink(previous, str(proc / ('l%d' % n)))
        previous = 'l%d' % n
    os.symlink(previous, str(proc / 'cpuinfo'))   # 40 links: Linux's limit, still followed
    assert cpu(run_module, str(root))['vendor'] == 'GenuineIntel'
    os.unlink(str(proc / 'cpuinfo'))
    os.symlink('cpuinfo', str(proc / 'x'))
    os.symlink('x', str(proc / 'cpuinfo'))   # a loop
    assert cpu(run_module, str(root))['vendor'] is None


# boot_facts: a Secure Boot host (SecureBoot=1, SetupMode=0, shim on the ESP) with one hostile change.

EFIVARS = ('sys', 'firmware', 'efi', 'efivars')
SECURE_BOOT_ON = b'\x06\x00\x00\x00\x01'


def boot(run_module, root):
    return run(run_module, boot_facts, root)['boot_firmware']


def secure_boot_host(tmp_path):
    root = tmp_path / 'root'
    shutil.copytree(os.path.join(BOOT, 'uefi-secure-boot-on-shim'), str(root))
    return root


def controller_efivar(tmp_path, name, data):
    """A controller file with valid efivarfs bytes, that a link in the tree must not reach."""
    path = tmp_path / 'controller' / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize('make', UNREADABLE)
@pytest.mark.parametrize('name', ['SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c',
                                  'SetupMode-8be4df61-93ca-11d2-aa0d-00e098032b8c'])
def test_hostile_efi_variable_is_unknown(name, make, tmp_path, run_module):
    root = secure_boot_host(tmp_path)
    path = root.joinpath(*EFIVARS) / name
    replace(path, lambda p: make(p, tmp_path))
    started = time.time()
    facts = boot(run_module, str(root))
    assert time.time() - started < 10
    assert facts['secure_boot'] == 'unknown'
    assert facts['checks'] == [dict(facts['checks'][0], id='secure_boot', status='unknown')]


@pytest.mark.parametrize('value,expected', [(b'\x06\x00\x00\x00\x00', 'on'), (b'\x06\x00\x00\x00\x01', 'off')])
def test_mok_sb_state_rt_link_to_the_controller_is_not_read(value, expected, tmp_path, run_module):
    """A link to the controller's MokSBStateRT=1 must not turn an enforcing host "off" (the check would pass)."""
    root = secure_boot_host(tmp_path)
    name = 'MokSBStateRT-605dab50-e046-4300-abb6-3dd810dd8b23'
    outside = controller_efivar(tmp_path, name, b'\x06\x00\x00\x00\x01')
    os.symlink(outside, str(root.joinpath(*EFIVARS) / name))
    assert boot(run_module, str(root))['secure_boot'] == 'unknown'
    # The same bytes inside the tree are read: the link was refused, not the value.
    os.unlink(str(root.joinpath(*EFIVARS) / name))
    root.joinpath(*EFIVARS).joinpath(name).write_bytes(value)
    assert boot(run_module, str(root))['secure_boot'] == expected


@pytest.mark.parametrize('make', [
    pytest.param(lambda p, tmp: os.symlink(str(tmp / 'controller'), p), id='absolute-link-out'),
    pytest.param(lambda p, tmp: os.symlink('../' * 30 + str(tmp / 'controller').lstrip('/'), p), id='dotdot-link-out'),
    pytest.param(lambda p, tmp: os.mkfifo(p), id='fifo'),
    pytest.param(lambda p, tmp: open(p, 'w').write('x'), id='file'),
])
def test_hostile_efivars_directory(make, tmp_path, run_module):
    root = secure_boot_host(tmp_path)
    controller_efivar(tmp_path, 'SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c', b'\x06\x00\x00\x00\x00')
    controller_efivar(tmp_path, 'SetupMode-8be4df61-93ca-11d2-aa0d-00e098032b8c', b'\x06\x00\x00\x00\x00')
    replace(root.joinpath(*EFIVARS), lambda p: make(p, tmp_path))
    facts = boot(run_module, str(root))
    # The controller's SecureBoot=0 would say "off" and pass the check.
    assert facts['secure_boot'] == 'unknown'
    assert facts['efi_variables'] == {'SecureBoot': None, 'SetupMode': None, 'MokSBStateRT': None}


@pytest.mark.parametrize('make', UNREADABLE)
def test_hostile_sys_firmware_efi_is_never_bios(make, tmp_path, run_module):
    root = secure_boot_host(tmp_path)
    replace(root / 'sys' / 'firmware' / 'efi', lambda p: make(p, tmp_path))
    facts = boot(run_module, str(root))
    assert facts['mode'] in ('uefi', 'unknown')   # an empty efi/ directory is still UEFI
    assert facts['secure_boot'] == 'unknown'


@pytest.mark.parametrize('make', UNREADABLE + [
    pytest.param(lambda p, tmp: open(p, 'wb').write(b'\0' * 100000), id='nul-bytes'),
    pytest.param(lambda p, tmp: open(p, 'wb').write(b'/dev/sda1 /boot/efi\n' * 50000), id='two-fields'),
    pytest.param(lambda p, tmp: open(p, 'w').write('/dev/sda1 /../../../controller vfat rw 0 0\n'), id='dotdot-mountpoint'),
    pytest.param(lambda p, tmp: open(p, 'w').write('/dev/sda1 /boot/efi\x1b[31m vfat rw 0 0\n'), id='escape-sequence'),
])
def test_hostile_mounts_give_no_esp(make, tmp_path, run_module):
    root = secure_boot_host(tmp_path)
    (tmp_path / 'controller' / 'EFI' / 'debian').mkdir(parents=True)
    (tmp_path / 'controller' / 'EFI' / 'debian' / 'shimx64.efi').write_text('')
    replace(root / 'proc' / 'mounts', lambda p: make(p, tmp_path))
    facts = boot(run_module, str(root))
    assert facts['esp'] is None
    # Without an ESP the chain comes from the tree's own dpkg status, never from the controller's files.
    assert facts['chain']['source'] == 'dpkg'
    assert facts['secure_boot'] == 'on'


@pytest.mark.parametrize('make', UNREADABLE)
def test_hostile_esp_and_dpkg_status(make, tmp_path, run_module):
    root = secure_boot_host(tmp_path)
    (tmp_path / 'controller' / 'EFI' / 'debian').mkdir(parents=True)
    (tmp_path / 'controller' / 'EFI' / 'debian' / 'grubx64.efi').write_text('')
    replace(root / 'boot' / 'efi', lambda p: make(p, tmp_path))
    replace(root / 'var' / 'lib' / 'dpkg' / 'status', lambda p: make(p, tmp_path))
    facts = boot(run_module, str(root))
    assert facts['chain'] == {'shim': None, 'grub': None, 'signed_grub': None, 'loader_dir': None, 'source': None}


def test_hostile_sosreport_listings(tmp_path, run_module):
    root = tmp_path / 'root'
    shutil.copytree(os.path.join(BOOT, 'sosreport-uefi-secure-boot-on'), str(root))
    boot_dir = root / 'sos_commands' / 'boot'
    (boot_dir / 'ls_-alZR_.sys.firmware').write_bytes(b'/sys/firmware:\n' + b'-' * 10 + b' ' * 3000000 + b'efi\n')
    (boot_dir / 'ls_-alZR_.boot').write_bytes(b'\xff\xfe' * 100000)
    os.unlink(str(boot_dir / 'mokutil_--sb-state'))
    os.mkfifo(str(boot_dir / 'mokutil_--sb-state'))
    started = time.time()
    facts = boot(run_module, str(root))
    assert time.time() - started < 10
    # A listing block without a readable entry is not "no efi": never bios, never off.
    assert (facts['mode'], facts['secure_boot']) == ('unknown', 'unknown')
    assert facts['esp'] == {'mountpoint': '/boot/efi', 'device': '/dev/sda1', 'fstype': 'vfat'}
    assert facts['chain']['source'] == 'dpkg'
