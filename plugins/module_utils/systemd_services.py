# -*- coding: utf-8 -*-
# Copyright: contributors to xenhost.dom0
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the systemd_services module does to several services: pure decisions, no I/O.

The module reads each service once (systemctl show for all of them, systemctl is-enabled for each), asks plan() for the
systemctl commands that bring them where the play wants them, and runs those in order. Ansible's service module makes
one module call per service, and a module call costs seconds on a slow dom0 whatever it does.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.six import string_types

STATES = ('started', 'stopped', 'restarted')
# ActiveState values of a service that is up or on its way up: "started" has nothing to do (Ansible's rule).
RUNNING = ('active', 'activating', 'reloading')
# Whether systemctl is-enabled means enabled: its exit status 0, except that a lone "indirect" or "alias" counts as
# disabled (they exit 0 but nothing starts the unit by that name). Ansible's systemd module reads it the same way.
NOT_ENABLED_WORDS = ('indirect', 'alias')


def wanted(entries, enabled=None, state=None):
    """The services as a list of {'name', 'enabled', 'state'}, in the order given, and a list of errors.

    entries: each a service name, or a dict with 'name' and optional 'enabled' (bool) and 'state' (one of STATES).
    enabled, state: what an entry that does not say gets. None means "leave it as it is".
    """
    result, errors, names = [], [], set()
    for index, entry in enumerate(entries or []):
        where = 'services[%d]' % index
        if isinstance(entry, dict):
            unknown = sorted(set(entry) - set(('name', 'enabled', 'state')))
            if unknown:
                errors.append('%s: unknown keys %s (name, enabled, state are known)' % (where, ', '.join(unknown)))
                continue
            item = dict(name=entry.get('name'), enabled=entry.get('enabled', enabled), state=entry.get('state', state))
        else:
            item = dict(name=entry, enabled=enabled, state=state)
        name = item['name']
        if not isinstance(name, string_types) or not _valid_name(name):
            errors.append('%s: %r is not a service name' % (where, name))
            continue
        if name in names:
            errors.append('%s: %s is named twice' % (where, name))
            continue
        if item['enabled'] is not None and not isinstance(item['enabled'], bool):
            errors.append('%s (%s): enabled must be true or false, got %r' % (where, name, item['enabled']))
            continue
        if item['state'] is not None and item['state'] not in STATES:
            errors.append('%s (%s): state must be one of %s, got %r' % (where, name, ', '.join(STATES), item['state']))
            continue
        if item['enabled'] is None and item['state'] is None:
            errors.append('%s (%s): neither enabled nor state says what to do' % (where, name))
            continue
        names.add(name)
        result.append(item)
    return result, errors


def _valid_name(name):
    # A unit name as systemd allows it, and never an option: the names are passed to systemctl as arguments.
    allowed = set('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-_.\\@')
    return 0 < len(name) <= 255 and not name.startswith('-') and set(name) <= allowed


def unit_name(name):
    """The unit systemctl is asked about: a bare service name gets .service (xen -> xen.service)."""
    return name if '.' in name else name + '.service'


def parse_show(text):
    """systemctl show's output for several units (blocks of KEY=VALUE lines, a blank line between) as a list of dicts,
    in the order systemctl printed them (the order of its arguments)."""
    blocks, current = [], {}
    for line in text.splitlines():
        if not line.strip():
            if current:
                blocks.append(current)
                current = {}
            continue
        key, sep, value = line.partition('=')
        if sep:
            current[key] = value
    if current:
        blocks.append(current)
    return blocks


def enabled_of(rc, out):
    """(enabled, word) from systemctl is-enabled of one unit: its exit status and what it printed."""
    words = out.split()
    word = words[-1] if words else ''
    return rc == 0 and not (len(words) == 1 and word in NOT_ENABLED_WORDS), word


def plan(services, seen, daemon_reload=False):
    """The systemctl commands, as argument lists without systemctl itself, and a list of errors.

    services: wanted()'s list. seen: name -> {'load': LoadState, 'active': ActiveState, 'enabled': bool,
    'enabled_word': is-enabled's word}. Each service in turn: enable or disable, then start, stop or restart, so that
    a service stopped before another starts (one that Conflicts= with it) is stopped first. daemon_reload comes first:
    a unit or drop-in written just before must be read before anything starts. Where any service cannot be handled,
    errors name them all and the plan is not to be run.
    """
    steps, errors = [], []
    if daemon_reload:
        steps.append(['daemon-reload'])
    for item in services:
        name = item['name']
        state = seen.get(name)
        if state is None or state.get('load') in ('not-found', '', None):
            errors.append('%s: no such service on this host' % name)
            continue
        if state.get('enabled_word') == 'masked' and (item['enabled'] or item['state'] in ('started', 'restarted')):
            errors.append('%s is masked: systemctl unmask it first, if it should run' % name)
            continue
        if item['enabled'] is True and not state['enabled']:
            steps.append(['enable', unit_name(name)])
        elif item['enabled'] is False and state['enabled']:
            steps.append(['disable', unit_name(name)])
        running = state.get('active') in RUNNING
        if item['state'] == 'started' and not running:
            steps.append(['start', unit_name(name)])
        elif item['state'] == 'stopped' and running:
            steps.append(['stop', unit_name(name)])
        elif item['state'] == 'restarted':
            steps.append(['restart', unit_name(name)])
    return steps, errors
