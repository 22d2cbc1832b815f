# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""grub2_entries main() against a fake root in tmp_path."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil

import pytest

from ansible_collections.xenhost.dom0.plugins.modules import grub2_entries

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'grub')


@pytest.fixture
def debian_root(tmp_path):
    boot = tmp_path / 'boot'
    (boot / 'grub').mkdir(parents=True)
    shutil.copy(os.path.join(FIXTURES, 'debian12_xen_grub.cfg'), str(boot / 'grub' / 'grub.cfg'))
    for name in ('xen-4.17-amd64.gz', 'vmlinuz-6.1.0-28-amd64', 'initrd.img-6.1.0-28-amd64'):
        (boot / name).write_text(u'x')
    return tmp_path


def test_reads_default_paths_under_root(run_module, debian_root):
    before = sorted(os.listdir(str(debian_root / 'boot' / 'grub')))
    result = run_module(grub2_entries, root=str(debian_root))
    assert result['changed'] is False
    assert result['path'] == str(debian_root / 'boot' / 'grub' / 'grub.cfg')
    assert result['grubenv'] == str(debian_root / 'boot' / 'grub' / 'grubenv')
    assert result['saved_entry'] is None
    assert result['default']['is_xen'] is True and result['default']['files_exist'] is True
    assert len(result['xen_entries']) == 5
    assert sorted(os.listdir(str(debian_root / 'boot' / 'grub'))) == before


def test_default_option_saved_uses_grubenv(run_module, debian_root):
    env = '# GRUB Environment Block\nsaved_entry=3>0>2\n'
    (debian_root / 'boot' / 'grub' / 'grubenv').write_text(env + '#' * (1024 - len(env)))
    result = run_module(grub2_entries, root=str(debian_root), default='saved')
    assert result['saved_entry'] == '3>0>2'
    assert result['default']['resolved_title'] == 'Debian GNU/Linux, with Xen 4.17-amd64 and Linux 6.1.0-27-amd64'
    assert result['default']['files_exist'] is False     # 6.1.0-27 kernel files are not in the fake /boot
    assert '/boot/vmlinuz-6.1.0-27-amd64' in result['default']['missing_files']


def test_grub2_directory_and_explicit_grubenv(run_module, tmp_path):
    (tmp_path / 'boot' / 'grub2').mkdir(parents=True)
    shutil.copy(os.path.join(FIXTURES, 'el7_xen_grub.cfg'), str(tmp_path / 'boot' / 'grub2' / 'grub.cfg'))
    shutil.copy(os.path.join(FIXTURES, 'el7_grubenv'), str(tmp_path / 'env'))
    result = run_module(grub2_entries, root=str(tmp_path), grubenv=str(tmp_path / 'env'))
    assert result['default']['is_xen'] is True
    assert result['default']['missing_files'] == ['/xen-4.12.4-10.el7.gz', '/vmlinuz-4.9.241-37.el7.x86_64',
                                                  '/initramfs-4.9.241-37.el7.x86_64.img']


def test_missing_grub_cfg_fails(run_module, tmp_path):
    result = run_module(grub2_entries, root=str(tmp_path))
    assert result['failed'] is True and 'no grub.cfg found' in result['msg']


def test_unparseable_grub_cfg_fails(run_module, tmp_path):
    path = tmp_path / 'grub.cfg'
    shutil.copy(os.path.join(FIXTURES, 'unbalanced_grub.cfg'), str(path))
    result = run_module(grub2_entries, path=str(path))
    assert result['failed'] is True and 'unbalanced braces' in result['msg']


def test_sources_newer_than_the_menu(run_module, debian_root):
    menu = debian_root / 'boot' / 'grub' / 'grub.cfg'
    older, newer, missing = (debian_root / 'older'), (debian_root / 'newer'), (debian_root / 'missing')
    older.write_text(u'x')
    newer.write_text(u'x')
    mtime = os.stat(str(menu)).st_mtime
    os.utime(str(older), (mtime - 10, mtime - 10))
    os.utime(str(newer), (mtime + 10, mtime + 10))
    result = run_module(grub2_entries, root=str(debian_root), sources=[str(newer), str(older), str(missing)])
    assert result['newer_sources'] == [str(newer)]
    assert run_module(grub2_entries, root=str(debian_root))['newer_sources'] == []


def test_checksum_tells_a_regenerated_menu_from_an_unchanged_one(run_module, debian_root):
    menu = debian_root / 'boot' / 'grub' / 'grub.cfg'
    # sha1sum(1) of the fixture, the value ansible.builtin.stat reports as checksum.
    assert run_module(grub2_entries, root=str(debian_root))['checksum'] == 'bad0a254381303288c2e0c5ac5d2303d218f54c7'
    os.utime(str(menu), None)                            # rewritten with the same text: no change
    assert run_module(grub2_entries, root=str(debian_root))['checksum'] == 'bad0a254381303288c2e0c5ac5d2303d218f54c7'
    menu.write_bytes(menu.read_bytes().replace(b'6.1.0-28-amd64', b'6.1.0-29-amd64', 1))
    assert run_module(grub2_entries, root=str(debian_root))['checksum'] != 'bad0a254381303288c2e0c5ac5d2303d218f54c7'


def _stand_in_update_grub(tmp_path, action):
    """A stand-in for update-grub: logs each run in update-grub.log, then runs ACTION (a shell line)."""
    script = tmp_path / 'update-grub'
    script.write_text(u'#!/bin/sh\necho run >> %s\n%s\n' % (tmp_path / 'update-grub.log', action))
    script.chmod(0o755)
    return str(script)


def _runs(tmp_path):
    log = tmp_path / 'update-grub.log'
    return len(log.read_text().splitlines()) if log.exists() else 0


def _stale(debian_root):
    """A source written after the menu, as after an interrupted run."""
    menu = debian_root / 'boot' / 'grub' / 'grub.cfg'
    source = debian_root / 'xen.cfg'
    source.write_text(u'x')
    mtime = os.stat(str(menu)).st_mtime
    os.utime(str(source), (mtime + 10, mtime + 10))
    return str(source)


def test_update_command_runs_only_when_the_menu_is_out_of_date(run_module, debian_root, tmp_path):
    menu = debian_root / 'boot' / 'grub' / 'grub.cfg'
    # Up to date: no source newer, nothing asked, the menu fits the plan (Xen is the default): only read.
    command = _stand_in_update_grub(tmp_path, 'touch %s' % menu)
    result = run_module(grub2_entries, root=str(debian_root), plan='permanent', update_command=[command])
    assert (result['updated'], result['changed'], result['update_reasons'], _runs(tmp_path)) == (False, False, [], 0)
    # Asked for (a grub.d script removed in this run): it runs; the same menu again is no change.
    result = run_module(grub2_entries, root=str(debian_root), update_command=[command], update_due=True)
    assert (result['updated'], result['changed'], _runs(tmp_path)) == (True, False, 1)
    assert result['update_reasons'] == ['its sources changed in this run']
    assert result['checksum'] == result['checksum_before']


def test_update_command_regenerates_a_stale_menu_and_reads_the_new_one(run_module, debian_root, tmp_path):
    menu = debian_root / 'boot' / 'grub' / 'grub.cfg'
    source = _stale(debian_root)
    # The new menu names kernel 6.1.0-29 where 6.1.0-28 was; its files do not exist.
    command = _stand_in_update_grub(tmp_path, "sed -i 's/6.1.0-28-amd64/6.1.0-29-amd64/g' %s" % menu)
    result = run_module(grub2_entries, root=str(debian_root), plan='permanent', sources=[source],
                        update_command=[command], _ansible_diff=True)
    assert _runs(tmp_path) == 1
    assert (result['updated'], result['changed'], result['update_pending']) == (True, True, False)
    assert result['update_reasons'] == ['%s is newer than the menu' % source]
    assert result['newer_sources'] == [source]                  # as first read
    assert result['checksum_before'] == 'bad0a254381303288c2e0c5ac5d2303d218f54c7' != result['checksum']
    # What is returned describes the regenerated menu, plan included.
    assert '/boot/vmlinuz-6.1.0-29-amd64' in result['default']['missing_files']
    assert result['plan']['errors']
    assert '6.1.0-28-amd64' in result['diff']['before'] and '6.1.0-28-amd64' not in result['diff']['after']


def test_update_command_in_check_mode_only_says_it_is_due(run_module, debian_root, tmp_path):
    menu = debian_root / 'boot' / 'grub' / 'grub.cfg'
    before = menu.read_bytes()
    command = _stand_in_update_grub(tmp_path, 'echo changed >> %s' % menu)
    result = run_module(grub2_entries, root=str(debian_root), sources=[_stale(debian_root)],
                        update_command=[command], _ansible_check_mode=True)
    assert (result['update_pending'], result['changed'], result['updated']) == (True, True, False)
    assert _runs(tmp_path) == 0 and menu.read_bytes() == before


def test_update_command_that_fails_fails_the_module(run_module, debian_root, tmp_path):
    command = _stand_in_update_grub(tmp_path, 'echo "grub-mkconfig: error: out of space" >&2; exit 1')
    result = run_module(grub2_entries, root=str(debian_root), update_command=[command], update_due=True)
    assert result['failed'] is True and 'rc 1' in result['msg'] and 'was not regenerated' in result['msg']
    assert 'out of space' in result['stderr']


XEN_ID = 'xen-gnulinux-simple-3f6c1b0e-8d7a-4a52-b1c9-6e2d0f4a9b17'


def _trial_root(debian_root):
    """The Debian 12 menu with GRUB_DEFAULT=0 (Debian GNU/Linux): Xen not the default yet, so a trial is planned."""
    menu = debian_root / 'boot' / 'grub' / 'grub.cfg'
    menu.write_text(menu.read_text().replace('set default="Debian GNU/Linux, with Xen hypervisor"', 'set default="0"'))
    return debian_root


def _stand_ins(tmp_path, grubenv, reboot_action=''):
    """grub-editenv and grub-reboot stand-ins that log their arguments (arm.log); grub-reboot writes next_entry into
    grubenv as the real one does (through grub-editenv), then runs reboot_action."""
    log = tmp_path / 'arm.log'
    editenv = tmp_path / 'grub-editenv'
    editenv.write_text(u'#!/bin/sh\necho "grub-editenv $*" >> %s\n' % log)
    reboot = tmp_path / 'grub-reboot'
    reboot.write_text(u'#!/bin/sh\necho "grub-reboot $*" >> %s\n%s\n'
                      u'printf "# GRUB Environment Block\\nnext_entry=%%s\\n" "$1" > %s\n'
                      % (log, reboot_action, grubenv))
    for script in (editenv, reboot):
        script.chmod(0o755)
    return [str(reboot)], [str(editenv)], log


def _arm_log(log):
    return log.read_text().splitlines() if log.exists() else []


def test_trial_is_armed_on_the_menu_way_back_first_and_grubenv_read_again(run_module, debian_root, tmp_path):
    root = _trial_root(debian_root)
    grubenv = root / 'boot' / 'grub' / 'grubenv'
    reboot, editenv, log = _stand_ins(tmp_path, grubenv)
    result = run_module(grub2_entries, root=str(root), plan='trial', reboot_command=reboot, editenv_command=editenv)
    assert result['changed'] is True and result['plan']['errors'] == []
    assert result['armed'] == [editenv + [str(grubenv), 'set', 'xenhost_trial_fallback=0'], reboot + [XEN_ID]]
    assert _arm_log(log) == ['grub-editenv %s set xenhost_trial_fallback=0' % grubenv, 'grub-reboot ' + XEN_ID]
    # next_entry as grubenv says after arming (the plan said what had to be set).
    assert result['next_entry'] == XEN_ID and result['plan']['set_next_entry'] is True
    # Armed already: grubenv holds next_entry (the stand-in grub-editenv writes nothing, so without it this time).
    result = run_module(grub2_entries, root=str(root), plan='trial', reboot_command=reboot)
    assert (result['changed'], result['armed'], result['arm_pending']) == (False, [], [])
    assert len(_arm_log(log)) == 2


def test_nothing_is_armed_without_a_trial_or_with_plan_errors(run_module, debian_root, tmp_path):
    grubenv = debian_root / 'boot' / 'grub' / 'grubenv'
    reboot, editenv, log = _stand_ins(tmp_path, grubenv)
    # Xen is the default already: a permanent plan, nothing to arm.
    result = run_module(grub2_entries, root=str(debian_root), plan='trial', reboot_command=reboot,
                        editenv_command=editenv)
    assert (result['plan']['mode'], result['changed'], result['armed']) == ('permanent', False, [])
    # A trial whose permanent default's files are gone: the plan has errors, and no one-time entry is set.
    root = _trial_root(debian_root)
    (root / 'boot' / 'initrd.img-6.1.0-28-amd64').unlink()
    result = run_module(grub2_entries, root=str(root), plan='trial', reboot_command=reboot, editenv_command=editenv)
    assert result['plan']['mode'] == 'trial' and result['plan']['errors']
    assert (result['changed'], result['armed']) == (False, [])
    assert _arm_log(log) == [] and not grubenv.exists()


def test_arming_in_check_mode_only_says_what_would_run(run_module, debian_root, tmp_path):
    root = _trial_root(debian_root)
    grubenv = root / 'boot' / 'grub' / 'grubenv'
    reboot, editenv, log = _stand_ins(tmp_path, grubenv)
    result = run_module(grub2_entries, root=str(root), plan='trial', reboot_command=reboot, editenv_command=editenv,
                        _ansible_check_mode=True)
    assert result['changed'] is True and result['armed'] == []
    assert result['arm_pending'] == [editenv + [str(grubenv), 'set', 'xenhost_trial_fallback=0'], reboot + [XEN_ID]]
    assert _arm_log(log) == [] and not grubenv.exists()


def test_a_failing_arm_command_fails_the_module_naming_what_was_armed(run_module, debian_root, tmp_path):
    root = _trial_root(debian_root)
    reboot, editenv, log = _stand_ins(tmp_path, root / 'boot' / 'grub' / 'grubenv',
                                      reboot_action='echo "grub-reboot: error: cannot write" >&2; exit 1')
    result = run_module(grub2_entries, root=str(root), plan='trial', reboot_command=reboot, editenv_command=editenv)
    assert result['failed'] is True and 'rc 1' in result['msg'] and 'not armed' in result['msg']
    assert 'cannot write' in result['stderr']
    assert result['armed'] == [editenv + [str(root / 'boot' / 'grub' / 'grubenv'), 'set', 'xenhost_trial_fallback=0']]


# xen_bootloader leaves its grub2_entries call out where xen_preflight's xen_facts reading of the menu, through the
# grub2_entries_answer filter, says the module would do nothing: then the filter's answer stands for the module's, so
# the two must agree whole, and the filter must say None wherever the module would act.
def _answer_state(root, tmp_path, state):
    menu = root / 'boot' / 'grub' / 'grub.cfg'
    env = root / 'boot' / 'grub' / 'grubenv'
    if state == 'grubenv':
        text = '# GRUB Environment Block\nsaved_entry=3>0>2\nnext_entry=%s\n' % XEN_ID
        env.write_text(text + '#' * (1024 - len(text)))
    elif state == 'stale':
        return [_stale(root)]
    elif state == 'default-not-xen':
        _trial_root(root)
    elif state == 'file-missing':
        (root / 'boot' / 'initrd.img-6.1.0-28-amd64').unlink()
    elif state == 'menu-link':
        (tmp_path / 'real.cfg').write_bytes(menu.read_bytes())
        menu.unlink()
        menu.symlink_to(tmp_path / 'real.cfg')
    elif state == 'not-utf8':
        menu.write_bytes(menu.read_bytes().replace(b'with Xen hypervisor', b'with Xen hyp\xe9rvisor'))
    old = os.stat(str(menu)).st_mtime - 100
    source = root / 'defaults'
    source.write_text(u'GRUB_DEFAULT=0\n')
    os.utime(str(source), (old, old))
    return [str(source), str(root / 'missing-source')]


@pytest.mark.parametrize('state', ['converged', 'grubenv', 'menu-link', 'not-utf8', 'stale', 'default-not-xen',
                                   'file-missing'])
@pytest.mark.parametrize('plan', ['permanent', None])
def test_the_planned_filter_on_xen_facts_reading_agrees_with_the_module(run_module, debian_root, tmp_path, state, plan):
    from ansible_collections.xenhost.dom0.plugins.filter.planned import grub2_entries_answer
    from ansible_collections.xenhost.dom0.plugins.modules import xen_facts
    sources = _answer_state(debian_root, tmp_path, state)
    path = str(debian_root / 'boot' / 'grub' / 'grub.cfg')
    reading = run_module(xen_facts, grub2_menu=dict(path=path, sources=sources, root=str(debian_root)))['grub2_menu']
    answer = grub2_entries_answer(reading, path, plan, sources)
    command = _stand_in_update_grub(tmp_path, 'touch %s' % path)
    result = run_module(grub2_entries, root=str(debian_root), path=path, sources=sources, update_command=[command],
                        **(dict(plan=plan) if plan else {}))
    assert not result.get('failed'), result
    # A stale menu is regenerated; so is one that does not fit a plan (without one, nothing is checked against it).
    if state == 'stale' or (plan and state in ('default-not-xen', 'file-missing')):
        # The module regenerates the menu: the filter cannot stand for it.
        assert answer is None and result['updated'] is True and _runs(tmp_path) == 1
        return
    # AnsibleModule.exit_json adds the invocation, and the path's stat (add_path_info) to any result with a 'path'.
    for key in ('invocation', 'uid', 'gid', 'owner', 'group', 'mode', 'size', 'state'):
        result.pop(key)
    assert answer == result and result['updated'] is False and _runs(tmp_path) == 0


def test_the_planned_filter_says_none_where_the_reading_cannot_stand_for_the_module(run_module, debian_root):
    from ansible_collections.xenhost.dom0.plugins.filter.planned import grub2_entries_answer
    from ansible_collections.xenhost.dom0.plugins.modules import xen_facts
    path = str(debian_root / 'boot' / 'grub' / 'grub.cfg')
    reading = run_module(xen_facts, grub2_menu=dict(path=path, root=str(debian_root)))['grub2_menu']
    assert grub2_entries_answer(reading, path, 'permanent', []) is not None
    assert grub2_entries_answer(None, path, 'permanent', []) is None                   # not read
    assert grub2_entries_answer(reading, path, 'trial', []) is None                    # grub-probe on the host
    assert grub2_entries_answer(reading, path, 'permanent', [], update_due=True) is None
    assert grub2_entries_answer(reading, path + '.other', 'permanent', []) is None     # another menu
    assert grub2_entries_answer(dict(reading, grubenv=path + 'env'), path, 'permanent', []) is None   # another grubenv
    assert grub2_entries_answer(reading, path, 'permanent', ['/etc/default/grub']) is None   # other sources
    files = dict(reading['files'])
    files.pop(str(debian_root / 'boot' / 'vmlinuz-6.1.0-28-amd64'))
    assert grub2_entries_answer(dict(reading, files=files), path, 'permanent', []) is None   # a file not looked at
    missing = run_module(xen_facts, grub2_menu=dict(path=path + '.gone'))['grub2_menu']
    assert missing['error'] == '%s.gone does not exist or is not a file' % path
    assert grub2_entries_answer(missing, path + '.gone', 'permanent', []) is None
    # xen_facts reads another machine's files (root not /) for none of its reading options.
    assert run_module(xen_facts, root=str(debian_root), grub2_menu=dict(path=path)).get('grub2_menu', 'x') is None
