# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""systemd_services run as Ansible runs it, against a systemctl of our own that keeps each unit's state in files and
records how it was called (nothing of the module stubbed)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.xenhost.dom0.plugins.module_utils import systemd_services as services_utils
from ansible_collections.xenhost.dom0.plugins.modules import systemd_services

SYSTEMCTL = u'''#!/bin/sh
# A systemctl for tests: unit U exists where $STATE/known.U does; enabled, active, masked the same way.
echo "$*" >> %(log)s
d=%(state)s
cmd=$1; shift
[ "$1" = -- ] && shift
case "$cmd" in
  show)
    shift  # --property=...
    [ "$1" = -- ] && shift
    first=1
    for u in "$@"; do
      [ $first = 1 ] || echo
      first=0
      echo "Id=$u"
      if [ -e $d/known.$u ]; then echo LoadState=loaded; else echo LoadState=not-found; fi
      if [ -e $d/active.$u ]; then echo ActiveState=active; else echo ActiveState=inactive; fi
    done ;;
  is-enabled)
    if [ -e $d/masked.$1 ]; then echo masked; exit 1; fi
    if [ -e $d/enabled.$1 ]; then echo enabled; else echo disabled; exit 1; fi ;;
  enable) touch $d/enabled.$1 ;;
  disable) rm -f $d/enabled.$1 ;;
  start|restart)
    if [ -e $d/broken.$1 ]; then echo "Job for $1 failed." >&2; exit 1; fi
    touch $d/active.$1 ;;
  stop) rm -f $d/active.$1 ;;
  daemon-reload) ;;
esac
'''


@pytest.fixture
def host(tmp_path, monkeypatch):
    """A systemd marker directory and our systemctl first on PATH; host.set(unit, known=..., enabled=..., ...)."""
    bin_dir, state = tmp_path / 'bin', tmp_path / 'state'
    bin_dir.mkdir()
    state.mkdir()
    log = tmp_path / 'calls'
    systemctl = bin_dir / 'systemctl'
    systemctl.write_text(SYSTEMCTL % dict(log=log, state=state))
    systemctl.chmod(0o755)
    monkeypatch.setenv('PATH', '%s:%s' % (bin_dir, os.environ['PATH']))
    run_dir = tmp_path / 'run-systemd-system'
    run_dir.mkdir()
    monkeypatch.setattr(services_utils, 'RUNNING_DIR', str(run_dir))

    class Host(object):
        def set(self, unit, **flags):
            for flag in ('known', 'enabled', 'active', 'masked', 'broken'):
                path = state / ('%s.%s' % (flag, unit))
                if flags.get(flag, flag == 'known'):
                    path.touch()
                elif path.exists():
                    path.unlink()

        def has(self, flag, unit):
            return (state / ('%s.%s' % (flag, unit))).exists()

        def calls(self):
            return log.read_text().splitlines() if log.exists() else []

        def changing_calls(self):
            return [c for c in self.calls() if not c.startswith(('show', 'is-enabled'))]

    h = Host()
    h.run_dir = run_dir
    return h


def test_enables_and_starts_what_is_not_and_reads_once(host, run_module):
    host.set('xen.service', enabled=True, active=True)
    host.set('xendomains.service')
    result = run_module(systemd_services, services=['xen', 'xendomains'], enabled=True, state='started')
    assert result['changed'] is True
    assert result['steps'] == ['enable xendomains.service', 'start xendomains.service']
    assert result['status'] == {'xen': dict(enabled=True, is_enabled='enabled', active='active'),
                                'xendomains': dict(enabled=False, is_enabled='disabled', active='inactive')}
    assert host.has('enabled', 'xendomains.service') and host.has('active', 'xendomains.service')
    # One show for both, one is-enabled each, then the two changes.
    assert host.calls() == ['show --property=Id,LoadState,ActiveState -- xen.service xendomains.service',
                            'is-enabled -- xen.service', 'is-enabled -- xendomains.service',
                            'enable xendomains.service', 'start xendomains.service']


def test_second_run_changes_nothing(host, run_module):
    host.set('xen.service')
    host.set('xendomains.service')
    assert run_module(systemd_services, services=['xen', 'xendomains'], enabled=True, state='started')['changed']
    again = run_module(systemd_services, services=['xen', 'xendomains'], enabled=True, state='started')
    assert again['changed'] is False and again['steps'] == []


def test_per_service_wants_in_order_with_a_reload_first(host, run_module):
    host.set('xendomains.service', enabled=True, active=True)
    host.set('libvirtd.service', enabled=True, active=True)
    host.set('libvirt-guests.service')
    result = run_module(systemd_services, daemon_reload=True, services=[
        {'name': 'xendomains', 'enabled': False, 'state': 'stopped'},
        {'name': 'libvirtd', 'enabled': True, 'state': 'restarted'},
        {'name': 'libvirt-guests', 'enabled': True, 'state': 'started'}])
    assert result['steps'] == ['daemon-reload', 'disable xendomains.service', 'stop xendomains.service',
                               'restart libvirtd.service', 'enable libvirt-guests.service',
                               'start libvirt-guests.service']
    assert host.changing_calls() == result['steps']
    assert not host.has('active', 'xendomains.service') and host.has('active', 'libvirt-guests.service')


def test_check_mode_reads_and_changes_nothing(host, run_module):
    host.set('xen.service')
    result = run_module(systemd_services, services=['xen'], enabled=True, state='started', _ansible_check_mode=True)
    assert result['changed'] is True and result['steps'] == ['enable xen.service', 'start xen.service']
    assert host.changing_calls() == []
    assert not host.has('enabled', 'xen.service')


def test_refuses_before_any_change_a_missing_or_masked_service(host, run_module):
    host.set('xen.service')
    host.set('hidden.service', masked=True)
    result = run_module(systemd_services, services=['xen', 'nosuch', 'hidden'], enabled=True, state='started')
    assert result['failed'] is True
    assert 'nosuch: no such service on this host' in result['msg']
    assert 'hidden is masked' in result['msg'] and result['msg'].endswith('Nothing was changed.')
    assert host.changing_calls() == []


def test_refuses_bad_entries_before_systemctl_runs(host, run_module):
    result = run_module(systemd_services, services=['xen', '--now'], enabled=True)
    assert result['failed'] is True and "'--now' is not a service name" in result['msg']
    assert host.calls() == []


def test_a_failing_command_fails_and_says_what_was_done(host, run_module):
    host.set('xen.service')
    host.set('xendomains.service', broken=True)
    result = run_module(systemd_services, services=['xen', 'xendomains'], enabled=True, state='started')
    assert result['failed'] is True and result['rc'] == 1
    assert result['msg'].startswith('systemctl start xendomains.service failed (exit status 1): Job for')
    assert 'Done before it: enable xen.service, start xen.service, enable xendomains.service.' in result['msg']


def test_fails_where_systemd_does_not_run(host, run_module):
    host.run_dir.rmdir()
    result = run_module(systemd_services, services=['xend'], enabled=True, state='started')
    assert result['failed'] is True and 'use ansible.builtin.service' in result['msg']
    assert host.calls() == []


DROP_IN = {'service': 'libvirt-guests', 'name': 'xenhost-order.conf', 'content': '[Unit]\nAfter=xen.service libvirtd.service'}


@pytest.fixture
def system_dir(tmp_path, monkeypatch):
    path = tmp_path / 'etc-systemd-system'
    path.mkdir()
    monkeypatch.setattr(services_utils, 'SYSTEM_DIR', str(path))
    return path


def test_drop_in_written_with_its_directory_then_read_before_the_service_starts(host, system_dir, run_module):
    host.set('libvirt-guests.service')
    args = dict(services=['libvirt-guests'], enabled=True, state='started', drop_ins=[DROP_IN])
    result = run_module(systemd_services, _ansible_diff=True, **args)
    written = system_dir / 'libvirt-guests.service.d' / 'xenhost-order.conf'
    assert result['steps'] == ['write %s' % written, 'daemon-reload', 'enable libvirt-guests.service',
                               'start libvirt-guests.service']
    assert host.changing_calls() == result['steps'][1:]
    assert written.read_text() == '[Unit]\nAfter=xen.service libvirtd.service\n'
    assert oct(written.stat().st_mode & 0o7777) == '0o644'
    assert oct(written.parent.stat().st_mode & 0o7777) == '0o755'
    assert result['diff'] == [dict(before_header=str(written), after_header=str(written), before='',
                                   after='[Unit]\nAfter=xen.service libvirtd.service\n')]
    again = run_module(systemd_services, **args)
    assert again['changed'] is False and again['steps'] == []


def test_drop_in_that_differs_is_replaced_and_reloaded_for(host, system_dir, run_module):
    host.set('libvirt-guests.service', enabled=True, active=True)
    (system_dir / 'libvirt-guests.service.d').mkdir()
    written = system_dir / 'libvirt-guests.service.d' / 'xenhost-order.conf'
    written.write_text(u'[Unit]\nAfter=libvirtd.service\n')
    result = run_module(systemd_services, services=['libvirt-guests'], enabled=True, state='started', drop_ins=[DROP_IN])
    assert result['steps'] == ['write %s' % written, 'daemon-reload']
    assert written.read_text() == '[Unit]\nAfter=xen.service libvirtd.service\n'


def test_drop_in_check_mode_writes_nothing(host, system_dir, run_module):
    host.set('libvirt-guests.service', enabled=True, active=True)
    result = run_module(systemd_services, services=['libvirt-guests'], enabled=True, state='started', drop_ins=[DROP_IN],
                        _ansible_check_mode=True)
    assert result['changed'] is True and result['steps'][1:] == ['daemon-reload']
    assert list(system_dir.iterdir()) == [] and host.changing_calls() == []


def test_a_bad_drop_in_is_refused_before_anything(host, system_dir, run_module):
    host.set('libvirt-guests.service')
    result = run_module(systemd_services, services=['libvirt-guests'], enabled=True,
                        drop_ins=[dict(DROP_IN, name='../evil.service')])
    assert result['failed'] is True and 'is not a drop-in file name' in result['msg']
    assert host.calls() == [] and list(system_dir.iterdir()) == []


def _drop_in_with_its_text(host, system_dir, mode):
    """The drop-in already there with DROP_IN's text and this mode, for a running, enabled libvirt-guests."""
    host.set('libvirt-guests.service', enabled=True, active=True)
    (system_dir / 'libvirt-guests.service.d').mkdir()
    written = system_dir / 'libvirt-guests.service.d' / 'xenhost-order.conf'
    written.write_text(u'[Unit]\nAfter=xen.service libvirtd.service\n')
    written.chmod(mode)
    return written


def test_drop_in_not_owned_by_root_is_written_again(host, system_dir, run_module):
    written = _drop_in_with_its_text(host, system_dir, 0o644)
    os.chown(str(written), 65534, 65534)
    result = run_module(systemd_services, services=['libvirt-guests'], enabled=True, state='started', drop_ins=[DROP_IN])
    assert result['steps'] == ['write %s' % written, 'daemon-reload']
    assert (written.stat().st_uid, written.stat().st_gid) == (0, 0)


def test_drop_in_with_another_mode_is_written_again(host, system_dir, run_module):
    written = _drop_in_with_its_text(host, system_dir, 0o600)
    result = run_module(systemd_services, services=['libvirt-guests'], enabled=True, state='started', drop_ins=[DROP_IN])
    assert result['steps'] == ['write %s' % written, 'daemon-reload']
    assert oct(written.stat().st_mode & 0o7777) == '0o644'


def test_drop_in_that_is_a_link_is_replaced_not_followed(host, system_dir, tmp_path, run_module):
    host.set('libvirt-guests.service', enabled=True, active=True)
    (system_dir / 'libvirt-guests.service.d').mkdir()
    target = tmp_path / 'elsewhere.conf'
    target.write_text(u'[Unit]\nAfter=xen.service libvirtd.service\n')
    target.chmod(0o644)
    written = system_dir / 'libvirt-guests.service.d' / 'xenhost-order.conf'
    written.symlink_to(target)
    result = run_module(systemd_services, services=['libvirt-guests'], enabled=True, state='started', drop_ins=[DROP_IN])
    assert result['steps'] == ['write %s' % written, 'daemon-reload']
    assert not written.is_symlink() and written.read_text() == '[Unit]\nAfter=xen.service libvirtd.service\n'
    assert target.read_text() == '[Unit]\nAfter=xen.service libvirtd.service\n'


# xen_toolstack leaves its systemd_services call out where xen_preflight's xen_facts reading of the services, through
# the systemd_services_steps filter, says there is nothing to do: the filter and the module must agree.
@pytest.mark.parametrize('states', [
    dict(xen=dict(enabled=True, active=True), xendomains=dict(enabled=True, active=True)),
    dict(xen=dict(enabled=True, active=True), xendomains=dict()),
    dict(xen=dict(enabled=False, active=True), xendomains=dict(enabled=True, active=False)),
    dict(xen=dict(enabled=True, active=True), xendomains=dict(masked=True)),
    dict(xen=dict(enabled=True, active=True)),  # xendomains not installed
], ids=['as-wanted', 'disabled-stopped', 'one-each', 'masked', 'missing'])
@pytest.mark.parametrize('state', ['started', ''])  # '': the role's "leave it" before the reboot
def test_the_planned_filter_on_xen_facts_reading_agrees_with_the_module(host, run_module, states, state):
    from ansible_collections.xenhost.dom0.plugins.filter.planned import systemd_services_steps
    from ansible_collections.xenhost.dom0.plugins.modules import xen_facts
    for name, flags in states.items():
        host.set(name + '.service', **flags)
    reading = run_module(xen_facts, services=['xen', 'xendomains'])['services']
    assert sorted(reading) == ['xen', 'xendomains']
    planned = systemd_services_steps(reading, ['xen', 'xendomains'], True, state)
    args = dict(services=['xen', 'xendomains'], enabled=True)
    if state:
        args['state'] = state
    module = run_module(systemd_services, _ansible_check_mode=True, **args)
    if module.get('failed'):
        assert planned is None   # the module refuses: the role must call it to say why
    else:
        assert planned == module['steps']


# xen_virt_manager's call also writes libvirt-guests' drop-in: the filter decides on xen_facts' reading of that file
# (files option) as the module decides on the file itself (text, mode, owner; a link is not the file).
@pytest.mark.parametrize('drop_in', ['as-wanted', 'missing', 'other-text', 'mode-0600', 'not-root', 'link', 'not-read'])
@pytest.mark.parametrize('libvirtd', [dict(enabled=True, active=True), dict()], ids=['running', 'stopped'])
def test_the_planned_filter_with_drop_ins_agrees_with_the_module(host, system_dir, tmp_path, run_module, drop_in,
                                                                 libvirtd):
    from ansible_collections.xenhost.dom0.plugins.filter.planned import systemd_services_steps
    from ansible_collections.xenhost.dom0.plugins.modules import xen_facts
    host.set('xendomains.service')
    host.set('libvirtd.service', **libvirtd)
    written = system_dir / 'libvirt-guests.service.d' / 'xenhost-order.conf'
    if drop_in == 'missing':
        host.set('libvirt-guests.service', enabled=True, active=True)
    elif drop_in == 'link':
        host.set('libvirt-guests.service', enabled=True, active=True)
        written.parent.mkdir()
        (tmp_path / 'elsewhere.conf').write_text(u'[Unit]\nAfter=xen.service libvirtd.service\n')
        written.symlink_to(tmp_path / 'elsewhere.conf')
    else:
        written = _drop_in_with_its_text(host, system_dir, 0o600 if drop_in == 'mode-0600' else 0o644)
        if drop_in == 'other-text':
            written.write_text(u'[Unit]\nAfter=libvirtd.service\n')
        elif drop_in == 'not-root':
            os.chown(str(written), 65534, 65534)
    services = [dict(name='xendomains', enabled=False, state='stopped'), dict(name='libvirtd', enabled=True, state='started'),
                dict(name='libvirt-guests', enabled=True, state='started')]
    names = ['xendomains', 'libvirtd', 'libvirt-guests']
    reading = run_module(xen_facts, services=names, files=[str(written)])
    files = {} if drop_in == 'not-read' else reading['files']
    planned = systemd_services_steps(reading['services'], services, drop_ins=[DROP_IN], files=files)
    module = run_module(systemd_services, _ansible_check_mode=True, services=services, drop_ins=[DROP_IN])
    assert not module.get('failed'), module
    if drop_in == 'not-read':
        assert planned is None
    else:
        assert planned == module['steps']
        assert (planned == []) is (drop_in == 'as-wanted' and bool(libvirtd))
        # And the module, run for real, takes exactly those steps.
        assert run_module(systemd_services, services=services, drop_ins=[DROP_IN])['steps'] == planned


def test_xen_facts_services_unknown_without_systemd(host, run_module, monkeypatch):
    from ansible_collections.xenhost.dom0.plugins.modules import xen_facts
    monkeypatch.setattr(services_utils, 'RUNNING_DIR', str(host.run_dir / 'absent'))
    assert run_module(xen_facts, services=['xen'])['services'] is None
    assert host.calls() == []


def test_xen_facts_services_unknown_for_a_name_that_is_an_option(host, run_module):
    from ansible_collections.xenhost.dom0.plugins.modules import xen_facts
    assert run_module(xen_facts, services=['--now'])['services'] is None
    assert host.calls() == []
