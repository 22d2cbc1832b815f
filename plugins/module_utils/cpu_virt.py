# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a CPU can carry for Xen: pure functions over /proc/cpuinfo text and a few other readings.

The functions up to assess() do no I/O. gather() at the end reads a machine's files for them,
through root_facts only, and runs no command (Xen's virt_caps are handed in): it is shared by
cpu_virt_facts and by xen_facts with cpu_virt=true, which answers both facts in one module call.
Check ids are fixed (other parts use them): pae, 64bit, hvm, iommu, firmware.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import struct

from ansible_collections.xenhost.dom0.plugins.module_utils.root_facts import list_under, read_device_at, read_under
from ansible_collections.xenhost.dom0.plugins.module_utils.xen_text import (
    hvm_from_capabilities, parse_capabilities, xen_role,
)

CHECK_IDS = ('pae', '64bit', 'hvm', 'iommu', 'firmware')
FLAG_NAMES = ('pae', 'lm', 'nx', 'vmx', 'svm', 'hypervisor')

INTEL = ('GenuineIntel',)
AMD = ('AuthenticAMD', 'HygonGenuine')

# IA32_FEATURE_CONTROL (Intel): bit 0 lock, bit 2 VMX outside SMX.
MSR_IA32_FEATURE_CONTROL = 0x3a
# VM_CR (AMD): bit 4 SVMDIS (set by firmware, normally together with the lock bit 3).
MSR_VM_CR = 0xc0010114
# Raw CPUID (the cpuid device) says whether the CPU implements VT whatever the firmware did:
# Intel leaf 1 ECX bit 5 (VMX), AMD leaf 0x80000001 ECX bit 2 (SVM). {MSR: (leaf, ECX bit)}.
CPUID_VT_BIT = {MSR_IA32_FEATURE_CONTROL: (0x1, 5), MSR_VM_CR: (0x80000001, 2)}

# A count or family: ASCII digits only (str.isdigit() takes '٣' and '³'), short enough for int().
_SMALL_INT = re.compile(r'^[0-9]{1,9}$')
# Roles under which the MSR is emulated (or may be) and a missing vmx flag proves nothing.
ROLES_UNDER_XEN = ('dom0', 'domU', 'unknown')


def _small_int(text):
    return int(text) if _SMALL_INT.match(text or '') else None


def _key_value(line):
    """('key', 'value') of a 'key<blanks>: value' cpuinfo line, or None; linear in the line's length."""
    key, colon, value = line.partition(':')
    key = key.strip()
    if not colon or not key:
        return None
    return key, value.strip()


def parse_cpuinfo(text):
    """Parse /proc/cpuinfo of any architecture into a dict of the facts this collection needs.

    Returns {kind, vendor, model_name, logical_cpus, sockets, flags (set), family, kernel_32bit,
    vmx_flags_line, features (set)}; kind is 'x86', 'arm64', 'arm', 'ppc', 's390' or None
    (empty or unknown text). Shapes handled: x86 blocks (32-bit kernels add fdiv_bug/f00f_bug),
    arm64 "Features"/"CPU architecture: 8" (and the 3.x "Processor : AArch64 ..." header),
    POWER "cpu : POWER9 ...", s390x "# processors" with "processor N: version = ..." lines.
    Text that is none of these (garbage, binary, an x86 block without its "flags" line) has kind
    None: unknown, never a CPU without features.
    """
    first = {}
    processors = 0
    physical_ids = set()
    for line in (text or '').splitlines():
        pair = _key_value(line)
        if pair is None:
            continue
        key, value = pair
        if key == 'processor' and _SMALL_INT.match(value):
            processors += 1
        elif key == 'physical id':
            physical_ids.add(value)
        # First occurrence wins: every processor block repeats the same vendor and flags.
        first.setdefault(key, value)

    kind = _kind(first)
    vendor = first.get('vendor_id') or None
    model_name = first.get('model name') or None
    flags = set()
    features = set()
    logical = processors or None
    sockets = None
    family = None
    if kind == 'x86':
        flags = set(first.get('flags', '').split())
        family = _small_int(first.get('cpu family'))
        if physical_ids:
            sockets = len(physical_ids)
        elif processors == 1:
            sockets = 1
    elif kind == 's390':
        logical = _small_int(first.get('# processors'))
        features = set(first.get('features', '').split())
    elif kind in ('arm64', 'arm'):
        features = set(first.get('Features', '').split())
        if model_name is None and first.get('Processor'):
            model_name = first['Processor']
    elif kind == 'ppc':
        model_name = first.get('cpu') or None
    return {
        'kind': kind,
        'vendor': vendor,
        'model_name': model_name,
        'logical_cpus': logical,
        'sockets': sockets,
        'flags': flags,
        'features': features,
        'family': family,
        'kernel_32bit': 'fdiv_bug' in first or 'f00f_bug' in first,
        'vmx_flags_line': 'vmx flags' in first,
        'platform': first.get('platform') or None,
    }


def _kind(first):
    vendor = first.get('vendor_id', '')
    if vendor.startswith('IBM/S390') or '# processors' in first:
        return 's390'
    if 'flags' in first or vendor in INTEL + AMD:
        # Without its flags line nothing says whether an x86 CPU has PAE or 64-bit: unknown, not absent.
        return 'x86' if first.get('flags') else None
    if 'Features' in first or 'CPU implementer' in first:
        architecture = first.get('CPU architecture', '')
        if architecture in ('8', 'AArch64') or 'aarch64' in first.get('Processor', '').lower() or 'asimd' in first.get('Features', ''):
            return 'arm64'
        return 'arm'
    if 'cpu' in first and ('timebase' in first or 'revision' in first or 'POWER' in first['cpu']):
        return 'ppc'
    return None


def arch_from_cpuinfo(cpu):
    """Best guess of `uname -m` for a cpuinfo that is not this machine's (a sosreport, a test tree).

    x86: a 32-bit kernel prints fdiv_bug/f00f_bug (i686, or i586 for family 5), else x86_64 when
    the CPU has lm. POWER: endianness is not visible in cpuinfo, so 'ppc64' (the family).
    """
    kind = cpu['kind']
    if kind == 'x86':
        if 'lm' in cpu['flags'] and not cpu['kernel_32bit']:
            return 'x86_64'
        # Linux names 32-bit x86 after the CPU family, capped at 6: i586, i686.
        return 'i%d86' % max(3, min(cpu['family'] or 6, 6))
    if kind == 'arm64':
        return 'aarch64'
    if kind == 'arm':
        return 'armv7l'
    if kind == 'ppc':
        return 'ppc64'
    if kind == 's390':
        return 's390x' if 'zarch' in cpu['features'] else 's390'
    return None


def is_64bit_arch(arch):
    return arch in ('x86_64', 'amd64', 'aarch64', 'arm64', 'ppc64', 'ppc64le', 's390x')


def msr_to_read(cpu, role):
    """Which MSR (address) to read on CPU 0 to see whether firmware locked VT off, or None.

    Not on non-x86, not when the vendor has no such MSR, not when Linux already tells
    (the "vmx flags" line, Linux 5.9+, is printed only when firmware left VMX enabled), and not
    under a hypervisor: Xen and KVM emulate these MSRs for their guests (a PV dom0 sees
    IA32_FEATURE_CONTROL locked without VMX), which would falsely blame the firmware.
    """
    if cpu['kind'] != 'x86' or cpu['vmx_flags_line']:
        return None
    if role in ROLES_UNDER_XEN or 'hypervisor' in cpu['flags']:
        return None
    if cpu['vendor'] in INTEL:
        return MSR_IA32_FEATURE_CONTROL
    if cpu['vendor'] in AMD:
        return MSR_VM_CR
    return None


def firmware_disabled_from_msr(address, value):
    """True when the MSR value shows VT locked off by firmware, False when not, None if unknown."""
    if value is None:
        return None
    if address == MSR_IA32_FEATURE_CONTROL:
        return bool(value & 0x1) and not value & 0x4
    if address == MSR_VM_CR:
        return bool(value & 0x10)
    return None


def cpuid_leaf_for(msr_address):
    """The CPUID leaf whose ECX tells whether the CPU implements the VT that this MSR controls, or None."""
    entry = CPUID_VT_BIT.get(msr_address)
    return entry[0] if entry else None


def vt_from_cpuid(msr_address, registers):
    """True/False: raw CPUID says the CPU implements VMX (Intel) or SVM (AMD); None if unread.

    registers: (eax, ebx, ecx, edx) of cpuid_leaf_for(msr_address) on CPU 0. Firmware never clears
    these bits (it locks VT off in the MSR), so unlike /proc/cpuinfo they tell "absent" from "disabled".
    """
    entry = CPUID_VT_BIT.get(msr_address)
    if entry is None or registers is None:
        return None
    return bool(registers[2] >> entry[1] & 1)


def _has_vt_flag(cpu):
    return 'vmx' in cpu['flags'] or 'svm' in cpu['flags']


def _technology(cpu):
    if 'vmx' in cpu['flags']:
        return 'vmx'
    if 'svm' in cpu['flags']:
        return 'svm'
    if cpu['vendor'] in INTEL:
        return 'vmx'
    if cpu['vendor'] in AMD:
        return 'svm'
    return None


def assess_hvm(cpu, role, xen_caps, bios_disabled=None, cpuid_vt=None):
    """{capable, technology, source}: from Xen's capabilities in a dom0 (its cpuinfo hides vmx/svm).

    On bare metal, Linux 5.6+ drops vmx from /proc/cpuinfo both when the CPU lacks VT-x and when the
    firmware locked it off, so without vmx an Intel CPU is "no VT" only when the MSR shows it is not
    locked off (or raw CPUID says no); when raw CPUID shows VT the source is 'cpuid'; otherwise
    capable is None (absent or disabled, cannot tell). Linux keeps svm listed when the firmware
    sets SVMDIS, so on AMD a missing svm flag does mean no AMD-V.
    """
    if cpu['kind'] != 'x86':
        return {'capable': None, 'technology': None, 'source': None}
    if role == 'dom0':
        if xen_caps is None:
            return {'capable': None, 'technology': None, 'source': None}
        capable = hvm_from_capabilities(xen_caps)
        return {'capable': capable, 'technology': _technology(cpu) if capable else None, 'source': 'xen'}
    if role == 'unknown' and not _has_vt_flag(cpu):
        # Under Xen, maybe its dom0, whose cpuinfo hides vmx/svm: a missing flag proves nothing.
        return {'capable': None, 'technology': None, 'source': None}
    if 'vmx' in cpu['flags']:
        return {'capable': True, 'technology': 'vmx', 'source': 'cpuinfo'}
    if 'svm' in cpu['flags']:
        return {'capable': True, 'technology': 'svm', 'source': 'cpuinfo'}
    if bios_disabled or cpuid_vt:
        # bios_disabled is True without a flag only when raw CPUID showed VT (assess_bios_disabled).
        return {'capable': True, 'technology': _technology(cpu), 'source': 'cpuid'}
    if cpuid_vt is False:
        return {'capable': False, 'technology': None, 'source': 'cpuid'}
    if cpu['vendor'] in INTEL and bios_disabled is not False and role != 'domU' and 'hypervisor' not in cpu['flags']:
        return {'capable': None, 'technology': None, 'source': None}
    return {'capable': False, 'technology': None, 'source': 'cpuinfo'}


def assess_bios_disabled(cpu, role, xen_caps, msr_address, msr_value, cpuid_vt=None):
    """True: VT present but locked off by firmware; False: not locked off (or no VT to lock); None: cannot tell.

    The MSR alone cannot blame the firmware: IA32_FEATURE_CONTROL also exists on CPUs with SMX but
    no VMX, and Linux 5.6+ hides vmx from /proc/cpuinfo both when it is absent and when it is locked
    off. So a locked-off MSR counts only with evidence that the CPU has VT: the vmx/svm flag or raw
    CPUID (cpuid_vt). Linux keeps svm listed under SVMDIS, so an AMD CPU without svm has no SVM.
    """
    if cpu['kind'] != 'x86':
        return None
    if role == 'dom0' and xen_caps is not None and hvm_from_capabilities(xen_caps):
        # Xen runs HVM guests, so firmware left VT on.
        return False
    if cpu['vmx_flags_line']:
        return False
    locked_off = firmware_disabled_from_msr(msr_address, msr_value)
    if not locked_off:
        return locked_off
    if _has_vt_flag(cpu) or cpuid_vt:
        return True
    if cpuid_vt is False or cpu['vendor'] in AMD:
        return False
    return None


def _iommu_type_of_vendor(vendor):
    if vendor in INTEL:
        return 'vt-d'
    if vendor in AMD:
        return 'amd-vi'
    return None


def assess_iommu(cpu, role, iommu_classes, acpi_tables, xen_virt_caps):
    """{present, type, source} from the cheapest evidence that exists.

    iommu_classes: names under /sys/class/iommu (dmar0, ivhd0, smmu3...) or None if unreadable;
    acpi_tables: names under /sys/firmware/acpi/tables or None; xen_virt_caps: virt_caps of
    `xl info` (live dom0 only) or None. Xen hides the DMAR table from dom0 (it renames it XMAR),
    so a dom0 without other evidence is unknown, never absent.
    """
    for name in iommu_classes or ():
        if name.startswith('dmar'):
            return {'present': True, 'type': 'vt-d', 'source': 'sysfs'}
        if name.startswith('ivhd'):
            return {'present': True, 'type': 'amd-vi', 'source': 'sysfs'}
    if iommu_classes:
        return {'present': True, 'type': None, 'source': 'sysfs'}
    tables = set(acpi_tables or ())
    if tables & set(('DMAR', 'XMAR')):
        return {'present': True, 'type': 'vt-d', 'source': 'acpi'}
    if 'IVRS' in tables:
        return {'present': True, 'type': 'amd-vi', 'source': 'acpi'}
    if xen_virt_caps is not None:
        if set(xen_virt_caps) & set(('hvm_directio', 'pv_directio', 'directio')):
            return {'present': True, 'type': _iommu_type_of_vendor(cpu['vendor']), 'source': 'xen'}
        return {'present': False, 'type': None, 'source': 'xen'}
    if role in ('dom0', 'unknown'):
        return {'present': None, 'type': None, 'source': None}
    if tables and cpu['kind'] == 'x86':
        return {'present': False, 'type': None, 'source': 'acpi'}
    return {'present': None, 'type': None, 'source': None}


def _check(check_id, status, message):
    return {'id': check_id, 'status': status, 'message': message}


def _check_pae(cpu, arch):
    if cpu['kind'] is None:
        return _check('pae', 'unknown', 'Could not read or understand /proc/cpuinfo, so PAE support is unknown.')
    if cpu['kind'] == 'arm64':
        return _check('pae', 'pass', 'Not applicable on aarch64: PAE is an x86 feature (Armv8-A always has large physical addresses).')
    if cpu['kind'] != 'x86':
        return _check('pae', 'unknown', 'Not applicable on %s: PAE is an x86 feature.' % arch)
    if 'pae' in cpu['flags']:
        return _check('pae', 'pass', 'The CPU supports PAE.')
    return _check('pae', 'fail',
                  'The CPU has no PAE (no "pae" flag). Xen and every dom0 kernel need it: booting one stops with '
                  '"Cannot execute a PAE-enabled kernel on a PAE-less CPU!". This machine cannot run Xen.')


def _check_64bit(cpu, arch):
    if cpu['kind'] is None:
        return _check('64bit', 'unknown', 'Could not read or understand /proc/cpuinfo, so whether the CPU is 64-bit is unknown.')
    if cpu['kind'] == 'arm64':
        return _check('64bit', 'pass', 'The CPU is 64-bit (aarch64); Xen runs on Arm64.')
    if cpu['kind'] != 'x86':
        return _check('64bit', 'fail', 'Xen runs only on x86_64 and aarch64 (Arm64); this machine is %s.' % (arch or cpu['kind']))
    if 'lm' not in cpu['flags']:
        return _check('64bit', 'fail',
                      'The CPU is 32-bit only (no "lm" flag). Current Xen (4.3 and later) runs only on x86_64 CPUs; '
                      'only old releases such as RHEL 5\'s Xen 3.1 had a 32-bit (PAE) hypervisor.')
    if arch is not None and not is_64bit_arch(arch):
        return _check('64bit', 'pass',
                      'The CPU is 64-bit capable ("lm" flag), but the running kernel is %s: install a 64-bit '
                      '(x86_64/amd64) operating system before setting up Xen, current Xen needs it.' % arch)
    return _check('64bit', 'pass', 'The CPU is 64-bit (x86_64).')


def _tech_name(technology):
    return {'vmx': 'Intel VT-x', 'svm': 'AMD-V'}.get(technology, 'hardware virtualization')


def _check_hvm(cpu, arch, role, hvm, bios_disabled):
    name = _tech_name(hvm['technology'])
    if hvm['capable'] and bios_disabled:
        return _check('hvm', 'warn', 'The CPU has %s, but the firmware has it switched off: enable %s in the BIOS/UEFI setup '
                                     '(see the firmware check); until then no HVM guests (such as Windows).' % (name, name))
    if hvm['capable'] and hvm['source'] == 'cpuid':
        return _check('hvm', 'warn', 'The CPU has %s (CPUID), but Linux does not list it in /proc/cpuinfo, as Linux 5.6 and '
                                     'later do when the firmware switched it off: enable %s in the BIOS/UEFI setup; until then '
                                     'no HVM guests (such as Windows).' % (name, name))
    if hvm['capable']:
        where = 'Xen reports hvm capabilities' if hvm['source'] == 'xen' else '/proc/cpuinfo shows %s' % hvm['technology']
        return _check('hvm', 'pass', 'The CPU supports %s (%s): HVM guests such as Windows can run.' % (name, where))
    if hvm['capable'] is False:
        if hvm['source'] == 'xen':
            return _check('hvm', 'warn', 'Xen lists no hvm-* capability: only paravirtualized (PV) guests, no Windows. '
                                         'Check that VT-x/AMD-V is enabled in the firmware.')
        if 'hypervisor' in cpu['flags'] or role == 'domU':
            return _check('hvm', 'warn', 'This is a virtual machine whose virtual CPU has no vmx/svm: Xen here can run only '
                                         'paravirtualized (PV) guests, no Windows. Enable nested virtualization on its host for HVM.')
        return _check('hvm', 'warn', 'The CPU has no hardware virtualization (no vmx/svm flag): Xen can run only '
                                     'paravirtualized (PV) guests, no Windows or other unmodified systems (HVM).')
    if cpu['kind'] is None:
        return _check('hvm', 'unknown', 'Could not read or understand /proc/cpuinfo, so HVM support is unknown.')
    if cpu['kind'] == 'x86' and role == 'unknown':
        return _check('hvm', 'unknown', 'Xen runs here, but whether this is its dom0 (whose /proc/cpuinfo hides vmx/svm) '
                                        'could not be read (no /proc/xen/capabilities, unreadable '
                                        '/sys/hypervisor/properties/features), so HVM support is unknown.')
    if cpu['kind'] == 'x86' and role != 'dom0':
        # assess_hvm: Intel bare metal without vmx, and nothing tells "absent" from "locked off".
        return _check('hvm', 'warn', 'VT-x absent or disabled by firmware: check the BIOS setting ("Intel Virtualization '
                                     'Technology"). /proc/cpuinfo has no vmx flag, which Linux 5.6 and later also hide when the '
                                     'firmware switched VT-x off. Until it is on, Xen can run only paravirtualized (PV) guests, no Windows.')
    if cpu['kind'] == 'arm64':
        return _check('hvm', 'unknown', 'Xen on Arm needs the kernel started at EL2, which /proc/cpuinfo does not show: '
                                        'look for "CPU: All CPU(s) started at EL2" in the kernel log.')
    if cpu['kind'] != 'x86':
        return _check('hvm', 'unknown', 'Not applicable on %s.' % (arch or cpu['kind']))
    return _check('hvm', 'unknown', 'This is a Xen dom0, whose /proc/cpuinfo hides vmx/svm, and Xen\'s capabilities '
                                    '(/sys/hypervisor/properties/capabilities) could not be read.')


def _check_iommu(cpu, arch, role, iommu):
    kind = {'vt-d': 'Intel VT-d', 'amd-vi': 'AMD-Vi'}.get(iommu['type'], 'an IOMMU')
    if iommu['present']:
        return _check('iommu', 'pass', 'The machine has %s (seen in %s): PCI passthrough to guests is possible.' % (kind, iommu['source']))
    if iommu['present'] is False:
        if iommu['source'] == 'xen':
            why = 'Xen reports no I/O virtualisation (no hvm_directio in xl info virt_caps)'
        elif 'hypervisor' in cpu['flags']:
            why = 'this virtual machine has no virtual IOMMU'
        else:
            why = 'the firmware publishes no DMAR/IVRS ACPI table'
        return _check('iommu', 'warn', 'No IOMMU: %s. PCI passthrough to guests will not work; if the board has '
                                       'VT-d/AMD-Vi, enable it in the firmware.' % why)
    if role in ('dom0', 'unknown'):
        return _check('iommu', 'unknown', 'Xen hides the IOMMU\'s ACPI table from dom0; on the live host, "xl info" shows '
                                          'hvm_directio in virt_caps when Xen uses an IOMMU.')
    if cpu['kind'] not in ('x86', None) and cpu['kind'] != 'arm64':
        return _check('iommu', 'unknown', 'Not applicable on %s.' % (arch or cpu['kind']))
    return _check('iommu', 'unknown', 'No IOMMU information could be read (/sys/class/iommu, /sys/firmware/acpi/tables).')


def _check_firmware(cpu, arch, role, msr_address, msr_value, bios_disabled, hvm):
    if bios_disabled:
        if msr_address == MSR_VM_CR:
            what = 'AMD-V (SVM) is disabled by the firmware (VM_CR MSR 0x%x, SVMDIS set)' % msr_value
            setting = '"SVM Mode"'
        else:
            what = 'Intel VT-x is locked off by the firmware (IA32_FEATURE_CONTROL MSR = 0x%x)' % (msr_value or 0)
            setting = '"Intel Virtualization Technology"'
        return _check('firmware', 'fail', '%s: enable %s in the BIOS/UEFI setup, then power the machine off and on '
                                          '(a warm reboot can keep the lock).' % (what, setting))
    if bios_disabled is False:
        if hvm['capable'] is False:
            return _check('firmware', 'pass', 'The firmware locks nothing off (the CPU has no hardware virtualization to lock).')
        return _check('firmware', 'pass', 'The firmware leaves hardware virtualization enabled.')
    if firmware_disabled_from_msr(msr_address, msr_value):
        return _check('firmware', 'unknown', 'IA32_FEATURE_CONTROL MSR = 0x%x is locked with VMX off, which means VT-x is disabled '
                                             'by the firmware if this CPU has VT-x at all; /proc/cpuinfo cannot tell (Linux 5.6 and '
                                             'later hide vmx in both cases). Check "Intel Virtualization Technology" in the BIOS/UEFI '
                                             'setup, or as root run "modprobe cpuid" so the CPUID device can tell.' % msr_value)
    if cpu['kind'] is None:
        return _check('firmware', 'unknown', 'Could not read or understand /proc/cpuinfo.')
    if cpu['kind'] != 'x86':
        return _check('firmware', 'unknown', 'Not applicable on %s: the VT lock is an x86 firmware setting.' % (arch or cpu['kind']))
    if role in ROLES_UNDER_XEN or 'hypervisor' in cpu['flags']:
        return _check('firmware', 'unknown', 'Running under a hypervisor, which emulates the VT control registers: the '
                                             'firmware setting can only be seen on bare metal (or from Xen\'s own capabilities).')
    if msr_address is None:
        return _check('firmware', 'unknown', 'This CPU vendor (%s) has no known VT lock register.' % (cpu['vendor'] or 'unknown'))
    return _check('firmware', 'unknown', 'Cannot tell whether the firmware locks VT off: /dev/cpu/0/msr is not readable '
                                         '(as root: modprobe msr). Linux 5.6 and later hide vmx from /proc/cpuinfo when the '
                                         'firmware disabled it.')


def xen_capable(cpu, checks):
    """Whether Xen can run on this CPU at all (PV guests at least); HVM and IOMMU are extras.

    x86: the pae and 64bit checks pass. aarch64: True, Xen supports Arm64 dom0 on Armv8-A, whose
    cores all have the virtualization extensions (whether the firmware enters the kernel at EL2
    is reported by the hvm check as unknown). Other architectures: False. None (unknown) when
    /proc/cpuinfo could not be read or understood, or a pae/64bit check is unknown: never a
    "cannot run Xen" without evidence.
    """
    if cpu['kind'] is None:
        return None
    if cpu['kind'] == 'arm64':
        return True
    if cpu['kind'] != 'x86':
        return False
    status = dict((c['id'], c['status']) for c in checks)
    if 'fail' in (status['pae'], status['64bit']):
        return False
    if 'unknown' in (status['pae'], status['64bit']):
        return None
    return status['pae'] == 'pass' and status['64bit'] == 'pass'


def assess(cpu, arch, role='none', xen_caps=None, iommu_classes=None, acpi_tables=None,
           xen_virt_caps=None, msr_address=None, msr_value=None, cpuid_vt=None):
    """Build the cpu_virt facts from parsed cpuinfo and the other readings (all optional).

    cpu: parse_cpuinfo() result; arch: `uname -m` (or arch_from_cpuinfo); role: 'dom0', 'domU' or
    'none' (xen_text.xen_role); xen_caps: list from /sys/hypervisor/properties/capabilities or
    None; msr_address/msr_value: msr_to_read() and the 64-bit value read, or None; cpuid_vt:
    vt_from_cpuid() of the raw CPUID leaf for that MSR, or None.
    """
    bios_disabled = assess_bios_disabled(cpu, role, xen_caps, msr_address, msr_value, cpuid_vt)
    hvm = assess_hvm(cpu, role, xen_caps, bios_disabled, cpuid_vt)
    iommu = assess_iommu(cpu, role, iommu_classes, acpi_tables, xen_virt_caps)
    checks = [
        _check_pae(cpu, arch),
        _check_64bit(cpu, arch),
        _check_hvm(cpu, arch, role, hvm, bios_disabled),
        _check_iommu(cpu, arch, role, iommu),
        _check_firmware(cpu, arch, role, msr_address, msr_value, bios_disabled, hvm),
    ]
    # Unreadable cpuinfo: the flags are unknown (null), not absent.
    flags = dict((name, name in cpu['flags'] if cpu['kind'] is not None else None) for name in FLAG_NAMES)
    return {
        'arch': arch,
        'vendor': cpu['vendor'],
        'model_name': cpu['model_name'],
        'logical_cpus': cpu['logical_cpus'],
        'sockets': cpu['sockets'],
        'flags': flags,
        'hvm': hvm,
        'iommu': iommu,
        'bios_disabled': bios_disabled,
        'checks': checks,
        'xen_capable': xen_capable(cpu, checks),
    }


def read_cpu0_device(root, name, offset, size):
    """`size` bytes at `offset` of /dev/cpu/0/<name> (msr, cpuid), or None when they cannot be read.

    The device itself only on the live root /; under another root only a regular file standing in for it.
    """
    return read_device_at(root, 'dev/cpu/0/' + name, offset, size)


def read_msr(root, address):
    """The 64-bit value of an MSR of CPU 0 through the msr device (the file offset is the MSR), or None."""
    data = read_cpu0_device(root, 'msr', address, 8)
    return None if data is None else struct.unpack('<Q', data)[0]


def read_cpuid(root, leaf):
    """(eax, ebx, ecx, edx) of a CPUID leaf on CPU 0 through the cpuid device, or None.

    The file offset is the leaf (low 32 bits) and subleaf (high 32 bits).
    """
    data = read_cpu0_device(root, 'cpuid', leaf, 16)
    return None if data is None else struct.unpack('<4I', data)


def gather(root, live, machine, dom0_virt_caps):
    """The cpu_virt facts of the machine whose files are under `root`.

    live: root is this host's /; machine: a callable giving `uname -m` of this host (used only when
    live); dom0_virt_caps: a callable giving Xen's virt_caps (`xl info`) or None, called only on a
    live dom0, so a caller that already ran `xl info` hands in what it read instead of running it again.
    """
    cpu = parse_cpuinfo(read_under(root, 'proc/cpuinfo'))
    if live:
        arch = machine() or arch_from_cpuinfo(cpu)
    else:
        arch = (read_under(root, 'proc/sys/kernel/arch') or '').strip() or arch_from_cpuinfo(cpu)

    features = read_under(root, 'sys/hypervisor/properties/features')
    role = xen_role(read_under(root, 'sys/hypervisor/type'), read_under(root, 'proc/xen/capabilities'), features)
    caps_text = read_under(root, 'sys/hypervisor/properties/capabilities')
    xen_caps = parse_capabilities(caps_text) if caps_text is not None else None

    virt_caps = dom0_virt_caps() if live and role == 'dom0' else None

    msr_address = msr_to_read(cpu, role)
    # With no MSR to read (msr_address None) both readings are None: read_cpu0_device skips a None offset.
    msr_value = read_msr(root, msr_address)
    cpuid_vt = vt_from_cpuid(msr_address, read_cpuid(root, cpuid_leaf_for(msr_address)))

    return assess(cpu, arch, role=role, xen_caps=xen_caps,
                  iommu_classes=list_under(root, 'sys/class/iommu'),
                  acpi_tables=list_under(root, 'sys/firmware/acpi/tables'),
                  xen_virt_caps=virt_caps, msr_address=msr_address, msr_value=msr_value,
                  cpuid_vt=cpuid_vt)
