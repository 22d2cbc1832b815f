# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run xen_facts' main() against the host trees (and a stubbed live dom0) and assert the facts."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import shutil

import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.xenhost.dom0.plugins.modules import xen_facts

HOSTS = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'facts', 'hosts')
XEN = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'facts', 'xen')


class Exit(Exception):
    pass


class Fail(Exception):
    pass


def run(args, monkeypatch):
    def exit_json(self, **kwargs):
        raise Exit(kwargs)

    def fail_json(self, **kwargs):
        raise Fail(kwargs)
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    with patch_module_args(args):
        with pytest.raises((Exit, Fail)) as caught:
            xen_facts.main()
    return caught.type, caught.value.args[0]


def facts_of(root, monkeypatch, check_mode=False):
    args = {'root': root}
    if check_mode:
        args['_ansible_check_mode'] = True
    kind, result = run(args, monkeypatch)
    assert kind is Exit, result
    assert result['changed'] is False
    return result['ansible_facts']['xen']


def no_commands(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AssertionError('no command may run for a root other than /')
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', refuse)


def test_debian12_dom0_tree_exact(monkeypatch):
    no_commands(monkeypatch)
    root = os.path.join(HOSTS, 'xen-dom0-debian12')
    assert facts_of(root, monkeypatch, check_mode=True) == {
        'running': True,
        'role': 'dom0',
        'guest_type': 'pv',
        'version': '4.17.7',
        'capabilities': ['xen-3.0-x86_64', 'hvm-3.0-x86_32', 'hvm-3.0-x86_32p', 'hvm-3.0-x86_64'],
        'toolstack': None,
        'info': {},
        'domains': [],
        'kernel': {'release': '6.1.0-27-amd64', 'dom0_capable': True, 'config': os.path.join(root, 'boot/config-6.1.0-27-amd64')},
        'boot_kernels': [{'release': '6.1.0-27-amd64', 'dom0_capable': True}],
    }


def test_rhel5_dom0_tree_exact(monkeypatch):
    no_commands(monkeypatch)
    root = os.path.join(HOSTS, 'xen-dom0-rhel5')
    assert facts_of(root, monkeypatch) == {
        'running': True,
        'role': 'dom0',
        'guest_type': None,
        'version': '3.1.2-419.el5',
        'capabilities': ['xen-3.0-x86_64', 'xen-3.0-x86_32p', 'hvm-3.0-x86_32', 'hvm-3.0-x86_32p', 'hvm-3.0-x86_64'],
        'toolstack': None,
        'info': {},
        'domains': [],
        'kernel': {'release': '2.6.18-419.el5xen', 'dom0_capable': True, 'config': os.path.join(root, 'boot/config-2.6.18-419.el5xen')},
        'boot_kernels': [{'release': '2.6.18-419.el5', 'dom0_capable': False}, {'release': '2.6.18-419.el5xen', 'dom0_capable': True}],
    }


def test_pv_domu_tree_exact(monkeypatch):
    no_commands(monkeypatch)
    root = os.path.join(HOSTS, 'xen-domu-pv-debian12')
    facts = facts_of(root, monkeypatch)
    assert facts == {
        'running': True,
        'role': 'domU',
        'guest_type': 'pv',
        'version': '4.17.3',
        'capabilities': ['xen-3.0-x86_64', 'hvm-3.0-x86_32', 'hvm-3.0-x86_32p', 'hvm-3.0-x86_64'],
        'toolstack': None,
        'info': {},
        'domains': [],
        'kernel': {'release': '6.1.0-27-amd64', 'dom0_capable': True, 'config': os.path.join(root, 'boot/config-6.1.0-27-amd64')},
        'boot_kernels': [{'release': '6.1.0-27-amd64', 'dom0_capable': True}],
    }


@pytest.mark.parametrize('host,release,dom0_capable,boot', [
    ('pentium-m-dothan', '6.1.0-27-686', False, [('6.1.0-27-686', False)]),
    ('pentium4-northwood', '2.6.18-419.el5PAE', False, [('2.6.18-419.el5', False), ('2.6.18-419.el5PAE', False)]),
    ('core2-e8400-vmx', '6.1.0-27-amd64', True, [('6.1.0-26-amd64', True), ('6.1.0-27-amd64', True)]),
    ('opteron-2218-2socket', '6.1.0-27-amd64', True, [('6.1.0-27-amd64', True)]),
    ('kvm-guest-skylake', '6.1.0-27-amd64', True, [('6.1.0-27-amd64', True)]),
    ('aarch64-cortex-a72', '6.1.0-27-arm64', True, [('6.1.0-27-arm64', True)]),
    ('ppc64le-power9', '4.18.0-553.el8_10.ppc64le', False, [('4.18.0-553.el8_10.ppc64le', False)]),
    ('s390x-z14', '4.18.0-553.el8_10.s390x', False, [('4.18.0-553.el8_10.s390x', False)]),
])
def test_not_on_xen(host, release, dom0_capable, boot, monkeypatch):
    no_commands(monkeypatch)
    root = os.path.join(HOSTS, host)
    facts = facts_of(root, monkeypatch)
    assert (facts['running'], facts['role'], facts['guest_type'], facts['version'], facts['capabilities']) == (False, 'none', None, None, [])
    assert (facts['toolstack'], facts['info'], facts['domains']) == (None, {}, [])
    assert facts['kernel'] == {'release': release, 'dom0_capable': dom0_capable, 'config': os.path.join(root, 'boot', 'config-' + release)}
    assert [(k['release'], k['dom0_capable']) for k in facts['boot_kernels']] == boot


def test_dom0_without_xenfs_uses_feature_bit(tmp_path, monkeypatch):
    root = str(tmp_path / 'dom0')
    shutil.copytree(os.path.join(HOSTS, 'xen-dom0-debian12'), root)
    shutil.rmtree(os.path.join(root, 'proc', 'xen'))
    assert facts_of(root, monkeypatch)['role'] == 'dom0'


def test_kernel_without_config(tmp_path, monkeypatch):
    (tmp_path / 'proc' / 'sys' / 'kernel').mkdir(parents=True)
    (tmp_path / 'proc' / 'sys' / 'kernel' / 'osrelease').write_text('5.10.0-custom\n')
    facts = facts_of(str(tmp_path), monkeypatch)
    assert facts['kernel'] == {'release': '5.10.0-custom', 'dom0_capable': None, 'config': None}
    assert facts['boot_kernels'] == []


def test_empty_root(tmp_path, monkeypatch):
    facts = facts_of(str(tmp_path), monkeypatch)
    assert facts == {'running': False, 'role': 'none', 'guest_type': None, 'version': None, 'capabilities': [],
                     'toolstack': None, 'info': {}, 'domains': [],
                     'kernel': {'release': None, 'dom0_capable': None, 'config': None}, 'boot_kernels': []}


def test_bad_root_fails_clearly(tmp_path, monkeypatch):
    kind, result = run({'root': str(tmp_path / 'missing')}, monkeypatch)
    assert kind is Fail and 'is not a directory' in result['msg']


def live(monkeypatch, tree, bins, outputs, cmdlines=()):
    """Make `tree` pass for / and stub binaries, commands and the process list."""
    calls = []
    real_realpath = os.path.realpath

    def run_command(self, args, **kwargs):
        calls.append(args)
        return outputs[tuple(args)]
    monkeypatch.setattr(xen_facts.os.path, 'realpath', lambda p: '/' if p == tree else real_realpath(p))
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda self, name, *a, **k: bins.get(name))
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    monkeypatch.setattr(xen_facts, 'process_cmdlines', lambda: list(cmdlines))
    return calls


def read(name):
    with open(os.path.join(XEN, name)) as handle:
        return handle.read()


def test_live_dom0_417_runs_xl(monkeypatch):
    tree = os.path.join(HOSTS, 'xen-dom0-debian12')
    calls = live(monkeypatch, tree, {'xl': '/usr/sbin/xl', 'xm': None}, {
        ('/usr/sbin/xl', 'info'): (0, read('xl-info-4.17.txt'), ''),
        ('/usr/sbin/xl', 'list'): (0, read('xl-list-4.17.txt'), ''),
    })
    facts = facts_of(tree, monkeypatch, check_mode=True)
    assert calls == [['/usr/sbin/xl', 'info'], ['/usr/sbin/xl', 'list']]
    assert facts['toolstack'] == 'xl'
    assert facts['info']['virt_caps'] == ['pv', 'hvm', 'hap', 'shadow', 'gnttab-v1', 'gnttab-v2']
    assert facts['info']['xen_version'] == '4.17.7'
    assert [d['name'] for d in facts['domains']] == ['Domain-0', 'debian12-pv', 'win10-hvm', 'build-pvh']
    assert facts['domains'][0] == {'name': 'Domain-0', 'id': 0, 'mem': 1024, 'vcpus': 2, 'state': 'r-----', 'time': 31.4}


def test_live_rhel5_dom0_prefers_xm_while_xend_runs(monkeypatch):
    tree = os.path.join(HOSTS, 'xen-dom0-rhel5')
    calls = live(monkeypatch, tree, {'xl': None, 'xm': '/usr/sbin/xm'}, {
        ('/usr/sbin/xm', 'info'): (0, read('xm-info-3.1-rhel5.txt'), ''),
        ('/usr/sbin/xm', 'list'): (0, read('xm-list-3.1-rhel5.txt'), ''),
    }, cmdlines=[['/sbin/init'], ['/usr/bin/python', '/usr/sbin/xend', 'start']])
    facts = facts_of(tree, monkeypatch)
    assert calls == [['/usr/sbin/xm', 'info'], ['/usr/sbin/xm', 'list']]
    assert facts['toolstack'] == 'xm'
    assert facts['info']['xen_extra'] == '.2-419.el5'
    assert facts['domains'][3] == {'name': 'rhel4-build', 'id': None, 'mem': 256, 'vcpus': 1, 'state': None, 'time': 0.0}


def test_live_dom0_failing_toolstack_warns(monkeypatch):
    tree = os.path.join(HOSTS, 'xen-dom0-debian12')
    live(monkeypatch, tree, {'xl': '/usr/sbin/xl'}, {
        ('/usr/sbin/xl', 'info'): (1, '', 'xc: error: Could not obtain handle on privileged command interface'),
        ('/usr/sbin/xl', 'list'): (1, '', 'xc: error: Could not obtain handle on privileged command interface'),
    })
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, msg: warnings.append(msg))
    facts = facts_of(tree, monkeypatch)
    assert (facts['toolstack'], facts['info'], facts['domains']) == ('xl', {}, [])
    assert len(warnings) == 2 and 'xl info failed (rc=1)' in warnings[0]


def test_live_dom0_without_toolstack(monkeypatch):
    tree = os.path.join(HOSTS, 'xen-dom0-debian12')
    calls = live(monkeypatch, tree, {}, {})
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, msg: warnings.append(msg))
    facts = facts_of(tree, monkeypatch)
    assert calls == [] and facts['toolstack'] is None
    assert 'neither xl nor xm' in warnings[0]


def test_live_domu_runs_nothing(monkeypatch):
    tree = os.path.join(HOSTS, 'xen-domu-pv-debian12')
    calls = live(monkeypatch, tree, {'xl': '/usr/sbin/xl'}, {})
    facts = facts_of(tree, monkeypatch)
    assert calls == [] and facts['role'] == 'domU' and facts['toolstack'] is None


def test_live_dom0_version_falls_back_to_toolstack(tmp_path, monkeypatch):
    tree = str(tmp_path / 'dom0')
    shutil.copytree(os.path.join(HOSTS, 'xen-dom0-debian12'), tree)
    shutil.rmtree(os.path.join(tree, 'sys', 'hypervisor', 'version'))
    os.remove(os.path.join(tree, 'sys', 'hypervisor', 'properties', 'capabilities'))
    live(monkeypatch, tree, {'xl': '/usr/sbin/xl'}, {
        ('/usr/sbin/xl', 'info'): (0, read('xl-info-4.17.txt'), ''),
        ('/usr/sbin/xl', 'list'): (0, read('xl-list-4.17.txt'), ''),
    })
    facts = facts_of(tree, monkeypatch)
    assert facts['version'] == '4.17.7'
    assert facts['capabilities'] == ['xen-3.0-x86_64', 'hvm-3.0-x86_32', 'hvm-3.0-x86_32p', 'hvm-3.0-x86_64']


def test_hvm_domu_guest_type(tmp_path, monkeypatch):
    tree = str(tmp_path / 'hvm')
    shutil.copytree(os.path.join(HOSTS, 'xen-domu-pv-debian12'), tree)
    with open(os.path.join(tree, 'sys', 'hypervisor', 'guest_type'), 'w') as handle:
        handle.write('HVM\n')
    facts = facts_of(tree, monkeypatch)
    assert (facts['role'], facts['guest_type']) == ('domU', 'hvm')
