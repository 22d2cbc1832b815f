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

from ansible_collections.xenhost.dom0.plugins.modules import xen_facts

HOSTS = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'facts', 'hosts')
XEN = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'facts', 'xen')


@pytest.fixture
def facts_module():
    """facts_of (conftest.py) runs xen_facts."""
    return xen_facts


def no_commands(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AssertionError('no command may run for a root other than /')
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', refuse)


DEBIAN12_CAPABILITIES = ['xen-3.0-x86_64', 'hvm-3.0-x86_32', 'hvm-3.0-x86_32p', 'hvm-3.0-x86_64']
NOT_DOM0 = {'status': 'unknown', 'message': 'not a Xen dom0: nothing to compare', 'method': None, 'running': None,
            'boot_image': None, 'images': []}


def unidentified(version):
    """hypervisor_reboot of a dom0 tree without build-id or compile information (the trees under facts/hosts/)."""
    return {'status': 'unknown', 'method': None, 'boot_image': None, 'images': [],
            'message': 'the running Xen build cannot be identified: no build-id (xl info, /sys/hypervisor/properties/buildid) '
                       'and no compile date and compiler',
            'running': {'version': version, 'build_id': None, 'build_id_source': None, 'compile_date': None, 'compiler': None,
                        'method': None}}


def on_xen(host, role, guest_type, version, capabilities, release, boot):
    """The whole xen fact of a tree that runs on Xen: toolstack, info and domains stay empty off root=/."""
    return {
        'running': True,
        'role': role,
        'guest_type': guest_type,
        'version': version,
        'capabilities': capabilities,
        'toolstack': None,
        'info': {},
        'domains': [],
        'kernel': {'release': release, 'dom0_capable': True, 'config': os.path.join(HOSTS, host, 'boot', 'config-' + release)},
        'boot_kernels': [{'release': r, 'dom0_capable': capable} for r, capable in boot],
        'boot_images': [],  # the recorded trees hold the configs, not the images
        'hypervisor_reboot': unidentified(version) if role == 'dom0' else NOT_DOM0,
        'host_memory_mb': None,  # a dom0's comes from the toolstack (not run here), a domU has none
        'trial_watchdog_installed': None,  # the recorded trees have no usr/local/sbin, etc/systemd/system to list
    }


@pytest.mark.parametrize('host,check_mode,expected', [
    pytest.param('xen-dom0-debian12', True, on_xen(
        'xen-dom0-debian12', 'dom0', 'pv', '4.17.7', DEBIAN12_CAPABILITIES, '6.1.0-27-amd64', [('6.1.0-27-amd64', True)]),
        id='debian12_dom0'),
    pytest.param('xen-dom0-rhel5', False, on_xen(
        'xen-dom0-rhel5', 'dom0', None, '3.1.2-419.el5',
        ['xen-3.0-x86_64', 'xen-3.0-x86_32p', 'hvm-3.0-x86_32', 'hvm-3.0-x86_32p', 'hvm-3.0-x86_64'],
        '2.6.18-419.el5xen', [('2.6.18-419.el5', False), ('2.6.18-419.el5xen', True)]),
        id='rhel5_dom0'),
    pytest.param('xen-domu-pv-debian12', False, on_xen(
        'xen-domu-pv-debian12', 'domU', 'pv', '4.17.3', DEBIAN12_CAPABILITIES, '6.1.0-27-amd64', [('6.1.0-27-amd64', True)]),
        id='pv_domu'),
])
def test_xen_tree_exact(host, check_mode, expected, monkeypatch, facts_of):
    no_commands(monkeypatch)
    assert facts_of(os.path.join(HOSTS, host), check_mode=check_mode) == expected


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
def test_not_on_xen(host, release, dom0_capable, boot, monkeypatch, facts_of):
    no_commands(monkeypatch)
    root = os.path.join(HOSTS, host)
    facts = facts_of(root)
    assert (facts['running'], facts['role'], facts['guest_type'], facts['version'], facts['capabilities']) == (False, 'none', None, None, [])
    assert (facts['toolstack'], facts['info'], facts['domains']) == (None, {}, [])
    assert facts['kernel'] == {'release': release, 'dom0_capable': dom0_capable, 'config': os.path.join(root, 'boot', 'config-' + release)}
    assert [(k['release'], k['dom0_capable']) for k in facts['boot_kernels']] == boot


def test_dom0_without_xenfs_uses_feature_bit(tmp_path, facts_of):
    root = str(tmp_path / 'dom0')
    shutil.copytree(os.path.join(HOSTS, 'xen-dom0-debian12'), root)
    shutil.rmtree(os.path.join(root, 'proc', 'xen'))
    assert facts_of(root)['role'] == 'dom0'


def test_kernel_without_config(tmp_path, facts_of):
    (tmp_path / 'proc' / 'sys' / 'kernel').mkdir(parents=True)
    (tmp_path / 'proc' / 'sys' / 'kernel' / 'osrelease').write_text('5.10.0-custom\n')
    facts = facts_of(str(tmp_path))
    assert facts['kernel'] == {'release': '5.10.0-custom', 'dom0_capable': None, 'config': None}
    assert facts['boot_kernels'] == []


def test_boot_images_in_version_order(tmp_path, facts_of):
    boot = tmp_path / 'boot'
    boot.mkdir()
    for name in ('vmlinuz-6.1.0-41-amd64', 'vmlinuz-6.1.0-9-amd64', 'vmlinuz-5.10.0-30-amd64', 'vmlinuz-', 'vmlinuz-bad\x01',
                 'config-6.1.0-41-amd64', 'initrd.img-6.1.0-41-amd64', 'xen-4.17-amd64.gz'):
        (boot / name).write_text(u'x')
    (boot / 'vmlinuz-old.d').mkdir()  # the names are what count, as for the configs
    facts = facts_of(str(tmp_path))
    assert facts['boot_images'] == ['5.10.0-30-amd64', '6.1.0-9-amd64', '6.1.0-41-amd64', 'old.d']
    assert [k['release'] for k in facts['boot_kernels']] == ['6.1.0-41-amd64']


def test_empty_root(tmp_path, facts_of):
    facts = facts_of(str(tmp_path))
    assert facts == {'running': False, 'role': 'none', 'guest_type': None, 'version': None, 'capabilities': [],
                     'toolstack': None, 'info': {}, 'domains': [],
                     'kernel': {'release': None, 'dom0_capable': None, 'config': None}, 'boot_kernels': [], 'boot_images': [],
                     'hypervisor_reboot': NOT_DOM0, 'host_memory_mb': None,
                     'trial_watchdog_installed': None}


def test_bad_root_fails_clearly(tmp_path, run_module):
    root = str(tmp_path / 'missing')
    result = run_module(xen_facts, root=root)
    assert result['failed'] is True
    assert result['msg'] == "root %s is not a directory: point it at / or at a copy of a machine's files (proc/, sys/, boot/)." % root


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


def test_live_dom0_417_runs_xl(monkeypatch, facts_of):
    tree = os.path.join(HOSTS, 'xen-dom0-debian12')
    calls = live(monkeypatch, tree, {'xl': '/usr/sbin/xl', 'xm': None}, {
        ('/usr/sbin/xl', 'info'): (0, read('xl-info-4.17.txt'), ''),
        ('/usr/sbin/xl', 'list'): (0, read('xl-list-4.17.txt'), ''),
    })
    facts = facts_of(tree, check_mode=True)
    assert calls == [['/usr/sbin/xl', 'info'], ['/usr/sbin/xl', 'list']]
    assert facts['toolstack'] == 'xl'
    assert facts['info']['virt_caps'] == ['pv', 'hvm', 'hap', 'shadow', 'gnttab-v1', 'gnttab-v2']
    assert facts['info']['xen_version'] == '4.17.7'
    assert [d['name'] for d in facts['domains']] == ['Domain-0', 'debian12-pv', 'win10-hvm', 'build-pvh']
    assert facts['domains'][0] == {'name': 'Domain-0', 'id': 0, 'mem': 1024, 'vcpus': 2, 'state': 'r-----', 'time': 31.4}
    assert facts['host_memory_mb'] == 3071  # Xen's total_memory, not dom0's 1024


def test_live_rhel5_dom0_prefers_xm_while_xend_runs(monkeypatch, facts_of):
    tree = os.path.join(HOSTS, 'xen-dom0-rhel5')
    calls = live(monkeypatch, tree, {'xl': None, 'xm': '/usr/sbin/xm'}, {
        ('/usr/sbin/xm', 'info'): (0, read('xm-info-3.1-rhel5.txt'), ''),
        ('/usr/sbin/xm', 'list'): (0, read('xm-list-3.1-rhel5.txt'), ''),
    }, cmdlines=[['/sbin/init'], ['/usr/bin/python', '/usr/sbin/xend', 'start']])
    facts = facts_of(tree)
    assert calls == [['/usr/sbin/xm', 'info'], ['/usr/sbin/xm', 'list']]
    assert facts['toolstack'] == 'xm'
    assert facts['info']['xen_extra'] == '.2-419.el5'
    assert facts['domains'][3] == {'name': 'rhel4-build', 'id': None, 'mem': 256, 'vcpus': 1, 'state': None, 'time': 0.0}
    assert facts['host_memory_mb'] == 16378  # xm info's total_memory


def test_live_dom0_failing_toolstack_warns(monkeypatch, facts_of):
    tree = os.path.join(HOSTS, 'xen-dom0-debian12')
    live(monkeypatch, tree, {'xl': '/usr/sbin/xl'}, {
        ('/usr/sbin/xl', 'info'): (1, '', 'xc: error: Could not obtain handle on privileged command interface'),
        ('/usr/sbin/xl', 'list'): (1, '', 'xc: error: Could not obtain handle on privileged command interface'),
    })
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, msg: warnings.append(msg))
    facts = facts_of(tree)
    assert (facts['toolstack'], facts['info'], facts['domains']) == ('xl', {}, [])
    assert len(warnings) == 2 and 'xl info failed (rc=1)' in warnings[0]


def test_live_dom0_without_toolstack(monkeypatch, facts_of):
    tree = os.path.join(HOSTS, 'xen-dom0-debian12')
    calls = live(monkeypatch, tree, {}, {})
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, msg: warnings.append(msg))
    facts = facts_of(tree)
    assert calls == [] and facts['toolstack'] is None
    assert 'neither xl nor xm' in warnings[0]


def test_live_domu_runs_nothing(monkeypatch, facts_of):
    tree = os.path.join(HOSTS, 'xen-domu-pv-debian12')
    calls = live(monkeypatch, tree, {'xl': '/usr/sbin/xl'}, {})
    facts = facts_of(tree)
    assert calls == [] and facts['role'] == 'domU' and facts['toolstack'] is None


def test_live_dom0_version_falls_back_to_toolstack(tmp_path, monkeypatch, facts_of):
    tree = str(tmp_path / 'dom0')
    shutil.copytree(os.path.join(HOSTS, 'xen-dom0-debian12'), tree)
    shutil.rmtree(os.path.join(tree, 'sys', 'hypervisor', 'version'))
    os.remove(os.path.join(tree, 'sys', 'hypervisor', 'properties', 'capabilities'))
    live(monkeypatch, tree, {'xl': '/usr/sbin/xl'}, {
        ('/usr/sbin/xl', 'info'): (0, read('xl-info-4.17.txt'), ''),
        ('/usr/sbin/xl', 'list'): (0, read('xl-list-4.17.txt'), ''),
    })
    facts = facts_of(tree)
    assert facts['version'] == '4.17.7'
    assert facts['capabilities'] == ['xen-3.0-x86_64', 'hvm-3.0-x86_32', 'hvm-3.0-x86_32p', 'hvm-3.0-x86_64']


def test_hvm_domu_guest_type(tmp_path, facts_of):
    tree = str(tmp_path / 'hvm')
    shutil.copytree(os.path.join(HOSTS, 'xen-domu-pv-debian12'), tree)
    with open(os.path.join(tree, 'sys', 'hypervisor', 'guest_type'), 'w') as handle:
        handle.write('HVM\n')
    facts = facts_of(tree)
    assert (facts['role'], facts['guest_type']) == ('domU', 'hvm')


# cpu_virt=true: both facts from one module call (one round trip and one Python start on the target).

@pytest.mark.parametrize('host', sorted(name for name in os.listdir(HOSTS) if os.path.isdir(os.path.join(HOSTS, name))))
def test_cpu_virt_option_returns_what_cpu_virt_facts_returns(host, monkeypatch, run_module):
    from ansible_collections.xenhost.dom0.plugins.modules import cpu_virt_facts
    no_commands(monkeypatch)
    root = os.path.join(HOSTS, host)
    alone = run_module(xen_facts, root=root)
    both = run_module(xen_facts, root=root, cpu_virt=True)
    cpu = run_module(cpu_virt_facts, root=root)
    assert not both.get('failed') and both['changed'] is False
    assert sorted(both['ansible_facts']) == ['cpu_virt', 'xen']
    assert both['ansible_facts']['xen'] == alone['ansible_facts']['xen']
    assert both['ansible_facts']['cpu_virt'] == cpu['ansible_facts']['cpu_virt']


def test_cpu_virt_option_off_by_default(monkeypatch, run_module):
    no_commands(monkeypatch)
    result = run_module(xen_facts, root=os.path.join(HOSTS, 'xen-dom0-debian12'))
    assert list(result['ansible_facts']) == ['xen']


def test_cpu_virt_option_on_live_dom0_runs_xl_info_once(monkeypatch, run_module):
    """cpu_virt_facts then xen_facts ran `xl info` twice; xen_facts with cpu_virt=true runs it once."""
    tree = os.path.join(HOSTS, 'xen-dom0-debian12')
    calls = live(monkeypatch, tree, {'xl': '/usr/sbin/xl', 'xm': None}, {
        ('/usr/sbin/xl', 'info'): (0, read('xl-info-n-4.17-physical.txt'), ''),
        ('/usr/sbin/xl', 'list'): (0, read('xl-list-4.17.txt'), ''),
    })
    monkeypatch.setattr(xen_facts.platform, 'machine', lambda: 'x86_64')
    result = run_module(xen_facts, root=tree, cpu_virt=True)
    assert calls == [['/usr/sbin/xl', 'info'], ['/usr/sbin/xl', 'list']]
    cpu = result['ansible_facts']['cpu_virt']
    assert cpu['iommu'] == {'present': True, 'type': 'vt-d', 'source': 'xen'}
    assert cpu['hvm']['source'] == 'xen'
    assert result['ansible_facts']['xen']['toolstack'] == 'xl'


def test_cpu_virt_option_on_live_dom0_with_failing_xl_info(monkeypatch, run_module):
    """A failed `xl info` gives cpu_virt no virt_caps (as cpu_virt_facts alone), and is not run again."""
    tree = os.path.join(HOSTS, 'xen-dom0-debian12')
    calls = live(monkeypatch, tree, {'xl': '/usr/sbin/xl'}, {
        ('/usr/sbin/xl', 'info'): (1, '', 'xl: cannot init'),
        ('/usr/sbin/xl', 'list'): (1, '', 'xl: cannot init'),
    })
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, msg: None)
    result = run_module(xen_facts, root=tree, cpu_virt=True)
    assert calls == [['/usr/sbin/xl', 'info'], ['/usr/sbin/xl', 'list']]
    assert result['ansible_facts']['cpu_virt']['iommu']['present'] is None


def test_cpu_virt_option_on_xm_dom0_asks_xl_for_virt_caps(monkeypatch, run_module):
    """Under xm (xend running) cpu_virt still asks `xl info`, as cpu_virt_facts does."""
    tree = os.path.join(HOSTS, 'xen-dom0-rhel5')
    calls = live(monkeypatch, tree, {'xl': '/usr/sbin/xl', 'xm': '/usr/sbin/xm'}, {
        ('/usr/sbin/xm', 'info'): (0, read('xm-info-3.1-rhel5.txt'), ''),
        ('/usr/sbin/xm', 'list'): (0, read('xm-list-3.1-rhel5.txt'), ''),
        ('/usr/sbin/xl', 'info'): (1, '', 'xend is running'),
    }, cmdlines=[['/usr/bin/python', '/usr/sbin/xend', 'start']])
    result = run_module(xen_facts, root=tree, cpu_virt=True)
    assert calls == [['/usr/sbin/xm', 'info'], ['/usr/sbin/xm', 'list'], ['/usr/sbin/xl', 'info']]
    assert result['ansible_facts']['xen']['toolstack'] == 'xm'


# boot_firmware=true: the boot firmware facts in the same call (xen_preflight asks for cpu_virt and boot_firmware).

BOOT = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'boot')
BOOT_AND_HOST_TREES = ([os.path.join(BOOT, name) for name in sorted(os.listdir(BOOT)) if os.path.isdir(os.path.join(BOOT, name))]
                       + [os.path.join(HOSTS, name) for name in sorted(os.listdir(HOSTS)) if os.path.isdir(os.path.join(HOSTS, name))])


@pytest.mark.parametrize('root', BOOT_AND_HOST_TREES, ids=os.path.basename)
def test_boot_firmware_option_returns_what_boot_facts_returns(root, monkeypatch, run_module):
    from ansible_collections.xenhost.dom0.plugins.modules import boot_facts
    no_commands(monkeypatch)
    alone = run_module(xen_facts, root=root)
    both = run_module(xen_facts, root=root, boot_firmware=True)
    boot = run_module(boot_facts, root=root)
    assert not both.get('failed') and both['changed'] is False
    assert sorted(both['ansible_facts']) == ['boot_firmware', 'xen']
    assert both['ansible_facts']['xen'] == alone['ansible_facts']['xen']
    assert both['ansible_facts']['boot_firmware'] == boot['ansible_facts']['boot_firmware']


def test_boot_firmware_option_off_by_default_and_with_cpu_virt(monkeypatch, run_module):
    no_commands(monkeypatch)
    root = os.path.join(BOOT, 'uefi-secure-boot-on-shim')
    assert list(run_module(xen_facts, root=root)['ansible_facts']) == ['xen']
    result = run_module(xen_facts, root=root, cpu_virt=True, boot_firmware=True, _ansible_check_mode=True)
    assert sorted(result['ansible_facts']) == ['boot_firmware', 'cpu_virt', 'xen']
    assert result['ansible_facts']['boot_firmware']['checks'][0]['status'] == 'fail'


def test_boot_firmware_option_uses_the_role_xen_facts_decided(monkeypatch, run_module):
    """A dom0 without sys/firmware/efi: xen_facts' own dom0 role makes the mode unknown, not bios."""
    no_commands(monkeypatch)
    result = run_module(xen_facts, root=os.path.join(HOSTS, 'xen-dom0-debian12'), boot_firmware=True)
    assert result['ansible_facts']['xen']['role'] == 'dom0'
    assert result['ansible_facts']['boot_firmware']['mode'] == 'unknown'
    result = run_module(xen_facts, root=os.path.join(HOSTS, 'core2-e8400-vmx'), boot_firmware=True)
    assert result['ansible_facts']['boot_firmware']['mode'] == 'bios'


def test_boot_firmware_option_on_live_dom0_runs_no_more_commands(monkeypatch, run_module):
    tree = os.path.join(HOSTS, 'xen-dom0-debian12')
    calls = live(monkeypatch, tree, {'xl': '/usr/sbin/xl', 'xm': None}, {
        ('/usr/sbin/xl', 'info'): (0, read('xl-info-4.17.txt'), ''),
        ('/usr/sbin/xl', 'list'): (0, read('xl-list-4.17.txt'), ''),
    })
    result = run_module(xen_facts, root=tree, boot_firmware=True)
    assert calls == [['/usr/sbin/xl', 'info'], ['/usr/sbin/xl', 'list']]
    assert result['ansible_facts']['boot_firmware']['secure_boot'] == 'unknown'


def test_bootloader_probe_runs_in_the_same_call(tmp_path, run_module):
    # A real command (this machine's sh), not a stub: what it prints and its exit status come back as they are.
    result = run_module(xen_facts, root=str(tmp_path),
                        bootloader_probe=['sh', '-c', 'echo "grub-pc: /usr/sbin/update-grub"; echo note >&2; exit 3'])
    assert result['bootloader_probe'] == {'rc': 3, 'stdout': 'grub-pc: /usr/sbin/update-grub\n', 'stderr': 'note\n'}
    assert result['changed'] is False and result['ansible_facts']['xen']['role'] == 'none'


def test_bootloader_probe_that_cannot_start_is_an_answer_not_a_failure(tmp_path, run_module):
    result = run_module(xen_facts, root=str(tmp_path), bootloader_probe=[str(tmp_path / 'no-such-probe')])
    assert result['bootloader_probe']['rc'] == 127 and 'no-such-probe' in result['bootloader_probe']['stderr']
    assert 'failed' not in result


def test_no_bootloader_probe_runs_nothing(tmp_path, run_module, monkeypatch):
    no_commands(monkeypatch)
    result = run_module(xen_facts, root=str(tmp_path))
    assert 'bootloader_probe' not in result


def test_packages_read_from_dpkg_status_under_root(tmp_path, run_module):
    # Stanzas as dpkg writes them (bookworm's versions): one installed, one removed with its config files left.
    (tmp_path / 'var' / 'lib' / 'dpkg').mkdir(parents=True)
    (tmp_path / 'var' / 'lib' / 'dpkg' / 'status').write_text(
        'Package: bridge-utils\nStatus: install ok installed\nPriority: optional\nVersion: 1.7.1-1\n\n'
        'Package: xen-system-amd64\nStatus: deinstall ok config-files\nVersion: 4.17.5+72-g01140da4e8-1\n')
    result = run_module(xen_facts, root=str(tmp_path), packages=['xen-system-amd64', 'bridge-utils', 'qemu-system-xen'])
    assert result['packages'] == {'xen-system-amd64': None, 'bridge-utils': '1.7.1-1', 'qemu-system-xen': None}
    assert result['changed'] is False


def test_packages_without_a_dpkg_database_are_unknown(tmp_path, run_module):
    # A RHEL host (rpm) or a root without var/lib/dpkg: null as a whole, not "none installed".
    result = run_module(xen_facts, root=str(tmp_path), packages=['xen'])
    assert result['packages'] is None and 'failed' not in result
    assert 'packages' not in run_module(xen_facts, root=str(tmp_path))


def test_host_memory_of_a_host_without_xen_is_linux_memtotal(tmp_path, facts_of):
    # /proc/meminfo's first lines as Linux 6.1 writes them (a 64 GiB machine).
    (tmp_path / 'proc').mkdir()
    (tmp_path / 'proc' / 'meminfo').write_text('MemTotal:       65796588 kB\nMemFree:        61233012 kB\n'
                                               'MemAvailable:   63521440 kB\n')
    facts = facts_of(str(tmp_path))
    assert facts['role'] == 'none' and facts['host_memory_mb'] == 64254


@pytest.mark.parametrize('files, expected', [
    ([], False),
    (['usr/local/sbin/xenhost-trial-watchdog'], True),
    (['etc/systemd/system/xenhost-trial-watchdog.service'], True),
    (['usr/local/sbin/other-tool', 'etc/systemd/system/xen.service'], False),
], ids=['none', 'program', 'unit-alone', 'others'])
def test_trial_watchdog_installed(tmp_path, facts_of, files, expected):
    for directory in ('usr/local/sbin', 'etc/systemd/system'):
        (tmp_path / directory).mkdir(parents=True)
    for name in files:
        (tmp_path / name).write_text('x\n')
    assert facts_of(str(tmp_path))['trial_watchdog_installed'] is expected


def test_trial_watchdog_as_a_link_counts_as_installed(tmp_path, facts_of):
    # Whatever is at the path: the removal would remove it (not followed).
    for directory in ('usr/local/sbin', 'etc/systemd/system'):
        (tmp_path / directory).mkdir(parents=True)
    (tmp_path / 'usr/local/sbin/xenhost-trial-watchdog').symlink_to('/nonexistent')
    assert facts_of(str(tmp_path))['trial_watchdog_installed'] is True
