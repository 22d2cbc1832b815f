# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""trial_watchdog: the steps it plans (pure), and the module run on a temporary tree with a systemctl and a watchdog
program of our own that record how they were called (a real run of both, nothing of the module stubbed)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

import pytest

from ansible_collections.xenhost.dom0.plugins.module_utils import systemd_services as services_utils
from ansible_collections.xenhost.dom0.plugins.module_utils.trial_watchdog import installed, plan
from ansible_collections.xenhost.dom0.plugins.modules import trial_watchdog

PROGRAM = u'#!/bin/sh\n# the watchdog program\necho "disarmed: /dev/watchdog0 was armed for 600 s at boot, 404 s were left"\n'
UNIT = u'[Service]\nExecStart=/usr/local/sbin/xenhost-trial-watchdog arm 600\n'
WANTED = {'program': PROGRAM, 'unit': UNIT}


def _seen(**kw):
    seen = dict(systemd=True, program=None, program_mode=None, unit=None, unit_mode=None, enabled=False)
    seen.update(kw)
    return seen


@pytest.mark.parametrize('seen, steps', [
    (_seen(), ['write_program', 'write_unit', 'enable']),
    (_seen(program=PROGRAM, program_mode=0o755, unit=UNIT, unit_mode=0o644, enabled=True), []),
    (_seen(program=PROGRAM, program_mode=0o755, unit=UNIT, unit_mode=0o644), ['enable']),
    (_seen(program=PROGRAM, program_mode=0o777, unit=UNIT, unit_mode=0o644, enabled=True), ['write_program']),
    (_seen(program=PROGRAM, program_mode=0o755, unit=UNIT + u'#\n', unit_mode=0o644, enabled=True), ['write_unit', 'enable']),
    (_seen(systemd=False), []),   # nothing would start the unit: nothing installed
])
def test_plan_present(seen, steps):
    assert plan('present', seen, WANTED) == steps


@pytest.mark.parametrize('seen, steps', [
    (_seen(program_exists=False, unit_exists=False), []),
    (_seen(program=PROGRAM, program_exists=True, unit=UNIT, unit_exists=True),
     ['disarm', 'disable', 'remove_unit', 'remove_program', 'reload']),
    # Something that is not a regular file at the program's path is removed, never run.
    (_seen(program=None, program_exists=True, unit_exists=False), ['remove_program']),
    (_seen(systemd=False, program=PROGRAM, program_exists=True, unit=UNIT, unit_exists=True),
     ['disarm', 'remove_unit', 'remove_program']),
    (_seen(program=PROGRAM, program_exists=True, unit_exists=False), ['disarm', 'remove_program']),
])
def test_plan_absent(seen, steps):
    assert plan('absent', seen) == steps


def test_plan_refuses_an_unknown_state():
    with pytest.raises(ValueError):
        plan('armed', _seen(), WANTED)


@pytest.fixture
def host(tmp_path, monkeypatch):
    """A systemd marker directory, a systemctl that records its calls (is-enabled answers from a flag file), and the
    paths the module writes to."""
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    log = tmp_path / 'calls'
    systemctl = bin_dir / 'systemctl'
    systemctl.write_text(u'''#!/bin/sh
echo "systemctl $*" >> %(log)s
case "$1" in
  is-enabled) if [ -e %(flag)s ]; then echo enabled; else echo disabled; exit 1; fi ;;
  enable) touch %(flag)s ;;
  disable) rm -f %(flag)s ;;
esac
''' % dict(log=log, flag=tmp_path / 'enabled'))
    systemctl.chmod(0o755)
    monkeypatch.setenv('PATH', '%s:%s' % (bin_dir, os.environ['PATH']))
    run_dir = tmp_path / 'run-systemd-system'
    run_dir.mkdir()
    monkeypatch.setattr(services_utils, 'RUNNING_DIR', str(run_dir))
    boot_id = tmp_path / 'boot_id'
    boot_id.write_text(u'6f1d0c7e-3b1a-4f0e-9a57-2a9d1e8c4b21\n')   # as the kernel writes it, with a newline
    monkeypatch.setattr(trial_watchdog, 'BOOT_ID', str(boot_id))
    (tmp_path / 'sbin').mkdir()
    (tmp_path / 'units').mkdir()
    paths = dict(program_path=str(tmp_path / 'sbin' / 'xenhost-trial-watchdog'),
                 unit_path=str(tmp_path / 'units' / 'xenhost-trial-watchdog.service'))
    return dict(tmp=tmp_path, log=log, run_dir=run_dir, paths=paths, boot_id=boot_id)


def _calls(host):
    return host['log'].read_text().splitlines() if host['log'].exists() else []


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_install_then_nothing_to_do(run_module, host):
    paths = host['paths']
    result = run_module(trial_watchdog, program=PROGRAM, unit=UNIT.rstrip('\n'), **paths)
    assert (result['changed'], result['installed']) == (True, True)
    assert result['steps'] == ['write_program', 'write_unit', 'enable']
    with open(paths['program_path']) as f:
        assert f.read() == PROGRAM
    with open(paths['unit_path']) as f:
        assert f.read() == UNIT   # the final newline a lookup strips is put back
    assert (_mode(paths['program_path']), _mode(paths['unit_path'])) == (0o755, 0o644)
    assert _calls(host) == ['systemctl enable -- xenhost-trial-watchdog.service']
    again = run_module(trial_watchdog, program=PROGRAM, unit=UNIT, **paths)
    assert (again['changed'], again['steps'], again['installed']) == (False, [], True)
    assert _calls(host)[-1] == 'systemctl is-enabled -- xenhost-trial-watchdog.service'


@pytest.mark.parametrize('name', ['-H.service', '--now.service', 'a b.service', 'x.socket', '.service', 'x;y.service'])
def test_a_unit_name_systemctl_would_misread_is_refused_before_anything_is_written(run_module, host, name):
    paths = dict(host['paths'], unit_path=str(host['tmp'] / 'units' / name))
    result = run_module(trial_watchdog, program=PROGRAM, unit=UNIT, **paths)
    assert result['failed'] is True and 'must name a .service unit' in result['msg'], result
    assert not os.listdir(str(host['tmp'] / 'sbin')) and not os.listdir(str(host['tmp'] / 'units'))
    assert _calls(host) == []


def test_the_boot_it_ran_in_is_returned_or_null(run_module, host):
    result = run_module(trial_watchdog, program=PROGRAM, unit=UNIT, **host['paths'])
    assert result['boot_id'] == '6f1d0c7e-3b1a-4f0e-9a57-2a9d1e8c4b21'
    host['boot_id'].unlink()                                  # a kernel or chroot without it
    assert run_module(trial_watchdog, state='absent', **host['paths'])['boot_id'] is None


def test_install_in_check_mode_changes_nothing_and_shows_the_files(run_module, host):
    result = run_module(trial_watchdog, program=PROGRAM, unit=UNIT, _ansible_check_mode=True, _ansible_diff=True,
                        **host['paths'])
    assert result['changed'] is True
    assert [d['after'] for d in result['diff']] == [PROGRAM, UNIT]
    assert not os.listdir(str(host['tmp'] / 'sbin')) and not os.listdir(str(host['tmp'] / 'units'))
    assert _calls(host) == []


def test_without_systemd_nothing_is_installed(run_module, host):
    host['run_dir'].rmdir()
    result = run_module(trial_watchdog, program=PROGRAM, unit=UNIT, **host['paths'])
    assert (result['changed'], result['installed'], result['steps']) == (False, False, [])
    assert not os.listdir(str(host['tmp'] / 'sbin'))


def test_a_link_at_the_program_path_is_replaced_not_followed(run_module, host):
    target = host['tmp'] / 'elsewhere'
    target.write_text(u'keep me\n')
    os.symlink(str(target), host['paths']['program_path'])
    run_module(trial_watchdog, program=PROGRAM, unit=UNIT, **host['paths'])
    assert target.read_text() == u'keep me\n'
    assert not os.path.islink(host['paths']['program_path'])


def test_remove_disarms_disables_and_removes(run_module, host):
    paths = host['paths']
    run_module(trial_watchdog, program=PROGRAM, unit=UNIT, **paths)
    result = run_module(trial_watchdog, state='absent', **paths)
    assert result['changed'] is True
    assert result['steps'] == ['disarm', 'disable', 'remove_unit', 'remove_program', 'reload']
    assert result['disarmed'] == 'disarmed: /dev/watchdog0 was armed for 600 s at boot, 404 s were left'
    assert not os.path.lexists(paths['program_path']) and not os.path.lexists(paths['unit_path'])
    assert _calls(host)[-2:] == ['systemctl --no-reload disable -- xenhost-trial-watchdog.service', 'systemctl daemon-reload']
    again = run_module(trial_watchdog, state='absent', **paths)
    assert (again['changed'], again['steps']) == (False, [])


def test_remove_in_check_mode_runs_nothing(run_module, host):
    paths = host['paths']
    run_module(trial_watchdog, program=PROGRAM, unit=UNIT, **paths)
    calls = _calls(host)
    result = run_module(trial_watchdog, state='absent', _ansible_check_mode=True, _ansible_diff=True, **paths)
    assert result['changed'] is True and 'disarmed' not in result
    assert [d['after'] for d in result['diff']] == [u'', u'']
    assert os.path.exists(paths['program_path']) and os.path.exists(paths['unit_path'])
    assert _calls(host) == calls


def test_a_program_that_fails_to_disarm_fails_the_task_and_keeps_the_files(run_module, host):
    paths = host['paths']
    run_module(trial_watchdog, program=u'#!/bin/sh\necho "still armed" >&2\nexit 1\n', unit=UNIT, **paths)
    result = run_module(trial_watchdog, state='absent', **paths)
    assert result['failed'] is True and 'still armed' in result['msg']
    assert os.path.exists(paths['program_path']) and os.path.exists(paths['unit_path'])


def test_a_directory_at_the_program_path_is_not_run(run_module, host):
    os.mkdir(host['paths']['program_path'])
    result = run_module(trial_watchdog, state='absent', **host['paths'])
    assert result['failed'] is True and 'cannot remove' in result['msg']
    assert 'disarmed' not in result


@pytest.mark.parametrize('args, message', [
    (dict(program_path='sbin/w'), 'absolute'),
    (dict(unit_path='/etc/systemd/system/w.timer'), '.service'),
    (dict(state='present'), 'missing'),
])
def test_refused(run_module, host, args, message):
    result = run_module(trial_watchdog, **dict(dict(state='absent'), **args))
    assert result['failed'] is True and message in result['msg'], result


@pytest.mark.parametrize('listings, expected', [
    ({'/usr/local/sbin': ['other'], '/etc/systemd/system': ['multi-user.target.wants']}, False),
    ({'/usr/local/sbin': ['xenhost-trial-watchdog'], '/etc/systemd/system': []}, True),
    ({'/usr/local/sbin': [], '/etc/systemd/system': ['xenhost-trial-watchdog.service']}, True),   # the unit alone
    ({'/usr/local/sbin': None, '/etc/systemd/system': []}, None),                                 # cannot tell
    ({'/usr/local/sbin': [], '/etc/systemd/system': None}, None),
])
def test_installed_is_what_absent_would_remove(listings, expected):
    assert installed(listings) == expected
    if expected is not None:  # the same answer as plan('absent'): something to remove exactly when installed
        names = listings['/usr/local/sbin'] + listings['/etc/systemd/system']
        seen = _seen(program_exists='xenhost-trial-watchdog' in names, unit_exists='xenhost-trial-watchdog.service' in names)
        assert bool(plan('absent', seen)) is expected
