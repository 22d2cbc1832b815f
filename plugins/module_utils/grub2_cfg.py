# -*- coding: utf-8 -*-
# Copyright: contributors to xenhost.dom0
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure functions that read a generated GRUB 2 grub.cfg and grubenv.

Read-only: nothing here touches the file system (file checks take a callable).

What GRUB does, and what this follows:

* The menu is built from ``menuentry`` and ``submenu`` commands; ``submenu``
  nests.  At each level the index counts menu entries AND submenus.
* ``default`` may be a number, a title or an id (``--id`` /
  ``$menuentry_id_option``), and for nested items a ``>``-separated path of
  those per level (a literal ``>`` in a title is written ``>>``).  An unknown
  default makes GRUB boot item 0.
* ``set default="${saved_entry}"`` (GRUB_DEFAULT=saved) takes the value from
  grubenv, a 1024-byte block of ``key=value`` lines padded with ``#``.
* Debian/Ubuntu's 20_linux_xen writes ``multiboot2 /boot/xen-4.17-amd64.gz
  placeholder ...`` (``multiboot`` on older hypervisors, ``xen_hypervisor`` on
  arm64), then ``module2 /boot/vmlinuz-... placeholder root=...`` and
  ``module2 --nounzip /boot/initrd.img-...``.
* Paths are relative to GRUB's root device.  With a separate /boot partition
  they lack the ``/boot`` prefix, so a file is looked up as ``root + path``
  and then ``root + /boot + path``.
* ``fallback`` (normal/menu.c, grub_menu_execute_with_fallback, GRUB 2.06 and
  2.12) is read only after an entry GRUB booted by itself (its timeout ran out)
  returned: any entry that ends without a loaded kernel (``multiboot2`` or
  ``linux`` failed: file missing, corrupt, refused by Secure Boot) or whose
  ``boot`` failed.  Its value is a list of top-level menu NUMBERS
  (get_and_remove_first_entry_number uses strtoul: no titles, ids or ``>``
  paths); a submenu number runs that submenu with timeout 0 and its ``default``
  unset, so it boots the submenu's first entry.  Without it GRUB prints
  "Failed to boot both default and fallback entries." and shows its menu with
  no timeout.  xen_bootloader's /etc/grub.d/01_xenhost_fallback sets it from
  grubenv's TRIAL_FALLBACK_VAR while a one-time entry boots (boot_once).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

HYPERVISOR_COMMANDS = ('multiboot2', 'multiboot', 'xen_hypervisor')
MODULE_COMMANDS = ('module2', 'module', 'xen_module')
KERNEL_COMMANDS = ('linux', 'linux16', 'linuxefi')
INITRD_COMMANDS = ('initrd', 'initrd16', 'initrdefi')
_ID_OPTIONS = ('--id', '$menuentry_id_option', '${menuentry_id_option}')
_VALUE_OPTIONS = ('--class', '--users', '--hotkey') + _ID_OPTIONS
_XEN_IMAGE_RE = re.compile(r'^xen(?:$|[.-])', re.I)
_DEVICE_PREFIX_RE = re.compile(r'^\([^)]*\)')
_INDEX_RE = re.compile(r'[0-9]+\Z')
# Where GRUB cannot write grubenv, so save_env (which clears next_entry after a one-time boot) fails: the list
# Debian's /etc/grub.d/00_header (2.06) checks with grub-probe before it enables recordfail.
UNWRITABLE_ABSTRACTIONS = ('diskfilter', 'lvm')
UNWRITABLE_FS = ('btrfs', 'cpiofs', 'newc', 'odc', 'romfs', 'squash4', 'tarfs', 'zfs')
# The grubenv variable xen_bootloader sets, with next_entry, to the menu number GRUB falls back to when it cannot
# load the one-time entry (roles/xen_bootloader/files/01_xenhost_fallback copies it into GRUB's 'fallback').
TRIAL_FALLBACK_VAR = 'xenhost_trial_fallback'


class Grub2ParseError(Exception):
    """grub.cfg could not be understood."""


def tokenize(text):
    """Split grub.cfg into commands (lists of words) the way GRUB's shell lexer does.

    Handles '...' and "..." quoting, backslash escapes, comments, ';' and
    newlines as separators and '{' / '}' as words.  Variables are kept as
    written (``$menuentry_id_option``).  Returns a list of (line_number, words).
    """
    commands = []
    words = []
    word = []
    in_word = False
    i = 0
    line = 1
    cmd_line = 1
    n = len(text)

    def end_word():
        if in_word:
            words.append(''.join(word))
        del word[:]
        return False

    def end_command():
        if words:
            commands.append((cmd_line, list(words)))
        del words[:]

    while i < n:
        c = text[i]
        if c == '\\' and i + 1 < n:
            if text[i + 1] == '\n':   # line continuation
                line += 1
                i += 2
                continue
            if not in_word and not words:
                cmd_line = line
            word.append(text[i + 1])
            in_word = True
            i += 2
            continue
        if c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise Grub2ParseError('line %d: unterminated single quote' % line)
            if not in_word and not words:
                cmd_line = line
            word.append(text[i + 1:end])
            line += text.count('\n', i, end)
            in_word = True
            i = end + 1
            continue
        if c == '"':
            j = i + 1
            if not in_word and not words:
                cmd_line = line
            while j < n and text[j] != '"':
                if text[j] == '\\' and j + 1 < n and text[j + 1] in '$"\\\n':
                    if text[j + 1] != '\n':
                        word.append(text[j + 1])
                    j += 2
                    continue
                if text[j] == '\n':
                    line += 1
                word.append(text[j])
                j += 1
            if j >= n:
                raise Grub2ParseError('line %d: unterminated double quote' % line)
            in_word = True
            i = j + 1
            continue
        if c == '#' and not in_word:
            while i < n and text[i] != '\n':
                i += 1
            continue
        if c in ' \t\r':
            in_word = end_word()
            i += 1
            continue
        if c in '\n;':
            in_word = end_word()
            end_command()
            if c == '\n':
                line += 1
            i += 1
            continue
        if c in '{}' and not in_word:
            if not words:
                cmd_line = line
            # a brace is a word of its own only when it stands alone
            nxt = text[i + 1] if i + 1 < n else '\n'
            if nxt in ' \t\r\n;':
                if c == '}' and words:
                    end_command()
                    cmd_line = line
                words.append(c)
                if c == '}':
                    end_command()
                i += 1
                continue
        if not in_word and not words:
            cmd_line = line
        word.append(c)
        in_word = True
        i += 1
    end_word()
    end_command()
    return commands


def _menu_args(words):
    """(title, id, classes) of a menuentry/submenu command's words (without the keyword and '{')."""
    title = None
    ident = None
    classes = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in _VALUE_OPTIONS and i + 1 < len(words):
            if word in _ID_OPTIONS:
                ident = words[i + 1]
            elif word == '--class':
                classes.append(words[i + 1])
            i += 2
            continue
        if word.startswith('--id='):
            ident = word[len('--id='):]
        elif word.startswith('--class='):
            classes.append(word[len('--class='):])
        elif word.startswith('--'):
            pass
        elif title is None:
            title = word
        i += 1
    return title, ident, classes


def _paths_of(words):
    """File arguments of a loader command: skip --options and stop at the first non-path word."""
    paths = []
    for word in words:
        if word.startswith('--'):
            continue
        if word.startswith('/') or word.startswith('('):
            paths.append(word)
            continue
        break
    return paths


def escape_title(title):
    return title.replace('>', '>>')


def is_xen_image(path):
    path = _DEVICE_PREFIX_RE.sub('', path or '')
    return bool(_XEN_IMAGE_RE.match(os.path.basename(path)))


class MenuItem(object):
    def __init__(self, kind, title, ident, parent, index, line):
        self.kind = kind            # 'menuentry' or 'submenu'
        self.title = title
        self.id = ident
        self.parent = parent
        self.index = index          # position at its level (entries and submenus both count)
        self.line = line
        self.children = []          # submenus only
        self.commands = []          # menuentries only: lists of words

    @property
    def path(self):
        parts = []
        item = self
        while item is not None:
            parts.append(escape_title(item.title or ''))
            item = item.parent
        return '>'.join(reversed(parts))

    @property
    def index_path(self):
        parts = []
        item = self
        while item is not None:
            parts.append(str(item.index))
            item = item.parent
        return '>'.join(reversed(parts))

    def _first(self, names):
        for words in self.commands:
            if words[0] in names:
                return words
        return None

    def boot_files(self):
        """(hypervisor, kernel, initrds) paths as written in grub.cfg."""
        hyper = self._first(HYPERVISOR_COMMANDS)
        hypervisor = None
        if hyper is not None:
            paths = _paths_of(hyper[1:])
            hypervisor = paths[0] if paths else None
        if hypervisor is not None:
            modules = [_paths_of(w[1:]) for w in self.commands if w[0] in MODULE_COMMANDS]
            modules = [m for m in modules if m]
            kernel = modules[0][0] if modules else None
            initrds = [p for m in modules[1:] for p in m]
            return hypervisor, kernel, initrds
        linux = self._first(KERNEL_COMMANDS)
        kernel = None
        if linux is not None:
            paths = _paths_of(linux[1:])
            kernel = paths[0] if paths else None
        initrds = []
        for words in self.commands:
            if words[0] in INITRD_COMMANDS:
                initrds.extend(_paths_of(words[1:]))
        return None, kernel, initrds

    @property
    def xen(self):
        hypervisor, kernel, dummy = self.boot_files()
        return bool(hypervisor and is_xen_image(hypervisor) and kernel)


class Grub2Config(object):
    def __init__(self, top, default_settings, uses_blscfg):
        self.top = top                          # list of MenuItem at top level
        self.default_settings = default_settings  # every value assigned to 'default', in order
        self.uses_blscfg = uses_blscfg

    def walk(self):
        stack = list(reversed(self.top))
        while stack:
            item = stack.pop()
            yield item
            stack.extend(reversed(item.children))

    def entries(self):
        return [item for item in self.walk() if item.kind == 'menuentry']

    def default_setting(self):
        """The value 00_header assigns to 'default' outside the one-shot next_entry branch.

        The first such assignment wins: later ones are conditional (Fedora's
        08_fallback_counting sets default=1 only when a boot counter ran out).
        """
        values = [v for v in self.default_settings if '${next_entry}' not in v and '$next_entry' not in v]
        return values[0] if values else None


def parse(text):
    """Parse grub.cfg text into a Grub2Config; raises Grub2ParseError."""
    commands = tokenize(text)
    top = []
    stack = []          # frames: MenuItem for menu blocks, None for other blocks (function, ...)
    defaults = []
    blscfg = False
    for line, words in commands:
        name = words[0]
        current = next((f for f in reversed(stack) if f is not None), None)
        in_entry = current is not None and current.kind == 'menuentry'
        if name == '}' and len(words) == 1:
            if not stack:
                raise Grub2ParseError('line %d: "}" without an open block' % line)
            stack.pop()
            continue
        if name in ('menuentry', 'submenu') and words[-1] == '{' and not in_entry:
            title, ident, dummy = _menu_args(words[1:-1])
            if title is None:
                raise Grub2ParseError('line %d: %s without a title' % (line, name))
            siblings = current.children if current is not None else top
            item = MenuItem(name, title, ident, current, len(siblings), line)
            siblings.append(item)
            stack.append(item)
            continue
        if words[-1] == '{':
            stack.append(None)      # function, or a block we do not model
            if in_entry:
                current.commands.append(words[:-1])
            continue
        if in_entry:
            current.commands.append(words)
            continue
        if name == 'blscfg':
            blscfg = True
        if name == 'set' and len(words) > 1 and words[1].startswith('default='):
            defaults.append(words[1][len('default='):])
        elif name.startswith('default='):
            defaults.append(name[len('default='):])
    if stack:
        raise Grub2ParseError('unbalanced braces: %d block(s) not closed at the end of grub.cfg' % len(stack))
    return Grub2Config(top, defaults, blscfg)


def parse_grubenv(text):
    """key -> value from a grubenv block (grub-editenv escapes '\\' and newlines with a backslash)."""
    env = {}
    for raw in text.split('\n'):
        if not raw or raw.startswith('#') or '=' not in raw:
            continue
        key, value = raw.split('=', 1)
        env[key] = re.sub(r'\\(.)', lambda m: '\n' if m.group(1) == 'n' else m.group(1), value)
    return env


def expand(setting, env):
    """Substitute ${var} / $var from grubenv; unknown variables become empty like in GRUB."""
    if setting is None:
        return None

    def repl(match):
        return env.get(match.group(1) or match.group(2), '')
    return re.sub(r'\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)', repl, setting)


def split_path(value):
    """Split a GRUB_DEFAULT path on '>' where '>>' stands for a literal '>'."""
    parts = []
    cur = []
    i = 0
    while i < len(value):
        if value[i] == '>':
            if i + 1 < len(value) and value[i + 1] == '>':
                cur.append('>')
                i += 2
                continue
            parts.append(''.join(cur))
            cur = []
        else:
            cur.append(value[i])
        i += 1
    parts.append(''.join(cur))
    return parts


def resolve(config, value):
    """The MenuItem GRUB boots for default ``value``, and whether it was found.

    Returns (item, found).  When nothing matches GRUB boots item 0 (found False).
    """
    level = config.top
    item = None
    if value is not None and value != '':
        for part in split_path(value):
            item = None
            if _INDEX_RE.match(part):  # ASCII digits only: str.isdigit() also takes '³' and '٣'
                if int(part) < len(level):
                    item = level[int(part)]
            else:
                for candidate in level:
                    if candidate.title == part or (candidate.id is not None and candidate.id == part):
                        item = candidate
                        break
            if item is None:
                break
            level = item.children
        if item is not None and item.kind == 'menuentry':
            return item, True
    return (config.top[0] if config.top else None), False


def check_files(item, root, exists):
    """(files_exist, missing, resolved) for the entry's files; ``exists(path)`` is injected.

    Each path is tried as root+path, then root+/boot+path (separate /boot
    partition: GRUB sees /boot's files at its root).
    """
    hypervisor, kernel, initrds = item.boot_files()
    missing = []
    for path in [p for p in [hypervisor, kernel] + list(initrds) if p]:
        candidates = _candidates(path, root)
        if candidates is None:
            missing.append(path)        # cannot know what a variable expands to at boot
        elif not any(exists(c) for c in candidates):
            missing.append(path)
    if kernel is None:
        missing.append('(no kernel line)')
    return not missing, missing


def _candidates(path, root):
    """The files GRUB's ``path`` may be on this host (root+path, root+/boot+path), or None when it names a variable."""
    clean = _DEVICE_PREFIX_RE.sub('', path)
    if '$' in clean:
        return None
    return [os.path.join(root, clean.lstrip('/')), os.path.join(root, 'boot', clean.lstrip('/'))]


def file_candidates(config, root='/'):
    """Every path check_files() may ask ``exists`` about for the entries of ``config``, sorted: what a reading of the
    menu records, so that describe() can run later on that reading instead of on the host."""
    paths = set()
    for item in config.entries():
        hypervisor, kernel, initrds = item.boot_files()
        for path in [p for p in [hypervisor, kernel] + list(initrds) if p]:
            paths.update(_candidates(path, root) or [])
    return sorted(paths)


def describe(config, root='/', exists=None, default=None, env=None):
    """Everything the grub2_entries module returns, computed from parsed input."""
    env = env or {}
    exists = exists or (lambda p: False)
    entries = []
    for item in config.entries():
        hypervisor, kernel, initrds = item.boot_files()
        ok, missing = check_files(item, root, exists)
        entries.append({
            'index': item.index,
            'index_path': item.index_path,
            'title': item.title,
            'id': item.id,
            'path': item.path,
            'xen': item.xen,
            'hypervisor': hypervisor,
            'kernel': kernel,
            'initrd': initrds[0] if initrds else None,
            'initrds': initrds,
            'files_exist': ok,
            'missing_files': missing,
        })
    setting = default if default is not None else config.default_setting()
    value = expand(setting, env)
    if value is None or value == '':
        value_for_resolve = '0'
    else:
        value_for_resolve = value
    item, found = resolve(config, value_for_resolve)
    result = {
        'setting': setting,
        'value': value,
        'found': found,
        'resolved_title': None,
        'resolved_path': None,
        'resolved_id': None,
        'resolved_index_path': None,
        'is_xen': False,
        'files_exist': False,
        'missing_files': [],
    }
    if item is not None and item.kind == 'menuentry':
        ok, missing = check_files(item, root, exists)
        result.update(resolved_title=item.title, resolved_path=item.path, resolved_id=item.id,
                      resolved_index_path=item.index_path, is_xen=item.xen, files_exist=ok, missing_files=missing)
    elif item is not None:
        result.update(resolved_title=item.title, resolved_path=item.path, resolved_id=item.id,
                      resolved_index_path=item.index_path)
    return {
        'entries': entries,
        'xen_entries': [e['path'] for e in entries if e['xen']],
        'default': result,
        'blscfg': config.uses_blscfg,
        'trial_fallback': env_facts(env)['trial_fallback'],
    }


def env_facts(env):
    """What grubenv's variables say, as grub2_entries returns them: saved_entry, next_entry (None when unset or
    empty, as GRUB treats it) and trial_fallback (TRIAL_FALLBACK_VAR, likewise)."""
    return {'saved_entry': env.get('saved_entry'), 'next_entry': env.get('next_entry') or None,
            'trial_fallback': env.get(TRIAL_FALLBACK_VAR) or None}


def newer_sources(menu_mtime, source_mtimes):
    """The sources written after the menu was generated: the menu is stale and update-grub must run again.

    menu_mtime: grub.cfg's modification time. source_mtimes: {path: mtime, or None for a missing file}, the files
    update-grub reads (an interrupted run may have changed one and never regenerated). Sorted paths.
    """
    return sorted(path for path, mtime in source_mtimes.items() if mtime is not None and mtime > menu_mtime)


def update_reasons(asked, newer, plan_errors):
    """Why the menu must be regenerated now, as a list of short reasons; empty when it is up to date.

    asked: the caller changed what update-grub reads in this run (a removed grub.d script leaves no newer file).
    newer: newer_sources()'s answer (an interrupted run wrote a source and never regenerated). plan_errors:
    boot_plan()'s errors for the menu as it is (no Xen entry, the default not Xen yet): regenerating may mend them.
    """
    reasons = ['its sources changed in this run'] if asked else []
    reasons.extend('%s is newer than the menu' % path for path in newer)
    if plan_errors:
        reasons.append('the menu does not fit the plan yet')
    return reasons


def arm_commands(plan, grubenv, reboot_command=None, editenv_command=None):
    """The commands that arm a trial boot, in order, as argv lists; empty when there is nothing to arm.

    plan: boot_plan()'s answer for the menu as it is now (after any regeneration). Only a trial plan without errors
    is armed: a menu that would not boot Xen, or not come back, gets no one-time entry. editenv_command (grub-editenv,
    given only where GRUB's way back is wanted) sets the fallback number in grubenv when it holds another;
    reboot_command (the platform's grub-reboot) gets the Xen entry's id when grubenv's next_entry is another. In that
    order: should the second fail, a fallback number alone does nothing (01_xenhost_fallback clears it at the next
    boot), while a one-time Xen entry alone would have no way back.
    """
    if not plan or plan.get('mode') != 'trial' or plan.get('errors'):
        return []
    commands = []
    if editenv_command and plan.get('set_fallback_index'):
        commands.append(list(editenv_command) + [grubenv, 'set', plan['fallback_setting']])
    if reboot_command and plan.get('set_next_entry'):
        commands.append(list(reboot_command) + [plan['next_entry']])
    return commands


def grubenv_unwritable_reason(fs, abstractions):
    """Why GRUB cannot write grubenv at boot (so a one-time entry would never be cleared), or None.

    fs, abstractions: what ``grub-probe --target=fs`` / ``--target=abstraction`` print for the grubenv's directory
    (None when unknown: then the reason says so, since a trial boot must be sure to end).
    """
    if fs is None or abstractions is None:
        return 'grub-probe could not tell the file system under grubenv'
    for name in abstractions.split():
        if name in UNWRITABLE_ABSTRACTIONS:
            return 'grubenv lies on %s, which GRUB cannot write' % name
    if fs.strip() in UNWRITABLE_FS:
        return 'grubenv lies on %s, which GRUB cannot write' % fs.strip()
    return None


def _first_xen_entry(facts):
    xen = [e for e in facts['entries'] if e['xen']]
    top = [e for e in xen if '>' not in e['index_path']]
    return (top or xen or [None])[0]


def fallback_target(facts):
    """Where GRUB's ``fallback`` can send a one-time boot GRUB cannot load: (number, entry) or (None, None).

    facts: describe()'s result. ``fallback`` takes top-level numbers only, so the number is the permanent default's
    top-level item; for a default inside a submenu GRUB then boots that submenu's first entry (first entries all the
    way down), which is the entry returned. None when that entry boots Xen, is missing files or does not exist (then
    GRUB would not come back by itself either).
    """
    default = facts['default']
    if not default['found'] or not default['resolved_index_path']:
        return None, None
    top = default['resolved_index_path'].split('>')[0]
    if not _INDEX_RE.match(top):
        return None, None
    path = default['resolved_index_path']
    if '>' in path:
        first = re.compile(r'%s(?:>0)+\Z' % re.escape(top))
        path = next((e['index_path'] for e in facts['entries'] if first.match(e['index_path'])), None)
    entry = next((e for e in facts['entries'] if e['index_path'] == path), None)
    if entry is None or entry['xen'] or not entry['files_exist']:
        return None, None
    return top, entry


def boot_plan(facts, trial, next_entry=None, unwritable_reason=None, menu='grub.cfg'):
    """What xen_bootloader does with a generated menu: the one decision, with its error messages.

    facts: describe()'s result for the menu as it is now. trial: boot Xen once (next_entry) and keep the
    permanent default, or make Xen the permanent default. Returns
    {mode: 'trial'|'permanent', xen_entry, fallback, next_entry, set_next_entry, fallback_index, fallback_boots,
    fallback_setting, set_fallback_index, errors}. A trial is needed only while the permanent default is not Xen; errors stop the role
    before anyone reboots. fallback_index (a trial only): the menu number for grubenv's TRIAL_FALLBACK_VAR, so GRUB
    boots fallback_boots (an entry of describe()) instead of waiting in its menu when it cannot load the Xen entry;
    fallback_setting: that as grub-editenv's name=value; set_fallback_index: grubenv holds another value now.
    """
    errors = []
    default = facts['default']
    xen = _first_xen_entry(facts)
    plan = {'mode': 'permanent', 'xen_entry': xen, 'fallback': None, 'next_entry': None, 'set_next_entry': False,
            'fallback_index': None, 'fallback_boots': None, 'fallback_setting': None, 'set_fallback_index': False,
            'errors': errors}
    if xen is None:
        errors.append('%s has no Xen hypervisor entry, so this host would not boot Xen. Check that /boot/xen-*.gz exists'
                      ' (package xen-hypervisor-*), that /etc/grub.d/20_linux_xen is executable and that a kernel has'
                      ' CONFIG_XEN_DOM0=y in /boot/config-*, then run update-grub and look for its "Found ... xen" lines.'
                      % menu)
        return plan
    if trial and not default['is_xen']:
        plan['mode'] = 'trial'
        plan['fallback'] = default['resolved_title']
        plan['next_entry'] = xen['id'] or xen['path']
        plan['set_next_entry'] = next_entry != plan['next_entry']
        plan['fallback_index'], plan['fallback_boots'] = fallback_target(facts)
        if plan['fallback_index'] is not None:
            plan['fallback_setting'] = '%s=%s' % (TRIAL_FALLBACK_VAR, plan['fallback_index'])
        plan['set_fallback_index'] = (plan['fallback_index'] is not None
                                      and facts.get('trial_fallback') != plan['fallback_index'])
        if not xen['files_exist']:
            errors.append('The Xen entry "%s" names files that do not exist: %s. Reinstall the kernel or hypervisor'
                          ' package, or run update-initramfs -u, then update-grub.'
                          % (xen['title'], ', '.join(xen['missing_files'])))
        if not default['found'] or not default['files_exist']:
            errors.append('The permanent boot default (%s) does not resolve to a bootable entry (%s), so a failed trial'
                          ' boot into Xen could not come back. Fix GRUB_DEFAULT in /etc/default/grub first.'
                          % (default['setting'], ', '.join(default['missing_files']) or 'no such entry'))
        if unwritable_reason:
            errors.append('A trial boot needs GRUB to clear its one-time entry (next_entry) at boot, but %s: every'
                          ' reboot would try Xen again. Set xen_bootloader_trial_boot=false to make Xen the default'
                          ' without a trial (have console access ready).' % unwritable_reason)
        return plan
    if not default['is_xen']:
        errors.append('The GRUB default (%s) resolves to "%s", which does not boot Xen. Xen entries in %s: %s. Check'
                      ' GRUB_DEFAULT in /etc/default/grub and XEN_OVERRIDE_GRUB_DEFAULT in /etc/default/grub.d/xen.cfg'
                      ' (a later file in /etc/default/grub.d may override it).'
                      % (default['setting'], default['resolved_title'], menu, '; '.join(facts['xen_entries'])))
    elif not default['files_exist']:
        errors.append('The default boot entry "%s" names files that do not exist: %s. Reinstall the kernel or hypervisor'
                      ' package, or run update-initramfs -u, then update-grub.'
                      % (default['resolved_title'], ', '.join(default['missing_files'])))
    return plan
