# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for plugins/filter/report.py (the readiness verdict and the Markdown table)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.xenhost.dom0.plugins.filter.report import (
    FilterModule, md_cell, md_table, readiness_row, readiness_sort, readiness_summary,
)


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


def test_not_ready_lists_only_blocking_reasons():
    cpu = cpu_with([check('pae', 'pass', 'ok'), check('64bit', 'fail', '32-bit only'), check('hvm', 'warn', 'no vmx/svm'),
                    check('iommu', 'warn', 'no IOMMU'), check('firmware', 'unknown', 'cannot tell')], xen_capable=False)
    xen = copy.deepcopy(NO_XEN)
    xen['ansible_facts']['xen']['kernel'] = {'release': '2.6.18-419.el5', 'dom0_capable': False}
    xen['ansible_facts']['xen']['boot_kernels'] = []
    row = readiness_row('p4', cpu, xen)
    assert (row['verdict'], row['reasons'], row['warnings']) == ('not ready', ['32-bit only'], [])


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
    assert row['reasons'][0].startswith('cpu_virt_facts failed: xxx')
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
