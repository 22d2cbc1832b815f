# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Debian's /etc/default/grub.d/xen.cfg: read its settings as sh would, plan the lines the role writes.

update-grub sources the file as root, so what is read is parsed with sh's quoting rules (shlex, POSIX mode,
comments), and what is written is quoted with them (shlex.quote) from values that passed module_utils/inputs.py.
A setting this code cannot read exactly (shell expansions, a quote left open, a command after the value) is
refused with its line number instead of being guessed at: the sysadmin fixes it by hand.

The options the role put on GRUB_CMDLINE_XEN_DEFAULT are recorded by name on a comment line (MANAGED_PREFIX),
so an option dropped from xen_bootloader_extra_args is removed on the next run while options set by hand stay.
Pure functions: no I/O.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import shlex

from ansible_collections.xenhost.dom0.plugins.module_utils import config_lines
from ansible_collections.xenhost.dom0.plugins.module_utils.grub_legacy import merge_args

CMDLINE_VAR = 'GRUB_CMDLINE_XEN_DEFAULT'
OVERRIDE_VAR = 'XEN_OVERRIDE_GRUB_DEFAULT'
LINUX_XEN_VAR = 'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT'
MANAGED_PREFIX = '# xenhost.dom0 manages these hypervisor options:'
# /etc/grub.d/01_xenhost_fallback: update-grub runs it.
FALLBACK_SCRIPT_MODE = 0o755


class SettingError(ValueError):
    """A setting in the file that sh would read differently from what this code can tell."""


def _assignment_re(name):
    return re.compile(r'^[ \t]*(?:export[ \t]+)?%s=(.*)$' % re.escape(name))


# Outside quotes these end the word or start other sh syntax (a list, a pipe, a redirection, a subshell, a tilde
# expansion); shlex, which reads the value here, takes them as ordinary characters.
_SH_SYNTAX = frozenset(';&|<>()~')


def _sh_syntax_outside_quotes(rest):
    """The first character of ``rest`` (what follows NAME=) that sh reads as syntax and shlex would not: one of
    _SH_SYNTAX outside quotes, or a # inside a word (part of the value for sh, a comment for shlex). None where
    there is none before a comment sh would also see."""
    quote = None
    previous = '='   # what follows NAME= is already inside the word: NAME=#x gives "#x"
    for char in rest:
        if quote:
            if char == quote:
                quote = None
        elif char in '\'"':
            quote = char
        elif char == '#':
            if previous in ' \t':
                return None
            return char
        elif char in _SH_SYNTAX:
            return char
        previous = char
    return None


def read_setting(text, name):
    """The value sh gives ``name`` after sourcing ``text`` (its last assignment), or None when never assigned.

    See read_assignment, which also returns the line.
    """
    return read_assignment(text, name)[0]


def read_assignment(text, name):
    """(value, line) of the last assignment of ``name`` in sh ``text``; (None, None) when never assigned.

    Raises SettingError for an assignment that uses expansions or command substitution, leaves a quote open
    or is followed by a command.
    """
    pattern = _assignment_re(name)
    value = found = None
    # Lines as sh reads them: split at newlines only (a form feed or U+2028 is part of a line for sh).
    for number, line in enumerate(text.split('\n'), 1):
        match = pattern.match(line)
        if not match:
            continue
        rest = match.group(1)
        if '$' in rest or '`' in rest or '\\' in rest:
            raise SettingError('line %d sets %s with a shell expansion or escape (%s); set it to plain options by hand'
                               % (number, name, line.strip()))
        if any(ord(char) < 32 and char != '\t' for char in rest):
            # sh keeps a carriage return, form feed or vertical tab in the word; shlex reads them as blanks.
            raise SettingError('line %d sets %s with a control character (%r); write it with plain text by hand'
                               % (number, name, line.strip()))
        syntax = _sh_syntax_outside_quotes(rest)
        if syntax:
            raise SettingError('line %d sets %s with %r outside quotes, which sh reads as more than a value (%s); leave '
                               'only the quoted value on that line' % (number, name, syntax, line.strip()))
        try:
            words = shlex.split(rest, comments=True, posix=True)
        except ValueError:
            raise SettingError('line %d sets %s with a quote left open (%s); close it by hand' % (number, name, line.strip()))
        if len(words) > 1:
            raise SettingError('line %d runs a command after setting %s (%s); quote the value by hand'
                               % (number, name, line.strip()))
        value = words[0] if words else ''
        found = line
    return value, found


def sh_single_quote(value):
    """``value`` as one sh word in single quotes (nothing inside is expanded; a ' is written '\\'')."""
    return "'%s'" % value.replace("'", "'\\''")


def managed_names(text):
    """Names of the options the role wrote last time (from its MANAGED_PREFIX comment)."""
    names = []
    for line in text.split('\n'):
        if line.startswith(MANAGED_PREFIX):
            names = line[len(MANAGED_PREFIX):].split()
    return names


def _key(option):
    return option.split('=', 1)[0]


def fallback_script_state(trial, fallback):
    """What xen_bootloader does with /etc/grub.d/01_xenhost_fallback: 'present', 'absent' or None (leave it).

    trial: a trial boot is due (plan()'s 'trial'). fallback: xen_bootloader_grub2_fallback. The script is installed
    with a trial, whose reboot is due anyway, and then stays (it does nothing outside a trial): installing it on a
    host with nothing else to do would change grub.cfg, and a changed grub.cfg asks xen_reboot for a reboot.
    """
    if not fallback:
        return 'absent'
    return 'present' if trial else None


def plan(text, wanted, trial=False, proven=False, panic_seconds=0, fallback=True):
    """The lines to set in xen.cfg: {'cmdline', 'managed', 'override', 'linux_xen', 'current', 'merged', 'trial',
    'fallback_script'}.

    wanted: the hypervisor options the role asks for (already valid).
    trial: the first boot with these options is to be a one-time trial. proven: the host runs as dom0 now, under
    a Xen booted with every wanted option. XEN_OVERRIDE_GRUB_DEFAULT=1 (update-grub makes the Xen entry GRUB's
    default) unless a trial is due, when it is 0 so GRUB_DEFAULT stays the sysadmin's until Xen has proven itself.
    panic_seconds > 0: dom0's kernel line gets panic=N in Xen boots only (GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT,
    which 20_linux_xen uses instead of GRUB_CMDLINE_LINUX_DEFAULT; it is set to that plus panic=N, so the native
    options still apply). linux_xen is None when panic_seconds is 0 (the line is removed).
    fallback: GRUB 2 may fall back by itself from a trial entry it cannot load (fallback_script_state).
    Raises SettingError when the current setting cannot be read exactly.
    """
    current, line = read_assignment(text, CMDLINE_VAR)
    current = current or ''
    wanted_keys = set(_key(o) for o in wanted)
    dropped = set(managed_names(text)) - wanted_keys
    kept = [o for o in current.split() if _key(o) not in dropped]
    merged = merge_args(' '.join(kept), list(wanted)) if (kept or wanted) else ''
    merged = ' '.join(merged.split())
    in_trial = bool(trial) and not proven
    linux_xen = None
    if panic_seconds:
        linux_xen = '%s="${GRUB_CMDLINE_LINUX_DEFAULT} panic=%d"' % (LINUX_XEN_VAR, int(panic_seconds))
    return {
        'current': current,
        'merged': merged,
        # A line that already sets exactly this value is kept as written (no rewrite, no change).
        'cmdline': line if (line is not None and current == merged and line.startswith(CMDLINE_VAR + '='))
        else '%s=%s' % (CMDLINE_VAR, sh_single_quote(merged)),
        'managed': ('%s %s' % (MANAGED_PREFIX, ' '.join(sorted(wanted_keys)))).rstrip(),
        'override': '%s=%d' % (OVERRIDE_VAR, 0 if in_trial else 1),
        'linux_xen': linux_xen,
        'trial': in_trial,
        'fallback_script': fallback_script_state(in_trial, fallback),
    }


# The last line of Debian's xen.cfg that reads XEN_OVERRIDE_GRUB_DEFAULT: the role's lines go before it, or the
# file's own test would set the override first.
INSERT_BEFORE = r'^if \[ "\$XEN_OVERRIDE_GRUB_DEFAULT" = "" \]'


def line_changes(planned):
    """(regexp, line or None) pairs for config_lines.set_lines from plan()'s answer, in the order they are set.

    A commented-out default (Debian ships '#XEN_OVERRIDE_GRUB_DEFAULT=') is replaced in place. A None line removes
    what its regexp matches: without a panic timeout, the role's GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT goes, and a
    commented-out one stays.
    """
    return [
        (r'^#?%s=' % OVERRIDE_VAR, planned['override']),
        (r'^#?%s=' % CMDLINE_VAR, planned['cmdline']),
        ('^' + re.escape(MANAGED_PREFIX), planned['managed']),
        (('^#?' if planned['linux_xen'] else '^') + LINUX_XEN_VAR + '=', planned['linux_xen']),
    ]


def edit(text, planned, script):
    """What grub2_xen_cfg changes for plan()'s answer: {'new_text', 'changed_lines', 'script_after', 'script_changed'}.

    text: xen.cfg's text, or None where it does not exist yet (check mode): nothing to set in it then.
    script: (text or None, mode or None, exists) of the fallback script as text_file.read_installed reads it, and the
    script's wanted text last: (before, mode, exists, wanted). A wanted None with a 'present' plan raises ValueError.
    The module runs this on what it reads; the planned filters on what xen_preflight read earlier in the play.
    """
    new_text, changed_lines = text, []
    if text is not None:
        new_text, changed_lines = config_lines.set_lines(text, line_changes(planned), INSERT_BEFORE)
    before, mode, exists, wanted = script
    state = planned['fallback_script']
    after, changed = before, False
    if state == 'present':
        if wanted is None:
            raise ValueError('a trial installs the fallback script: its text is required')
        after = wanted
        changed = before != after or mode != FALLBACK_SCRIPT_MODE
    elif state == 'absent':
        after = None
        changed = exists
    return dict(new_text=new_text, changed_lines=changed_lines, script_after=after, script_changed=changed)
