# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""grub.cfg / grubenv reading, on configs modelled on Debian 12, Ubuntu 22.04/24.04, CentOS 7 and Fedora 40."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.xenhost.dom0.plugins.module_utils import grub2_cfg as g2

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'grub')
DEB_ADV = 'Advanced options for Debian GNU/Linux (with Xen hypervisor)>Xen hypervisor, version 4.17-amd64>'


def fixture(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


def describe(cfg, env_name=None, exists=lambda p: True, **kwargs):
    env = g2.parse_grubenv(fixture(env_name)) if env_name else {}
    return g2.describe(g2.parse(fixture(cfg)), env=env, exists=exists, **kwargs)


def test_tokenizer_quotes_escapes_and_braces():
    cmds = g2.tokenize("menuentry 'It'\\''s \"x\"' --class a $menuentry_id_option 'id-1' {\n"
                       "  multiboot2 /boot/xen.gz placeholder ${xen_rm_opts} # comment\n"
                       "  echo \"a\\\"b\"; echo c\n}\n")
    assert cmds[0][1] == ['menuentry', 'It\'s "x"', '--class', 'a', '$menuentry_id_option', 'id-1', '{']
    assert cmds[1][1] == ['multiboot2', '/boot/xen.gz', 'placeholder', '${xen_rm_opts}']
    assert cmds[2][1] == ['echo', 'a"b'] and cmds[3][1] == ['echo', 'c'] and cmds[4][1] == ['}']


def test_debian12_structure_indexes_and_paths():
    facts = describe('debian12_xen_grub.cfg')
    top = [(e['index'], e['title']) for e in facts['entries'] if '>' not in e['path']]
    # 0 Debian GNU/Linux, 1 = submenu (counted, not listed), 2 = Xen simple entry, 3 = Xen submenu
    assert top == [(0, 'Debian GNU/Linux'), (2, 'Debian GNU/Linux, with Xen hypervisor')]
    xen = [e for e in facts['entries'] if e['xen']]
    assert [e['path'] for e in xen] == [
        'Debian GNU/Linux, with Xen hypervisor',
        DEB_ADV + 'Debian GNU/Linux, with Xen 4.17-amd64 and Linux 6.1.0-28-amd64',
        DEB_ADV + 'Debian GNU/Linux, with Xen 4.17-amd64 and Linux 6.1.0-28-amd64 (recovery mode)',
        DEB_ADV + 'Debian GNU/Linux, with Xen 4.17-amd64 and Linux 6.1.0-27-amd64',
        DEB_ADV + 'Debian GNU/Linux, with Xen 4.17-amd64 and Linux 6.1.0-27-amd64 (recovery mode)']
    assert facts['xen_entries'] == [e['path'] for e in xen]
    assert xen[1]['index_path'] == '3>0>0' and xen[4]['index_path'] == '3>0>3'
    simple = xen[0]
    assert simple['hypervisor'] == '/boot/xen-4.17-amd64.gz'
    assert simple['kernel'] == '/boot/vmlinuz-6.1.0-28-amd64'
    assert simple['initrd'] == '/boot/initrd.img-6.1.0-28-amd64'
    assert simple['id'] == 'xen-gnulinux-simple-3f6c1b0e-8d7a-4a52-b1c9-6e2d0f4a9b17'
    plain = facts['entries'][0]
    assert not plain['xen'] and plain['kernel'] == '/boot/vmlinuz-6.1.0-28-amd64'


def test_debian12_default_is_the_xen_title_set_by_xen_cfg():
    default = describe('debian12_xen_grub.cfg')['default']
    assert default['setting'] == 'Debian GNU/Linux, with Xen hypervisor'
    assert default['found'] and default['is_xen'] and default['files_exist']


@pytest.mark.parametrize('value, title', [
    ('2', 'Debian GNU/Linux, with Xen hypervisor'),
    ('3>0>2', 'Debian GNU/Linux, with Xen 4.17-amd64 and Linux 6.1.0-27-amd64'),
    ('xen-gnulinux-simple-3f6c1b0e-8d7a-4a52-b1c9-6e2d0f4a9b17', 'Debian GNU/Linux, with Xen hypervisor'),
    (DEB_ADV + 'Debian GNU/Linux, with Xen 4.17-amd64 and Linux 6.1.0-28-amd64',
     'Debian GNU/Linux, with Xen 4.17-amd64 and Linux 6.1.0-28-amd64'),
    # ids per level; 10_linux and 20_linux_xen both use gnulinux-advanced-<uuid>: GRUB takes the first (10_linux)
    ('gnulinux-advanced-3f6c1b0e-8d7a-4a52-b1c9-6e2d0f4a9b17>gnulinux-6.1.0-27-amd64-advanced-3f6c1b0e-8d7a-4a52-b1c9-6e2d0f4a9b17',
     'Debian GNU/Linux, with Linux 6.1.0-27-amd64'),
])
def test_resolution_forms(value, title):
    default = describe('debian12_xen_grub.cfg', default=value)['default']
    assert default['found'] is True and default['resolved_title'] == title


def test_unknown_default_falls_back_to_item_zero():
    default = describe('debian12_xen_grub.cfg', default='Debian GNU/Linux, with Xen 4.99')['default']
    assert default['found'] is False
    assert default['resolved_title'] == 'Debian GNU/Linux' and default['is_xen'] is False
    submenu = describe('debian12_xen_grub.cfg', default='1')['default']   # a submenu is not a boot entry
    assert submenu['found'] is False


def test_ubuntu2204_saved_entry_and_separate_boot_partition(tmp_path):
    for name in ('xen-4.16-amd64.gz', 'vmlinuz-5.15.0-91-generic', 'initrd.img-5.15.0-91-generic'):
        (tmp_path / 'boot').mkdir(exist_ok=True)
        (tmp_path / 'boot' / name).write_text(u'x')
    facts = describe('ubuntu2204_xen_grub.cfg', 'ubuntu2204_grubenv', exists=os.path.isfile, root=str(tmp_path))
    default = facts['default']
    assert default['setting'] == '${saved_entry}'
    assert default['resolved_path'] == ('Advanced options for Ubuntu GNU/Linux (with Xen hypervisor)>'
                                        'Xen hypervisor, version 4.16-amd64>'
                                        'Ubuntu GNU/Linux, with Xen 4.16-amd64 and Linux 5.15.0-91-generic')
    assert default['is_xen'] and default['files_exist'] and default['missing_files'] == []
    entry = [e for e in facts['entries'] if e['path'] == default['resolved_path']][0]
    assert entry['hypervisor'] == '/xen-4.16-amd64.gz'     # relative to the /boot partition
    older = [e for e in facts['entries'] if e['xen'] and '5.15.0-89' in e['title']][0]
    assert older['files_exist'] is False
    assert older['missing_files'] == ['/vmlinuz-5.15.0-89-generic', '/initrd.img-5.15.0-89-generic']
    assert [e['title'] for e in facts['entries'] if not e['xen']][:2] == ['Ubuntu', 'Ubuntu, with Linux 5.15.0-91-generic']


def test_ubuntu2404_numeric_default():
    default = describe('ubuntu2404_xen_grub.cfg')['default']
    assert default['resolved_title'] == 'Ubuntu GNU/Linux, with Xen hypervisor' and default['is_xen']


def test_debian_without_xen():
    facts = describe('debian12_noxen_grub.cfg')
    assert facts['xen_entries'] == [] and facts['default']['is_xen'] is False
    assert facts['default']['resolved_title'] == 'Debian GNU/Linux'


def test_el7_non_bls_with_xen_and_multiboot():
    facts = describe('el7_xen_grub.cfg', 'el7_grubenv')
    assert len(facts['xen_entries']) == 2 and facts['blscfg'] is False
    default = facts['default']
    assert default['resolved_title'] == 'CentOS Linux, with Xen 4.12.4-10.el7 and Linux 4.9.241-37.el7.x86_64'
    assert default['is_xen']
    plain = facts['entries'][0]
    assert plain['kernel'] == '/vmlinuz-3.10.0-1160.119.1.el7.x86_64'
    assert plain['initrd'] == '/initramfs-3.10.0-1160.119.1.el7.x86_64.img'


def test_fedora_bls_has_no_entries_in_grub_cfg():
    facts = describe('fedora40_bls_grub.cfg', 'fedora40_grubenv')
    assert facts['blscfg'] is True and facts['entries'] == [] and facts['xen_entries'] == []
    default = facts['default']
    # 00_header's default, not the conditional 'set default=1' of 08_fallback_counting
    assert default['setting'] == '${saved_entry}'
    assert default['value'] == '4a1f0c2b9d8e4f6a8b3c2d1e0f9a8b7c-6.8.5-301.fc40.x86_64'
    assert default['found'] is False and default['is_xen'] is False


def test_missing_files_reported():
    facts = describe('debian12_xen_grub.cfg', exists=lambda p: p.endswith('.gz'))
    assert facts['default']['files_exist'] is False
    assert facts['default']['missing_files'] == ['/boot/vmlinuz-6.1.0-28-amd64', '/boot/initrd.img-6.1.0-28-amd64']


@pytest.mark.parametrize('text, message', [
    (None, 'unbalanced braces'),
    ("menuentry 'oops {\n", 'unterminated single quote'),
    ('}\n', 'without an open block'),
])
def test_parse_errors(text, message):
    with pytest.raises(g2.Grub2ParseError, match=message):
        g2.parse(text if text is not None else fixture('unbalanced_grub.cfg'))


def test_grubenv_and_path_helpers():
    env = g2.parse_grubenv('# GRUB Environment Block\nsaved_entry=a\\\\b>c\nnext_entry=\n' + '#' * 50)
    assert env == {'saved_entry': 'a\\b>c', 'next_entry': ''}
    assert g2.split_path('A>>B>C') == ['A>B', 'C']
    assert g2.expand('${saved_entry}', {}) == ''


# GRUB's 'fallback' (normal/menu.c, grub_menu_execute_with_fallback) takes top-level menu numbers only.
# Debian 12's menu: 0 Debian GNU/Linux, 1 Advanced options (submenu), 2 Xen entry, 3 Xen submenu.
@pytest.mark.parametrize('default, index, boots', [
    ('0', '0', 'Debian GNU/Linux'),
    ('', '0', 'Debian GNU/Linux'),                              # GRUB_DEFAULT unset or empty saved_entry: item 0
    ('gnulinux-simple-3f6c1b0e-8d7a-4a52-b1c9-6e2d0f4a9b17', '0', 'Debian GNU/Linux'),
    # Inside a submenu: GRUB can only be sent to the submenu, whose first entry it boots (the newest kernel).
    ('1>2', '1', 'Debian GNU/Linux, with Linux 6.1.0-28-amd64'),
    ('Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-27-amd64', '1',
     'Debian GNU/Linux, with Linux 6.1.0-28-amd64'),
])
def test_fallback_target_is_a_top_level_number(default, index, boots):
    facts = describe('debian12_xen_grub.cfg', default=default)
    number, entry = g2.fallback_target(facts)
    assert (number, entry['title']) == (index, boots)
    plan = g2.boot_plan(facts, trial=True)
    assert plan['mode'] == 'trial' and plan['errors'] == []
    assert plan['fallback_index'] == index and plan['fallback_boots']['title'] == boots
    assert plan['fallback_setting'] == 'xenhost_trial_fallback=' + index
    assert plan['set_fallback_index'] is True


def test_fallback_index_already_in_grubenv_is_no_change():
    facts = describe('debian12_xen_grub.cfg', default='0', env_name=None)
    facts['trial_fallback'] = '0'
    assert g2.boot_plan(facts, trial=True)['set_fallback_index'] is False
    facts['trial_fallback'] = '1'
    assert g2.boot_plan(facts, trial=True)['set_fallback_index'] is True


def test_grubenv_value_is_read():
    config = g2.parse(fixture('debian12_xen_grub.cfg'))
    env = g2.parse_grubenv('# GRUB Environment Block\nnext_entry=x\nxenhost_trial_fallback=2\n' + '#' * 900)
    assert g2.describe(config, env=env)['trial_fallback'] == '2'
    assert g2.describe(config, env={})['trial_fallback'] is None
    assert g2.describe(config, env={'xenhost_trial_fallback': ''})['trial_fallback'] is None


def test_no_fallback_to_a_xen_entry_or_missing_files():
    # The permanent default boots Xen: no trial, no fallback number.
    plan = g2.boot_plan(describe('debian12_xen_grub.cfg', default='2'), trial=True)
    assert plan['mode'] == 'permanent' and plan['fallback_index'] is None and plan['fallback_setting'] is None
    # A submenu whose first entry is missing files: GRUB would not come back there either.
    facts = describe('debian12_xen_grub.cfg', default='1>2', exists=lambda p: '6.1.0-28' not in p)
    assert g2.fallback_target(facts) == (None, None)
    # Not found: GRUB boots item 0, and the trial is refused anyway.
    facts = describe('debian12_xen_grub.cfg', default='No such entry')
    assert g2.fallback_target(facts) == (None, None)
    # Only the first entries of a submenu are what GRUB boots: a Xen submenu's are Xen.
    facts = describe('debian12_xen_grub.cfg', default='3>0>2')
    assert g2.fallback_target(facts) == (None, None)


def test_fallback_script_sets_the_variable_this_module_names():
    path = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles', 'xen_bootloader', 'files',
                        '01_xenhost_fallback')
    with open(path) as handle:
        text = handle.read()
    assert 'set fallback="${%s}"' % g2.TRIAL_FALLBACK_VAR in text
    assert 'save_env %s' % g2.TRIAL_FALLBACK_VAR in text
    # sh prints the GRUB script through a quoted here-document: nothing in it is expanded at update-grub.
    assert "cat <<'GRUB'\n" in text and text.rstrip().endswith('\nGRUB')


def test_arm_commands_arm_only_a_trial_without_errors_way_back_first():
    xen_id = 'xen-gnulinux-simple-3f6c1b0e-8d7a-4a52-b1c9-6e2d0f4a9b17'
    plan = g2.boot_plan(describe('debian12_xen_grub.cfg', default='0'), trial=True)
    assert g2.arm_commands(plan, '/boot/grub/grubenv', ['grub-reboot'], ['grub-editenv']) == [
        ['grub-editenv', '/boot/grub/grubenv', 'set', 'xenhost_trial_fallback=0'], ['grub-reboot', xen_id]]
    # No way back asked for (xen_bootloader_grub2_fallback off): the one-time entry only.
    assert g2.arm_commands(plan, '/boot/grub/grubenv', ['grub-reboot']) == [['grub-reboot', xen_id]]
    # Armed already: grubenv holds both values.
    facts = describe('debian12_xen_grub.cfg', default='0')
    facts['trial_fallback'] = '0'
    armed = g2.boot_plan(facts, trial=True, next_entry=xen_id)
    assert g2.arm_commands(armed, '/boot/grub/grubenv', ['grub-reboot'], ['grub-editenv']) == []
    # A plan with errors (the permanent default could not boot) or no trial: nothing is armed.
    broken = g2.boot_plan(describe('debian12_xen_grub.cfg', default='0', exists=lambda p: '6.1.0-28' not in p),
                          trial=True)
    assert broken['mode'] == 'trial' and broken['errors'] and broken['set_next_entry']
    assert g2.arm_commands(broken, '/boot/grub/grubenv', ['grub-reboot'], ['grub-editenv']) == []
    permanent = g2.boot_plan(describe('debian12_xen_grub.cfg', default='2'), trial=True)
    assert g2.arm_commands(permanent, '/boot/grub/grubenv', ['grub-reboot'], ['grub-editenv']) == []
    assert g2.arm_commands(None, '/boot/grub/grubenv', ['grub-reboot'], ['grub-editenv']) == []


def test_update_reasons():
    assert g2.update_reasons(False, [], []) == []
    assert g2.update_reasons(True, [], []) == ['its sources changed in this run']
    assert g2.update_reasons(False, ['/etc/default/grub'], ['no Xen entry']) == [
        '/etc/default/grub is newer than the menu', 'the menu does not fit the plan yet']


def test_newer_sources_are_those_written_after_the_menu():
    mtimes = {'/etc/default/grub': 100.0, '/etc/default/grub.d/xen.cfg': 200.5, '/etc/grub.d/01_x': None,
              '/etc/same': 200.0}
    assert g2.newer_sources(200.0, mtimes) == ['/etc/default/grub.d/xen.cfg']
    assert g2.newer_sources(300.0, mtimes) == []
    assert g2.newer_sources(0.0, {'/b': 1.0, '/a': 2.0}) == ['/a', '/b']
