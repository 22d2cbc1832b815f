# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of module_utils/cpu_virt.py: cpuinfo shapes of real CPUs and the decisions made from them."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

from ansible_collections.xenhost.dom0.plugins.module_utils import cpu_virt

HOSTS = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'facts', 'hosts')


def cpuinfo(host):
    with open(os.path.join(HOSTS, host, 'proc', 'cpuinfo')) as handle:
        return cpu_virt.parse_cpuinfo(handle.read())


def statuses(facts):
    return dict((c['id'], c['status']) for c in facts['checks'])


def message(facts, check_id):
    return [c['message'] for c in facts['checks'] if c['id'] == check_id][0]


@pytest.mark.parametrize('host,kind,vendor,model,logical,sockets,arch', [
    ('pentium-m-dothan', 'x86', 'GenuineIntel', 'Intel(R) Pentium(R) M processor 1.73GHz', 1, 1, 'i686'),
    ('pentium4-northwood', 'x86', 'GenuineIntel', 'Intel(R) Pentium(R) 4 CPU 2.80GHz', 2, 1, 'i686'),
    ('core2-e8400-vmx', 'x86', 'GenuineIntel', 'Intel(R) Core(TM)2 Duo CPU     E8400  @ 3.00GHz', 2, 1, 'x86_64'),
    ('opteron-2218-2socket', 'x86', 'AuthenticAMD', 'Dual-Core AMD Opteron(tm) Processor 2218', 4, 2, 'x86_64'),
    ('kvm-guest-skylake', 'x86', 'GenuineIntel', 'Intel Core Processor (Skylake, IBRS)', 2, 2, 'x86_64'),
    ('xen-dom0-debian12', 'x86', 'GenuineIntel', 'Intel Xeon Processor (Skylake, IBRS, no TSX)', 2, 1, 'x86_64'),
    ('xen-domu-pv-debian12', 'x86', 'GenuineIntel', 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz', 2, 1, 'x86_64'),
    ('xen-dom0-rhel5', 'x86', 'GenuineIntel', 'Intel(R) Xeon(R) CPU           E5420  @ 2.50GHz', 8, 2, 'x86_64'),
    ('aarch64-cortex-a72', 'arm64', None, None, 4, None, 'aarch64'),
    ('ppc64le-power9', 'ppc', None, 'POWER9 (architected), altivec supported', 4, None, 'ppc64'),
    ('s390x-z14', 's390', 'IBM/S390', None, 4, None, 's390x'),
])
def test_parse_cpuinfo_shapes(host, kind, vendor, model, logical, sockets, arch):
    cpu = cpuinfo(host)
    assert (cpu['kind'], cpu['vendor'], cpu['model_name'], cpu['logical_cpus'], cpu['sockets']) == (kind, vendor, model, logical, sockets)
    assert cpu_virt.arch_from_cpuinfo(cpu) == arch


def test_flags_of_the_dothan_have_no_pae():
    cpu = cpuinfo('pentium-m-dothan')
    assert 'pae' not in cpu['flags'] and 'lm' not in cpu['flags'] and 'sse2' in cpu['flags']
    assert cpu['kernel_32bit']


def test_vmx_flags_line_is_noticed():
    assert cpuinfo('core2-e8400-vmx')['vmx_flags_line']
    assert not cpuinfo('xen-dom0-rhel5')['vmx_flags_line']


def test_32bit_kernel_on_64bit_cpu():
    text = ('processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 23\n'
            'model name\t: Intel(R) Core(TM)2 Duo CPU     E8400  @ 3.00GHz\nfdiv_bug\t: no\nf00f_bug\t: no\ncoma_bug\t: no\n'
            'flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush nx lm vmx\n')
    cpu = cpu_virt.parse_cpuinfo(text)
    assert cpu_virt.arch_from_cpuinfo(cpu) == 'i686'
    facts = cpu_virt.assess(cpu, 'i686')
    assert facts['flags']['lm'] is True
    assert statuses(facts)['64bit'] == 'pass'
    assert '64-bit (x86_64/amd64) operating system' in message(facts, '64bit')
    assert 'i686' in message(facts, '64bit')


def test_family5_32bit_is_i586():
    cpu = cpu_virt.parse_cpuinfo('processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 5\nfdiv_bug\t: no\nflags\t\t: fpu vme de pse tsc msr mce cx8\n')
    assert cpu_virt.arch_from_cpuinfo(cpu) == 'i586'


def test_old_arm64_processor_header():
    text = ('Processor\t: AArch64 Processor rev 0 (aarch64)\nprocessor\t: 0\nprocessor\t: 1\n'
            'Features\t: fp asimd evtstrm\nCPU implementer\t: 0x41\nCPU architecture: AArch64\nCPU part\t: 0xd03\n\nHardware\t: Juno\n')
    cpu = cpu_virt.parse_cpuinfo(text)
    assert (cpu['kind'], cpu['logical_cpus'], cpu['model_name']) == ('arm64', 2, 'AArch64 Processor rev 0 (aarch64)')


def test_arm32_is_not_aarch64():
    text = ('processor\t: 0\nmodel name\t: ARMv7 Processor rev 4 (v7l)\nBogoMIPS\t: 38.40\n'
            'Features\t: half thumb fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt vfpd32 lpae evtstrm crc32\n'
            'CPU implementer\t: 0x41\nCPU architecture: 7\nCPU part\t: 0xd03\n')
    cpu = cpu_virt.parse_cpuinfo(text)
    assert cpu['kind'] == 'arm' and cpu_virt.arch_from_cpuinfo(cpu) == 'armv7l'
    facts = cpu_virt.assess(cpu, 'armv7l')
    assert facts['xen_capable'] is False and statuses(facts)['64bit'] == 'fail'


@pytest.mark.parametrize('text', [None, '', 'garbage without colons\n'])
def test_nothing_readable_gives_nulls_and_unknowns(text):
    cpu = cpu_virt.parse_cpuinfo(text)
    facts = cpu_virt.assess(cpu, None)
    assert facts['vendor'] is None and facts['logical_cpus'] is None and facts['sockets'] is None
    # Unknown, not absent: "pae: false" would read as "no PAE".
    assert facts['flags'] == dict((f, None) for f in cpu_virt.FLAG_NAMES)
    assert facts['hvm'] == {'capable': None, 'technology': None, 'source': None}
    assert facts['bios_disabled'] is None
    assert statuses(facts) == {'pae': 'unknown', '64bit': 'unknown', 'hvm': 'unknown', 'iommu': 'unknown', 'firmware': 'unknown'}
    # Unknown, not "cannot run Xen".
    assert facts['xen_capable'] is None


def test_check_ids_are_fixed_and_ordered():
    facts = cpu_virt.assess(cpuinfo('core2-e8400-vmx'), 'x86_64')
    assert [c['id'] for c in facts['checks']] == list(cpu_virt.CHECK_IDS) == ['pae', '64bit', 'hvm', 'iommu', 'firmware']


def test_no_pae_fails_with_the_panic_text():
    facts = cpu_virt.assess(cpuinfo('pentium-m-dothan'), 'i686')
    assert statuses(facts)['pae'] == 'fail'
    assert 'Cannot execute a PAE-enabled kernel on a PAE-less CPU!' in message(facts, 'pae')
    assert facts['xen_capable'] is False


def test_no_hvm_warns_about_windows():
    facts = cpu_virt.assess(cpuinfo('pentium4-northwood'), 'i686')
    assert statuses(facts)['hvm'] == 'warn'
    assert 'no Windows' in message(facts, 'hvm')


def test_dom0_takes_hvm_from_xen_not_cpuinfo():
    cpu = cpuinfo('xen-dom0-debian12')
    assert 'vmx' not in cpu['flags'] and 'hypervisor' in cpu['flags']
    caps = ['xen-3.0-x86_64', 'hvm-3.0-x86_32', 'hvm-3.0-x86_32p', 'hvm-3.0-x86_64']
    facts = cpu_virt.assess(cpu, 'x86_64', role='dom0', xen_caps=caps)
    assert facts['hvm'] == {'capable': True, 'technology': 'vmx', 'source': 'xen'}
    assert facts['bios_disabled'] is False
    # Without Xen's word, a dom0 says unknown rather than "no HVM".
    facts = cpu_virt.assess(cpu, 'x86_64', role='dom0', xen_caps=None)
    assert facts['hvm'] == {'capable': None, 'technology': None, 'source': None}
    assert statuses(facts)['hvm'] == 'unknown'
    # Xen without hvm-* caps: no HVM, said by Xen.
    facts = cpu_virt.assess(cpu, 'x86_64', role='dom0', xen_caps=['xen-3.0-x86_64'])
    assert facts['hvm'] == {'capable': False, 'technology': None, 'source': 'xen'}
    assert facts['bios_disabled'] is None


def test_amd_dom0_technology_is_svm():
    cpu = cpuinfo('opteron-2218-2socket')
    cpu['flags'].discard('svm')  # as a dom0 would show it
    facts = cpu_virt.assess(cpu, 'x86_64', role='dom0', xen_caps=['xen-3.0-x86_64', 'hvm-3.0-x86_64'])
    assert facts['hvm'] == {'capable': True, 'technology': 'svm', 'source': 'xen'}


def test_iommu_evidence_order():
    intel = cpuinfo('core2-e8400-vmx')
    amd = cpuinfo('opteron-2218-2socket')
    assert cpu_virt.assess_iommu(intel, 'none', ['dmar0'], None, None) == {'present': True, 'type': 'vt-d', 'source': 'sysfs'}
    assert cpu_virt.assess_iommu(amd, 'none', ['ivhd0'], ['APIC'], None) == {'present': True, 'type': 'amd-vi', 'source': 'sysfs'}
    assert cpu_virt.assess_iommu(intel, 'none', [], ['APIC', 'DMAR'], None) == {'present': True, 'type': 'vt-d', 'source': 'acpi'}
    assert cpu_virt.assess_iommu(amd, 'none', None, ['IVRS'], None) == {'present': True, 'type': 'amd-vi', 'source': 'acpi'}
    assert cpu_virt.assess_iommu(amd, 'none', None, ['APIC', 'DSDT'], None) == {'present': False, 'type': None, 'source': 'acpi'}
    # A dom0: Xen renamed DMAR to XMAR, or hid it; absence alone is not "absent".
    assert cpu_virt.assess_iommu(intel, 'dom0', None, ['APIC', 'XMAR'], None) == {'present': True, 'type': 'vt-d', 'source': 'acpi'}
    assert cpu_virt.assess_iommu(intel, 'dom0', None, ['APIC', 'DSDT'], None) == {'present': None, 'type': None, 'source': None}
    # ... unless Xen itself says (xl info virt_caps on a live dom0).
    assert cpu_virt.assess_iommu(intel, 'dom0', None, ['APIC'], ['pv', 'hvm', 'hvm_directio', 'hap']) == \
        {'present': True, 'type': 'vt-d', 'source': 'xen'}
    assert cpu_virt.assess_iommu(intel, 'dom0', None, ['APIC'], ['pv', 'hvm', 'hap']) == {'present': False, 'type': None, 'source': 'xen'}
    assert cpu_virt.assess_iommu(intel, 'none', None, None, None) == {'present': None, 'type': None, 'source': None}
    assert cpu_virt.assess_iommu(intel, 'none', ['smmu3.0x0000000009050000'], None, None) == {'present': True, 'type': None, 'source': 'sysfs'}


def test_msr_decoding():
    intel, amd = cpu_virt.MSR_IA32_FEATURE_CONTROL, cpu_virt.MSR_VM_CR
    assert cpu_virt.firmware_disabled_from_msr(intel, 0x1) is True     # locked, VMX outside SMX off
    assert cpu_virt.firmware_disabled_from_msr(intel, 0x5) is False    # locked, VMX on
    assert cpu_virt.firmware_disabled_from_msr(intel, 0x3) is True     # locked, only VMX inside SMX
    assert cpu_virt.firmware_disabled_from_msr(intel, 0x0) is False    # unlocked: the OS may enable it
    assert cpu_virt.firmware_disabled_from_msr(amd, 0x18) is True      # lock + SVMDIS
    assert cpu_virt.firmware_disabled_from_msr(amd, 0x0) is False
    assert cpu_virt.firmware_disabled_from_msr(intel, None) is None


def test_msr_to_read_only_on_bare_metal_x86():
    assert cpu_virt.msr_to_read(cpuinfo('opteron-2218-2socket'), 'none') == cpu_virt.MSR_VM_CR
    assert cpu_virt.msr_to_read(cpuinfo('pentium4-northwood'), 'none') == cpu_virt.MSR_IA32_FEATURE_CONTROL
    assert cpu_virt.msr_to_read(cpuinfo('core2-e8400-vmx'), 'none') is None       # "vmx flags" already tells
    assert cpu_virt.msr_to_read(cpuinfo('kvm-guest-skylake'), 'none') is None     # a VM: emulated MSR
    assert cpu_virt.msr_to_read(cpuinfo('xen-dom0-rhel5'), 'dom0') is None        # Xen emulates it too
    assert cpu_virt.msr_to_read(cpuinfo('aarch64-cortex-a72'), 'none') is None


def test_firmware_locked_off_fails_and_says_what_to_do():
    cpu = cpuinfo('opteron-2218-2socket')
    facts = cpu_virt.assess(cpu, 'x86_64', msr_address=cpu_virt.MSR_VM_CR, msr_value=0x18)
    assert facts['bios_disabled'] is True
    assert statuses(facts)['firmware'] == 'fail'
    assert 'SVM Mode' in message(facts, 'firmware') and 'power the machine off and on' in message(facts, 'firmware')
    assert statuses(facts)['hvm'] == 'warn'
    assert facts['xen_capable'] is True  # PV still works


def core2_without_vmx():
    """A Core 2 as Linux 5.6+ shows it when VMX is locked off: no vmx flag, no "vmx flags" line."""
    cpu = cpuinfo('core2-e8400-vmx')
    cpu['flags'].discard('vmx')
    cpu['vmx_flags_line'] = False
    return cpu


def test_intel_locked_off_without_vmx_flag_and_cpuid_showing_vmx():
    # Linux 5.6+ drops vmx from cpuinfo when firmware locked it off; raw CPUID still shows VMX.
    facts = cpu_virt.assess(core2_without_vmx(), 'x86_64', msr_address=cpu_virt.MSR_IA32_FEATURE_CONTROL, msr_value=0x1,
                            cpuid_vt=True)
    assert facts['bios_disabled'] is True
    assert facts['hvm'] == {'capable': True, 'technology': 'vmx', 'source': 'cpuid'}
    assert statuses(facts)['firmware'] == 'fail' and statuses(facts)['hvm'] == 'warn'
    assert '0x1' in message(facts, 'firmware') and 'Intel Virtualization Technology' in message(facts, 'firmware')
    # The hvm check agrees with the firmware check instead of saying "no hardware virtualization".
    assert 'switched off' in message(facts, 'hvm') and 'enable Intel VT-x in the BIOS' in message(facts, 'hvm')
    assert 'no hardware virtualization' not in message(facts, 'hvm')


def test_intel_locked_off_without_vmx_flag_and_no_cpuid_is_unknown_not_blamed():
    # Absent or locked off cannot be told: neither "no VT" nor "the firmware did it", but an actionable warning.
    facts = cpu_virt.assess(core2_without_vmx(), 'x86_64', msr_address=cpu_virt.MSR_IA32_FEATURE_CONTROL, msr_value=0x1)
    assert facts['bios_disabled'] is None
    assert facts['hvm'] == {'capable': None, 'technology': None, 'source': None}
    assert statuses(facts)['hvm'] == 'warn' and statuses(facts)['firmware'] == 'unknown'
    assert message(facts, 'hvm').startswith('VT-x absent or disabled by firmware: check the BIOS setting')
    assert 'no hardware virtualization' not in message(facts, 'hvm')
    assert 'modprobe cpuid' in message(facts, 'firmware') and '0x1' in message(facts, 'firmware')
    assert facts['xen_capable'] is True


def test_smx_without_vmx_never_blames_the_firmware():
    # IA32_FEATURE_CONTROL exists on a CPU with SMX but no VMX; locked with only SMX bits set.
    cpu = cpuinfo('pentium4-northwood')
    assert 'vmx' not in cpu['flags']
    for value in (0x1, 0x3, 0xff03):
        facts = cpu_virt.assess(cpu, 'i686', msr_address=cpu_virt.MSR_IA32_FEATURE_CONTROL, msr_value=value, cpuid_vt=False)
        assert facts['bios_disabled'] is False
        assert facts['hvm'] == {'capable': False, 'technology': None, 'source': 'cpuid'}
        assert statuses(facts)['firmware'] == 'pass' and 'no hardware virtualization to lock' in message(facts, 'firmware')
        facts = cpu_virt.assess(cpu, 'i686', msr_address=cpu_virt.MSR_IA32_FEATURE_CONTROL, msr_value=value)
        assert facts['bios_disabled'] is None and statuses(facts)['firmware'] == 'unknown'


def test_intel_without_vmx_is_no_vt_only_with_evidence():
    cpu = core2_without_vmx()
    # MSR locked with VMX on (or unlocked): Linux would have listed vmx, so the CPU has none.
    for value in (0x5, 0x0):
        facts = cpu_virt.assess(cpu, 'x86_64', msr_address=cpu_virt.MSR_IA32_FEATURE_CONTROL, msr_value=value)
        assert facts['bios_disabled'] is False
        assert facts['hvm'] == {'capable': False, 'technology': None, 'source': 'cpuinfo'}
        assert 'no hardware virtualization (no vmx/svm flag)' in message(facts, 'hvm')
    # MSR unreadable: unknown, not "no VT".
    facts = cpu_virt.assess(cpu, 'x86_64', msr_address=cpu_virt.MSR_IA32_FEATURE_CONTROL, msr_value=None)
    assert facts['hvm']['capable'] is None and statuses(facts)['hvm'] == 'warn'
    # ... unless raw CPUID shows VMX hidden by Linux: then the firmware most likely switched it off.
    facts = cpu_virt.assess(cpu, 'x86_64', msr_address=cpu_virt.MSR_IA32_FEATURE_CONTROL, msr_value=None, cpuid_vt=True)
    assert facts['hvm'] == {'capable': True, 'technology': 'vmx', 'source': 'cpuid'}
    assert facts['bios_disabled'] is None
    assert statuses(facts)['hvm'] == 'warn' and 'BIOS' in message(facts, 'hvm')


def test_amd_without_svm_is_not_blamed_on_svmdis():
    # Linux keeps svm listed when firmware sets SVMDIS, so no svm flag means no AMD-V.
    cpu = cpuinfo('opteron-2218-2socket')
    cpu['flags'].discard('svm')
    facts = cpu_virt.assess(cpu, 'x86_64', msr_address=cpu_virt.MSR_VM_CR, msr_value=0x18)
    assert facts['bios_disabled'] is False
    assert facts['hvm'] == {'capable': False, 'technology': None, 'source': 'cpuinfo'}
    assert statuses(facts)['firmware'] == 'pass'


def test_vt_from_cpuid():
    intel, amd = cpu_virt.MSR_IA32_FEATURE_CONTROL, cpu_virt.MSR_VM_CR
    assert cpu_virt.cpuid_leaf_for(intel) == 0x1 and cpu_virt.cpuid_leaf_for(amd) == 0x80000001
    assert cpu_virt.cpuid_leaf_for(None) is None
    # Core 2 E8400 leaf 1: ECX 0x0408e3fd has VMX (bit 5); a Pentium 4 Northwood ECX 0x00004400 has not.
    assert cpu_virt.vt_from_cpuid(intel, (0x10676, 0x20800, 0x0408e3fd, 0xbfebfbff)) is True
    assert cpu_virt.vt_from_cpuid(intel, (0xf29, 0x10800, 0x00004400, 0xbfebfbff)) is False
    # Opteron 2218 leaf 0x80000001: ECX 0x1f has SVM (bit 2).
    assert cpu_virt.vt_from_cpuid(amd, (0x40f13, 0x0, 0x1f, 0xebd3fbff)) is True
    assert cpu_virt.vt_from_cpuid(amd, (0x40f13, 0x0, 0x1b, 0xebd3fbff)) is False
    assert cpu_virt.vt_from_cpuid(intel, None) is None and cpu_virt.vt_from_cpuid(None, (0, 0, 0xff, 0)) is None


def test_firmware_unknown_reasons():
    facts = cpu_virt.assess(cpuinfo('opteron-2218-2socket'), 'x86_64', msr_address=cpu_virt.MSR_VM_CR, msr_value=None)
    assert statuses(facts)['firmware'] == 'unknown' and 'modprobe msr' in message(facts, 'firmware')
    facts = cpu_virt.assess(cpuinfo('kvm-guest-skylake'), 'x86_64')
    assert statuses(facts)['firmware'] == 'unknown' and 'hypervisor' in message(facts, 'firmware')


def test_vm_without_nested_vmx():
    facts = cpu_virt.assess(cpuinfo('kvm-guest-skylake'), 'x86_64', acpi_tables=['APIC', 'DSDT', 'FACP'])
    assert facts['hvm']['capable'] is False
    assert 'nested virtualization' in message(facts, 'hvm')
    assert 'virtual IOMMU' in message(facts, 'iommu')
    assert facts['xen_capable'] is True


def test_aarch64_xen_capable_but_el2_unknown():
    facts = cpu_virt.assess(cpuinfo('aarch64-cortex-a72'), 'aarch64')
    assert facts['xen_capable'] is True
    assert statuses(facts) == {'pae': 'pass', '64bit': 'pass', 'hvm': 'unknown', 'iommu': 'unknown', 'firmware': 'unknown'}
    assert 'EL2' in message(facts, 'hvm')
    assert facts['flags'] == dict((f, False) for f in cpu_virt.FLAG_NAMES)


@pytest.mark.parametrize('host,arch', [('ppc64le-power9', 'ppc64le'), ('s390x-z14', 's390x')])
def test_non_xen_architectures(host, arch):
    facts = cpu_virt.assess(cpuinfo(host), arch)
    assert facts['xen_capable'] is False
    assert statuses(facts)['64bit'] == 'fail'
    assert arch in message(facts, '64bit')


# --- garbage cpuinfo is unknown, never "no PAE" ----------------------------------------------------

GARBAGE_CPUINFO = [
    '\0' * 1000, 'flags\n', 'vendor_id : GenuineIntel\n', 'vendor_id : AuthenticAMD\nflags :\n',
    'processor : 0\n' * 10, ':::\n', 'hello: world\nfoo: bar\n', '\ufffd\ufffd: \ufffd\n',
    'processor\t: \u0663\nvendor_id : GenuineIntel\n', 'a' + ' ' * 100000 + 'b', 'model name : Xeon\n',
]


@pytest.mark.parametrize('text', GARBAGE_CPUINFO)
def test_garbage_cpuinfo_is_unknown(text):
    facts = cpu_virt.assess(cpu_virt.parse_cpuinfo(text), None)
    assert statuses(facts)['pae'] == 'unknown' and statuses(facts)['64bit'] == 'unknown'
    assert facts['xen_capable'] is None
    assert set(facts['flags'].values()) == {None}


@pytest.mark.parametrize('value', ['\u0663', '\u00b3', '9' * 5000, '-1', '1.5', ' '])
def test_counts_take_ascii_digits_only(value):
    cpu = cpu_virt.parse_cpuinfo('processor : %s\nvendor_id : GenuineIntel\ncpu family : %s\nflags : fpu pae\n' % (value, value))
    assert cpu['logical_cpus'] is None and cpu['family'] is None
    assert cpu_virt.arch_from_cpuinfo(cpu) == 'i686'


def test_cpuinfo_parse_is_linear():
    import time
    started = time.time()
    cpu_virt.parse_cpuinfo(('a' + ' ' * 50000 + 'b\n') * 20)
    assert time.time() - started < 1


@pytest.mark.parametrize('role', ['unknown'])
def test_unknown_xen_role_never_blames_firmware_nor_claims_no_hvm(role):
    cpu = cpu_virt.parse_cpuinfo('processor : 0\nvendor_id : GenuineIntel\nflags : fpu pae lm hypervisor\n')
    assert cpu_virt.msr_to_read(cpu, role) is None
    facts = cpu_virt.assess(cpu, 'x86_64', role=role, acpi_tables=['APIC', 'FACP'])
    assert facts['hvm'] == {'capable': None, 'technology': None, 'source': None}
    assert statuses(facts) == {'pae': 'pass', '64bit': 'pass', 'hvm': 'unknown', 'iommu': 'unknown', 'firmware': 'unknown'}
    assert facts['xen_capable'] is True
