# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for plugins/filter/report.py (the readiness verdict, its agreement with xen_preflight, the Markdown table)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os

import pytest

from ansible.errors import AnsibleFilterError
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template
from ansible_collections.xenhost.dom0.plugins.filter.report import (
    SIXTY_FOUR_BIT_XEN_PLATFORMS, THIRTY_TWO_BIT_REASON, THIRTY_TWO_BIT_XEN_PLATFORMS,
    FilterModule, md_cell, md_table, readiness_row, readiness_sort, readiness_summary,
)
from ansible_collections.xenhost.dom0.plugins.module_utils import cpu_virt, platforms


def check(cid, status, message):
    return {'id': cid, 'status': status, 'message': message}


# Registered results shaped like cpu_virt_facts / xen_facts output, values from real machines.
CORE2_CPU = {
    'changed': False,
    'ansible_facts': {'cpu_virt': {
        'arch': 'x86_64', 'vendor': 'GenuineIntel', 'model_name': 'Intel(R) Core(TM)2 Duo CPU     E8400  @ 3.00GHz',
        'logical_cpus': 2, 'sockets': 1,
        'flags': {'pae': True, 'lm': True, 'nx': True, 'vmx': True, 'svm': False, 'hypervisor': False},
        'hvm': {'capable': True, 'technology': 'vmx', 'source': 'cpuinfo'},
        'iommu': {'present': False, 'type': None, 'source': 'sysfs'},
        'bios_disabled': False,
        'checks': [
            check('pae', 'pass', 'The CPU supports PAE.'),
            check('64bit', 'pass', 'The CPU is 64-bit (x86_64).'),
            check('hvm', 'pass', 'The CPU supports Intel VT-x (/proc/cpuinfo shows vmx).'),
            check('iommu', 'warn', 'No IOMMU: the firmware publishes no DMAR/IVRS ACPI table.'),
            check('firmware', 'unknown', 'Cannot tell whether the firmware locks VT off.'),
        ],
        'xen_capable': True,
    }},
}
NO_XEN = {'changed': False, 'ansible_facts': {'xen': {
    'running': False, 'role': 'none', 'guest_type': None, 'version': None, 'capabilities': [], 'toolstack': None,
    'info': {}, 'domains': [], 'kernel': {'release': '6.1.0-18-amd64', 'dom0_capable': True},
    'boot_kernels': [{'release': '6.1.0-18-amd64', 'dom0_capable': True}],
}}}
DOM0_XEN = {'changed': False, 'ansible_facts': {'xen': {
    'running': True, 'role': 'dom0', 'guest_type': None, 'version': '4.17.3', 'capabilities': ['xen-3.0-x86_64', 'hvm-3.0-x86_64'],
    'toolstack': 'xl', 'info': {}, 'domains': [], 'kernel': {'release': '6.1.0-18-amd64', 'dom0_capable': True}, 'boot_kernels': [],
}}}


def cpu_with(checks, xen_capable=True, **changes):
    result = copy.deepcopy(CORE2_CPU)
    facts = result['ansible_facts']['cpu_virt']
    facts['checks'] = checks
    facts['xen_capable'] = xen_capable
    facts.update(changes)
    return result


def test_ready_host_row_fields():
    row = readiness_row('web1', CORE2_CPU, NO_XEN)
    assert row['verdict'] == 'ready'
    assert row['cpu'] == 'Intel(R) Core(TM)2 Duo CPU     E8400  @ 3.00GHz (x86_64, 2 CPUs, 1 socket)'
    assert (row['pae'], row['x86_64'], row['hvm'], row['hvm_source'], row['iommu'], row['xen']) == \
        ('yes', 'yes', 'VT-x', 'cpuinfo', 'no', 'none')
    assert row['reasons'] == []
    # An IOMMU warning is shown but does not change the verdict; an unknown firmware lock is not shown.
    assert row['warnings'] == ['No IOMMU: the firmware publishes no DMAR/IVRS ACPI table.']
    assert row['notes'] == ['warning: No IOMMU: the firmware publishes no DMAR/IVRS ACPI table.']


def test_pentium_m_without_pae_is_not_ready_with_reason():
    cpu = cpu_with([
        check('pae', 'fail', 'CPU has no PAE: Xen needs a PAE-capable CPU'),
        check('64bit', 'fail', 'CPU is 32-bit only (no lm flag)'),
        check('hvm', 'warn', 'The CPU has no hardware virtualization (no vmx/svm flag).'),
        check('iommu', 'unknown', 'no IOMMU information'),
        check('firmware', 'unknown', 'cannot tell'),
    ], xen_capable=False, arch='i686', model_name='Intel(R) Pentium(R) M processor 1.73GHz')
    row = readiness_row('oldlaptop', cpu, NO_XEN)
    assert row['verdict'] == 'not ready'
    assert 'CPU has no PAE: Xen needs a PAE-capable CPU' in row['reasons']
    assert 'CPU is 32-bit only (no lm flag)' in row['reasons']
    # The module's own summary agreed with its checks: no extra consistency reason.
    assert not [r for r in row['reasons'] if 'xen_capable' in r]


def el5_kernel_only():
    """xen_facts of a CentOS 5 host before xen_packages: only the non-Xen kernel is installed."""
    xen = copy.deepcopy(NO_XEN)
    xen['ansible_facts']['xen']['kernel'] = {'release': '2.6.18-419.el5', 'dom0_capable': False}
    xen['ansible_facts']['xen']['boot_kernels'] = []
    return xen


def test_not_ready_lists_only_blocking_reasons():
    cpu = cpu_with([check('pae', 'fail', 'no PAE'), check('64bit', 'fail', '32-bit only'), check('hvm', 'warn', 'no vmx/svm'),
                    check('iommu', 'warn', 'no IOMMU'), check('firmware', 'unknown', 'cannot tell')], xen_capable=False,
                   arch='i686', flags={'pae': False, 'lm': False, 'nx': False, 'vmx': False, 'svm': False, 'hypervisor': False})
    row = readiness_row('pm', cpu, el5_kernel_only())
    assert (row['verdict'], row['reasons'], row['warnings']) == ('not ready', ['no PAE', '32-bit only'], [])


# A Pentium 4 "Northwood" under CentOS 5 i686 (the pentium4-northwood fixture host): PAE, no lm, no VT.
P4_FLAGS = {'pae': True, 'lm': False, 'nx': False, 'vmx': False, 'svm': False, 'hypervisor': False}
P4_CHECKS = [
    check('pae', 'pass', 'The CPU supports PAE.'),
    check('64bit', 'fail', 'The CPU is 32-bit only (no "lm" flag). Current Xen (4.3 and later) runs only on x86_64 CPUs.'),
    check('hvm', 'warn', 'VT-x absent or disabled by firmware: Xen can run only paravirtualized (PV) guests.'),
    check('iommu', 'warn', 'no IOMMU'),
    check('firmware', 'unknown', 'cannot tell'),
]


def p4_cpu(checks=None, **changes):
    values = dict(arch='i686', model_name='Intel(R) Pentium(R) 4 CPU 2.80GHz', flags=dict(P4_FLAGS),
                  hvm={'capable': None, 'technology': None, 'source': None})
    values.update(changes)
    return cpu_with(copy.deepcopy(P4_CHECKS if checks is None else checks), xen_capable=False, **values)


def test_32bit_cpu_with_pae_runs_only_32bit_xen():
    row = readiness_row('p4', p4_cpu(), el5_kernel_only())
    assert row['verdict'] == 'ready (32-bit Xen only)'
    assert (row['pae'], row['x86_64'], row['hvm']) == ('yes', 'no', '?')
    # The report's own reason (which Xen runs, which platforms need 64-bit), then why guests are PV only.
    assert row['reasons'] == [THIRTY_TWO_BIT_REASON, 'VT-x absent or disabled by firmware: Xen can run only paravirtualized (PV) guests.']
    reason = row['reasons'][0]
    assert 'no "lm" flag' in reason and "RHEL/CentOS 5 (Xen 3.1)" in reason and 'i686' in reason
    assert 'needs a 64-bit (x86_64) CPU' in reason and 'Debian 12 (Xen 4.17) and Debian 13 (Xen 4.20)' in reason
    # cpu_virt_facts' xen_capable (current Xen) is false here: it does not add a blocking reason.
    assert not [r for r in row['reasons'] if 'xen_capable' in r]
    # Not a "not ready" host: the warnings still matter (kernel-xen comes from xen_packages on CentOS 5).
    assert row['warnings'][0] == 'no IOMMU'
    assert 'no installed kernel can run as dom0' in row['warnings'][1] and 'kernel-xen' in row['warnings'][1]
    assert row['notes'] == row['reasons'] + ['warning: %s' % w for w in row['warnings']]


def test_32bit_cpu_with_pae_and_vtx_has_only_the_32bit_reason():
    """A Core Duo (Yonah): PAE and VT-x but no lm. Xen 3.1 runs HVM guests on it, so no PV-only reason."""
    checks = [check('pae', 'pass', 'ok'), check('64bit', 'fail', '32-bit only'), check('hvm', 'pass', 'VT-x'),
              check('iommu', 'unknown', 'no IOMMU information'), check('firmware', 'pass', 'ok')]
    cpu = p4_cpu(checks, flags=dict(P4_FLAGS, vmx=True), hvm={'capable': True, 'technology': 'vmx', 'source': 'cpuinfo'})
    row = readiness_row('yonah', cpu, NO_XEN)
    assert (row['verdict'], row['reasons'], row['warnings'], row['hvm']) == \
        ('ready (32-bit Xen only)', [THIRTY_TWO_BIT_REASON], [], 'VT-x')


@pytest.mark.parametrize('checks, changes', [
    # No PAE: no Xen at all, 32-bit or not.
    ([check('pae', 'fail', 'no PAE'), check('64bit', 'fail', '32-bit only')], {'flags': dict(P4_FLAGS, pae=False)}),
    # Another failing required check besides 64bit still blocks.
    (P4_CHECKS + [check('future', 'fail', 'something new is missing')], {}),
    # PAE undecided: the flags say PAE, but the check does not pass.
    ([check('pae', 'unknown', 'cannot tell'), check('64bit', 'fail', '32-bit only')], {}),
    # The 64bit check fails although the CPU has lm: not the 32-bit case this verdict is about.
    (P4_CHECKS, {'flags': dict(P4_FLAGS, lm=True)}),
    # Not x86: PAE means nothing there, and Xen 3.1's 32-bit hypervisor was x86 only.
    (P4_CHECKS, {'arch': 'ppc'}),
    (P4_CHECKS, {'arch': None}),
])
def test_other_32bit_cpus_stay_not_ready(checks, changes):
    row = readiness_row('old', p4_cpu(checks, **changes), NO_XEN)
    assert row['verdict'] == 'not ready'
    assert THIRTY_TWO_BIT_REASON not in row['reasons']
    assert row['warnings'] == []


def test_32bit_cpu_with_an_undecided_required_check_is_unknown():
    row = readiness_row('p4', p4_cpu(P4_CHECKS + [check('future', 'unknown', 'cannot tell something new')]), NO_XEN)
    assert row['verdict'] == 'unknown'
    assert row['reasons'][:2] == ['cannot tell something new', THIRTY_TWO_BIT_REASON]


@pytest.mark.parametrize('checks, xen_capable, verdict', [
    ([check('pae', 'pass', 'ok'), check('64bit', 'pass', 'ok'), check('hvm', 'pass', 'ok')], True, 'ready'),
    ([check('pae', 'pass', 'ok'), check('64bit', 'pass', 'ok'), check('hvm', 'warn', 'no vmx/svm')], True, 'ready (PV only)'),
    ([check('pae', 'pass', 'ok'), check('64bit', 'pass', 'ok'), check('hvm', 'pass', 'ok')], False, 'not ready'),
    ([check('pae', 'pass', 'ok'), check('64bit', 'pass', 'ok'), check('future', 'fail', 'new')], True, 'not ready'),
])
def test_64bit_cpus_never_get_the_32bit_verdict(checks, xen_capable, verdict):
    row = readiness_row('h', cpu_with(checks, xen_capable=xen_capable), NO_XEN)
    assert row['verdict'] == verdict
    assert THIRTY_TWO_BIT_REASON not in row['reasons']


def test_non_x86_columns_and_cpu_text():
    power = cpu_with([check('pae', 'unknown', 'Not applicable on ppc64le: PAE is an x86 feature.'),
                      check('64bit', 'fail', 'Xen runs only on x86_64 and aarch64 (Arm64); this machine is ppc64le.'),
                      check('hvm', 'unknown', 'Not applicable on ppc64le.')], xen_capable=False,
                     arch='ppc64le', vendor=None, model_name='POWER9 (architected), altivec supported', sockets=None,
                     flags=dict.fromkeys(('pae', 'lm', 'nx', 'vmx', 'svm', 'hypervisor'), False),
                     hvm={'capable': None, 'technology': None, 'source': None})
    row = readiness_row('power', power, NO_XEN)
    assert (row['pae'], row['x86_64'], row['hvm'], row['verdict']) == ('n/a', 'yes', '?', 'not ready')
    assert row['reasons'] == ['Xen runs only on x86_64 and aarch64 (Arm64); this machine is ppc64le.']
    assert row['cpu'] == 'POWER9 (architected), altivec supported (ppc64le, 2 CPUs)'
    arm = cpu_with([check('pae', 'pass', 'n/a'), check('64bit', 'pass', 'ok'), check('hvm', 'unknown', 'EL2?')],
                   arch='aarch64', vendor=None, model_name=None, sockets=None, logical_cpus=4,
                   flags=dict.fromkeys(('pae', 'lm', 'nx', 'vmx', 'svm', 'hypervisor'), False))
    row = readiness_row('arm', arm, NO_XEN)
    assert (row['cpu'], row['pae'], row['x86_64'], row['verdict'], row['warnings']) == \
        ('aarch64 (4 CPUs)', 'n/a', 'yes', 'ready', ['EL2?'])
    i386 = cpu_with([check('pae', 'fail', 'no PAE')], arch='i686', flags={'pae': False, 'lm': False})
    assert readiness_row('pm', i386, NO_XEN)['x86_64'] == 'no'


def test_no_hvm_is_pv_only():
    cpu = cpu_with([check('pae', 'pass', 'ok'), check('64bit', 'pass', 'ok'), check('hvm', 'warn', 'no vmx/svm: PV guests only'),
                    check('firmware', 'pass', 'ok')])
    cpu['ansible_facts']['cpu_virt']['hvm'] = {'capable': False, 'technology': None, 'source': 'cpuinfo'}
    row = readiness_row('h', cpu, NO_XEN)
    assert row['verdict'] == 'ready (PV only)'
    assert row['reasons'] == ['no vmx/svm: PV guests only']
    assert row['hvm'] == 'no'


def test_bios_disabled_vtx_is_pv_only_with_firmware_message():
    cpu = cpu_with([check('pae', 'pass', 'ok'), check('64bit', 'pass', 'ok'), check('hvm', 'warn', 'VT-x switched off'),
                    check('iommu', 'unknown', 'no IOMMU information'),
                    check('firmware', 'fail', 'VT-x is locked off by the firmware: enable it')], bios_disabled=True)
    row = readiness_row('h', cpu, NO_XEN)
    assert row['verdict'] == 'ready (PV only)'
    assert row['reasons'] == ['VT-x switched off', 'VT-x is locked off by the firmware: enable it']
    assert row['warnings'] == []


def test_unknown_hvm_is_ready_with_warning():
    cpu = cpu_with([check('pae', 'pass', 'ok'), check('64bit', 'pass', 'ok'), check('hvm', 'unknown', 'dom0 hides vmx')])
    cpu['ansible_facts']['cpu_virt']['hvm'] = {'capable': None, 'technology': None, 'source': None}
    row = readiness_row('h', cpu, NO_XEN)
    assert (row['verdict'], row['reasons'], row['warnings'], row['hvm']) == ('ready', [], ['dom0 hides vmx'], '?')


def test_unknown_required_check_gives_unknown_not_ready():
    cpu = cpu_with([check('pae', 'unknown', 'no /proc/cpuinfo'), check('64bit', 'pass', 'ok'), check('hvm', 'pass', 'ok')])
    assert readiness_row('h', cpu, NO_XEN)['verdict'] == 'unknown'


def test_unknown_check_id_failing_is_blocking():
    cpu = cpu_with([check('pae', 'pass', 'ok'), check('future', 'fail', 'something new is missing')])
    row = readiness_row('h', cpu, NO_XEN)
    assert row['verdict'] == 'not ready'
    assert row['reasons'] == ['something new is missing']


def test_xen_capable_false_without_failing_check_is_not_ready():
    cpu = cpu_with([check('pae', 'pass', 'ok'), check('64bit', 'pass', 'ok')], xen_capable=False)
    row = readiness_row('h', cpu, NO_XEN)
    assert row['verdict'] == 'not ready'
    assert 'xen_capable is false' in row['reasons'][0]


def test_no_checks_is_unknown():
    assert readiness_row('h', cpu_with([]), NO_XEN)['verdict'] == 'unknown'


def test_dom0_row_shows_role_version_toolstack():
    cpu = copy.deepcopy(CORE2_CPU)
    cpu['ansible_facts']['cpu_virt']['hvm'] = {'capable': True, 'technology': 'svm', 'source': 'xen'}
    cpu['ansible_facts']['cpu_virt']['iommu'] = {'present': True, 'type': 'amd-vi', 'source': 'xen'}
    row = readiness_row('xen1', cpu, DOM0_XEN)
    assert row['xen'] == 'dom0 4.17.3 (xl)'
    assert (row['hvm'], row['hvm_source'], row['iommu']) == ('AMD-V', 'xen', 'AMD-Vi')
    assert row['verdict'] == 'ready'


def test_domu_and_missing_dom0_kernel_are_warnings():
    xen = copy.deepcopy(NO_XEN)
    facts = xen['ansible_facts']['xen']
    facts.update(role='domU', guest_type='pvh', version='4.14.5')
    facts['kernel'] = {'release': '2.6.18-398.el5', 'dom0_capable': False}
    facts['boot_kernels'] = [{'release': '2.6.18-398.el5', 'dom0_capable': False}]
    row = readiness_row('guest', CORE2_CPU, xen)
    assert row['xen'] == 'domU (PVH) 4.14.5'
    assert row['verdict'] == 'ready'
    assert any('Xen guest (domU)' in w for w in row['warnings'])
    assert any('no installed kernel can run as dom0' in w for w in row['warnings'])


def test_dom0_kernel_installed_but_not_running_is_no_warning():
    xen = copy.deepcopy(NO_XEN)
    xen['ansible_facts']['xen']['kernel'] = {'release': '5.10.0-custom', 'dom0_capable': False}
    assert not [w for w in readiness_row('h', CORE2_CPU, xen)['warnings'] if 'CONFIG_XEN_DOM0' in w]


def test_unknown_kernel_configs_are_no_warning():
    xen = copy.deepcopy(NO_XEN)
    xen['ansible_facts']['xen']['kernel'] = {'release': '6.1.0-18-amd64', 'dom0_capable': None}
    xen['ansible_facts']['xen']['boot_kernels'] = []
    assert readiness_row('h', CORE2_CPU, xen)['warnings'] == ['No IOMMU: the firmware publishes no DMAR/IVRS ACPI table.']


def test_unreachable_host_row_carries_first_line_of_error():
    result = {'unreachable': True, 'changed': False,
              'msg': 'Task failed: Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused\nmore'}
    row = readiness_row('dead', result, {'skipped': True})
    assert row['verdict'] == 'unreachable'
    assert row['reasons'] == ['unreachable: Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused']
    assert row['notes'] == row['reasons']
    assert row['cpu'] == ''


def test_failed_module_row_and_long_error_is_cut():
    result = {'failed': True, 'msg': 'x' * 1000}
    row = readiness_row('broken', result, None)
    assert row['verdict'] == 'error'
    # One result (report.yml's single xen_facts call): the message names that module.
    assert row['reasons'][0].startswith('xen_facts failed: xxx')
    assert row['reasons'][0].endswith('...')
    assert len(row['reasons'][0]) < 400


def test_module_failure_shows_the_cause_from_stderr():
    result = {'failed': True, 'msg': 'MODULE FAILURE: No start of json char found\nSee stdout/stderr for the exact error',
              'module_stderr': '  File "<stdin>", line 12\n    with open(p) as f:\n            ^\nSyntaxError: invalid syntax\n',
              'rc': 1}
    row = readiness_row('centos5', result, {'skipped': True})
    assert row['reasons'] == ['cpu_virt_facts failed: MODULE FAILURE: No start of json char found (SyntaxError: invalid syntax)']


def test_missing_result_is_error_not_exception():
    for result in (None, {}, 'garbage'):
        assert readiness_row('h', result, None)['verdict'] == 'error'


def test_xen_facts_failure_keeps_cpu_verdict():
    row = readiness_row('h', CORE2_CPU, {'failed': True, 'msg': 'xl: permission denied'})
    assert row['verdict'] == 'ready'
    assert row['xen'] == '?'
    assert 'xen_facts failed: xl: permission denied' in row['warnings']


def test_sort_is_natural_and_case_insensitive():
    rows = [{'host': name} for name in ('web10', 'Web2', 'db1', 'web1')]
    assert [r['host'] for r in readiness_sort(rows)] == ['db1', 'web1', 'Web2', 'web10']
    with pytest.raises(AnsibleFilterError):
        readiness_sort('web1')


def test_summary_worst_first():
    rows = [{'verdict': v} for v in ('ready', 'not ready', 'ready', 'unreachable')]
    assert readiness_summary(rows) == [
        {'verdict': 'unreachable', 'count': 1, 'text': '1 unreachable'}, {'verdict': 'not ready', 'count': 1, 'text': '1 not ready'},
        {'verdict': 'ready', 'count': 2, 'text': '2 ready'}]


def test_summary_puts_32bit_only_between_unknown_and_pv_only():
    verdicts = ('ready', 'ready (PV only)', 'ready (32-bit Xen only)', 'unknown', 'not ready', 'ready (32-bit Xen only)')
    assert [s['text'] for s in readiness_summary([{'verdict': v} for v in verdicts])] == [
        '1 not ready', '1 unknown', '2 ready (32-bit Xen only)', '1 ready (PV only)', '1 ready']


def test_md_cell_escapes_table_and_html():
    assert md_cell('a|b <script>alert("x")</script> & `c` [l](u) \\') == \
        'a\\|b \\<script\\>alert("x")\\</script\\> \\& \\`c\\` \\[l\\](u) \\\\'
    assert md_cell('two\nlines\tand\x1b[31mcolour') == 'two lines and [31mcolour'.replace('[', '\\[')
    assert md_cell(None) == ''
    assert md_cell(['a', 'b|c']) == 'a; b\\|c'


def test_md_table_aligns_and_escapes():
    rows = [{'host': 'a', 'v': 'x|y', 'n': ['r1', 'r2']}, {'host': 'longer-name', 'v': '', 'n': []}]
    lines = md_table(rows, [['Host', 'host'], ['V', 'v'], ['Notes', 'n']])
    assert lines == [
        '| Host        | V    | Notes |',
        '| ----------- | ---- | --- |',
        '| a           | x\\|y | r1; r2 |',
        '| longer-name |      |  |',
    ]
    with pytest.raises(AnsibleFilterError):
        md_table(rows, [])
    with pytest.raises(AnsibleFilterError):
        md_table(rows, ['Host'])


def test_filter_names():
    assert sorted(FilterModule().filters()) == ['md_cell', 'md_table', 'readiness_row', 'readiness_sort', 'readiness_summary']


# The report and the xen_preflight role must judge a CPU alike. Both read each platform's fatal checks from the
# platform table (module_utils/platforms.py); these tests render the role's own expression on every entry, so the
# report's verdict and the role's decision cannot drift apart.
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
PREFLIGHT = os.path.join(REPO, 'roles', 'xen_preflight')
FACT_HOSTS = os.path.join(REPO, 'tests', 'unit', 'fixtures', 'facts', 'hosts')
PLATFORMS = platforms.platform_ids()

# A Core Duo T2400 ("Yonah") under CentOS 5 i686: PAE and VT-x, but no lm. Written by us after real ones.
YONAH_CPUINFO = '''processor\t: 0
vendor_id\t: GenuineIntel
cpu family\t: 6
model\t\t: 14
model name\t: Genuine Intel(R) CPU           T2400  @ 1.83GHz
stepping\t: 8
cpu MHz\t\t: 1833.000
cache size\t: 2048 KB
physical id\t: 0
siblings\t: 2
core id\t\t: 0
cpu cores\t: 2
fdiv_bug\t: no
hlt_bug\t\t: no
f00f_bug\t: no
coma_bug\t: no
fpu\t\t: yes
fpu_exception\t: yes
cpuid level\t: 10
wp\t\t: yes
flags\t\t: %s
bogomips\t: 3661.21
''' % ('fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe nx '
       'constant_tsc pni monitor vmx est tm2 xtpr')


def preflight_vars(platform, ansible_facts=None, **extra):
    """The role's defaults < vars/main.yml < extra, as a play layers them, on a host whose platform entry is this one."""
    loader = DataLoader()
    result = {}
    for part in ('defaults/main.yml', 'vars/main.yml'):
        result.update(loader.load_from_file(os.path.join(PREFLIGHT, part)) or {})
    result = dict((k, trust_as_template(v) if isinstance(v, str) else v) for k, v in result.items())
    result['ansible_facts'] = dict(ansible_facts or {}, xenhost_platform=platforms.entry(platform))
    result.update(extra)
    return result


def render_in(variables, name):
    return Templar(loader=DataLoader(), variables=variables).template(trust_as_template('{{ %s }}' % name))


def preflight_refusals(platform, cpu_virt):
    """Ids of the CPU checks on which xen_preflight stops on this platform (its __xen_preflight_failed)."""
    variables = preflight_vars(platform, ansible_facts={'cpu_virt': cpu_virt})
    failed = Templar(loader=DataLoader(), variables=variables).template(trust_as_template('{{ __xen_preflight_failed }}'))
    return [c['id'] for c in failed]


def cpu_virt_of(cpuinfo_text):
    """cpu_virt facts of a bare-metal machine from its /proc/cpuinfo, through cpu_virt_facts' own logic."""
    cpu = cpu_virt.parse_cpuinfo(cpuinfo_text)
    return cpu_virt.assess(cpu, cpu_virt.arch_from_cpuinfo(cpu))


def test_report_takes_the_preflight_platform_rule_from_the_table():
    assert PLATFORMS == ['Debian-12', 'Debian-13', 'RedHat-5']
    assert (THIRTY_TWO_BIT_XEN_PLATFORMS, SIXTY_FOUR_BIT_XEN_PLATFORMS) == platforms.platforms_by_cpu_bits()
    thirty_two, sixty_four = dict(THIRTY_TWO_BIT_XEN_PLATFORMS), dict(SIXTY_FOUR_BIT_XEN_PLATFORMS)
    assert sorted(list(thirty_two) + list(sixty_four)) == PLATFORMS
    for platform in PLATFORMS:
        data = dict((k, render_in(preflight_vars(platform), k)) for k in (
            '__xen_preflight_fatal_checks', '__xen_preflight_platform_name', '__xen_preflight_architectures'))
        fatal = data['__xen_preflight_fatal_checks']
        assert 'pae' in fatal, platform  # a CPU without PAE is refused everywhere: "not ready" is right
        if '64bit' in fatal:
            assert sixty_four.get(platform) == data['__xen_preflight_platform_name'], platform
        else:
            assert thirty_two.get(platform) == data['__xen_preflight_platform_name'], platform
            assert 'i686' in data['__xen_preflight_architectures'], platform


def x86_fixture_hosts():
    hosts = []
    for host in sorted(os.listdir(FACT_HOSTS)):
        path = os.path.join(FACT_HOSTS, host, 'proc', 'cpuinfo')
        if os.path.exists(path):
            with open(path) as handle:
                text = handle.read()
            if cpu_virt.parse_cpuinfo(text)['kind'] == 'x86':
                hosts.append((host, text))
    return hosts + [('core-duo-yonah', YONAH_CPUINFO)]


X86_HOSTS = x86_fixture_hosts()


@pytest.mark.parametrize('host, cpuinfo', X86_HOSTS, ids=[host for host, dummy in X86_HOSTS])
def test_verdict_agrees_with_preflight_on_every_platform(host, cpuinfo):
    facts = cpu_virt_of(cpuinfo)
    refused = [p for p in PLATFORMS if preflight_refusals(p, facts)]
    verdict = readiness_row(host, {'changed': False, 'ansible_facts': {'cpu_virt': facts}}, None)['verdict']
    if verdict == 'not ready':
        assert refused == PLATFORMS
    elif verdict == 'ready (32-bit Xen only)':
        assert refused == sorted(p for p, dummy in SIXTY_FOUR_BIT_XEN_PLATFORMS)
        assert [preflight_refusals(p, facts) for p in refused] == [['64bit']] * len(refused)
    else:
        assert verdict in ('ready', 'ready (PV only)', 'unknown')
        assert refused == []


def test_the_agreement_covers_each_kind_of_cpu():
    verdicts = dict((host, readiness_row(host, {'ansible_facts': {'cpu_virt': cpu_virt_of(text)}}, None)['verdict'])
                    for host, text in X86_HOSTS)
    assert verdicts['pentium-m-dothan'] == 'not ready'
    assert verdicts['pentium4-northwood'] == 'ready (32-bit Xen only)'
    assert verdicts['core-duo-yonah'] == 'ready (32-bit Xen only)'
    assert verdicts['core2-e8400-vmx'] == 'ready'
    assert verdicts['kvm-guest-skylake'] == 'ready (PV only)'


# --- unknown inputs give unknown verdicts ------------------------------------------------------------

UNREADABLE_CPUINFO_CPU = cpu_virt.assess(cpu_virt.parse_cpuinfo(None), None)


@pytest.mark.parametrize('text', [None, '', '\0' * 50, 'garbage', ':::', 'vendor_id : GenuineIntel\n', 'flags :\n',
                                  'processor : 0\n', '\ufffd: \ufffd'])
def test_empty_or_garbage_cpuinfo_is_unknown_not_not_ready(text):
    facts = cpu_virt.assess(cpu_virt.parse_cpuinfo(text), None)
    row = readiness_row('h', {'changed': False, 'ansible_facts': {'cpu_virt': facts}}, NO_XEN)
    assert row['verdict'] == 'unknown', row


@pytest.mark.parametrize('checks', [
    [check('hvm', 'pass', 'ok')],                                             # no pae, no 64bit
    [check('pae', 'pass', 'ok'), check('hvm', 'pass', 'ok')],                  # no 64bit
    [check('64bit', 'pass', 'ok')],
    [check('pae', 'pass', 'ok'), check('64bit', 'PASS', 'ok')],              # a status the module never reports
    [check('pae', None, 'ok'), check('64bit', 'pass', 'ok')],
    [check('pae', 'pass', 'ok'), check('64bit', ['pass'], 'ok')],
    [check('pae', 'pass', 'ok'), check('64bit', 'maybe', 'ok')],
    [check('pae', 'pass', 'ok'), {'id': '64bit'}],
    [check('pae', 'pass', 'ok'), 'not a dict', check('64bit', 'unknown', '?')],
])
def test_missing_or_odd_required_checks_are_unknown(checks):
    assert readiness_row('h', cpu_with(checks), NO_XEN)['verdict'] == 'unknown'


@pytest.mark.parametrize('xen_capable', [False, None])
def test_xen_capable_false_with_undecided_checks_is_unknown(xen_capable):
    cpu = cpu_with([check('pae', 'unknown', '?'), check('64bit', 'unknown', '?')], xen_capable=xen_capable)
    assert readiness_row('h', cpu, NO_XEN)['verdict'] == 'unknown'


@pytest.mark.parametrize('checks', ['pass', 42, {'id': 'pae'}, None])
def test_checks_that_are_not_a_list_are_unknown(checks):
    assert readiness_row('h', cpu_with(checks), NO_XEN)['verdict'] == 'unknown'


def test_unknown_xen_role_is_shown_and_not_a_domu_warning():
    xen = copy.deepcopy(DOM0_XEN)
    xen['ansible_facts']['xen']['role'] = 'unknown'
    row = readiness_row('h', CORE2_CPU, xen)
    assert row['xen'].startswith('unknown')
    assert not [w for w in row['warnings'] if 'domU' in w]


@pytest.mark.parametrize('result', [
    {'failed': True, 'timedout': {'frame': None, 'period': 120},
     'msg': 'The cpu_virt_facts action failed to execute in the expected time frame (120) and was terminated'},
    {'failed': True, 'timedout': {'period': 1}, 'msg': ''},
    {'failed': True, 'timedout': True, 'msg': 'timeout'},
])
def test_a_timed_out_host_is_an_error_row(result):
    row = readiness_row('slow', result, None)
    assert row['verdict'] == 'error'
    assert 'timed out' in row['reasons'][0]


def test_report_rows_are_strict_json():
    import json
    rows = [readiness_row('h%d' % n, cpu, NO_XEN) for n, cpu in enumerate([CORE2_CPU, {'unreachable': True}, {}, None])]
    json.dumps(rows, allow_nan=False)


# --- how the host boots: Secure Boot is judged as xen_preflight judges it -------------------------------------

SB_MESSAGE = 'Secure Boot is enforced: the signed shim and GRUB chain would refuse the Xen hypervisor image.'


def one_call(boot_firmware, cpu=None):
    """The single xen_facts result report.yml registers (cpu_virt=true, boot_firmware=true)."""
    facts = dict((cpu or CORE2_CPU)['ansible_facts'], **NO_XEN['ansible_facts'])
    if boot_firmware is not None:
        facts['boot_firmware'] = boot_firmware
    return {'changed': False, 'ansible_facts': facts}


def boot(mode, secure_boot, status, message='Secure Boot state.'):
    return {'mode': mode, 'secure_boot': secure_boot, 'checks': [check('secure_boot', status, message)]}


@pytest.mark.parametrize('facts, columns, verdict', [
    (boot('uefi', 'on', 'fail', SB_MESSAGE), ('UEFI', 'on'), 'not ready'),
    (boot('uefi', 'off', 'pass'), ('UEFI', 'off'), 'ready'),
    (boot('bios', 'off', 'pass'), ('BIOS', 'n/a'), 'ready'),
    (boot('uefi', 'unknown', 'unknown', 'The EFI variables cannot be read.'), ('UEFI', '?'), 'ready'),
    (boot('unknown', 'unknown', 'unknown'), ('?', '?'), 'ready'),
    (None, ('?', '?'), 'ready'),
])
def test_boot_columns_and_verdict(facts, columns, verdict):
    row = readiness_row('h', one_call(facts))
    assert (row['boot'], row['secure_boot']) == columns
    assert row['verdict'] == verdict
    assert row['xen'] == 'none'


def test_secure_boot_enforced_is_not_ready_with_the_way_out():
    row = readiness_row('sb', one_call(boot('uefi', 'on', 'fail', SB_MESSAGE)))
    assert row['reasons'] == [SB_MESSAGE]
    # Secure Boot does not hide a CPU that cannot run Xen either: both reasons are given.
    no_pae = cpu_with([check('pae', 'fail', 'The CPU has no PAE.'), check('64bit', 'pass', 'x86_64')], xen_capable=False)
    row = readiness_row('old', one_call(boot('uefi', 'on', 'fail', SB_MESSAGE), cpu=no_pae))
    assert row['verdict'] == 'not ready'
    assert row['reasons'] == ['The CPU has no PAE.', SB_MESSAGE]


def test_unknown_secure_boot_warns_only_on_a_uefi_host():
    on_uefi = readiness_row('u', one_call(boot('uefi', 'unknown', 'unknown', 'The EFI variables cannot be read.')))
    assert 'The EFI variables cannot be read.' in on_uefi['warnings']
    # A copy of a machine without sys/firmware says nothing about how it boots: no warning on every such row.
    unknown_mode = readiness_row('s', one_call(boot('unknown', 'unknown', 'unknown', 'No sys/firmware.')))
    assert 'No sys/firmware.' not in unknown_mode['warnings']


@pytest.mark.parametrize('platform', PLATFORMS)
@pytest.mark.parametrize('status, refused', [('fail', True), ('pass', False), ('unknown', False)])
def test_preflight_judges_secure_boot_as_the_report_does(platform, status, refused):
    facts = {'cpu_virt': CORE2_CPU['ansible_facts']['cpu_virt'],
             'boot_firmware': boot('uefi', {'fail': 'on', 'pass': 'off'}.get(status, 'unknown'), status, SB_MESSAGE)}
    variables = preflight_vars(platform, ansible_facts=facts)
    failed = [c['id'] for c in render_in(variables, '__xen_preflight_failed')]
    assert ('secure_boot' in failed) is refused
    verdict = readiness_row('h', one_call(facts['boot_firmware']))['verdict']
    assert (verdict == 'not ready') is refused
    # With xen_preflight_fail_on_unknown an undecided state stops preflight too (the report has no such knob).
    strict = [c['id'] for c in render_in(dict(variables, xen_preflight_fail_on_unknown=True), '__xen_preflight_failed')]
    assert ('secure_boot' in strict) is (status in ('fail', 'unknown'))
