# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of module_utils/xen_text.py on recorded xm/xl output and sysfs contents."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

from ansible_collections.xenhost.dom0.plugins.module_utils import root_facts, xen_text

XEN = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'facts', 'xen')
HOSTS = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'facts', 'hosts')


def fixture(name):
    with open(os.path.join(XEN, name)) as handle:
        return handle.read()


def test_xl_info_417_types_and_whole_strings():
    info = xen_text.parse_xen_info(fixture('xl-info-4.17.txt'))
    assert info['nr_cpus'] == 2
    assert info['total_memory'] == 3071
    assert info['cpu_mhz'] == 2095.076
    assert info['xen_major'] == 4 and info['xen_minor'] == 17
    assert info['xen_extra'] == '.7'
    assert info['xen_version'] == '4.17.7'
    assert info['virt_caps'] == ['pv', 'hvm', 'hap', 'shadow', 'gnttab-v1', 'gnttab-v2']
    assert info['xen_caps'] == ['xen-3.0-x86_64', 'hvm-3.0-x86_32', 'hvm-3.0-x86_32p', 'hvm-3.0-x86_64']
    assert info['xen_commandline'] == ('placeholder dom0_mem=1024M,max:1024M dom0_max_vcpus=1-2 com1=115200,8n1 '
                                       'console=com1 loglvl=all guest_loglvl=all noreboot no-real-mode edd=off')
    assert info['hw_caps'] == '1f8bfbff:fffa3223:2c100800:00000121:0000000f:d19b72a7:00000004:00000100'
    assert info['xen_changeset'] == ''
    assert info['version'] == '#1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01)'
    assert info['cc_compiler'] == 'x86_64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0'
    assert info['build_id'] == '5f6a4f4c0a3c0b8e3d9f1a2b7c6d5e4f3a2b1c0d'
    assert len(info) == 34  # one per line of the recording


def test_xl_info_n_tables():
    info = xen_text.parse_xen_info(fixture('xl-info-n-4.17-physical.txt'))
    assert info['virt_caps'][:4] == ['pv', 'hvm', 'hvm_directio', 'pv_directio']
    assert info['nr_cpus'] == 8
    assert len(info['cpu_topology']) == 8
    assert info['cpu_topology'][0] == {'cpu': 0, 'core': 0, 'socket': 0, 'node': 0}
    assert info['cpu_topology'][7] == {'cpu': 7, 'core': 3, 'socket': 1, 'node': 0}
    assert info['device_topology'] == [
        {'device': '0000:00:00.0', 'node': 0}, {'device': '0000:00:02.0', 'node': 0},
        {'device': '0000:00:1f.2', 'node': 0}, {'device': '0000:03:00.0', 'node': 0}]
    assert info['numa_info'] == [{'node': 0, 'memsize': 32768, 'memfree': 28011, 'distances': 10}]
    # The tables did not swallow the keys after them.
    assert info['xend_config_format'] == 4


def test_numa_distances_of_two_nodes_become_a_list():
    text = ('numa_info              :\nnode:    memsize    memfree    distances\n'
            '   0:     16384      12000      10,21\n   1:     16384      15000      21,10\n')
    assert xen_text.parse_xen_info(text) == {'numa_info': [
        {'node': 0, 'memsize': 16384, 'memfree': 12000, 'distances': '10,21'},
        {'node': 1, 'memsize': 16384, 'memfree': 15000, 'distances': '21,10'}]}
    spaced = 'numa_info              :\nnode:    memsize    memfree    distances\n   0:     16384      12000      10   21\n'
    assert xen_text.parse_xen_info(spaced)['numa_info'][0]['distances'] == [10, 21]


def test_device_topology_without_data():
    text = ('device topology        :\ndevice           node\nNo device topology data available\n'
            'numa_info              :\nnode:    memsize    memfree    distances\n   0:      3072       1964      10\n')
    info = xen_text.parse_xen_info(text)
    assert info['device_topology'] == []
    assert info['numa_info'] == [{'node': 0, 'memsize': 3072, 'memfree': 1964, 'distances': 10}]


def test_xm_info_rhel5_exact():
    assert xen_text.parse_xen_info(fixture('xm-info-3.1-rhel5.txt')) == {
        'host': 'xen01.example.com',
        'release': '2.6.18-419.el5xen',
        'version': '#1 SMP Fri Feb 24 22:47:42 UTC 2017',
        'machine': 'x86_64',
        'nr_cpus': 8,
        'nr_nodes': 1,
        'sockets_per_node': 2,
        'cores_per_socket': 4,
        'threads_per_core': 1,
        'cpu_mhz': 2493,
        'hw_caps': 'bfebfbff:20100800:00000000:00000140:000ce3bd:00000000:00000001',
        'total_memory': 16378,
        'free_memory': 11775,
        'node_to_cpu': 'node0:0-7',
        'xen_major': 3,
        'xen_minor': 1,
        'xen_extra': '.2-419.el5',
        'xen_caps': ['xen-3.0-x86_64', 'xen-3.0-x86_32p', 'hvm-3.0-x86_32', 'hvm-3.0-x86_32p', 'hvm-3.0-x86_64'],
        'xen_pagesize': 4096,
        'platform_params': 'virt_start=0xffff800000000000',
        'xen_changeset': 'unavailable',
        'cc_compiler': 'gcc version 4.1.2 20080704 (Red Hat 4.1.2-55)',
        'cc_compile_by': 'mockbuild',
        'cc_compile_domain': 'centos.org',
        'cc_compile_date': 'Fri Feb 24 21:10:14 UTC 2017',
        'xend_config_format': 2,
    }


@pytest.mark.parametrize('text', [None, '', '\n\n', 'xl: command not found\n'])
def test_info_of_nothing_is_empty(text):
    assert xen_text.parse_xen_info(text) == {}


def test_xl_list_417_exact():
    assert xen_text.parse_xen_list(fixture('xl-list-4.17.txt')) == [
        {'name': 'Domain-0', 'id': 0, 'mem': 1024, 'vcpus': 2, 'state': 'r-----', 'time': 31.4},
        {'name': 'debian12-pv', 'id': 1, 'mem': 512, 'vcpus': 1, 'state': '-b----', 'time': 5.2},
        {'name': 'win10-hvm', 'id': 2, 'mem': 4096, 'vcpus': 2, 'state': '-b----', 'time': 812.9},
        {'name': 'build-pvh', 'id': 3, 'mem': 2048, 'vcpus': 4, 'state': '--p---', 'time': 0.0},
    ]


def test_xm_list_rhel5_exact_with_halted_domain():
    assert xen_text.parse_xen_list(fixture('xm-list-3.1-rhel5.txt')) == [
        {'name': 'Domain-0', 'id': 0, 'mem': 2942, 'vcpus': 8, 'state': 'r-----', 'time': 10374.9},
        {'name': 'rhel5-web', 'id': 3, 'mem': 511, 'vcpus': 1, 'state': '-b----', 'time': 882.1},
        {'name': 'win2003', 'id': 4, 'mem': 1031, 'vcpus': 1, 'state': '-b----', 'time': 2140.7},
        {'name': 'rhel4-build', 'id': None, 'mem': 256, 'vcpus': 1, 'state': None, 'time': 0.0},
        {'name': 'migrating-db', 'id': 7, 'mem': 1024, 'vcpus': 2, 'state': '---s--', 'time': 12.5},
    ]


def test_xl_list_verbose_extra_columns_are_ignored():
    text = ('Name                                        ID   Mem VCPUs\tState\tTime(s)   UUID                            Reason-Code\tSecurity Label\n'
            'Domain-0                                     0  1024     2     r-----      31.4 00000000-0000-0000-0000-000000000000        -                -\n'
            'guest                                        5   512     1     -b----       2.0 6f1e8c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b        -                -\n')
    assert xen_text.parse_xen_list(text) == [
        {'name': 'Domain-0', 'id': 0, 'mem': 1024, 'vcpus': 2, 'state': 'r-----', 'time': 31.4},
        {'name': 'guest', 'id': 5, 'mem': 512, 'vcpus': 1, 'state': '-b----', 'time': 2.0},
    ]


def test_list_skips_junk_lines():
    text = ('Name                                        ID   Mem VCPUs\tState\tTime(s)\n'
            'libxl: error: libxl.c:123: cannot connect\n'
            'Domain-0                                     0  1024     2     r-----      31.4\n')
    assert [d['name'] for d in xen_text.parse_xen_list(text)] == ['Domain-0']
    assert xen_text.parse_xen_list(None) == []
    assert xen_text.parse_xen_list('') == []


@pytest.mark.parametrize('caps,features,expected', [
    ('control_d\n', None, True),
    ('control_d\n', '000020f0\n', True),  # xenfs wins
    (None, '000028f0\n', True),          # xenfs not mounted: bit 11 says dom0
    (None, '000020f0\n', False),
    ('', '000028f0', True),                # empty capabilities but the feature bit
    ('', None, False),                     # xenfs mounted in a domU
    (None, None, None),
    (None, 'garbage', None),
    (None, '0000000000000800', True),      # two submaps: submap 0 is printed last
])
def test_is_dom0(caps, features, expected):
    assert xen_text.is_dom0(caps, features) is expected


@pytest.mark.parametrize('hv_type,caps,features,role', [
    (None, None, None, 'none'),
    ('xen\n', None, '000028f0\n', 'dom0'),
    ('xen\n', 'control_d\n', None, 'dom0'),
    ('xen\n', '', '000020f0\n', 'domU'),
    # Xen runs, but nothing tells dom0 from domU (no xenfs, no features): unknown, not domU.
    ('xen\n', None, None, 'unknown'),
    (None, 'control_d\n', None, 'dom0'),   # xenified kernel without /sys/hypervisor
])
def test_xen_role(hv_type, caps, features, role):
    assert xen_text.xen_role(hv_type, caps, features) == role


def test_version_and_small_helpers():
    assert xen_text.xen_version('4\n', '17\n', '.7\n') == '4.17.7'
    assert xen_text.xen_version('3\n', '1\n', '.2-419.el5\n') == '3.1.2-419.el5'
    assert xen_text.xen_version('4', '20', None) == '4.20'
    assert xen_text.xen_version(None, '17', '.7') is None
    assert xen_text.version_tuple('4.17.7') == (4, 17)
    assert xen_text.version_tuple('3.1.2-419.el5') == (3, 1)
    assert xen_text.version_tuple(None) is None
    assert xen_text.guest_type('PV\n') == 'pv'
    assert xen_text.guest_type('PVH') == 'pvh'
    assert xen_text.guest_type('HVM\n') == 'hvm'
    assert xen_text.guest_type('something') is None
    assert xen_text.guest_type(None) is None
    assert xen_text.hvm_from_capabilities(['xen-3.0-x86_64', 'hvm-3.0-x86_64'])
    assert not xen_text.hvm_from_capabilities(['xen-3.0-x86_64', 'xen-3.0-x86_32p'])


def test_kernel_config_dom0():
    assert xen_text.kernel_config_dom0('CONFIG_XEN=y\nCONFIG_XEN_DOM0=y\n') is True
    assert xen_text.kernel_config_dom0('CONFIG_XEN=y\nCONFIG_XEN_PRIVILEGED_GUEST=y\n') is True
    assert xen_text.kernel_config_dom0('CONFIG_XEN=y\n# CONFIG_XEN_PRIVILEGED_GUEST is not set\n') is False
    assert xen_text.kernel_config_dom0('# CONFIG_XEN is not set\n') is False
    assert xen_text.kernel_config_dom0('CONFIG_XEN_DOM0=m\n') is False
    assert xen_text.kernel_config_dom0('') is False
    assert xen_text.kernel_config_dom0(None) is None


@pytest.mark.parametrize('major,xl,xm,xend,expected', [
    ((4, 17), True, False, False, 'xl'),
    ((4, 17), True, True, True, 'xl'),     # 4.5+ has no xend even if a stale xm is around
    ((4, 17), False, True, True, None),
    ((4, 1), True, True, True, 'xm'),      # xend runs: xm
    ((4, 1), True, True, False, 'xl'),
    ((3, 1), False, True, False, 'xm'),
    ((3, 1), False, False, False, None),
    (None, True, True, True, 'xm'),
])
def test_choose_toolstack(major, xl, xm, xend, expected):
    assert xen_text.choose_toolstack(major, xl, xm, xend) == expected


def test_running_process():
    cmdlines = [['/sbin/init'], ['/usr/bin/python', '/usr/sbin/xend', 'start'], ['bash']]
    assert xen_text.running_process(cmdlines, 'xend')
    assert not xen_text.running_process([['/sbin/init'], ['vim', 'xend']], 'xend')
    assert xen_text.running_process([['/usr/sbin/xend']], 'xend')
    assert xen_text.running_process([['/usr/bin/python2.4', '/usr/sbin/xend', 'start']], 'xend')


def test_release_sort_key():
    releases = ['6.1.0-27-amd64', '2.6.18-419.el5xen', '6.1.0-9-amd64', '2.6.18-419.el5']
    assert sorted(releases, key=xen_text.release_sort_key) == [
        '2.6.18-419.el5', '2.6.18-419.el5xen', '6.1.0-9-amd64', '6.1.0-27-amd64']


def test_sysfs_fixtures_decide_roles():
    """The host trees' own files give the roles the README claims."""
    def role(host):
        def rd(rel):
            return root_facts.read_under(os.path.join(HOSTS, host), rel)
        return xen_text.xen_role(rd('sys/hypervisor/type'), rd('proc/xen/capabilities'), rd('sys/hypervisor/properties/features'))
    assert role('xen-dom0-debian12') == 'dom0'
    assert role('xen-dom0-rhel5') == 'dom0'
    assert role('xen-domu-pv-debian12') == 'domU'
    assert role('core2-e8400-vmx') == 'none'


# --- hostile text: linear time, strict JSON, a domain named Name ---------------------------------

import json
import time

XL_LIST = ('Name                                        ID   Mem VCPUs\tState\tTime(s)\n'
           'Domain-0                                     0  1024     2     r-----      31.4\n')


def test_domain_named_name_is_a_domain():
    text = XL_LIST + 'Name                                         3   512     1     -b----       2.0\n'
    assert [d['name'] for d in xen_text.parse_xen_list(text)] == ['Domain-0', 'Name']
    # Without a header line too, and with xm's managed-but-halted shape (no id).
    assert xen_text.parse_xen_list('Name 3 512 1 -b---- 2.0\n')[0]['id'] == 3
    assert xen_text.parse_xen_list(XL_LIST + 'Name 512 1 0.0\n')[1] == {
        'name': 'Name', 'id': None, 'mem': 512, 'vcpus': 1, 'state': None, 'time': 0.0}


def test_only_the_first_header_is_a_header():
    text = XL_LIST + 'Name ID Mem VCPUs State Time(s)\n'
    assert [d['name'] for d in xen_text.parse_xen_list(text)] == ['Domain-0']


@pytest.mark.parametrize('time_text', ['nan', 'NaN', 'inf', '-inf', 'Infinity', '1e999', '1e5', '-1.0', '+3.0', '1_0.0',
                                       '9' * 400 + '.0', '0x10'])
def test_times_json_cannot_carry_are_null(time_text):
    domains = xen_text.parse_xen_list(XL_LIST + 'web1 5 512 1 -b---- %s\n' % time_text)
    for domain in domains:
        assert domain['time'] is None or domain['time'] == domain['time'] and abs(domain['time']) < 1e300
    json.dumps(domains, allow_nan=False)  # strict JSON: raises on nan/inf


@pytest.mark.parametrize('value', ['nan', 'inf', '9' * 400 + '.5', '9' * 5000, '-' + '9' * 5000, '\u0663', '\u00b3'])
def test_info_values_stay_strict_json(value):
    info = xen_text.parse_xen_info('total_memory           : %s\nfree_memory            : %s\n' % (value, value))
    json.dumps(info, allow_nan=False)
    assert info['total_memory'] == value or isinstance(info['total_memory'], (int, float))


@pytest.mark.parametrize('line', [
    ' ' * 200000, 'a' + ' ' * 200000 + 'b', 'x' * 200000, 'a:' * 100000, 'key' + ' ' * 100000 + ': v',
    '\t' * 100000 + ':', 'Domain-0 ' + '1 ' * 100000,
])
def test_parsers_are_linear_on_long_lines(line):
    started = time.time()
    xen_text.parse_xen_info(line + '\n')
    xen_text.parse_xen_list(line + '\n')
    assert time.time() - started < 1.5


@pytest.mark.parametrize('features', [
    None, '', '\n', 'zz', '0xZZ', '\u0663', '1_0', '\0', 'f' * 1000, '08 00', '-800', '+800', '0x', '\ufffd',
])
def test_xen_without_xenfs_and_unusable_features_is_unknown(features):
    assert xen_text.xen_role('xen\n', None, features) == 'unknown'


@pytest.mark.parametrize('features,role', [('00000800\n', 'dom0'), ('0x800', 'dom0'), ('000020f0\n', 'domU'), ('0', 'domU')])
def test_readable_features_decide(features, role):
    assert xen_text.xen_role('xen\n', None, features) == role


def test_release_sort_key_takes_hostile_numbers():
    releases = ['5.' + '9' * 5000, '5.10', '5.9', '\u0663.1', '5.09']
    assert sorted(releases, key=xen_text.release_sort_key)[:3] == ['5.9', '5.09', '5.10']


@pytest.mark.parametrize('role, meminfo, info, expected', [
    ('dom0', 'MemTotal:        1013252 kB\n', {'total_memory': 32635}, 32635),  # Xen's, not dom0's share
    ('dom0', None, {}, None),                                                  # no toolstack reading
    ('dom0', None, {'total_memory': '32635x'}, None),
    ('dom0', None, {'total_memory': True}, None),
    ('none', 'MemTotal:       65796588 kB\nMemFree:        61233012 kB\n', {}, 64254),
    ('none', 'MemFree:        61233012 kB\n', {}, None),
    ('none', 'MemTotal:       ' + '9' * 40 + ' kB\n', {}, None),                # not a number a machine has
    ('none', 'MemTotal:       12 kB\n', {}, None),
    ('domU', 'MemTotal:        4030264 kB\n', {}, None),                      # the guest's, not the machine's
    ('unknown', 'MemTotal:        4030264 kB\n', {}, None),
])
def test_host_memory_mb(role, meminfo, info, expected):
    assert xen_text.host_memory_mb(role, meminfo, info) == expected
