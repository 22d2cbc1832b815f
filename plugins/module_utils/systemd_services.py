# -*- coding: utf-8 -*-
# Copyright: contributors to xenhost.dom0
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the systemd_services module does to several services: pure decisions, and read(), the one reading of them.

The module reads each service once (systemctl show for all of them, systemctl is-enabled for each), asks plan() for the
systemctl commands that bring them where the play wants them, and runs those in order. Ansible's service module makes
one module call per service, and a module call costs seconds on a slow dom0 whatever it does. xen_facts reads the same
way (its services option), so that a role can decide on that reading whether the module has anything to do.
read() runs systemctl through the caller's run function (AnsibleModule.run_command): no I/O of its own.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.six import string_types

STATES = ('started', 'stopped', 'restarted')
# Present while systemd is the running init system (what sd_booted() checks).
RUNNING_DIR = '/run/systemd/system'
# Where the module writes drop-ins (SYSTEM_DIR/UNIT.d/NAME.conf), and the most of one it reads.
SYSTEM_DIR = '/etc/systemd/system'
DROP_IN_MAX_BYTES = 256 * 1024
# ActiveState values of a service that is up or on its way up: "started" has nothing to do (Ansible's rule).
RUNNING = ('active', 'activating', 'reloading')
DROP_IN_MODE = 0o644
DROP_IN_DIR_MODE = 0o755
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
        if not isinstance(name, string_types) or not valid_name(name):
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


def valid_name(name):
    """A unit name as systemd allows it, and never an option: the names are passed to systemctl as arguments."""
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


def read(run, systemctl, names):
    """(seen, error): name -> {'load', 'active', 'enabled', 'enabled_word'} for plan(), from one systemctl show for all
    and one systemctl is-enabled each; or (None, why) where systemctl show did not describe each of them.

    run: a function of an argument list returning (rc, stdout, stderr).
    """
    units = [unit_name(name) for name in names]
    rc, out, err = run([systemctl, 'show', '--property=Id,LoadState,ActiveState', '--'] + units)
    blocks = parse_show(out)
    if rc != 0 or len(blocks) != len(units):
        return None, ('systemctl show %s did not describe each of them (exit status %d): %s'
                      % (' '.join(units), rc, (err or out).strip()))
    seen = {}
    for name, unit, block in zip(names, units, blocks):
        rc, out, dummy = run([systemctl, 'is-enabled', '--', unit])
        enabled, word = enabled_of(rc, out)
        seen[name] = dict(load=block.get('LoadState'), active=block.get('ActiveState'), enabled=enabled,
                          enabled_word=word)
    return seen, None


def drop_ins(entries):
    """The drop-ins as a list of {'service', 'name', 'content'} (content ending in a newline), and a list of errors.

    entries: dicts with 'service' (the unit they extend), 'name' (the file's name, NAME.conf) and 'content'.
    """
    result, errors, seen = [], [], set()
    for index, entry in enumerate(entries or []):
        where = 'drop_ins[%d]' % index
        if not isinstance(entry, dict) or sorted(entry) != ['content', 'name', 'service']:
            errors.append('%s: needs exactly service, name and content' % where)
            continue
        service, name, content = entry['service'], entry['name'], entry['content']
        if not isinstance(service, string_types) or not valid_name(service):
            errors.append('%s: %r is not a service name' % (where, service))
        elif not (isinstance(name, string_types) and name.endswith('.conf') and valid_name(name)
                  and not name.startswith('.') and '\\' not in name):
            errors.append('%s: %r is not a drop-in file name (NAME.conf)' % (where, name))
        elif not isinstance(content, string_types):
            errors.append('%s: content must be text' % where)
        elif (unit_name(service), name) in seen:
            errors.append('%s: %s for %s is given twice' % (where, name, service))
        else:
            seen.add((unit_name(service), name))
            result.append(dict(service=service, name=name, content=content if content.endswith('\n') else content + '\n'))
    return result, errors


def drop_in_path(system_dir, service, name):
    """Where systemd reads a drop-in of a service: SYSTEM_DIR/UNIT.d/NAME."""
    return '%s/%s.d/%s' % (system_dir.rstrip('/'), unit_name(service), name)


def plan(services, seen, daemon_reload=False, writes=()):
    """The steps, and a list of errors. A step is a systemctl command as an argument list without systemctl itself,
    or ['write', PATH] for a drop-in the module writes.

    services: wanted()'s list. seen: name -> {'load': LoadState, 'active': ActiveState, 'enabled': bool,
    'enabled_word': is-enabled's word}. writes: the paths of the drop-ins that differ from what is wanted. They are
    written first, and a daemon-reload follows them (or comes first where daemon_reload asks for one), so that systemd
    reads them before anything starts. Then each service in turn: enable or disable, then start, stop or restart, so
    that a service stopped before another starts (one that Conflicts= with it) is stopped first. Where any service
    cannot be handled, errors name them all and the plan is not to be run.
    """
    steps, errors = [['write', path] for path in writes], []
    if daemon_reload or writes:
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
