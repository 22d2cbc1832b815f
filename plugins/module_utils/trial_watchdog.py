# -*- coding: utf-8 -*-
# Copyright: contributors to xenhost.dom0
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the trial_watchdog module does to reach its state: pure decisions, no I/O.

The trial watchdog is two files, a program and its systemd unit (xen_reboot's files/xenhost-trial-watchdog and
templates/xenhost-trial-watchdog.service.j2). Installed means both hold the wanted text with the wanted mode and the
unit is enabled; removed means the program has stopped the watchdog, the unit is disabled, both files are gone and
systemd has forgotten the unit. The module reads what is there, asks plan() for the steps, and runs them in order.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

PROGRAM_MODE = 0o755
UNIT_MODE = 0o644
# Where xen_reboot installs them (the module's defaults; xen_facts looks there for trial_watchdog_installed).
PROGRAM_PATH = '/usr/local/sbin/xenhost-trial-watchdog'
UNIT_PATH = '/etc/systemd/system/xenhost-trial-watchdog.service'
# The directories whose listings installed() reads.
DIRECTORIES = tuple(sorted(set(path.rsplit('/', 1)[0] for path in (PROGRAM_PATH, UNIT_PATH))))


def installed(listings):
    """Whether anything is at PROGRAM_PATH or UNIT_PATH, from the listings of their directories ({directory: names or
    None}): True or False, or None where a directory could not be listed. What plan('absent', ...) would remove."""
    found = False
    for path in (PROGRAM_PATH, UNIT_PATH):
        directory, name = path.rsplit('/', 1)
        names = listings.get(directory)
        if names is None:
            return None
        found = found or name in names
    return found


def plan(state, seen, wanted=None):
    """The steps that take the host from seen to state, in the order they run: write_program, write_unit, enable
    (present); disarm, disable, remove_unit, remove_program, reload (absent).

    seen: {'systemd': bool, 'program': text or None, 'program_mode': int or None, 'program_exists': bool,
           'unit': text or None, 'unit_mode': int or None, 'unit_exists': bool, 'enabled': bool}; text None means the
           file is missing or is not a regular file (then it is replaced, or, for 'absent', removed).
    wanted (state 'present'): {'program': text, 'unit': text}.
    Without systemd there is nothing that would start the unit at boot: 'present' does nothing (the caller says the
    trial has no time limit); 'absent' still stops and removes whatever is there.
    """
    steps = []
    if state == 'present':
        if not seen.get('systemd'):
            return steps
        if seen.get('program') != wanted['program'] or seen.get('program_mode') != PROGRAM_MODE:
            steps.append('write_program')
        unit_written = seen.get('unit') != wanted['unit'] or seen.get('unit_mode') != UNIT_MODE
        if unit_written:
            steps.append('write_unit')
        if unit_written or not seen.get('enabled'):
            steps.append('enable')
        return steps
    if state != 'absent':
        raise ValueError('state must be present or absent, not %r' % (state,))
    program_there, unit_there = seen['program_exists'], seen['unit_exists']
    if program_there and seen.get('program') is not None:
        steps.append('disarm')   # only a regular file is run; anything else put there is just removed
    if unit_there:
        if seen.get('systemd'):
            steps.append('disable')
        steps.append('remove_unit')
    if program_there:
        steps.append('remove_program')
    if unit_there and seen.get('systemd'):
        steps.append('reload')
    return steps
