# -*- coding: utf-8 -*-
# Copyright: contributors to xenhost.dom0
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure functions over the text of a GRUB legacy (0.97) menu.lst / grub.conf.

The trial boot (``plan(mode='trial')``), and what GRUB 0.97 really supports for it.  Read in
GRUB 0.97's stage2/builtins.c and stage2.c and in Debian's grub-legacy 0.97-80 binaries (its
stage2 and the grub shell disassembled; Debian's source package is no longer in the archive):

* Upstream 0.97: ``default saved`` boots the number in the file ``default`` beside the menu;
  ``savedefault`` (in a menu entry only) overwrites that file's first 10 bytes *on disk* with the
  current entry, ``savedefault N`` with N, ``savedefault fallback`` with the entry after the current
  one in the ``fallback`` list.  It runs when GRUB executes the entry's commands, before ``boot``, and
  it fails the entry (``Error 15``) when the ``default`` file is missing (upstream also when it is
  shorter than 10 bytes), so the trial always writes a whole file.
* Debian adds ``savedefault --default=N --once`` to the *grub shell* only (``grub-reboot`` runs it
  from Linux): it writes ``OLD:N`` into ``default``.  Debian's stage2 then boots N (the number after
  the ':'), and its ``savedefault``, in whatever form, writes OLD back when the file holds a ':'.
  So ``grub-reboot`` is one-time only for entries that carry a ``savedefault`` line, and RHEL 5's
  stage2 (Red Hat's own patches) was not available to check for the ':' form.
* Chosen, because it is in every GRUB 0.97 stage2: ``default saved``, the ``default`` file naming the
  Xen entry, ``fallback OLD``, and ``savedefault fallback`` as the Xen entry's first command.  Booting
  the Xen entry writes OLD into ``default`` before Xen is loaded, so any later failure (Xen or dom0
  panic, reboot) comes back on OLD; an image GRUB cannot load sends GRUB to ``fallback`` at once.
  After the trial, ``plan(mode='permanent')`` removes ``savedefault fallback`` and writes the Xen
  entry into ``default`` (a ``fallback`` line to the old kernel stays, as a net for unloadable images).

Nothing here touches the file system, so the same code can run on the
controller for hosts without a usable Python.  The text is kept as a list of
physical lines *with* their line endings; rendering is ``''.join(lines)``, so
parse-then-render is byte-identical by construction and every edit replaces
only the physical lines it has to.

Facts this follows (GRUB 0.97 stage2 and Debian's grub-legacy 0.97-80):

* A command name ends at a blank or ``=``: ``default=0``, ``default 0`` and
  ``title=Foo`` are all valid.  Lines whose first non-blank is ``#`` are
  comments.  A backslash before the newline continues the line.
* Entries start at ``title`` and run to the next ``title``; everything before
  the first ``title`` is global (``default``, ``fallback``, ``timeout`` ...).
  Entries are numbered from 0.  No ``default`` line means entry 0.
* ``default saved`` reads the number from the file ``default`` beside the
  config.  ``grub-set-default`` writes it as the number, ten ``#`` lines and a
  three-line warning; stage2's ``savedefault`` overwrites the first 10 bytes
  in place, so the file must stay at least that long.  stage2 starts with
  saved entry 0, reads the file's first 10 bytes, keeps 9 and parses them
  with ``safe_parse_maxint``: an optional ``0x`` (then hex), then digits,
  stopping at the first other byte, no leading blanks.  A missing, empty or
  unparseable file therefore boots entry 0 (``parse_default_file`` returns
  None for it and ``plan`` says so in a note).

Hostile input: every regular expression here is anchored or linear, so
parsing and editing take time linear in the line length; entry numbers are
ASCII digits only (``str.isdigit`` also takes '٣' and '³'), at most 9 of
them.
* Debian's ``update-grub`` rewrites everything between
  ``### BEGIN AUTOMAGIC KERNELS LIST`` and ``### END DEBIAN AUTOMAGIC KERNELS
  LIST`` except the ``# key=value`` "magic comments" between
  ``## ## Start Default Options ##`` and ``## ## End Default Options ##``;
  ``# xenhopt=`` there holds the hypervisor arguments of the Xen entries it
  generates.  It only generates Xen entries for kernels whose
  ``/boot/config-*`` has ``CONFIG_XEN_PRIVILEGED_GUEST=y`` (Debian 12's 6.1
  kernels have ``CONFIG_XEN_DOM0=y`` instead, so it generates none there).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible_collections.xenhost.dom0.plugins.module_utils import inputs
from ansible_collections.xenhost.dom0.plugins.module_utils.text_file import split_lines

AUTOMAGIC_BEGIN = '### BEGIN AUTOMAGIC KERNELS LIST'
AUTOMAGIC_END = '### END DEBIAN AUTOMAGIC KERNELS LIST'
MAGIC_OPTS_BEGIN = '## ## Start Default Options ##'
MAGIC_OPTS_END = '## ## End Default Options ##'
# The marker of the Xen stanza xen_bootloader writes before the AUTOMAGIC block on Debian (set_block). Until
# 2026-12-02 the role wrote it with Ansible's blockinfile, whose lines ('# BEGIN ...', '# END ...') are the same.
STANZA_MARKER = "xenhost.dom0 Xen entry (managed by Ansible, outside update-grub's AUTOMAGIC block)"

# What GRUB 0.97's grub-set-default writes after the entry number.
DEFAULT_FILE_TAIL = (
    '#\n' * 10
    + "# WARNING: If you want to edit this file directly, do not remove any line\n"
    + "# from this file, including this warning. Using `grub-set-default' is\n"
    + "# strongly recommended.\n"
)

_COMMAND_NAME_RE = re.compile(r'[A-Za-z_][A-Za-z0-9_]*')
_SEP_RE = re.compile(r'[ \t=]*')
# An entry number: ASCII digits only, few enough that int() is cheap and GRUB's int holds it.
_NUMBER_RE = re.compile(r'[0-9]{1,9}\Z')
_DEVICE_PREFIX_RE = re.compile(r'^\([^)]*\)')
_XEN_IMAGE_RE = re.compile(r'^xen(?:$|[.-])', re.I)


class GrubLegacyError(Exception):
    """The text cannot be understood or the request cannot be met safely."""


class _Command(object):
    """'<lead><command><sep><args><trail>' of one line, like a regex match's groups 1-5."""

    def __init__(self, lead, command, sep, args, trail):
        self.groups = (lead, command, sep, args, trail)

    def group(self, number):
        return self.groups[number - 1]


def _split_command(text):
    """Split a command line into lead blanks, command, separator, arguments and trailing blanks.

    None when the line does not start (after blanks) with a command name. Linear in the length
    (a lazy regex with a trailing-blank group took time quadratic in the length of a blank run).
    """
    body = text.lstrip(' \t')
    lead = text[:len(text) - len(body)]
    name = _COMMAND_NAME_RE.match(body)
    if not name:
        return None
    rest = body[name.end():]
    sep = _SEP_RE.match(rest).group(0)
    rest = rest[len(sep):]
    args = rest.rstrip(' \t')
    return _Command(lead, name.group(0), sep, args, rest[len(args):])


def is_number(text):
    """True for an entry number: 1 to 9 ASCII digits (no '٣', '³', blanks or signs)."""
    return bool(_NUMBER_RE.match(text))


def render(lines):
    return ''.join(lines)


def _strip_eol(line):
    if line.endswith('\r\n'):
        return line[:-2], line[-2:]
    if line.endswith('\n'):
        return line[:-1], line[-1:]
    return line, ''


class LogicalLine(object):
    """One command line, possibly continued over several physical lines."""

    def __init__(self, start, end, text):
        self.start = start      # first physical line index
        self.end = end          # one past the last physical line index
        self.text = text        # joined text without the line ending
        self.command = None
        self.sep = ''
        self.args = ''
        match = _split_command(text)
        stripped = text.lstrip(' \t')
        if stripped and not stripped.startswith('#') and match:
            self.command = match.group(2).lower()
            self.sep = match.group(3)
            self.args = match.group(4)


def logical_lines(lines):
    """Join backslash-continued physical lines the way stage2 does."""
    result = []
    i = 0
    while i < len(lines):
        start = i
        body, dummy = _strip_eol(lines[i])
        parts = [body]
        while parts[-1].endswith('\\') and lines[i].endswith('\n') and i + 1 < len(lines):
            parts[-1] = parts[-1][:-1] + ' '
            i += 1
            parts.append(_strip_eol(lines[i])[0])
        result.append(LogicalLine(start, i + 1, ''.join(parts)))
        i += 1
    return result


def image_of(kernel_args):
    """The image path of a kernel/module line, without options and GRUB device."""
    for word in kernel_args.split():
        if word.startswith('--'):
            continue
        return word
    return None


def is_xen_image(path):
    if not path:
        return False
    path = _DEVICE_PREFIX_RE.sub('', path)
    return bool(_XEN_IMAGE_RE.match(os.path.basename(path)))


class Entry(object):
    def __init__(self, index, title_line):
        self.index = index
        self.title = title_line.args
        self.title_line = title_line
        self.kernel_line = None
        self.module_lines = []
        self.initrd_line = None
        self.has_savedefault = False
        self.savedefault_lines = []
        self.start = title_line.start
        self.end = title_line.end
        self.automagic = False

    @property
    def kernel(self):
        return self.kernel_line.args if self.kernel_line else None

    @property
    def xen(self):
        return bool(self.kernel_line and is_xen_image(image_of(self.kernel_line.args)) and self.module_lines)

    def as_dict(self):
        return {
            'index': self.index,
            'title': self.title,
            'kernel': self.kernel,
            'modules': [m.args for m in self.module_lines],
            'initrd': self.initrd_line.args if self.initrd_line else None,
            'xen': self.xen,
            'automagic': self.automagic,
        }


def loaded_files(entry, boot_dir='/boot'):
    """The files GRUB loads for ``entry`` (kernel, modules, initrd), as paths on the running system.

    GRUB legacy names them on its root device, optionally with a device prefix: with /boot on a file
    system of its own (RHEL 5) ``/vmlinuz-...`` is ``/boot/vmlinuz-...``, with /boot on the root file
    system it is written ``/boot/vmlinuz-...``. So a path that does not already start with ``boot_dir``
    is taken as relative to it.
    """
    boot_dir = boot_dir.rstrip('/')
    lines = [entry.kernel_line] + list(entry.module_lines) + [entry.initrd_line]
    files = []
    for line in lines:
        image = image_of(line.args) if line is not None else None
        if not image:
            continue
        image = _DEVICE_PREFIX_RE.sub('', image)
        files.append(image if image.startswith(boot_dir + '/') else boot_dir + '/' + image.lstrip('/'))
    return files


def missing_files(entries, indexes, boot_dir, exists):
    """The files of the ``entries`` (a MenuConfig's) numbered ``indexes`` that ``exists`` (a predicate) says are not
    there, in menu order.

    Why it matters: GRUB cannot load an entry whose image is gone, and a trial must be able to come back, so the
    entry it falls back to must load as well as the Xen entry.
    """
    wanted = set(indexes)
    missing = []
    for entry in entries:
        if entry.index in wanted:
            missing.extend(path for path in loaded_files(entry, boot_dir) if path not in missing and not exists(path))
    return missing


def unloadable_refusal(missing, default_entry, fallback_entry=None):
    """The message that refuses a change after which GRUB could not load the default entry (or a trial's way back),
    or None where nothing is ``missing``. Pure; the module decides when to refuse (a real run that would write).

    Why before writing: a menu whose default names a file that is gone does not boot; a trial armed on it would
    already be "the next boot" if the host rebooted for any reason before the files were put back.
    """
    if not missing:
        return None
    entries = 'entry %d ("%s")' % (default_entry.index, default_entry.title)
    if fallback_entry is not None:
        entries += ' and the entry the trial comes back to, %d ("%s"),' % (fallback_entry.index, fallback_entry.title)
    return ('not changed: after this change %s would name files that are not there: %s. GRUB could not load it. '
            'Install them (the hypervisor and kernel packages, the initrd), then run again; do not reboot for Xen '
            'before.' % (entries, ', '.join(missing)))


class MenuConfig(object):
    """Parsed view of a menu.lst; ``lines`` is the only source of truth."""

    def __init__(self, text):
        self.lines = split_lines(text)
        self.logical = logical_lines(self.lines)
        self.globals = []
        self.entries = []
        self.automagic = None       # (begin, end) physical line indexes
        self.magic_opts = None      # (begin, end) physical line indexes
        self._parse()

    def _parse(self):
        begin = end = obegin = oend = None
        current = None
        for line in self.logical:
            stripped = line.text.strip()
            if stripped == AUTOMAGIC_BEGIN and begin is None:
                begin = line.start
            elif stripped == AUTOMAGIC_END and begin is not None and end is None:
                end = line.start
            elif stripped == MAGIC_OPTS_BEGIN and obegin is None:
                obegin = line.start
            elif stripped == MAGIC_OPTS_END and obegin is not None and oend is None:
                oend = line.start
            if line.command is None:
                continue
            if line.command == 'title':
                current = Entry(len(self.entries), line)
                self.entries.append(current)
            elif current is None:
                self.globals.append(line)
            else:
                if line.command == 'kernel' and current.kernel_line is None:
                    current.kernel_line = line
                elif line.command == 'module':
                    current.module_lines.append(line)
                elif line.command == 'initrd':
                    current.initrd_line = line
                elif line.command == 'savedefault':
                    current.has_savedefault = True
                    current.savedefault_lines.append(line)
            if current is not None:
                current.end = line.end
        if begin is not None and end is not None:
            self.automagic = (begin, end)
            for entry in self.entries:
                entry.automagic = begin < entry.start < end
        if obegin is not None and oend is not None:
            self.magic_opts = (obegin, oend)

    def text(self):
        return render(self.lines)

    def titles(self):
        return [e.title for e in self.entries]

    def global_line(self, command):
        """The effective (last) global line for ``command``, or None."""
        found = None
        for line in self.globals:
            if line.command == command:
                found = line
        return found

    def default_setting(self):
        """'saved', an int, or None when there is no default line (GRUB then boots 0)."""
        line = self.global_line('default')
        if line is None:
            return None
        value = line.args.split()[0] if line.args.split() else ''
        if value == 'saved':
            return 'saved'
        if is_number(value):
            return int(value)
        raise GrubLegacyError("cannot understand the line %r: GRUB legacy takes 'default NUM' or 'default saved'"
                              % line.text.strip())

    def fallback_setting(self):
        """List of fallback entry numbers (GRUB 0.97 accepts several), [] when none."""
        line = self.global_line('fallback')
        if line is None:
            return []
        values = line.args.split()
        if not values or not all(is_number(v) for v in values):
            raise GrubLegacyError('cannot understand the line %r: fallback takes entry numbers' % line.text.strip())
        return [int(v) for v in values]

    def magic_option(self, key):
        """(physical line index, value) of Debian's '# key=value' magic comment, or None."""
        if self.magic_opts is None:
            return None
        begin, end = self.magic_opts
        prefix = '# %s=' % key
        for idx in range(begin + 1, end):
            body = _strip_eol(self.lines[idx])[0]
            if body.startswith(prefix):
                return idx, body[len(prefix):]
        return None


def parse(text):
    """Parse and sanity-check; raises GrubLegacyError with the titles it found."""
    config = MenuConfig(text)
    if not config.entries:
        raise GrubLegacyError('no "title" entries found: this does not look like a GRUB legacy menu')
    config.default_setting()
    config.fallback_setting()
    return config


def _pretty_titles(config):
    return '; '.join('%d: %s' % (e.index, e.title) for e in config.entries) or '(none)'


def _candidates(entries):
    return '; '.join('%d: %s' % (e.index, e.title) for e in entries)


def _one(entries, spec, what, how, config):
    """The single entry of entries, None when empty; GrubLegacyError listing them when several."""
    if len(entries) > 1:
        raise GrubLegacyError('%s %r is ambiguous: it %s %d entries (%s); give the whole title or the entry number. '
                              'Entries found: %s' % (what, spec, how, len(entries), _candidates(entries),
                                                     _pretty_titles(config)))
    return entries[0] if entries else None


def select_entry(config, spec, what='default'):
    """Resolve 'xen', an index or a title to an Entry.

    In this order: 'xen' (the first Xen entry); an entry number (ASCII digits); a title equal to
    spec; the one title that starts with spec; the one title a Python regular expression spec
    finds. Several titles matching at the same step is an error listing them, never the first.
    An empty spec is an error (a regular expression '' would silently match entry 0).
    """
    spec = str(spec).strip()
    if not spec:
        raise GrubLegacyError('%s is empty: give "xen", an entry number or a title; entries found: %s'
                              % (what, _pretty_titles(config)))
    if spec == 'xen':
        for entry in config.entries:
            if entry.xen:
                return entry
        raise GrubLegacyError(
            'no Xen entry (a "kernel" line loading a xen*.gz / xen image plus "module" lines) in this menu; '
            'entries found: %s' % _pretty_titles(config))
    if is_number(spec):
        index = int(spec)
        if index >= len(config.entries):
            raise GrubLegacyError('%s %d does not exist (entries count from 0); entries found: %s'
                                  % (what, index, _pretty_titles(config)))
        return config.entries[index]
    if spec.isdigit() or spec.lstrip('+-').isdigit():
        raise GrubLegacyError('%s %r is not an entry number: use the ASCII digits 0-9 (at most 9 of them); entries found: %s'
                              % (what, spec, _pretty_titles(config)))
    exact = _one([e for e in config.entries if e.title.strip() == spec], spec, what, 'is the title of', config)
    if exact:
        return exact
    prefix = _one([e for e in config.entries if e.title.startswith(spec)], spec, what, 'starts the titles of', config)
    if prefix:
        return prefix
    try:
        regex = re.compile(spec)
    except re.error as exc:
        raise GrubLegacyError('%s %r is neither "xen", an index, a title nor a valid regular expression (%s); entries found: %s'
                              % (what, spec, exc, _pretty_titles(config)))
    found = _one([e for e in config.entries if regex.search(e.title)], spec, what, 'matches the titles of', config)
    if found:
        return found
    raise GrubLegacyError('no title matches %r; entries found: %s' % (spec, _pretty_titles(config)))


def _replace_value(line, value):
    """Rewrite a one-physical-line 'cmd[sep]old[trailing]' keeping its separator and line ending."""
    body, eol = _strip_eol(line)
    match = _split_command(body)
    return '%s%s%s%s%s%s' % (match.group(1), match.group(2), match.group(3) or ' ', value, match.group(5), eol)


def _replace_logical(config, logical, new_body):
    """Replace all physical lines of ``logical`` by one line, keeping the last line ending."""
    eol = _strip_eol(config.lines[logical.end - 1])[1]
    config.lines[logical.start:logical.end] = [new_body + eol]


def _style_sep(config):
    """'=' if this file writes 'timeout=5' (RHEL), else a blank (Debian/SUSE)."""
    for line in config.globals:
        if line.command in ('timeout', 'default', 'fallback', 'splashimage') and '=' in line.sep:
            return '='
    return ' '


def _insert_global(config, command, value):
    """Insert 'command value' before the first global command (or the first title)."""
    sep = _style_sep(config)
    where = config.globals[0].start if config.globals else config.entries[0].start
    default_line = config.global_line('default')
    if command == 'fallback' and default_line is not None:
        where = default_line.end    # keep 'fallback' next to 'default', as anaconda writes it
    eol = '\r\n' if config.lines and config.lines[0].endswith('\r\n') else '\n'
    config.lines.insert(where, '%s%s%s%s' % (command, sep, value, eol))


def set_global(text, command, value):
    """Return text with the effective ``command`` line set to ``value`` (None removes it)."""
    config = MenuConfig(text)
    line = config.global_line(command)
    if value is None:
        if line is not None:
            del config.lines[line.start:line.end]
        return config.text()
    if line is None:
        _insert_global(config, command, value)
    elif line.end - line.start == 1:
        config.lines[line.start] = _replace_value(config.lines[line.start], value)
    else:
        match = _split_command(line.text)
        _replace_logical(config, line, '%s%s%s%s' % (match.group(1), match.group(2), match.group(3) or ' ', value))
    return config.text()


def block_markers(marker):
    """The BEGIN and END lines around a managed block (Ansible's blockinfile writes the same for '# {mark} <marker>')."""
    return '# BEGIN %s' % marker, '# END %s' % marker


def _block_span(bare, begin, end):
    """(BEGIN index, END index) of the one block in the lines ``bare`` (without line ends), or None where neither marker
    line is there; raises GrubLegacyError for one without the other, either twice, or the END first."""
    starts = [i for i, line in enumerate(bare) if line == begin]
    ends = [i for i, line in enumerate(bare) if line == end]
    if not starts and not ends:
        return None
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise GrubLegacyError('the lines "%s" and "%s" must each be there once, in that order, around the block; '
                              'found BEGIN %d and END %d time(s): mend the menu by hand' % (begin, end, len(starts),
                                                                                            len(ends)))
    return starts[0], ends[0]


def block_of(text, marker):
    """The lines between the marker lines (set_block's), or None where the text has no such block (or a cut one)."""
    bare = [line.rstrip('\r\n') for line in split_lines(text)]
    try:
        span = _block_span(bare, *block_markers(marker))
    except GrubLegacyError:
        return None
    return None if span is None else bare[span[0] + 1:span[1]]


def set_block(text, block, marker):
    """Return text with ``block`` (lines) between the lines '# BEGIN <marker>' and '# END <marker>'.

    Where both are there (the BEGIN before the END) only the lines between them are replaced; where neither is, the
    block and its markers go before the ``### BEGIN AUTOMAGIC KERNELS LIST`` line (Debian's update-grub rewrites only
    what follows it, and entries before it keep their numbers; the last such line, as Ansible's blockinfile took it),
    or at the end of a menu without one. The block is split on newlines only, and its lines end as the menu's first
    line does. Raises GrubLegacyError for an empty block, a marker with a line break, one marker line without the
    other or either of them twice, or the END before the BEGIN: a block someone cut by hand.
    """
    if '\n' in marker or '\r' in marker:
        raise GrubLegacyError('the marker must be one line, got %r' % (marker,))
    block_lines = [line[:-1] if line.endswith('\r') else line for line in block.split('\n')]
    while block_lines and not block_lines[-1]:
        block_lines.pop()
    if not ''.join(block_lines).strip():
        raise GrubLegacyError('the block for "%s" is empty' % marker)
    begin, end = block_markers(marker)
    lines = split_lines(text)
    eol = '\r\n' if lines and lines[0].endswith('\r\n') else '\n'
    bare = [line.rstrip('\r\n') for line in lines]
    wanted = [line + eol for line in [begin] + block_lines + [end]]
    span = _block_span(bare, begin, end)
    if span is not None:
        return render(lines[:span[0]] + wanted + lines[span[1] + 1:])
    where = None
    for i, line in enumerate(bare):
        if line.startswith(AUTOMAGIC_BEGIN):
            where = i
    if where is None:
        if lines and not lines[-1].endswith('\n'):
            lines[-1] += eol
        return render(lines + wanted)
    return render(lines[:where] + wanted + lines[where:])


def _arg_key(token):
    return token.split('=', 1)[0]


def merge_args(current, wanted):
    """Merge ``wanted`` tokens into the blank-separated ``current`` string by key.

    ``key=value`` and bare flags are keyed by what precedes '='.  An existing
    key is replaced where it stands (later duplicates are removed), a new one
    is appended; the spacing of untouched tokens is kept.
    """
    body = current.lstrip()
    lead = current[:len(current) - len(body)]
    stripped = body.rstrip()
    trail = body[len(stripped):]
    body = stripped
    parts = re.split(r'(\s+)', body) if body else []
    words, gaps = parts[0::2], parts[1::2]
    for token in wanted:
        key = _arg_key(token)
        hits = [i for i, word in enumerate(words) if _arg_key(word) == key]
        if hits:
            words[hits[0]] = token
            for i in reversed(hits[1:]):
                del words[i]
                del gaps[i - 1]
        else:
            if words:
                gaps.append(' ')
            words.append(token)
    out = []
    for i, word in enumerate(words):
        out.append(word)
        if i < len(gaps):
            out.append(gaps[i])
    return lead + ''.join(out) + trail


def split_args(value):
    """Accept a string or a list of strings and return single blank-free tokens."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        tokens = []
        for item in value:
            tokens.extend(str(item).split())
        return tokens
    return str(value).split()


def _keys_in(segment):
    return set(_arg_key(word) for word in segment.split())


def set_kernel_args(text, entry_index, tokens):
    """Merge hypervisor arguments into the kernel line of entry ``entry_index``.

    Works per physical line so a continued kernel line keeps its layout: a key
    is replaced on the physical line that holds it, new keys go at the end of
    the last physical line.
    """
    return _set_line_args(text, entry_index, tokens, 'kernel')


def set_dom0_args(text, entry_index, tokens):
    """Merge dom0 kernel arguments (e.g. panic=10) into the first ``module`` line of a Xen entry."""
    return _set_line_args(text, entry_index, tokens, 'module')


def _set_line_args(text, entry_index, tokens, which):
    config = MenuConfig(text)
    entry = config.entries[entry_index]
    line = entry.kernel_line if which == 'kernel' else (entry.module_lines[0] if entry.module_lines else None)
    if line is None or not tokens or image_of(line.args) is None:
        return text
    heads, segments, tails = [], [], []
    for idx in range(line.start, line.end):
        body, eol = _strip_eol(config.lines[idx])
        head = ''
        if idx == line.start:
            match = _split_command(body)
            args = match.group(4)
            image = image_of(args)
            cut = len(body) - len(args) - len(match.group(5)) + args.index(image) + len(image)
            head, body = body[:cut], body[cut:]
        tail = eol
        if idx < line.end - 1:
            body, tail = body[:-1], '\\' + eol   # keep the continuation backslash
        heads.append(head)
        segments.append(body)
        tails.append(tail)
    for token in tokens:
        key = _arg_key(token)
        holders = [i for i, seg in enumerate(segments) if key in _keys_in(seg)]
        for i in holders or [len(segments) - 1]:
            if segments[i].strip():
                segments[i] = merge_args(segments[i], [token])
            else:   # nothing after the image yet: 'kernel /boot/xen.gz'
                segments[i] = ' ' + token + segments[i]
    new_lines = [heads[i] + segments[i] + tails[i] for i in range(len(segments))]
    if new_lines == config.lines[line.start:line.end]:
        return text
    config.lines[line.start:line.end] = new_lines
    return config.text()


def set_entry_savedefault(text, entry_index, trial):
    """The trial's ``savedefault fallback`` in entry ``entry_index``: present (trial) or absent.

    Trial: the entry's ``savedefault`` lines become one ``savedefault fallback``, its first command (an
    existing one is kept where it stands). Otherwise only ``savedefault fallback`` lines are removed;
    a plain ``savedefault`` (save this entry) stays.
    """
    config = MenuConfig(text)
    entry = config.entries[entry_index]
    ours = [line for line in entry.savedefault_lines if line.args.split() == ['fallback']]
    if not trial:
        for line in reversed(ours):
            del config.lines[line.start:line.end]
        return config.text() if ours else text
    if len(entry.savedefault_lines) == 1 and ours:
        return text
    lead, sep = '', ' '
    model = entry.kernel_line or entry.title_line
    match = _split_command(model.text)
    if match:
        lead, sep = match.group(1), match.group(3) or ' '
    for line in reversed(entry.savedefault_lines):
        del config.lines[line.start:line.end]
    where = entry.title_line.end
    body, eol = _strip_eol(config.lines[where - 1])
    if not eol:     # a title on the file's last line without a newline
        eol = '\n'
        config.lines[where - 1] = body + eol
    config.lines.insert(where, '%ssavedefault%sfallback%s' % (lead, sep, eol))
    return config.text()


def trial_state(config, entry):
    """True when the menu is set up for a trial of ``entry``: default saved, a fallback line, savedefault fallback."""
    return bool(config.default_setting() == 'saved' and config.fallback_setting()
                and any(line.args.split() == ['fallback'] for line in entry.savedefault_lines))


def set_magic_option(text, key, tokens):
    """Merge tokens into Debian's '# key=...' magic comment; None if the comment is absent."""
    config = MenuConfig(text)
    found = config.magic_option(key)
    if found is None:
        return None
    idx, value = found
    merged = merge_args(value, tokens)
    if merged == value:
        return text
    eol = _strip_eol(config.lines[idx])[1]
    config.lines[idx] = '# %s=%s%s' % (key, merged, eol)
    return config.text()


def parse_default_file(data):
    """The saved entry number in a GRUB legacy 'default' file as GRUB 0.97 reads it, or None.

    stage2 reads the first 10 bytes, keeps 9 (it NUL-terminates at buf[9]) and runs
    safe_parse_maxint on them: '0x' then hex digits, or decimal digits, up to the first other
    byte; no leading blanks. None when that finds no number (empty, ' 1', 'x'): GRUB then boots
    entry 0, which plan() reports in a note.
    """
    head = data[:9]
    match = re.match(r'0[xX]([0-9a-fA-F]+)', head)
    if match:
        return int(match.group(1), 16)
    match = re.match(r'[0-9]+', head)
    return int(match.group(0)) if match else None


def render_default_file(index):
    """The file exactly as GRUB 0.97's grub-set-default writes it."""
    return '%d\n%s' % (index, DEFAULT_FILE_TAIL)


def _trial_fallback(config, chosen, previous, spec):
    """The entry a failed trial of ``chosen`` comes back to: never a Xen entry.

    In this order: ``spec`` (the entry the host booted before the Xen entry was written); the current
    default; the ``fallback`` of a trial set up before (its default is already the Xen entry); the first
    entry without Xen.
    """
    entries = config.entries
    if spec is not None and str(spec).strip():
        entry = select_entry(config, spec, 'fallback')
        if entry.xen:
            raise GrubLegacyError('the trial boot must come back to an entry without Xen, but fallback %r is %d (%s), '
                                  'a Xen entry; entries found: %s' % (spec, entry.index, entry.title, _pretty_titles(config)))
        return entry
    if previous != chosen.index and previous < len(entries) and not entries[previous].xen:
        return entries[previous]
    if trial_state(config, chosen):
        index = config.fallback_setting()[0]
        if index < len(entries) and not entries[index].xen:
            return entries[index]
    for entry in entries:
        if not entry.xen:
            return entry
    raise GrubLegacyError('a trial boot needs an entry without Xen to come back to, and this menu has none; '
                          'entries found: %s' % _pretty_titles(config))


def plan(text, default='xen', fallback=None, xen_args=None, saved_index=None, mode=None, dom0_args=None,
         default_file_ok=True):
    """Compute every change; pure.

    Returns a dict: ``text`` (new menu text), ``default_file_index`` (int to
    write into the 'default' file, or None), and facts for the module result.
    ``saved_index`` is what the 'default' file currently says (None if absent);
    ``default_file_ok`` is False when that file is missing or shorter than the
    10 bytes stage2's savedefault rewrites.

    ``mode``: None sets the default (and ``fallback``) as asked. ``trial``: the
    chosen Xen entry is booted once - ``default saved``, the 'default' file
    naming it, ``fallback`` naming the entry to come back to (``fallback``
    given, else the current default, else the first entry without Xen) and
    ``savedefault fallback`` in the Xen entry, which writes that entry back
    into the 'default' file as GRUB boots Xen. ``permanent``: the chosen entry
    becomes the default and loses ``savedefault fallback``; a ``fallback``
    line stays. ``dom0_args`` are merged into the Xen entry's first ``module``
    line (dom0's kernel).
    """
    if mode not in (None, 'trial', 'permanent'):
        raise GrubLegacyError('mode must be trial or permanent, not %r' % (mode,))
    config = parse(text)
    setting = config.default_setting()
    warnings = []
    if setting == 'saved':
        previous = saved_index if saved_index is not None else 0
        if saved_index is None:
            warnings.append('the "default" file beside the menu is missing, empty or does not start with a number: '
                            'GRUB 0.97 then boots entry 0 (%s)' % config.entries[0].title)
    else:
        previous = setting if setting is not None else 0
    chosen = select_entry(config, default, 'default')
    tokens = split_args(xen_args)
    dom0_tokens = split_args(dom0_args)
    # A word GRUB legacy or sh would read otherwise (a trailing backslash joins the next menu line onto the kernel line,
    # and the dom0 kernel's module line is lost) must not reach the menu.
    errors = [inputs.hypervisor_option_error(token, owned=False) for token in tokens]
    errors += [inputs.boot_arg_error(token, kernel=True) for token in dom0_tokens]
    errors = [error for error in errors if error]
    if errors:
        raise GrubLegacyError('; '.join(errors))
    if (tokens or mode) and not chosen.xen:
        raise GrubLegacyError('%s the chosen default entry %d (%s) does not boot Xen'
                              % ('xen_args were given but' if tokens else 'a %s Xen default was asked for but' % mode,
                                 chosen.index, chosen.title))
    new_text = text
    default_file_index = None
    fallback_entry = None
    if mode == 'trial':
        fallback_entry = _trial_fallback(config, chosen, previous, fallback)
        if setting != 'saved':
            new_text = set_global(new_text, 'default', 'saved')
        if setting != 'saved' or saved_index != chosen.index or not default_file_ok:
            default_file_index = chosen.index
        if config.fallback_setting() != [fallback_entry.index]:
            new_text = set_global(new_text, 'fallback', str(fallback_entry.index))
        new_text = set_entry_savedefault(new_text, chosen.index, True)
    else:
        if setting == 'saved':
            if saved_index != chosen.index:
                default_file_index = chosen.index
        elif previous != chosen.index:
            new_text = set_global(new_text, 'default', str(chosen.index))
        if mode == 'permanent':
            new_text = set_entry_savedefault(new_text, chosen.index, False)
        if fallback is not None:
            if not str(fallback).strip():
                raise GrubLegacyError('fallback is empty: give "none" to remove the fallback line, "xen", an entry number '
                                      'or a title; entries found: %s' % _pretty_titles(config))
            if str(fallback).strip() == 'none':
                if config.global_line('fallback') is not None:
                    new_text = set_global(new_text, 'fallback', None)
            else:
                fb_entry = select_entry(config, fallback, 'fallback')
                if config.fallback_setting() != [fb_entry.index]:
                    new_text = set_global(new_text, 'fallback', str(fb_entry.index))
    if dom0_tokens and chosen.xen:
        new_text = set_dom0_args(new_text, chosen.index, dom0_tokens)
    if tokens:
        new_text = set_kernel_args(new_text, chosen.index, tokens)
        if chosen.automagic:
            magic = set_magic_option(new_text, 'xenhopt', tokens)
            if magic is None:
                warnings.append('the Xen entry is inside the AUTOMAGIC KERNELS LIST but there is no "# xenhopt=" '
                                'line: the next update-grub will drop xen_args')
            else:
                new_text = magic
    if chosen.automagic:
        upd = config.magic_option('updatedefaultentry')
        if setting != 'saved' and (upd is None or upd[1].strip() != 'true'):
            warnings.append('the default entry is inside the AUTOMAGIC KERNELS LIST and "# updatedefaultentry" is '
                            'not true: update-grub keeps the default NUMBER, which may point to another entry after '
                            'kernels are added or removed')
    return {
        'text': new_text,
        'default_file_index': default_file_index,
        'config': config,
        'chosen': chosen,
        'previous_default': previous,
        'previous_setting': 'saved' if setting == 'saved' else (None if setting is None else str(setting)),
        'warnings': warnings,
        'mode': mode,
        'fallback_entry': fallback_entry,
    }
