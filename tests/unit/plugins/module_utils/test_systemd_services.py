# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""systemd_services' pure decisions: the wanted list, systemctl's answers read, and the commands planned."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.xenhost.dom0.plugins.module_utils.systemd_services import (
    drop_in_path, drop_ins, enabled_of, parse_show, plan, read, unit_name, wanted)


def test_wanted_fills_names_from_the_defaults_and_keeps_the_order():
    services, errors = wanted(['xen', {'name': 'xendomains', 'enabled': False, 'state': 'stopped'}, 'libvirtd'],
                              enabled=True, state='started')
    assert errors == []
    assert services == [
        dict(name='xen', enabled=True, state='started'),
        dict(name='xendomains', enabled=False, state='stopped'),
        dict(name='libvirtd', enabled=True, state='started'),
    ]


def test_wanted_leaves_unset_what_nobody_says():
    services, errors = wanted([{'name': 'xen', 'enabled': True}])
    assert errors == [] and services == [dict(name='xen', enabled=True, state=None)]


@pytest.mark.parametrize('entries, message', [
    (['xen', {'name': 'xen', 'state': 'started'}], 'services[1]: xen is named twice'),
    (['--all'], "services[0]: '--all' is not a service name"),
    (['xen; reboot'], "services[0]: 'xen; reboot' is not a service name"),
    ([''], "services[0]: '' is not a service name"),
    ([{'name': 'xen', 'state': 'running'}], 'services[0] (xen): state must be one of started, stopped, restarted'),
    ([{'name': 'xen', 'enabled': 'yes'}], "services[0] (xen): enabled must be true or false, got 'yes'"),
    ([{'name': 'xen', 'enable': True}], 'services[0]: unknown keys enable'),
    ([{'enabled': True}], "services[0]: None is not a service name"),
])
def test_wanted_refuses(entries, message):
    services, errors = wanted(entries, enabled=True)
    assert len(errors) == 1 and errors[0].startswith(message), errors


def test_wanted_refuses_a_service_nothing_is_said_of():
    services, errors = wanted(['xen', {'name': 'libvirtd', 'enabled': True}])
    assert errors == ['services[0] (xen): neither enabled nor state says what to do']


def test_unit_name():
    assert unit_name('xen') == 'xen.service'
    assert unit_name('libvirtd.socket') == 'libvirtd.socket'


def test_parse_show_keeps_the_order_of_the_blocks():
    # As systemctl 252 prints "show --property=Id,LoadState,ActiveState" for two units (its own property order).
    text = ('Id=xen.service\nLoadState=loaded\nActiveState=active\n\n'
            'Id=nosuch.service\nLoadState=not-found\nActiveState=inactive\n')
    assert parse_show(text) == [
        {'Id': 'xen.service', 'LoadState': 'loaded', 'ActiveState': 'active'},
        {'Id': 'nosuch.service', 'LoadState': 'not-found', 'ActiveState': 'inactive'},
    ]


@pytest.mark.parametrize('rc, out, expected', [
    (0, 'enabled\n', (True, 'enabled')),
    (0, 'static\n', (True, 'static')),
    (0, 'generated\n', (True, 'generated')),
    (1, 'disabled\n', (False, 'disabled')),
    (1, 'masked\n', (False, 'masked')),
    (0, 'indirect\n', (False, 'indirect')),
    (0, 'alias\n', (False, 'alias')),
    (1, '', (False, '')),
])
def test_enabled_of(rc, out, expected):
    assert enabled_of(rc, out) == expected


def _seen(active='inactive', enabled=False, word=None, load='loaded'):
    return dict(load=load, active=active, enabled=enabled, enabled_word=word or ('enabled' if enabled else 'disabled'))


def test_plan_nothing_to_do_where_all_are_as_wanted():
    services = [dict(name='xen', enabled=True, state='started'), dict(name='xendomains', enabled=False, state='stopped')]
    seen = {'xen': _seen('active', True), 'xendomains': _seen('inactive', False)}
    assert plan(services, seen) == ([], [])


def test_plan_in_order_each_service_its_boot_setting_then_its_state():
    services = [dict(name='xendomains', enabled=False, state='stopped'),
                dict(name='libvirtd', enabled=True, state='restarted'),
                dict(name='libvirt-guests', enabled=True, state='started')]
    seen = {'xendomains': _seen('active', True), 'libvirtd': _seen('active', True),
            'libvirt-guests': _seen('inactive', False)}
    steps, errors = plan(services, seen, daemon_reload=True)
    assert errors == []
    assert steps == [['daemon-reload'],
                     ['disable', 'xendomains.service'], ['stop', 'xendomains.service'],
                     ['restart', 'libvirtd.service'],
                     ['enable', 'libvirt-guests.service'], ['start', 'libvirt-guests.service']]


@pytest.mark.parametrize('active', ['active', 'activating', 'reloading'])
def test_plan_started_leaves_a_service_on_its_way_up(active):
    assert plan([dict(name='xen', enabled=None, state='started')], {'xen': _seen(active, True)}) == ([], [])


def test_plan_unset_leaves_either_side_alone():
    services = [dict(name='xen', enabled=True, state=None), dict(name='xendomains', enabled=None, state='stopped')]
    seen = {'xen': _seen('inactive', False), 'xendomains': _seen('inactive', True)}
    assert plan(services, seen) == ([['enable', 'xen.service']], [])


def test_plan_refuses_missing_and_masked_services_and_names_them_all():
    services = [dict(name='xen', enabled=True, state='started'), dict(name='nosuch', enabled=True, state=None),
                dict(name='hidden', enabled=None, state='started')]
    seen = {'xen': _seen('inactive', False), 'nosuch': _seen(load='not-found'),
            'hidden': _seen(word='masked')}
    steps, errors = plan(services, seen)
    assert errors == ['nosuch: no such service on this host',
                      'hidden is masked: systemctl unmask it first, if it should run']


def test_plan_lets_a_masked_service_stay_stopped_and_disabled():
    services = [dict(name='hidden', enabled=False, state='stopped')]
    assert plan(services, {'hidden': _seen(word='masked')}) == ([], [])


def test_drop_ins_add_the_final_newline_and_keep_the_order():
    entries = [{'service': 'libvirt-guests', 'name': 'order.conf', 'content': '[Unit]\nAfter=xen.service'},
               {'service': 'xen.service', 'name': 'limits.conf', 'content': '[Service]\nLimitNOFILE=4096\n'}]
    assert drop_ins(entries) == ([
        dict(service='libvirt-guests', name='order.conf', content='[Unit]\nAfter=xen.service\n'),
        dict(service='xen.service', name='limits.conf', content='[Service]\nLimitNOFILE=4096\n')], [])


@pytest.mark.parametrize('entry, message', [
    ({'service': 'xen', 'name': '../../system/evil.service', 'content': ''}, 'is not a drop-in file name'),
    ({'service': 'xen', 'name': 'order', 'content': ''}, 'is not a drop-in file name'),
    ({'service': 'xen', 'name': '.conf', 'content': ''}, 'is not a drop-in file name'),
    ({'service': '-xen', 'name': 'a.conf', 'content': ''}, 'is not a service name'),
    ({'service': 'xen', 'name': 'a.conf'}, 'needs exactly service, name and content'),
    ({'service': 'xen', 'name': 'a.conf', 'content': 3}, 'content must be text'),
])
def test_drop_ins_refuse(entry, message):
    result, errors = drop_ins([entry])
    assert result == [] and len(errors) == 1 and message in errors[0], errors


def test_drop_ins_refuse_the_same_file_twice():
    entry = {'service': 'xen', 'name': 'a.conf', 'content': ''}
    assert drop_ins([entry, dict(entry, service='xen.service')])[1] == ['drop_ins[1]: a.conf for xen.service is given twice']


def test_drop_in_path():
    assert drop_in_path('/etc/systemd/system/', 'libvirt-guests', 'order.conf') == \
        '/etc/systemd/system/libvirt-guests.service.d/order.conf'


def test_plan_writes_drop_ins_first_then_one_reload_then_the_services():
    services = [dict(name='libvirt-guests', enabled=True, state='started')]
    seen = {'libvirt-guests': _seen('active', True)}
    assert plan(services, seen, writes=['/d/a.conf']) == ([['write', '/d/a.conf'], ['daemon-reload']], [])
    assert plan(services, seen, daemon_reload=True, writes=['/d/a.conf']) == (
        [['write', '/d/a.conf'], ['daemon-reload']], [])


def _runner(answers, calls):
    def run(argv):
        calls.append(argv[1:])
        return answers[argv[1]]
    return run


def test_read_one_show_then_is_enabled_each():
    calls = []
    show = (0, 'Id=xen.service\nLoadState=loaded\nActiveState=active\n\n'
               'Id=xendomains.service\nLoadState=not-found\nActiveState=inactive\n', '')
    run = _runner({'show': show, 'is-enabled': (0, 'generated\n', '')}, calls)
    seen, error = read(run, 'systemctl', ['xen', 'xendomains'])
    assert error is None
    assert seen == {'xen': dict(load='loaded', active='active', enabled=True, enabled_word='generated'),
                    'xendomains': dict(load='not-found', active='inactive', enabled=True, enabled_word='generated')}
    assert calls == [['show', '--property=Id,LoadState,ActiveState', '--', 'xen.service', 'xendomains.service'],
                     ['is-enabled', '--', 'xen.service'], ['is-enabled', '--', 'xendomains.service']]


def test_read_a_show_that_does_not_describe_each_is_an_error():
    calls = []
    run = _runner({'show': (1, '', 'Failed to connect to bus\n')}, calls)
    seen, error = read(run, 'systemctl', ['xen'])
    assert seen is None and 'Failed to connect to bus' in error and 'exit status 1' in error
    assert len(calls) == 1
