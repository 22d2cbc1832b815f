# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""grub2_xen_cfg main() on a Debian xen.cfg and a grub.d directory in tmp_path."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

import pytest

from ansible_collections.xenhost.dom0.plugins.modules import grub2_xen_cfg

# Debian 12's /etc/default/grub.d/xen.cfg as the xen-hypervisor-common package installs it.
PACKAGED = u'''#
# Uncomment the following variable and set to 1 to always boot Xen by default.
#XEN_OVERRIDE_GRUB_DEFAULT=

#GRUB_CMDLINE_XEN_DEFAULT=""

if [ "$XEN_OVERRIDE_GRUB_DEFAULT" = "" ]; then
        echo "WARNING: GRUB_DEFAULT changed to boot into Xen by default!" >&2
        XEN_OVERRIDE_GRUB_DEFAULT=1
fi
'''
SCRIPT = u'#!/bin/sh\nset -e\ncat <<\'GRUB\'\nif [ -n "${xenhost_trial_fallback}" ] ; then\n  true\nfi\nGRUB\n'


@pytest.fixture
def host(tmp_path):
    (tmp_path / 'grub.d').mkdir()
    xen_cfg = tmp_path / 'xen.cfg'
    xen_cfg.write_text(PACKAGED)
    xen_cfg.chmod(0o640)
    return tmp_path


def _args(host, **extra):
    args = dict(path=str(host / 'xen.cfg'), fallback_script_path=str(host / 'grub.d' / '01_xenhost_fallback'),
                hypervisor_options=['dom0_mem=1024M,max:1024M', 'com1=115200,8n1'], fallback_script=SCRIPT)
    args.update(extra)
    return args


def test_trial_sets_the_lines_installs_the_script_and_is_idempotent(run_module, host):
    result = run_module(grub2_xen_cfg, **_args(host, trial=True, panic_seconds=10))
    assert result['changed'] is True and result['trial'] is True and result['fallback_script'] == 'present'
    text = (host / 'xen.cfg').read_text()
    assert "XEN_OVERRIDE_GRUB_DEFAULT=0\n" in text
    assert "GRUB_CMDLINE_XEN_DEFAULT='dom0_mem=1024M,max:1024M com1=115200,8n1'\n" in text
    assert 'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="${GRUB_CMDLINE_LINUX_DEFAULT} panic=10"\n' in text
    assert '# xenhost.dom0 manages these hypervisor options: com1 dom0_mem\n' in text
    # Before the file's own test, which would otherwise set the override first.
    assert text.index('XEN_OVERRIDE_GRUB_DEFAULT=0') < text.index('if [ "$XEN_OVERRIDE_GRUB_DEFAULT" = "" ]')
    assert stat.S_IMODE(os.stat(str(host / 'xen.cfg')).st_mode) == 0o640          # mode kept
    script = host / 'grub.d' / '01_xenhost_fallback'
    assert script.read_text() == SCRIPT and stat.S_IMODE(os.stat(str(script)).st_mode) == 0o755
    again = run_module(grub2_xen_cfg, **_args(host, trial=True, panic_seconds=10))
    assert again['changed'] is False and again['changed_lines'] == [] and again['fallback_script_changed'] is False


def test_proven_makes_xen_the_default_and_leaves_the_script(run_module, host):
    run_module(grub2_xen_cfg, **_args(host, trial=True))
    result = run_module(grub2_xen_cfg, **_args(host, trial=True, proven=True))
    assert result['changed'] is True and result['trial'] is False and result['fallback_script'] is None
    assert result['changed_lines'] == ['^#?XEN_OVERRIDE_GRUB_DEFAULT=']
    assert 'XEN_OVERRIDE_GRUB_DEFAULT=1\n' in (host / 'xen.cfg').read_text()
    assert (host / 'grub.d' / '01_xenhost_fallback').exists()


def test_a_changed_script_or_mode_is_rewritten_and_fallback_false_removes_it(run_module, host):
    script = host / 'grub.d' / '01_xenhost_fallback'
    run_module(grub2_xen_cfg, **_args(host, trial=True))
    script.chmod(0o644)
    assert run_module(grub2_xen_cfg, **_args(host, trial=True))['fallback_script_changed'] is True
    assert stat.S_IMODE(os.stat(str(script)).st_mode) == 0o755
    script.write_text(u'#!/bin/sh\necho edited\n')
    assert run_module(grub2_xen_cfg, **_args(host, trial=True))['fallback_script_changed'] is True
    assert script.read_text() == SCRIPT
    result = run_module(grub2_xen_cfg, **_args(host, trial=True, fallback=False))
    assert result['fallback_script'] == 'absent' and result['fallback_script_changed'] is True
    assert not script.exists()


def test_check_mode_writes_nothing_and_shows_both_diffs(run_module, host):
    result = run_module(grub2_xen_cfg, _ansible_check_mode=True, _ansible_diff=True, **_args(host, trial=True))
    assert result['changed'] is True
    assert (host / 'xen.cfg').read_text() == PACKAGED and os.listdir(str(host / 'grub.d')) == []
    xen_diff, script_diff = result['diff']
    assert 'XEN_OVERRIDE_GRUB_DEFAULT=0' in xen_diff['after'] and 'XEN_OVERRIDE_GRUB_DEFAULT=0' not in xen_diff['before']
    assert (script_diff['before'], script_diff['after']) == ('', SCRIPT)


def test_missing_settings_fail_but_not_in_check_mode(run_module, host):
    (host / 'xen.cfg').unlink()
    result = run_module(grub2_xen_cfg, **_args(host, trial=True))
    assert result['failed'] is True and 'Run the xenhost.dom0.xen_packages role first' in result['msg']
    assert os.listdir(str(host / 'grub.d')) == []
    result = run_module(grub2_xen_cfg, _ansible_check_mode=True, **_args(host, trial=True))
    assert result['missing'] is True and result['changed'] is True and result['changed_lines'] == []


@pytest.mark.parametrize('option', ['console=com1\ntouch /tmp/pwned', "x';reboot;'", 'a b', '$(reboot)'])
def test_hostile_options_are_refused_and_nothing_is_written(run_module, host, option):
    result = run_module(grub2_xen_cfg, **_args(host, trial=True, hypervisor_options=[option]))
    assert result['failed'] is True and 'refused hypervisor options' in result['msg']
    assert (host / 'xen.cfg').read_text() == PACKAGED and os.listdir(str(host / 'grub.d')) == []


@pytest.mark.parametrize('args, message', [
    # Ansible would split a string at commas: console=com1,vga would become console=com1 and vga.
    (dict(hypervisor_options='console=com1,vga'), 'must be a list'),
    (dict(panic_seconds=3601), 'panic_seconds must be from 0 to 3600'),
    (dict(panic_seconds=-1), 'panic_seconds must be from 0 to 3600'),
])
def test_a_string_of_options_and_a_panic_out_of_bounds_are_refused(run_module, host, args, message):
    result = run_module(grub2_xen_cfg, **_args(host, trial=True, **args))
    assert result['failed'] is True and message in result['msg'], result
    assert (host / 'xen.cfg').read_text() == PACKAGED and os.listdir(str(host / 'grub.d')) == []


def test_a_setting_sh_would_read_differently_is_refused(run_module, host):
    (host / 'xen.cfg').write_text(PACKAGED.replace('#GRUB_CMDLINE_XEN_DEFAULT=""', 'GRUB_CMDLINE_XEN_DEFAULT="$EXTRA"'))
    result = run_module(grub2_xen_cfg, **_args(host, trial=True))
    assert result['failed'] is True and 'line 5' in result['msg'] and 'shell expansion' in result['msg']
    assert os.listdir(str(host / 'grub.d')) == []


def test_a_trial_without_the_script_text_fails(run_module, host):
    result = run_module(grub2_xen_cfg, **_args(host, trial=True, fallback_script=None))
    assert result['failed'] is True and 'fallback_script (its text) is required' in result['msg']
    assert (host / 'xen.cfg').read_text() == PACKAGED


def test_backup_keeps_both_files_before_the_change(run_module, host):
    run_module(grub2_xen_cfg, **_args(host, trial=True))
    (host / 'grub.d' / '01_xenhost_fallback').write_text(u'old\n')
    result = run_module(grub2_xen_cfg, backup=True, **_args(host, trial=True, proven=True, fallback=False))
    assert len(result['backup_files']) == 2
    xen_cfg_backup, script_backup = (open(f).read() for f in result['backup_files'])
    assert 'XEN_OVERRIDE_GRUB_DEFAULT=0' in xen_cfg_backup and script_backup == 'old\n'


def test_diff_shows_only_the_file_that_changes(run_module, host):
    run_module(grub2_xen_cfg, **_args(host, trial=True))
    result = run_module(grub2_xen_cfg, _ansible_diff=True, **_args(host, trial=True, proven=True))
    assert [d['before_header'] for d in result['diff']] == [str(host / 'xen.cfg')]    # the script stays as it is


def test_a_link_at_the_script_path_is_replaced_not_followed_and_removed_with_fallback_false(run_module, host):
    target = host / 'elsewhere'
    target.write_text(u'keep me\n')
    script = host / 'grub.d' / '01_xenhost_fallback'
    os.symlink(str(target), str(script))
    assert run_module(grub2_xen_cfg, **_args(host, trial=True))['fallback_script_changed'] is True
    assert not os.path.islink(str(script)) and script.read_text() == SCRIPT and target.read_text() == u'keep me\n'
    os.unlink(str(script))
    os.symlink(str(target), str(script))
    assert run_module(grub2_xen_cfg, **_args(host, trial=True, fallback=False))['fallback_script_changed'] is True
    assert not os.path.lexists(str(script)) and target.read_text() == u'keep me\n'


# The bootloader role leaves its grub2_xen_cfg call out where xen_preflight's xen_facts reading of xen.cfg and the
# script, through the grub2_xen_cfg_changes filter, says nothing would change: the two must agree on every state.
def _prepare(host, state):
    script = host / 'grub.d' / '01_xenhost_fallback'
    if state == 'script-link':
        (host / 'elsewhere').write_text(SCRIPT)
        if script.exists():
            script.unlink()
        script.symlink_to(host / 'elsewhere')
    elif state == 'script-0644':
        script.write_text(SCRIPT)
        script.chmod(0o644)
    elif state == 'script-old':
        script.write_text(u'old\n')
        script.chmod(0o755)
    elif state == 'cfg-link':
        (host / 'real.cfg').write_text(PACKAGED)
        (host / 'xen.cfg').unlink()
        (host / 'xen.cfg').symlink_to(host / 'real.cfg')
    elif state == 'cfg-edited':
        text = (host / 'xen.cfg').read_text()
        (host / 'xen.cfg').write_text(text.replace('com1=115200,8n1', 'com1=9600,8n1'))


@pytest.mark.parametrize('state', ['converged', 'script-link', 'script-0644', 'script-old', 'cfg-link', 'cfg-edited',
                                   'cfg-missing'])
@pytest.mark.parametrize('wants', [dict(trial=True, panic_seconds=10), dict(trial=False), dict(fallback=False),
                                   dict(trial=True, proven=True)], ids=['trial', 'permanent', 'no-fallback', 'proven'])
def test_the_planned_filter_on_xen_facts_reading_agrees_with_the_module(run_module, host, state, wants):
    from ansible_collections.xenhost.dom0.plugins.filter.planned import grub2_xen_cfg_changes
    from ansible_collections.xenhost.dom0.plugins.modules import xen_facts
    if state == 'cfg-missing':
        (host / 'xen.cfg').unlink()
    elif state != 'cfg-link':
        # Converged first (a trial installs the script), then the state under test.
        assert not run_module(grub2_xen_cfg, **_args(host, trial=True, panic_seconds=10)).get('failed')
        assert not run_module(grub2_xen_cfg, **_args(host, **wants)).get('failed')
    _prepare(host, state)
    args = _args(host, **wants)
    reading = run_module(xen_facts, files=[args['path'], args['fallback_script_path']])['files']
    planned = grub2_xen_cfg_changes(reading, args['path'], args['hypervisor_options'], args.get('trial', False),
                                    args.get('proven', False), args.get('panic_seconds', 0), args.get('fallback', True),
                                    args['fallback_script_path'], args['fallback_script'])
    module = run_module(grub2_xen_cfg, _ansible_check_mode=True, **args)
    if state == 'cfg-missing':
        # The module reads for itself and says what is missing; the filter cannot tell.
        assert planned is None and module['missing'] is True
        return
    assert planned == {'changed': module['changed'], 'trial': module['trial']}
    # And the module, run for real, changes exactly then.
    assert run_module(grub2_xen_cfg, **args)['changed'] is planned['changed']
