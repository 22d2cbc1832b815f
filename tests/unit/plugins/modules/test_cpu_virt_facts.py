# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run cpu_virt_facts' main() against the host trees and assert the facts it returns."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import shutil
import struct

import pytest

from ansible.module_utils import basic

from ansible_collections.xenhost.dom0.plugins.modules import cpu_virt_facts

HOSTS = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'facts', 'hosts')


@pytest.fixture
def facts_module():
    """facts_of (conftest.py) runs cpu_virt_facts."""
    return cpu_virt_facts


def summary(facts):
    return (
        facts['arch'], facts['vendor'], facts['logical_cpus'], facts['sockets'],
        ''.join(name if facts['flags'][name] else '-' for name in ('pae', 'lm', 'nx', 'vmx', 'svm', 'hypervisor')),
        (facts['hvm']['capable'], facts['hvm']['technology'], facts['hvm']['source']),
        (facts['iommu']['present'], facts['iommu']['type'], facts['iommu']['source']),
        facts['bios_disabled'],
        ' '.join('%s=%s' % (c['id'], c['status']) for c in facts['checks']),
        facts['xen_capable'],
    )


EXPECTED = {
    'pentium-m-dothan': (
        # No vmx and no MSR reading: Linux 5.6+ hides vmx also when locked off, so "absent or disabled".
        'i686', 'GenuineIntel', 1, 1, '------', (None, None, None), (False, None, 'acpi'), None,
        'pae=fail 64bit=fail hvm=warn iommu=warn firmware=unknown', False),
    'pentium4-northwood': (
        'i686', 'GenuineIntel', 2, 1, 'pae-----', (None, None, None), (None, None, None), None,
        'pae=pass 64bit=fail hvm=warn iommu=unknown firmware=unknown', False),
    'core2-e8400-vmx': (
        'x86_64', 'GenuineIntel', 2, 1, 'paelmnxvmx--', (True, 'vmx', 'cpuinfo'), (True, 'vt-d', 'acpi'), False,
        'pae=pass 64bit=pass hvm=pass iommu=pass firmware=pass', True),
    'opteron-2218-2socket': (
        'x86_64', 'AuthenticAMD', 4, 2, 'paelmnx-svm-', (True, 'svm', 'cpuinfo'), (False, None, 'acpi'), None,
        'pae=pass 64bit=pass hvm=pass iommu=warn firmware=unknown', True),
    'kvm-guest-skylake': (
        'x86_64', 'GenuineIntel', 2, 2, 'paelmnx--hypervisor', (False, None, 'cpuinfo'), (False, None, 'acpi'), None,
        'pae=pass 64bit=pass hvm=warn iommu=warn firmware=unknown', True),
    'xen-dom0-debian12': (
        'x86_64', 'GenuineIntel', 2, 1, 'paelmnx--hypervisor', (True, 'vmx', 'xen'), (None, None, None), False,
        'pae=pass 64bit=pass hvm=pass iommu=unknown firmware=pass', True),
    'xen-domu-pv-debian12': (
        'x86_64', 'GenuineIntel', 2, 1, 'paelmnx--hypervisor', (False, None, 'cpuinfo'), (None, None, None), None,
        'pae=pass 64bit=pass hvm=warn iommu=unknown firmware=unknown', True),
    'xen-dom0-rhel5': (
        'x86_64', 'GenuineIntel', 8, 2, 'paelmnx---', (True, 'vmx', 'xen'), (None, None, None), False,
        'pae=pass 64bit=pass hvm=pass iommu=unknown firmware=pass', True),
    'aarch64-cortex-a72': (
        'aarch64', None, 4, None, '------', (None, None, None), (None, None, None), None,
        'pae=pass 64bit=pass hvm=unknown iommu=unknown firmware=unknown', True),
    'ppc64le-power9': (
        'ppc64', None, 4, None, '------', (None, None, None), (None, None, None), None,
        'pae=unknown 64bit=fail hvm=unknown iommu=unknown firmware=unknown', False),
    's390x-z14': (
        's390x', 'IBM/S390', 4, None, '------', (None, None, None), (None, None, None), None,
        'pae=unknown 64bit=fail hvm=unknown iommu=unknown firmware=unknown', False),
}


def test_every_tree_is_covered():
    assert sorted(EXPECTED) == sorted(d for d in os.listdir(HOSTS) if os.path.isdir(os.path.join(HOSTS, d)))


@pytest.mark.parametrize('host', sorted(EXPECTED))
def test_host_tree(host, facts_of):
    assert summary(facts_of(os.path.join(HOSTS, host))) == EXPECTED[host]


def test_dom0_exact_facts(facts_of):
    facts = facts_of(os.path.join(HOSTS, 'xen-dom0-debian12'), check_mode=True)
    messages = [c.pop('message') for c in facts['checks']]
    assert facts == {
        'arch': 'x86_64',
        'vendor': 'GenuineIntel',
        'model_name': 'Intel Xeon Processor (Skylake, IBRS, no TSX)',
        'logical_cpus': 2,
        'sockets': 1,
        'flags': {'pae': True, 'lm': True, 'nx': True, 'vmx': False, 'svm': False, 'hypervisor': True},
        'hvm': {'capable': True, 'technology': 'vmx', 'source': 'xen'},
        'iommu': {'present': None, 'type': None, 'source': None},
        'bios_disabled': False,
        'checks': [
            {'id': 'pae', 'status': 'pass'},
            {'id': '64bit', 'status': 'pass'},
            {'id': 'hvm', 'status': 'pass'},
            {'id': 'iommu', 'status': 'unknown'},
            {'id': 'firmware', 'status': 'pass'},
        ],
        'xen_capable': True,
    }
    assert 'Xen reports hvm capabilities' in messages[2]
    assert 'Xen hides' in messages[3]


def copy_tree(host, tmp_path):
    root = str(tmp_path / host)
    shutil.copytree(os.path.join(HOSTS, host), root)
    return root


def write_cpu0_device(root, name, offset, data):
    """A sparse file standing in for /dev/cpu/0/<name> (msr, cpuid): data sits at offset, as the module reads it."""
    path = os.path.join(root, 'dev', 'cpu', '0')
    if not os.path.isdir(path):
        os.makedirs(path)
    with open(os.path.join(path, name), 'wb') as handle:
        handle.seek(offset)
        handle.write(data)


def write_msr(root, address, value):
    """The MSR's 64-bit value at its address."""
    write_cpu0_device(root, 'msr', address, struct.pack('<Q', value))


def write_cpuid(root, leaf, registers):
    """EAX..EDX of the CPUID leaf at the leaf's offset."""
    write_cpu0_device(root, 'cpuid', leaf, struct.pack('<4I', *registers))


@pytest.mark.parametrize('host,msr,value,bios_disabled,statuses', [
    pytest.param('opteron-2218-2socket', 0xc0010114, 0x18, True, ['pass', 'pass', 'warn', 'warn', 'fail'],
                 id='amd_svm_disabled_by_firmware'),
    pytest.param('opteron-2218-2socket', 0xc0010114, 0x0, False, ['pass', 'pass', 'pass', 'warn', 'pass'],
                 id='amd_svm_enabled'),
    # Xen emulates IA32_FEATURE_CONTROL for a PV dom0 as locked without VMX: must not blame the firmware.
    pytest.param('xen-dom0-debian12', 0x3a, 0x1, False, ['pass', 'pass', 'pass', 'unknown', 'pass'],
                 id='msr_is_not_trusted_inside_dom0'),
])
def test_firmware_msr(host, msr, value, bios_disabled, statuses, tmp_path, facts_of):
    root = copy_tree(host, tmp_path)
    write_msr(root, msr, value)
    facts = facts_of(root)
    assert facts['bios_disabled'] is bios_disabled
    assert [c['status'] for c in facts['checks']] == statuses


def core2_locked_off_tree(tmp_path):
    # Linux 5.6+ removes vmx (and prints no "vmx flags") when the firmware locked VMX off.
    root = copy_tree('core2-e8400-vmx', tmp_path)
    path = os.path.join(root, 'proc', 'cpuinfo')
    with open(path) as handle:
        lines = [line.replace(' vmx ', ' ') for line in handle if not line.startswith('vmx flags')]
    with open(path, 'w') as handle:
        handle.writelines(lines)
    write_msr(root, 0x3a, 0x1)
    return root


def test_intel_locked_off_new_kernel_with_cpuid(tmp_path, facts_of):
    root = core2_locked_off_tree(tmp_path)
    write_cpuid(root, 0x1, (0x10676, 0x20800, 0x0408e3fd, 0xbfebfbff))  # Core 2 E8400: ECX bit 5 = VMX
    facts = facts_of(root)
    assert facts['flags']['vmx'] is False
    assert facts['hvm'] == {'capable': True, 'technology': 'vmx', 'source': 'cpuid'}
    assert facts['bios_disabled'] is True
    assert [c['status'] for c in facts['checks']] == ['pass', 'pass', 'warn', 'pass', 'fail']
    assert 'IA32_FEATURE_CONTROL MSR = 0x1' in facts['checks'][4]['message']
    assert 'enable Intel VT-x in the BIOS' in facts['checks'][2]['message']


def test_intel_locked_off_new_kernel_without_cpuid(tmp_path, facts_of):
    facts = facts_of(core2_locked_off_tree(tmp_path))
    assert facts['hvm'] == {'capable': None, 'technology': None, 'source': None}
    assert facts['bios_disabled'] is None
    assert [c['status'] for c in facts['checks']] == ['pass', 'pass', 'warn', 'pass', 'unknown']
    assert facts['checks'][2]['message'].startswith('VT-x absent or disabled by firmware: check the BIOS setting')


def test_locked_msr_on_cpu_without_vmx_per_cpuid(tmp_path, facts_of):
    # SMX without VMX: the lock bit is set, but there is no VT-x for the firmware to have disabled.
    root = core2_locked_off_tree(tmp_path)
    write_cpuid(root, 0x1, (0xf29, 0x10800, 0x00004400, 0xbfebfbff))
    facts = facts_of(root)
    assert facts['bios_disabled'] is False
    assert facts['hvm'] == {'capable': False, 'technology': None, 'source': 'cpuid'}
    assert facts['checks'][4]['status'] == 'pass'


def test_dom0_detected_by_feature_bit_without_xenfs(tmp_path, facts_of):
    root = copy_tree('xen-dom0-debian12', tmp_path)
    shutil.rmtree(os.path.join(root, 'proc', 'xen'))
    facts = facts_of(root)
    assert facts['hvm'] == {'capable': True, 'technology': 'vmx', 'source': 'xen'}
    assert facts['iommu'] == {'present': None, 'type': None, 'source': None}


def test_arch_file_wins_over_guess(tmp_path, facts_of):
    root = copy_tree('ppc64le-power9', tmp_path)
    with open(os.path.join(root, 'proc', 'sys', 'kernel', 'arch'), 'w') as handle:
        handle.write('ppc64le\n')
    assert facts_of(root)['arch'] == 'ppc64le'


def test_empty_root_gives_nulls(tmp_path, facts_of):
    facts = facts_of(str(tmp_path))
    assert facts['arch'] is None and facts['vendor'] is None and facts['logical_cpus'] is None
    assert [c['status'] for c in facts['checks']] == ['unknown'] * 5
    assert facts['xen_capable'] is None


def test_unreadable_cpuinfo(tmp_path, facts_of):
    (tmp_path / 'proc' / 'cpuinfo').mkdir(parents=True)  # reading a directory fails even as root
    facts = facts_of(str(tmp_path))
    assert facts['checks'][0] == {'id': 'pae', 'status': 'unknown',
                                  'message': 'Could not read or understand /proc/cpuinfo, so PAE support is unknown.'}
    assert facts['flags'] == {'pae': None, 'lm': None, 'nx': None, 'vmx': None, 'svm': None, 'hypervisor': None}
    assert facts['xen_capable'] is None


def test_bad_root_fails_clearly(tmp_path, run_module):
    root = str(tmp_path / 'nope')
    result = run_module(cpu_virt_facts, root=root)
    assert result['failed'] is True
    assert result['msg'] == "root %s is not a directory: point it at / or at a copy of a machine's files (proc/, sys/)." % root


def test_live_dom0_reads_xl_virt_caps(monkeypatch, facts_of):
    """On root=/ in a dom0 the module asks `xl info` for virt_caps (I/O stubbed: the tree stands in for /)."""
    tree = os.path.join(HOSTS, 'xen-dom0-debian12')
    with open(os.path.join(HOSTS, '..', 'xen', 'xl-info-n-4.17-physical.txt')) as handle:
        xl_info = handle.read()
    calls = []

    def run_command(self, args, **kwargs):
        calls.append(args)
        return 0, xl_info, ''
    monkeypatch.setattr(cpu_virt_facts, 'is_live_root', lambda p: p == tree)
    monkeypatch.setattr(cpu_virt_facts.platform, 'machine', lambda: 'x86_64')
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda self, name, *a, **k: '/usr/sbin/' + name)
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    facts = facts_of(tree)
    assert calls == [['/usr/sbin/xl', 'info']]
    assert facts['iommu'] == {'present': True, 'type': 'vt-d', 'source': 'xen'}
    assert facts['checks'][3]['status'] == 'pass'
